/* Which function answers which control request. */
#include <string.h>
#include "src/xenkvmd/verbs.h"

static void verb_hello(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *theirs = ctl_arg(req, 1);

	(void)z;
	if (!theirs || strcmp(theirs, CTL_VERSION)) {
		ctl_reply_error(rep, "EPROTO", "xenkvmd speaks protocol %s, client %s",
				CTL_VERSION, theirs ? theirs : "?");
		return;
	}
	ctl_reply_ok(rep);
	ctl_msg_addf(rep, CTL_VERSION);
}

static const struct {
	const char *name;
	verb_fn *fn;
} verbs[] = {
	{ "hello", verb_hello },
	{ "list", verb_list },
	{ "create", verb_create },
	{ "destroy", verb_destroy },
	{ "pause", verb_pause },
	{ "unpause", verb_unpause },
	{ "rename", verb_rename },
	{ "config", verb_config },
	{ "sysrq", verb_sysrq },
	{ "shutdown", verb_shutdown },
	{ "reboot", verb_reboot },
	{ "info", verb_info },
	{ "dmesg", verb_dmesg },
	{ "mem-set", verb_mem_set },
	{ "mem-max", verb_mem_max },
	{ "vcpu-set", verb_vcpu_set },
	{ "vcpu-pin", verb_vcpu_pin },
	{ "vcpu-list", verb_vcpu_list },
	{ "top", verb_top },
	{ "sched-credit", verb_sched_credit },
	{ "dump-core", verb_dump_core },
	{ "block-attach", verb_block_attach },
	{ "block-detach", verb_block_detach },
	{ "block-list", verb_block_list },
	{ "network-attach", verb_network_attach },
	{ "network-detach", verb_network_detach },
	{ "network-list", verb_network_list },
	{ "channel-list", verb_channel_list },
};

void dom0_handle(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *verb = ctl_arg(req, 0);

	if (!verb) {
		ctl_reply_error(rep, "EINVAL", "empty request");
		return;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!strcmp(verb, verbs[i].name)) {
			verbs[i].fn(z, req, rep);
			return;
		}
	}
	ctl_reply_error(rep, "ENOSYS", "unknown request '%s'", verb);
}
