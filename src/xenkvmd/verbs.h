/*
 * The control requests xenkvmd answers (xl's side of the protocol is
 * src/common/ctl-proto.h). Each verb is one function of this shape, defined in
 * the module that owns what it touches and listed once in verbs.c's table;
 * this header is the whole list, so no module declares its own verbs.
 */
#ifndef XENKVM_XENKVMD_VERBS_H
#define XENKVM_XENKVMD_VERBS_H

#include "src/xenkvmd/dom0.h"

typedef void verb_fn(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep);

/* Domains (dom0-handlers.c). */
verb_fn verb_list, verb_create, verb_destroy, verb_pause, verb_unpause, verb_rename,
	verb_config, verb_sysrq, verb_shutdown, verb_reboot;
/* The host and the daemon (dom0-handlers.c). */
verb_fn verb_info, verb_dmesg;
/* Memory (dom0-memory.c). */
verb_fn verb_mem_set, verb_mem_max;
/* vCPUs (dom0-vcpus.c). */
verb_fn verb_vcpu_set, verb_vcpu_pin, verb_vcpu_list;
/* xl top (dom0-top.c). */
verb_fn verb_top;
/* Weight and cap (dom0-sched.c). */
verb_fn verb_sched_credit;
/* Core dumps (dom0-dumpcore.c). */
verb_fn verb_dump_core;
/* Devices (dom0-devices.c). */
verb_fn verb_block_attach, verb_block_detach, verb_block_list,
	verb_network_attach, verb_network_detach, verb_network_list;
/* Secondary consoles: rows "devid state evtch ring-ref name connection path-or-tty"
 * (dom0-console.c). */
verb_fn verb_channel_list;

#endif
