/* xl: the command-line toolstack. One file per group of verbs. */
#ifndef XENKVM_XL_H
#define XENKVM_XL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/common/ctl-proto.h"
#include "src/xlcfg/dom-spec.h"

/* Send a request built from the strings (NULL-terminated); returns 0 on "ok". */
int xl_call(struct ctl_msg *rep, const char *verb, ...) __attribute__((sentinel));
int xl_call_msg(const struct ctl_msg *req, struct ctl_msg *rep);
/* Print an "error" reply as xl does and return 1 (the exit status). */
int xl_report(const struct ctl_msg *rep, const char *what);

/* The fields of xenkvmd's "list" records, in order (see dom0-handlers.c). */
enum { F_DOMID, F_NAME, F_UUID, F_MEM, F_VCPUS, F_STATE, F_CPU, F_UP, F_REASON,
       F_CONSOLE, F_MAXVCPUS, F_VCPUS_UP, F_COUNT };

/* Split a tab-separated record into at most max fields (modifies it). */
unsigned xl_split(char *rec, char **f, unsigned max);

int xl_cmd_create(int argc, char **argv);
int xl_cmd_list(int argc, char **argv);
int xl_cmd_domid(int argc, char **argv);
int xl_cmd_domname(int argc, char **argv);
int xl_cmd_uptime(int argc, char **argv);
int xl_cmd_vcpu_list(int argc, char **argv);
int xl_cmd_destroy(int argc, char **argv);
int xl_cmd_pause(int argc, char **argv);
int xl_cmd_unpause(int argc, char **argv);
int xl_cmd_rename(int argc, char **argv);
int xl_cmd_sysrq(int argc, char **argv);
int xl_cmd_shutdown(int argc, char **argv);
int xl_cmd_reboot(int argc, char **argv);
int xl_cmd_info(int argc, char **argv);
int xl_cmd_dmesg(int argc, char **argv);
int xl_cmd_channel_list(int argc, char **argv);
/* The pty of a domain's console n (a channel= with connection=pty); 0, or 1 after saying why. */
int xl_console_tty(const char *domain, unsigned n, char *tty, size_t size);
int xl_cmd_console(int argc, char **argv);
int xl_cmd_block_attach(int argc, char **argv);
int xl_cmd_block_detach(int argc, char **argv);
int xl_cmd_block_list(int argc, char **argv);
int xl_cmd_network_attach(int argc, char **argv);
int xl_cmd_network_detach(int argc, char **argv);
int xl_cmd_network_list(int argc, char **argv);
int xl_cmd_mem_set(int argc, char **argv);
int xl_cmd_mem_max(int argc, char **argv);
int xl_cmd_vcpu_set(int argc, char **argv);
int xl_cmd_vcpu_pin(int argc, char **argv);
int xl_cmd_top(int argc, char **argv);
int xl_cmd_vm_list(int argc, char **argv);
int xl_cmd_sched_credit(int argc, char **argv);
int xl_cmd_sched_credit2(int argc, char **argv);
int xl_cmd_dump_core(int argc, char **argv);
int xl_cmd_debug_keys(int argc, char **argv);
int xl_cmd_set_parameters(int argc, char **argv);
int xl_cmd_cpupool_list(int argc, char **argv);
/* The other cpupool-* verbs (argv[0]): pools do not apply here. */
int xl_cmd_cpupool_unsupported(int argc, char **argv);

/* xl sched-credit[2]'s options (xl-sched.c); strings as given, NULL if absent. */
struct xl_sched_opts {
	const char *dom, *weight, *cap, *pool;
	bool schedparam;	/* -s */
	bool help;
};
/* 0, or the exit status (1 as Xen's xl refuses, 2 usage) with a message in err. */
int xl_sched_parse(int argc, char **argv, bool credit2, struct xl_sched_opts *o, char *err,
		   size_t errlen);

/* xl's memory sizes: a number, MiB unless suffixed b, k, m, g or t; KiB or -1. */
int64_t xl_parse_mem_kb(const char *s);

/*
 * Overrides that carry spec's relative paths (kernel, ramdisk, disk
 * targets) resolved against xl's directory; 0, or -1 with a message.
 */
int xl_path_overrides(const struct dom_spec *spec, struct ctl_msg *extra);
/* A disk spec with a relative target resolved the same way (malloc'd; NULL if out of memory). */
char *xl_disk_spec_here(const char *spec);

/* Attach to a console log until Ctrl-] (used by create -c too). */
int xl_console_attach(const char *log_path, const char *domain);

#endif
