/* xenkvmd's state and the pieces of the daemon that act on it. */
#ifndef XENKVM_DOM0_H
#define XENKVM_DOM0_H

#include <stdbool.h>
#include <stdio.h>
#include "src/common/ctl-proto.h"
#include "src/xenkvmd/domains.h"
#include "src/xenkvmd/log.h"

struct xsd;
struct vbd;
struct vif;
struct xb_dev;
struct dom0_idc;

struct dom0 {
	char rundir[200];
	char vmm_path[256];
	struct domains doms;
	int listen_fd;
	int sig_fd;
	bool quit;
	struct xsd *xs;		/* the embedded xenstored */
	struct backend_dev *devs;	/* every backend's devices (backend.c) */
	struct dom0_idc *idc;	/* channels and grant claims between DomUs (dom0-idc.c) */
	/* The request being handled: its client, and whether its handler took
	 * the answer over (xl create answers once the domain is built). */
	int client_fd;
	bool reply_deferred;
	long dmesg_mark;	/* xl dmesg shows the log from here (xl dmesg -c) */
};

/* CPU seconds a process used (a VMM: its vCPU threads too), from /proc; 0 if gone. */
double dom0_cpu_seconds(pid_t pid);

/* Execute one control request and fill the reply. */
void dom0_handle(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep);
/* Reply helpers. */
void ctl_reply_error(struct ctl_msg *rep, const char *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctl_reply_ok(struct ctl_msg *rep);
/* The domain a request names in field 1, or NULL with the error replied. */
struct domain *dom0_want_domain(struct dom0 *z, const struct ctl_msg *req,
				struct ctl_msg *rep);
/* A size in KiB or a count, as xl sends them: decimal digits only; 0 or -1. */
int dom0_parse_number(const char *s, uint64_t *v);
struct dom_spec;
/* Each vCPU's affinity from cpus=, checked against the host; 0, or -1 (err) and all CPUs. */
int dom0_spec_affinity(const struct dom_spec *s, struct cpumap out[DOM_MAX_VCPUS], char *err,
		       size_t errlen);
/* The VMM says which thread runs vCPU vcpu: it gets the vCPU's affinity. */
void dom0_vcpu_thread(struct domain *d, uint32_t vcpu, uint64_t tid);

/* Domain lifecycle (dom0-lifecycle.c). */
int dom0_create(struct dom0 *z, const char *cfg_name, const char *cfg_text,
		const struct ctl_msg *req, unsigned first_override, bool paused,
		struct ctl_msg *rep);
int dom0_destroy(struct dom0 *z, struct domain *d);
/*
 * A create waiting for d's VMM gets its answer: ok (err NULL: the VMM said
 * hello, or is slow) or err (it stopped, its hello was unusable, d went).
 */
void dom0_answer_create(struct domain *d, const char *err);
/* Creates whose VMM is slow to say hello are answered after a while anyway. */
void dom0_create_timeouts(struct dom0 *z);
/* Writes a whole reply to a control client; 0 or -1. */
int dom0_send_reply(int fd, const struct ctl_msg *rep);
/* A VMM process ended: record why and apply the domain's on_* action. */
void dom0_vmm_exited(struct dom0 *z, struct domain *d, int wstatus);

/*
 * bootloader = "pygrub" (dom0-boot.c): s's kernel, ramdisk and cmdline from
 * the guest's own boot menu; 0, or -1 with err. _gone removes the copies.
 */
int dom0_bootload(struct dom0 *z, const struct domain *d, struct dom_spec *s, char *err,
		  size_t errlen);
void dom0_bootload_gone(struct dom0 *z, const struct domain *d);

/* VMM links (dom0-link.c). */
void dom0_link_readable(struct dom0 *z, struct domain *d);
void dom0_link_close(struct domain *d);
void dom0_link_unmap(struct domain *d);
/* One message (link-proto.h) to a VMM, with an fd passed along when >= 0. */
int dom0_link_send(int link_fd, uint32_t type, uint32_t port, uint32_t cookie, int pass_fd);
struct link_msg;
/* Any message, with nfds descriptors (at most LINK_MAX_FDS). */
int dom0_link_sendmsg(int link_fd, const struct link_msg *m, const int *fds, unsigned nfds);

/* Paths under the run directory. */
void dom0_path(const struct dom0 *z, char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
