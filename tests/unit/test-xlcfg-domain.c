#include <criterion/criterion.h>
#include <string.h>
#include "src/xlcfg/xlcfg-domain.h"

#define DATA "tests/data/xlcfg/"

static struct xlcfg *parse(const char *text)
{
	char err[256];
	struct xlcfg *c = xlcfg_parse_string("g.cfg", text, strlen(text), err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	return c;
}

/* Parse and read text; the reader's error (or "" on success) goes to err. */
static int read_cfg(const char *text, struct domain_config *dc, char *err, size_t errlen)
{
	struct xlcfg *c = parse(text);
	int rc;

	err[0] = 0;
	rc = domain_config_from_xlcfg(c, dc, err, errlen);
	xlcfg_free(c);
	return rc;
}

static void file_config(const char *path, struct domain_config *dc)
{
	char err[256];
	struct xlcfg *c = xlcfg_parse_file(path, err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(domain_config_from_xlcfg(c, dc, err, sizeof(err)), 0, "%s", err);
	xlcfg_free(c);
}

static bool has_warning(const struct domain_config *dc, const char *text)
{
	for (unsigned i = 0; i < dc->nr_warnings; i++)
		if (!strcmp(dc->warnings[i], text))
			return true;
	return false;
}

Test(xlcfg_domain, example_pv_guest)
{
	struct domain_config dc;

	file_config(DATA "pv-guest.cfg", &dc);
	cr_assert_str_eq(dc.name, "debian-pv");
	cr_assert(dc.uuid_given);
	cr_assert_eq(dc.uuid[0], 0x4d);
	cr_assert_eq(dc.uuid[15], 0xa0);
	cr_assert_eq(dc.type, DOMAIN_PV);
	cr_assert_eq(dc.memory_mb, 512);
	cr_assert_eq(dc.maxmem_mb, 1024);
	cr_assert_eq(dc.vcpus, 2);
	cr_assert_eq(dc.maxvcpus, 4);
	cr_assert_str_eq(dc.kernel, "/var/lib/xenkvm/vmlinuz-6.1.0-cloud-amd64");
	cr_assert_str_eq(dc.ramdisk, "/var/lib/xenkvm/initrd.img-6.1.0-cloud-amd64");
	cr_assert_str_eq(dc.cmdline, "root=/dev/xvda1 ro console=hvc0 earlyprintk=xen");
	cr_assert_eq(dc.on_crash, CFG_ACT_COREDUMP_RESTART);
	cr_assert_eq(dc.on_watchdog, CFG_ACT_DESTROY);
	cr_assert_eq(dc.nr_disks, 2);
	cr_assert_str_eq(dc.disks[0].target, "/srv/images/debian-pv.img");
	cr_assert_eq(dc.disks[0].devnum, 51712);	/* xvda: 202 << 8 */
	cr_assert_eq(dc.disks[1].devnum, 51728);	/* xvdb */
	cr_assert_eq(dc.nr_vifs, 1);
	cr_assert_str_eq(dc.vifs[0].bridge, "xenbr0");
	cr_assert_eq(dc.vifs[0].mac[5], 0x3c);
	cr_assert_eq(dc.vifs[0].devid, 0);
	cr_assert_eq(dc.nr_warnings, 0, "%s", dc.nr_warnings ? dc.warnings[0] : "");
	domain_config_free(&dc);
}

Test(xlcfg_domain, example_pvh_guest)
{
	struct domain_config dc;

	file_config(DATA "pvh-guest.cfg", &dc);
	cr_assert_eq(dc.type, DOMAIN_PVH);
	cr_assert_str_eq(dc.cmdline, "console=hvc0 root=/dev/xvda rw");
	cr_assert_eq(dc.on_crash, CFG_ACT_PRESERVE);
	cr_assert_null(dc.ramdisk);
	cr_assert_str_eq(dc.disks[0].format, "qcow2");
	cr_assert_str_eq(dc.vifs[0].vifname, "tiny0");
	cr_assert_eq(dc.vifs[0].rate_bytes_per_s, 1250000);
	cr_assert(!dc.vifs[0].mac_given);
	cr_assert(dc.vifs[0].mac[0] == 0x00 && dc.vifs[0].mac[1] == 0x16 &&
		  dc.vifs[0].mac[2] == 0x3e, "a generated MAC is in Xen's OUI");
	cr_assert_eq(dc.nr_serials, 1);
	cr_assert_str_eq(dc.serial[0], "pty");
	domain_config_free(&dc);
}

Test(xlcfg_domain, example_hvm_guest)
{
	struct domain_config dc;

	file_config(DATA "hvm-guest.cfg", &dc);
	cr_assert_eq(dc.type, DOMAIN_HVM);
	cr_assert_eq(dc.memory_mb, 2048);
	cr_assert_null(dc.kernel);
	cr_assert_str_eq(dc.cmdline, "");
	cr_assert_eq(dc.nr_disks, 3);
	cr_assert_str_eq(dc.disks[0].target, "/dev/vg0/win-root");
	cr_assert_eq(dc.disks[0].devnum, 0x300);	/* hda: 3 << 8 */
	cr_assert_str_eq(dc.disks[1].target, "/srv/images/win data.qcow2");
	cr_assert_eq(dc.disks[1].devnum, 0x340);	/* hdb */
	cr_assert(dc.disks[2].cdrom && dc.disks[2].readonly);
	cr_assert_eq(dc.disks[2].devnum, 0x1600);	/* hdc: 22 << 8 */
	cr_assert_eq(dc.nr_vifs, 3);
	cr_assert_str_eq(dc.vifs[0].model, "e1000");
	cr_assert_str_eq(dc.vifs[1].ip, "192.0.2.10");
	cr_assert_eq(dc.vifs[2].mtu, 9000);
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(dc.vifs[i].devid, (int)i);
	cr_assert_eq(dc.nr_warnings, 3);
	cr_assert(has_warning(&dc, DATA "hvm-guest.cfg:24: warning: 'boot' is not supported by "
			      "xenkvm; ignored"));
	cr_assert(has_warning(&dc, DATA "hvm-guest.cfg:26: warning: 'viridian' is not supported by "
			      "xenkvm; ignored"));
	domain_config_free(&dc);
}

Test(xlcfg_domain, maxvcpus_and_maxmem_are_for_pv_guests)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\ntype='pvh'\nkernel='k'\nvcpus=2\nmaxvcpus=4\n"
			      "memory=64\nmaxmem=128\n", &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.maxvcpus, 2);
	cr_assert_eq(dc.maxmem_mb, 64);
	cr_assert_eq(dc.nr_warnings, 2);
	cr_assert(has_warning(&dc, "g.cfg:7: warning: 'maxmem' above 'memory' is supported by "
			      "xenkvm for pv guests only; the domain has 64 MiB"));
	cr_assert(has_warning(&dc, "g.cfg:5: warning: 'maxvcpus' above 'vcpus' is supported "
			      "by xenkvm for pv guests only; the domain has 2 vCPUs"));
	domain_config_free(&dc);
	cr_assert_eq(read_cfg("name='g'\ntype='pv'\nkernel='k'\nvcpus=2\nmaxvcpus=4\n", &dc, err,
			      sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.maxvcpus, 4);
	cr_assert_eq(dc.nr_warnings, 0);
	domain_config_free(&dc);
}

Test(xlcfg_domain, cpus_as_a_string_or_per_vcpu)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpus='0-3,^2'\n", &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.nr_cpus, 1);
	cr_assert_not(dc.cpus_each);
	cr_assert_str_eq(dc.cpus[0], "0-3,^2");
	domain_config_free(&dc);
	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpus=['1', '2-3']\n", &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.nr_cpus, 2);
	cr_assert(dc.cpus_each);
	cr_assert_str_eq(dc.cpus[1], "2-3");
	domain_config_free(&dc);
	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpus='1-x'\n", &dc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:3: 'cpus': '1-x' is not a CPU, a range N-M or all");
}

Test(xlcfg_domain, defaults_and_legacy_builder)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\nbuilder='hvm'\n", &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.type, DOMAIN_HVM);
	cr_assert_eq(dc.memory_mb, 128);
	cr_assert_eq(dc.maxmem_mb, 128);
	cr_assert_eq(dc.vcpus, 1);
	cr_assert_eq(dc.maxvcpus, 1);
	cr_assert_eq(dc.on_poweroff, CFG_ACT_DESTROY);
	cr_assert_eq(dc.on_reboot, CFG_ACT_RESTART);
	cr_assert_eq(dc.on_crash, CFG_ACT_DESTROY);
	cr_assert(!dc.uuid_given);
	cr_assert_eq(dc.nr_disks + dc.nr_vifs + dc.nr_serials + dc.nr_warnings, 0);
	domain_config_free(&dc);

	cr_assert_eq(read_cfg("name='g'\nbuilder='hvm'\ntype='pvh'\nkernel='k'\nmemory='010'\n",
			      &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.type, DOMAIN_PVH);
	cr_assert_eq(dc.memory_mb, 8, "numbers are read as xl does, 010 being octal");
	cr_assert(has_warning(&dc, "g.cfg:2: warning: both 'type' and 'builder' are set; "
			      "'builder' is ignored"));
	domain_config_free(&dc);
}

Test(xlcfg_domain, unknown_settings_are_kept_and_warned_about)
{
	struct domain_config dc;
	char err[256];
	struct xlcfg *c = parse("name='g'\nkernel='k'\nmemroy=512\nvfb=['vnc=1']\n"
				"cmdline='a'\nextra='b'\nbootloader_args='-q  --x'\n");

	cr_assert_eq(domain_config_from_xlcfg(c, &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.nr_warnings, 4);
	cr_assert_str_eq(dc.warnings[0], "g.cfg:5: warning: 'cmdline' is set, so 'root' and "
			 "'extra' are ignored");
	cr_assert_str_eq(dc.warnings[1], "g.cfg:7: warning: 'bootloader_args' as a string is "
			 "deprecated; use a list");
	cr_assert_str_eq(dc.warnings[2], "g.cfg:3: warning: unknown setting 'memroy'; ignored");
	cr_assert_str_eq(dc.warnings[3], "g.cfg:4: warning: 'vfb' is not supported by xenkvm; "
			 "ignored");
	cr_assert_eq(dc.nr_bootloader_args, 2);
	cr_assert_str_eq(dc.bootloader_args[1], "--x");
	cr_assert_str_eq(xlcfg_get(c, "memroy")->str, "512", "kept in the settings");
	domain_config_free(&dc);
	xlcfg_free(c);
}

Test(xlcfg_domain, actions_serials_and_bootloader)
{
	static const char *const names[] = { "destroy", "restart", "preserve", "rename-restart",
					      "coredump-destroy", "coredump-restart", "soft-reset" };
	struct domain_config dc;
	char err[256];
	enum cfg_action a;

	for (unsigned i = 0; i < 7; i++) {
		cr_assert_eq(cfg_action_parse(names[i], &a), 0);
		cr_assert_eq(a, (enum cfg_action)i);
		cr_assert_str_eq(cfg_action_name(a), names[i]);
	}
	cr_assert_eq(cfg_action_parse("reboot", &a), -1);
	cr_assert_eq(read_cfg("name='g'\nbootloader='pygrub'\nbootloader_args=['-q', '--entry=1']\n"
			      "serial=['pty','file:/tmp/s']\non_watchdog='soft-reset'\n",
			      &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_null(dc.kernel);
	cr_assert_str_eq(dc.bootloader, "pygrub");
	cr_assert_eq(dc.nr_bootloader_args, 2);
	cr_assert_str_eq(dc.bootloader_args[1], "--entry=1");
	cr_assert_eq(dc.nr_serials, 2);
	cr_assert_str_eq(dc.serial[1], "file:/tmp/s");
	cr_assert_eq(dc.on_watchdog, CFG_ACT_SOFT_RESET);
	domain_config_free(&dc);
}

Test(xlcfg_domain, vif_devids_and_macs)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\nkernel='k'\nvif=['devid=1','', 'devid=3', 'bridge=x']\n",
			      &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.nr_vifs, 4);
	cr_assert_eq(dc.vifs[0].devid, 1);
	cr_assert_eq(dc.vifs[1].devid, 0);
	cr_assert_eq(dc.vifs[2].devid, 3);
	cr_assert_eq(dc.vifs[3].devid, 2);
	cr_assert(dc.vifs[0].mac[3] < 0x80);
	domain_config_free(&dc);
}

Test(xlcfg_domain, type_errors_read_like_xl)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "kernel='k'\n", "g.cfg: 'name' is required" },
		{ "name=''\n", "g.cfg:1: 'name' must be 1 to 63 characters long" },
		{ "name=['a']\n", "g.cfg:1: 'name' should be a single value, not a list" },
		{ "name='a\\tb'\n", "g.cfg:1: 'name' must not contain control characters" },
		{ "name='g'\n", "g.cfg: 'kernel' (or 'bootloader') is required for a pv guest" },
		{ "name='g'\ntype='pvh'\n", "g.cfg: 'kernel' (or 'bootloader') is required for a pvh guest" },
		{ "name='g'\ntype='xen'\n", "g.cfg:2: 'type' must be pv, pvh or hvm, not 'xen'" },
		{ "name='g'\nbuilder='linux'\n", "g.cfg:2: 'builder' must be generic or hvm, not 'linux'" },
		{ "name='g'\nuuid='1234'\n", "g.cfg:2: 'uuid' must be 32 hex digits such as "
		  "4dea22b3-1d52-d8f3-2516-782e98a23fa0, not '1234'" },
		{ "name='g'\nmemory='1G'\n", "g.cfg:2: 'memory' must be a number, not '1G'" },
		{ "name='g'\nmemory='-5'\n", "g.cfg:2: 'memory' must be a number, not '-5'" },
		{ "name='g'\nmemory=2\n", "g.cfg:2: 'memory' must be between 4 and 4194304, not 2" },
		{ "name='g'\nmemory=512\nmaxmem=256\n",
		  "g.cfg:3: 'maxmem' (256) must not be less than 'memory' (512)" },
		{ "name='g'\nvcpus=4\nmaxvcpus=2\n",
		  "g.cfg:3: 'maxvcpus' (2) must not be less than 'vcpus' (4)" },
		{ "name='g'\nvcpus=0\n", "g.cfg:2: 'vcpus' must be between 1 and 32, not 0" },
		{ "name='g'\non_reboot='explode'\n", "g.cfg:2: 'on_reboot' must be destroy, restart, "
		  "preserve, rename-restart, coredump-destroy, coredump-restart or soft-reset, "
		  "not 'explode'" },
		{ "name='g'\ndisk='/x,,xvda'\n",
		  "g.cfg:2: 'disk' should be a list, such as disk = [ '...', '...' ]" },
		{ "name='g'\ndisk=[['/x,,xvda']]\n", "g.cfg:2: disk entry 1 should be a string, not a list" },
		{ "name='g'\ndisk=['/x,,xvda',\n  '/y,,xvda']\n",
		  "g.cfg:3: disk entry 2: vdev 'xvda' is the same device as entry 1's 'xvda'" },
		{ "name='g'\ndisk=['/x,,d0','/y,,xvda']\n",
		  "g.cfg:2: disk entry 2: vdev 'xvda' is the same device as entry 1's 'd0'" },
		{ "name='g'\nvif=['mac=00:16:3e:00:00']\n", "g.cfg:2: vif entry 1 ('mac=00:16:3e:00:00'): "
		  "invalid mac address '00:16:3e:00:00' (want xx:xx:xx:xx:xx:xx)" },
		{ "name='g'\nvif=['devid=2', 'devid=2']\n", "g.cfg:2: vif entry 2: devid 2 is already used" },
		{ "name='g'\nserial=['a','b','c','d','e']\n", "g.cfg:2: 'serial' has more than 4 entries" },
	};
	struct domain_config dc;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(read_cfg(bad[i].text, &dc, err, sizeof(err)), -1, "accepted: %s",
			     bad[i].text);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

Test(xlcfg_domain, overrides_are_named_as_the_command_line)
{
	struct xlcfg *c = parse("name='g'\nkernel='k'\nvif=['bridge=a']\n");
	struct domain_config dc;
	char err[256];

	cr_assert_eq(xlcfg_apply_override(c, "vif+=['bridge=b']", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(xlcfg_apply_override(c, "colour='blue'", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(domain_config_from_xlcfg(c, &dc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.nr_vifs, 2);
	cr_assert_str_eq(dc.vifs[1].bridge, "b");
	cr_assert_eq(dc.nr_warnings, 1);
	cr_assert_str_eq(dc.warnings[0], "command line:1: warning: unknown setting 'colour'; ignored");
	domain_config_free(&dc);
	cr_assert_eq(xlcfg_apply_override(c, "vif+=['mac=xx']", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(domain_config_from_xlcfg(c, &dc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: vif entry 3 ('mac=xx'): invalid mac address 'xx' "
			 "(want xx:xx:xx:xx:xx:xx)");
	cr_assert_eq(xlcfg_apply_override(c, "memory='lots'", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(domain_config_from_xlcfg(c, &dc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: 'memory' must be a number, not 'lots'");
	xlcfg_free(c);
}

Test(xlcfg_domain, cpuid_in_libxl_and_xend_forms)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpuid='host,avx2=0,sse4_2=k'\n", &dc, err,
			      sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.cpuid.n, 2);
	cr_assert_eq(dc.cpuid.r[0].leaf, 7);
	cr_assert_eq(dc.cpuid.r[0].force0, 1u << 5);
	cr_assert_eq(dc.nr_warnings, 0, "cpuid= warned about");
	domain_config_free(&dc);

	cr_assert_eq(read_cfg("name='g'\nkernel='k'\n"
			      "cpuid=['0x1:ecx=0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']\n", &dc, err,
			      sizeof(err)), 0, "%s", err);
	cr_assert_eq(dc.cpuid.n, 1);
	cr_assert_eq(dc.cpuid.r[0].force0, 1u << 31);
	domain_config_free(&dc);
}

Test(xlcfg_domain, cpuid_errors_name_file_and_line)
{
	struct domain_config dc;
	char err[256];

	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpuid='host,nosuch=0'\n", &dc, err,
			      sizeof(err)), -1);
	cr_assert(strstr(err, "g.cfg:3:") && strstr(err, "nosuch"), "%s", err);
	cr_assert_eq(read_cfg("name='g'\nkernel='k'\ncpuid=['1:ecx=01']\n", &dc, err,
			      sizeof(err)), -1);
	cr_assert(strstr(err, "g.cfg:3:") && strstr(err, "ecx"), "%s", err);
}
