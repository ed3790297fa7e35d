/*
 * bootloader = "pygrub" in xenkvmd: before a domain's VMM starts (each
 * time: a reboot picks up a new kernel, as on Xen), its kernel and ramdisk
 * are copied out of its first disk, as its GRUB menu names them, into
 * RUNDIR/boot/<domid>/, and its command line is the entry's arguments with
 * the config's extra after them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/xenkvmd/bootloader.h"
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/dom0.h"

static void boot_dir(const struct dom0 *z, const struct domain *d, char *out, size_t size)
{
	dom0_path(z, out, size, "boot/%u", d->domid);
}

/* "a b" (or either alone) into out; -1 if it does not fit. */
static int join_args(char *out, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), sep = la && lb;

	if (la + sep + lb >= size)
		return -1;
	memcpy(out, a, la);
	out[la] = ' ';
	memcpy(out + la + sep, b, lb + 1);
	return 0;
}

int dom0_bootload(struct dom0 *z, const struct domain *d, struct dom_spec *s, char *err,
		  size_t errlen)
{
	char dir[256], top[256], why[400];
	struct boot_entry e;

	dom0_path(z, top, sizeof(top), "boot");
	boot_dir(z, d, dir, sizeof(dir));
	if ((mkdir(top, 0700) && errno != EEXIST) || (mkdir(dir, 0700) && errno != EEXIST)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (boot_from_disk(s->disks[0].target, s->boot_entry[0] ? s->boot_entry : NULL, dir, &e,
			   why, sizeof(why))) {
		snprintf(err, errlen, "bootloader: %s", why);
		return -1;
	}
	snprintf(s->kernel, sizeof(s->kernel), "%s", e.kernel);
	snprintf(s->ramdisk, sizeof(s->ramdisk), "%s", e.ramdisk);
	if (join_args(s->cmdline, sizeof(s->cmdline), e.args, s->boot_extra)) {
		snprintf(err, errlen, "bootloader: the entry's arguments and extra are over %zu "
			 "bytes", sizeof(s->cmdline) - 1);
		return -1;
	}
	dom0_log("domain %u: bootloader picked \"%s\" (%s)", d->domid, e.title, s->cmdline);
	return 0;
}

void dom0_bootload_gone(struct dom0 *z, const struct domain *d)
{
	char dir[256], path[300];

	boot_dir(z, d, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/kernel", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ramdisk", dir);
	unlink(path);
	rmdir(dir);
}
