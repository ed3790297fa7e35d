/* xenkvmd: the block-* and network-* control verbs, one table per kind. */
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/disk-spec.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/verbs.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-vif.h"
#include "src/xlcfg/vif-spec.h"

/* The device verbs: block-* for vbds, network-* for vifs. */
struct dev_kind {
	const char *spec_name;		/* "disk", "vif" */
	int (*attach)(struct dom0 *z, struct domain *d, const char *spec, char *err,
		      size_t errlen);
	int (*detach)(struct dom0 *z, struct domain *d, const char *which, bool force,
		      char *err, size_t errlen);
	void (*list)(struct dom0 *z, struct domain *d, struct ctl_msg *rep);
};

static int attach_disk(struct dom0 *z, struct domain *d, const char *spec, char *err,
		       size_t errlen)
{
	struct disk_spec ds;
	char why[400];

	if (disk_spec_parse(spec, &ds, why, sizeof(why))) {
		snprintf(err, errlen, "disk spec '%s': %s", spec, why);
		return -1;
	}
	return dom0_vbd_attach(z, d, &ds, err, errlen);
}

static int attach_vif(struct dom0 *z, struct domain *d, const char *spec, char *err,
		      size_t errlen)
{
	struct vif_spec vs;
	char why[400];

	if (vif_spec_parse(spec, &vs, why, sizeof(why))) {
		snprintf(err, errlen, "vif spec '%s': %s", spec, why);
		return -1;
	}
	return dom0_vif_attach(z, d, &vs, err, errlen);
}

static const struct dev_kind disks = { "disk", attach_disk, dom0_vbd_detach, dom0_vbd_list };
static const struct dev_kind vifs = { "vif", attach_vif, dom0_vif_detach, dom0_vif_list };

/* <kind>-attach <domain> <spec> */
static void do_dev_attach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep,
			  const struct dev_kind *k)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	char err[800];

	if (!d)
		return;
	if (!ctl_arg(req, 2)) {
		ctl_reply_error(rep, "EINVAL", "%s needs a %s specification", ctl_arg(req, 0),
				k->spec_name);
		return;
	}
	if (d->state != DOM_RUNNING && d->state != DOM_PAUSED) {
		ctl_reply_error(rep, "EINVAL", "domain %u is not running", d->domid);
		return;
	}
	if (k->attach(z, d, ctl_arg(req, 2), err, sizeof(err)))
		ctl_reply_error(rep, "EINVAL", "%s", err);
	else
		ctl_reply_ok(rep);
}

/* <kind>-detach <domain> <device> [force] */
static void do_dev_detach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep,
			  const struct dev_kind *k)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	const char *force = ctl_arg(req, 3);
	char err[256];

	if (!d)
		return;
	if (!ctl_arg(req, 2)) {
		ctl_reply_error(rep, "EINVAL", "%s needs a device", ctl_arg(req, 0));
		return;
	}
	if (k->detach(z, d, ctl_arg(req, 2), force && !strcmp(force, "force"), err, sizeof(err)))
		ctl_reply_error(rep, "ENOENT", "%s", err);
	else
		ctl_reply_ok(rep);
}

static void do_dev_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep,
			const struct dev_kind *k)
{
	struct domain *d = dom0_want_domain(z, req, rep);

	if (!d)
		return;
	ctl_reply_ok(rep);
	k->list(z, d, rep);
}

void verb_block_attach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_attach(z, req, rep, &disks);
}

void verb_block_detach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_detach(z, req, rep, &disks);
}

void verb_block_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_list(z, req, rep, &disks);
}

void verb_network_attach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_attach(z, req, rep, &vifs);
}

void verb_network_detach(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_detach(z, req, rep, &vifs);
}

void verb_network_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	do_dev_list(z, req, rep, &vifs);
}
