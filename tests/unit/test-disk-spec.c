#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "src/xlcfg/disk-spec.h"

static struct disk_spec parse_ok(const char *s)
{
	struct disk_spec d;
	char err[256];

	cr_assert_eq(disk_spec_parse(s, &d, err, sizeof(err)), 0, "'%s': %s", s, err);
	return d;
}

static void same(const struct disk_spec *a, const struct disk_spec *b, const char *what)
{
	cr_assert_str_eq(a->target, b->target, "%s: target", what);
	cr_assert_str_eq(a->format, b->format, "%s: format", what);
	cr_assert_str_eq(a->vdev, b->vdev, "%s: vdev", what);
	cr_assert_eq(a->readonly, b->readonly, "%s: access", what);
	cr_assert_eq(a->cdrom, b->cdrom, "%s: cdrom", what);
}

/* The equivalences xl-disk-configuration(5) lists. */
Test(disk_spec, documented_equivalent_forms)
{
	static const char *const disk[] = {
		"/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume,raw,hda,rw",
		"format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
		"raw:/dev/vg/guest-volume,hda,w",
	};
	static const char *const cdrom[] = {
		"/root/image.iso,,hdc,cdrom", "/root/image.iso,,hdc,,cdrom",
		"/root/image.iso,raw,hdc,devtype=cdrom",
		"format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
		"raw:/root/image.iso,hdc:cdrom,ro",
	};
	struct disk_spec first = parse_ok(disk[0]), d;

	cr_assert_str_eq(first.target, "/dev/vg/guest-volume");
	cr_assert_not(first.readonly);
	for (size_t i = 1; i < sizeof(disk) / sizeof(disk[0]); i++) {
		d = parse_ok(disk[i]);
		same(&first, &d, disk[i]);
	}
	first = parse_ok(cdrom[0]);
	cr_assert(first.cdrom && first.readonly);
	for (size_t i = 1; i < sizeof(cdrom) / sizeof(cdrom[0]); i++) {
		d = parse_ok(cdrom[i]);
		same(&first, &d, cdrom[i]);
	}
}

Test(disk_spec, legacy_prefixes_targets_and_empty_cdrom)
{
	struct disk_spec d = parse_ok("phy:/dev/vg/web,xvda,w");

	cr_assert_str_eq(d.target, "/dev/vg/web");
	cr_assert_str_eq(d.vdev, "xvda");
	d = parse_ok("tap:aio:/srv/img.raw,xvdb,r");
	cr_assert_str_eq(d.target, "/srv/img.raw");
	cr_assert(d.readonly);
	d = parse_ok(",hdc:cdrom,r");
	cr_assert(d.cdrom);
	cr_assert_str_eq(d.target, "");
	d = parse_ok("vg/lv,raw,xvdc");
	cr_assert_str_eq(d.target, "vg/lv", "a relative target is resolved by xl, not here");
	d = parse_ok("vdev=xvdd, no-discard, untrusted, direct-io-safe, target=/a,b=c,d");
	cr_assert_str_eq(d.target, "/a,b=c,d", "target= takes the rest, commas and all");
	cr_assert(!d.discard && !d.trusted && d.direct_io_safe);
	d = parse_ok("iscsi:iqn.2001-05.com.example:disk,xvde,w");
	cr_assert_str_eq(d.script, "block-iscsi");
}

Test(disk_spec, vdev_numbers_per_the_vbd_interface)
{
	cr_assert_eq(vdev_to_devnum("xvda"), 202 << 8);
	cr_assert_eq(vdev_to_devnum("d0p0"), 202 << 8);
	cr_assert_eq(vdev_to_devnum("xvdb2"), (202 << 8) | (1 << 4) | 2);
	cr_assert_eq(vdev_to_devnum("d1p2"), (202 << 8) | (1 << 4) | 2);
	cr_assert_eq(vdev_to_devnum("xvdq"), (1 << 28) | (16 << 8));
	cr_assert_eq(vdev_to_devnum("d536p37"), (1 << 28) | (536 << 8) | 37);
	cr_assert_eq(vdev_to_devnum("xvdtq37"), (1 << 28) | (536 << 8) | 37);
	cr_assert_eq(vdev_to_devnum("sdb3"), (8 << 8) | (1 << 4) | 3);
	cr_assert_eq(vdev_to_devnum("hdc2"), (22 << 8) | 2);
	cr_assert_eq(vdev_to_devnum("hdb"), (3 << 8) | (1 << 6));
	cr_assert_eq(vdev_to_devnum("0x1234"), 0x1234);
	cr_assert_eq(vdev_to_devnum("hde"), -1);
	cr_assert_eq(vdev_to_devnum("sdq"), -1);
	cr_assert_eq(vdev_to_devnum("xvda300"), -1);
	cr_assert_eq(vdev_to_devnum("vda"), -1);
	cr_assert_eq(vdev_to_devnum("d1p"), (202 << 8) | (1 << 4));
}

Test(disk_spec, errors_are_clear)
{
	static const struct { const char *spec, *msg; } bad[] = {
		{ "/img,raw", "disk specification has no vdev" },
		{ "/img,raw,xvda,rw,extra", "too many positional disk parameters at 'extra'" },
		{ "/img,raw,vda", "invalid vdev 'vda'" },
		{ "/img,zip,xvda", "unknown disk format 'zip' (raw, qcow, qcow2, vhd, qed)" },
		{ "/img,,xvda,rx", "disk access must be ro, r, rw or w, not 'rx'" },
		{ "/img,,xvda,vdev=xvdb", "disk parameter 'vdev' given twice" },
		{ "/img,,xvda,colour=blue", "unknown disk parameter 'colour'" },
		{ ",,xvda", "disk xvda has no target" },
		{ "/img,,xvda,backendtype=nvme", "backendtype must be phy, qdisk, standalone or tap, not 'nvme'" },
	};
	struct disk_spec d;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(disk_spec_parse(bad[i].spec, &d, err, sizeof(err)), -1, "%s", bad[i].spec);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

Test(disk_spec, keyed_options_and_virtio)
{
	struct disk_spec d = parse_ok("/img,qcow2,xvdb,ro,backendtype=qdisk,script=block-drbd,"
				      "backend=stor0");

	cr_assert_str_eq(d.format, "qcow2");
	cr_assert(d.readonly);
	cr_assert_str_eq(d.backendtype, "qdisk");
	cr_assert_str_eq(d.script, "block-drbd");
	cr_assert_str_eq(d.backend, "stor0");
	cr_assert_str_eq(d.specification, "xen");
	cr_assert_eq(d.grant_usage, -1);
	cr_assert(d.discard && d.trusted && !d.direct_io_safe, "documented defaults");
	d = parse_ok("/img,raw,xvdc,specification=virtio,grant_usage=1");
	cr_assert_str_eq(d.specification, "virtio");
	cr_assert_eq(d.grant_usage, 1);
	d = parse_ok("vdev=hdc, cdrom");
	cr_assert(d.cdrom && d.readonly, "an empty cdrom drive, read-only by default");
	d = parse_ok("/x.iso,,hdc,rw,devtype=cdrom");
	cr_assert(!d.readonly, "an explicit access wins over the cdrom default");
	cr_assert_eq(parse_ok("/img,,0x1234").devnum, 0x1234);
	cr_assert_eq(parse_ok("/img,,51728").devnum, 51728);
}

Test(disk_spec, more_errors)
{
	static const struct { const char *spec, *msg; } bad[] = {
		{ "/img,,xvda,grant_usage=1", "grant_usage applies only to specification=virtio" },
		{ "/img,,xvda,specification=virtio,grant_usage=yes", "grant_usage must be 0 or 1, not 'yes'" },
		{ "/img,,xvda,specification=scsi", "specification must be xen or virtio, not 'scsi'" },
		{ "/img,,xvda,devtype=floppy", "devtype must be cdrom, not 'floppy'" },
		{ "/img,,hdc:floppy", "unknown device type 'floppy' in vdev 'hdc:floppy'" },
		{ "", "disk specification has no vdev" },
	};
	struct disk_spec d;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(disk_spec_parse(bad[i].spec, &d, err, sizeof(err)), -1, "%s", bad[i].spec);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

/* What xl sends in place of a relative spec must mean the same to xenkvmd. */
Test(disk_spec, formatted_spec_reads_back_the_same)
{
	static const char *const specs[] = {
		"img.raw,raw,xvda,rw",
		"/srv/a b.iso,,hdc,cdrom",
		"vdev=xvdd, no-discard, untrusted, direct-io-safe, target=/a,b=c,d",
		"iscsi:iqn.2001-05.com.example:disk,xvde,w",
		"format=qcow2, vdev=xvdf, access=ro, backend=dom1, backendtype=qdisk, target=x",
		",hdc:cdrom,r",
		"specification=virtio, grant_usage=1, vdev=xvdg, target=/v",
	};

	for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct disk_spec a = parse_ok(specs[i]), b;
		char text[2048];

		cr_assert_eq(disk_spec_format(&a, text, sizeof(text)), 0);
		b = parse_ok(text);
		same(&a, &b, text);
		cr_assert_eq(a.devnum, b.devnum, "%s", text);
		cr_assert_eq(a.discard, b.discard, "%s", text);
		cr_assert_eq(a.trusted, b.trusted, "%s", text);
		cr_assert_eq(a.direct_io_safe, b.direct_io_safe, "%s", text);
		cr_assert_eq(a.grant_usage, b.grant_usage, "%s", text);
		cr_assert_str_eq(a.script, b.script, "%s", text);
		cr_assert_str_eq(a.backend, b.backend, "%s", text);
		cr_assert_str_eq(a.backendtype, b.backendtype, "%s", text);
		cr_assert_str_eq(a.specification, b.specification, "%s", text);
	}
}

Test(disk_spec, relative_targets_resolve_against_the_given_directory)
{
	char dir[] = "/tmp/disk-spec-XXXXXX", img[64], want[128];
	struct disk_spec d;
	FILE *f;

	cr_assert(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/img.raw", dir);
	f = fopen(img, "w");
	cr_assert(f);
	fclose(f);
	d = parse_ok("img.raw,raw,xvda,rw");
	cr_assert_eq(disk_spec_resolve(&d, dir), 0);
	cr_assert_str_eq(d.target, img, "a file in that directory");
	d = parse_ok("null,raw,xvdb,rw");
	cr_assert_eq(disk_spec_resolve(&d, dir), 0);
	cr_assert_str_eq(d.target, "/dev/null", "a device name, when only /dev has it");
	d = parse_ok("missing.raw,raw,xvdc,rw");
	cr_assert_eq(disk_spec_resolve(&d, dir), 0);
	snprintf(want, sizeof(want), "%s/missing.raw", dir);
	cr_assert_str_eq(d.target, want, "a missing file is named where the user meant it");
	d = parse_ok("/abs/x.raw,raw,xvdd,rw");
	cr_assert_eq(disk_spec_resolve(&d, dir), 0);
	cr_assert_str_eq(d.target, "/abs/x.raw");
	d = parse_ok("nbd:host:1234,xvde,w");
	cr_assert_eq(disk_spec_resolve(&d, dir), 0);
	cr_assert_str_eq(d.target, "host:1234", "a script's target is not a path");
	unlink(img);
	rmdir(dir);
}
