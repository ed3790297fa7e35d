/* xenkvmd's domain registry: ids, names, uuids, states and lifecycle actions. */
#ifndef XENKVM_DOMAINS_H
#define XENKVM_DOMAINS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "src/common/dom-names.h"
#include "src/xlcfg/cpumap.h"

#define DOM_MAX_DOMID 0x7fefu	/* DOMID_FIRST_RESERVED - 1 */

enum dom_state {
	DOM_RUNNING,
	DOM_PAUSED,
	DOM_SHUTDOWN,	/* stopped by the guest; reason in shutdown_reason */
	DOM_CRASHED,
	DOM_DYING,
};

/* Xen's SHUTDOWN_* reasons as the VMM reports them. */
enum dom_shutdown {
	DOM_SHUTDOWN_POWEROFF = 0,
	DOM_SHUTDOWN_REBOOT = 1,
	DOM_SHUTDOWN_SUSPEND = 2,
	DOM_SHUTDOWN_CRASH = 3,
	DOM_SHUTDOWN_WATCHDOG = 4,
};

struct dom_spec;
struct dom0_pins;

struct domain {
	uint32_t domid;
	char name[DOM_NAME_MAX];
	uint8_t uuid[16];
	enum dom_state state;
	int shutdown_reason;		/* -1 while running */
	bool ring_stall_logged;		/* dom0-server.c: said once that an event was lost */
	pid_t vmm_pid;			/* 0 once reaped */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at creation */
	unsigned memory_mb;		/* RAM it was built with */
	uint64_t max_kb, target_kb;	/* xl mem-max and mem-set (memory/static-max, target) */
	uint64_t held_pages;		/* frames its VMM says it holds; 0: not told yet */
	unsigned vcpus;			/* to be online (xl vcpu-set; cpu/N/availability) */
	unsigned maxvcpus;		/* its VMM's vCPUs */
	uint64_t vcpus_up;		/* the VMM's online mask; 0: not told yet */
	pid_t vcpu_tid[DOM_MAX_VCPUS];	/* each vCPU's thread in its VMM; 0: not told yet */
	struct cpumap affinity[DOM_MAX_VCPUS];	/* host CPUs each may run on (dom0-vcpus.c) */
	/* xl sched-credit (dom0-sched.c): its VMM's share of the host CPUs. */
	unsigned sched_weight;		/* Xen's 1-65535; 0: never set (Xen's default, 256) */
	unsigned sched_cap;		/* percent of one host CPU; 0: no cap */
	char sched_cgroup[256];		/* the cgroup its VMM was put in; "": none */
	enum dom_action on_poweroff, on_reboot, on_crash, on_watchdog;
	struct dom_spec *spec;		/* what it was created from, to restart */
	char console_log[256];
	int link_fd;			/* to its VMM, -1 when none */
	void *ram;			/* its RAM, once the VMM said hello */
	uint64_t ram_size;
	int ram_fd;			/* the RAM memfd, for mapping granted rings */
	void *xen_pages;		/* its Xen pages (shared_info, grant frames) */
	uint64_t xen_pages_size;
	uint32_t store_port;
	struct dom0_pins *pins;		/* dom0-grant.c: its grants in use, counted */
	/* xl create's answer, sent once the VMM says hello (dom0-lifecycle.c). */
	int create_reply_fd;		/* -1: none waiting */
	char *create_cfg;		/* the config's name, for the answer */
	uint64_t create_deadline_ns;	/* CLOCK_MONOTONIC: answer by then anyway */
	struct domain *next;
};

struct domains {
	struct domain *head;
	uint32_t next_domid;
};

void domains_init(struct domains *ds);
/* CLOCK_MONOTONIC in ns: start_ns and the deadlines kept with domains. */
uint64_t dom_now_ns(void);
/* New entry with a fresh domid; the name must be unique (else NULL, errno EEXIST). */
struct domain *domains_add(struct domains *ds, const char *name);
void domains_remove(struct domains *ds, struct domain *d);
void domains_clear(struct domains *ds);
struct domain *domains_by_id(struct domains *ds, uint32_t domid);
struct domain *domains_by_name(struct domains *ds, const char *name);
struct domain *domains_by_pid(struct domains *ds, pid_t pid);
struct domain *domains_by_uuid(struct domains *ds, const uint8_t uuid[16]);
/* 0, or -1 with errno EINVAL (bad name) or EEXIST (another domain has it). */
int domains_rename(struct domains *ds, struct domain *d, const char *name);
/* A domid or a name, as xl accepts. */
struct domain *domains_lookup(struct domains *ds, const char *id_or_name);

/* vCPUs online now (xl list's VCPUs): as its VMM last said, else as configured. */
unsigned dom_vcpus_online(const struct domain *d);
/* The memory it holds now, in KiB (xl list's Mem). */
uint64_t dom_current_kb(const struct domain *d);
const char *dom_state_name(enum dom_state s);
/* xl list's six-letter state column, e.g. "r-----". */
void dom_state_flags(const struct domain *d, char out[7]);

#endif
