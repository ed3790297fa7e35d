/*
 * xl disk specifications (xl-disk-configuration(5)): positional
 * target,format,vdev,access; key=value parameters and flags; `target=` last;
 * and the deprecated `[prefix:]target,vdev[:devtype],access` form.
 */
#ifndef XENKVM_DISK_SPEC_H
#define XENKVM_DISK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct disk_spec {
	char target[512];	/* empty only for an empty cdrom */
	char format[8];		/* raw, qcow, qcow2, vhd, qed */
	char vdev[32];
	uint32_t devnum;	/* the vbd number written to xenstore */
	bool readonly;
	bool cdrom;
	char backend[64];
	char backendtype[16];
	char script[256];
	char specification[8];
	bool direct_io_safe;
	bool discard;
	bool trusted;
	int grant_usage;	/* virtio only: 0, 1, or -1 for the default */
};

/* 0, or -1 with a message in err. A relative target is kept as written. */
int disk_spec_parse(const char *spec, struct disk_spec *d, char *err, size_t errlen);
/*
 * Makes a relative target absolute as xl would see it from cwd: the file
 * there, or else the device under /dev if only that exists (a script's
 * target is left alone). 0, or -1 when the path would be too long.
 */
int disk_spec_resolve(struct disk_spec *d, const char *cwd);
/* d as a spec that disk_spec_parse reads back the same (target last); 0 or -1 if too long. */
int disk_spec_format(const struct disk_spec *d, char *out, size_t size);
/* xvda, xvdb2, sdb3, hdc2, d536p37 or a plain number -> vbd number; -1 if invalid. */
int64_t vdev_to_devnum(const char *vdev);

#endif
