/*
 * xenkvmd: a running domain's memory (xl mem-set, mem-max). As libxl does,
 * the target goes to the guest's balloon driver through memory/target and
 * the maximum is kept in memory/static-max; the VMM gets the cap Xen's
 * max_pages is (the target or maximum plus libxl's 1 MiB of slack), past
 * which it gives no frames back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/verbs.h"
#include "src/common/link-proto.h"
#include "src/xenkvmd/dom0-xenstore.h"

#define SLACK_KB 1024

int dom0_parse_number(const char *s, uint64_t *kb)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > (1ull << 40))
		return -1;
	*kb = v;
	return 0;
}

static int send_cap(struct domain *d, uint64_t kb)
{
	struct link_msg m = { .type = LINK_MAX_PAGES, .arg = (kb + SLACK_KB) / 4 };

	return dom0_link_sendmsg(d->link_fd, &m, NULL, 0);
}

static int write_kb(struct dom0 *z, const struct domain *d, const char *node, uint64_t kb)
{
	char base[64];

	snprintf(base, sizeof(base), "/local/domain/%u/memory", d->domid);
	return dom0_xs_put(z, base, node, "%llu", (unsigned long long)kb);
}

/* The domain named in field 1 with its VMM up, and the size in field 2. */
static struct domain *want_running(struct dom0 *z, const struct ctl_msg *req,
				   struct ctl_msg *rep, uint64_t *kb)
{
	struct domain *d = dom0_want_domain(z, req, rep);

	if (!d)
		return NULL;
	if (dom0_parse_number(ctl_arg(req, 2), kb)) {
		ctl_reply_error(rep, "EINVAL", "invalid memory size: %s",
				ctl_arg(req, 2) ? ctl_arg(req, 2) : "(none)");
		return NULL;
	}
	if (d->link_fd < 0 || !d->ram) {
		ctl_reply_error(rep, "EINVAL", "domain %u (%s) is not running", d->domid, d->name);
		return NULL;
	}
	return d;
}

static void tell_vmm_and_store(struct dom0 *z, struct domain *d, struct ctl_msg *rep,
			       uint64_t cap_kb, const char *node, uint64_t kb)
{
	if (send_cap(d, cap_kb) < 0) {
		ctl_reply_error(rep, "EIO", "domain %u: its VMM cannot be told: %s", d->domid,
				strerror(errno));
		return;
	}
	if (write_kb(z, d, node, kb)) {
		ctl_reply_error(rep, "EIO", "domain %u: cannot write memory/%s", d->domid, node);
		return;
	}
	dom0_log("domain %u: memory %s %llu KiB", d->domid, node, (unsigned long long)kb);
	ctl_reply_ok(rep);
}

void verb_mem_set(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	uint64_t kb;
	struct domain *d = want_running(z, req, rep, &kb);

	if (!d)
		return;
	if (kb > d->max_kb) {
		ctl_reply_error(rep, "EINVAL", "target %llu KiB is above the maximum of domain %u "
				"(%llu KiB); raise it first with xl mem-max",
				(unsigned long long)kb, d->domid, (unsigned long long)d->max_kb);
		return;
	}
	if (kb > d->ram_size / 1024) {
		ctl_reply_error(rep, "EOPNOTSUPP", "domain %u can have at most %llu KiB (its "
				"maxmem when created); xenkvm cannot give it more", d->domid,
				(unsigned long long)d->ram_size / 1024);
		return;
	}
	d->target_kb = kb;
	tell_vmm_and_store(z, d, rep, kb, "target", kb);
}

void verb_mem_max(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	uint64_t kb;
	struct domain *d = want_running(z, req, rep, &kb);

	if (!d)
		return;
	if (kb < d->target_kb) {
		ctl_reply_error(rep, "EINVAL", "maximum %llu KiB is below the target of domain %u "
				"(%llu KiB); lower that first with xl mem-set",
				(unsigned long long)kb, d->domid, (unsigned long long)d->target_kb);
		return;
	}
	d->max_kb = kb;
	tell_vmm_and_store(z, d, rep, kb, "static-max", kb);
}
