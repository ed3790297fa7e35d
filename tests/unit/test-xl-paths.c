/*
 * xl resolves relative paths against its own directory before sending a
 * domain to xenkvmd, which runs elsewhere: kernel, ramdisk and disk
 * targets arrive absolute, and the rest of each disk spec unchanged.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xl/xl.h"

static const char cfg[] =
	"name = \"g\"\n"
	"type = \"pv\"\n"
	"kernel = \"vmlinuz\"\n"
	"disk = [ \"img.raw,raw,xvda,rw\", \"/srv/b.raw,raw,xvdb,ro\", "
	"\"format=raw, vdev=xvdc, access=ro, devtype=cdrom, target=my \\\"cd\\\".iso\" ]\n";

static char dir[] = "/tmp/xl-paths-XXXXXX", old_cwd[512];

static void enter_dir(void)
{
	cr_assert(getcwd(old_cwd, sizeof(old_cwd)));
	cr_assert(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
}

static void leave_dir(void)
{
	cr_assert_eq(chdir(old_cwd), 0);
	rmdir(dir);
}

static void spec_with_overrides(const struct ctl_msg *extra, struct dom_spec *spec)
{
	char err[512];

	cr_assert_eq(dom_spec_from_config("g.cfg", cfg, (const char *const *)extra->field,
					  extra->n, spec, err, sizeof(err)), 0, "%s", err);
}

Test(xl_paths, relative_paths_are_sent_resolved, .init = enter_dir, .fini = leave_dir)
{
	struct dom_spec *spec = calloc(2, sizeof(*spec)), *sent = spec + 1;
	struct ctl_msg none = { 0 }, extra;
	char want[600];

	cr_assert(spec);
	spec_with_overrides(&none, spec);
	cr_assert_str_eq(spec->disks[0].target, "img.raw", "as written, before xl resolves it");
	cr_assert_eq(xl_path_overrides(spec, &extra), 0);
	spec_with_overrides(&extra, sent);
	snprintf(want, sizeof(want), "%s/vmlinuz", dir);
	cr_assert_str_eq(sent->kernel, want);
	cr_assert_eq(sent->nr_disks, 3);
	snprintf(want, sizeof(want), "%s/img.raw", dir);
	cr_assert_str_eq(sent->disks[0].target, want);
	cr_assert_str_eq(sent->disks[0].vdev, "xvda");
	cr_assert(!sent->disks[0].readonly);
	cr_assert_str_eq(sent->disks[1].target, "/srv/b.raw");
	cr_assert(sent->disks[1].readonly);
	snprintf(want, sizeof(want), "%s/my \"cd\".iso", dir);
	cr_assert_str_eq(sent->disks[2].target, want, "quotes survive the trip");
	cr_assert(sent->disks[2].cdrom);
	ctl_msg_free(&extra);
	free(spec);
}

Test(xl_paths, block_attach_spec_is_sent_resolved, .init = enter_dir, .fini = leave_dir)
{
	char *here = xl_disk_spec_here("data.img,raw,xvdb,ro"), want[600];
	struct disk_spec d;
	char err[256];

	cr_assert(here);
	cr_assert_eq(disk_spec_parse(here, &d, err, sizeof(err)), 0, "%s: %s", here, err);
	snprintf(want, sizeof(want), "%s/data.img", dir);
	cr_assert_str_eq(d.target, want);
	cr_assert(d.readonly);
	free(here);
	here = xl_disk_spec_here("/abs.img,raw,xvdc");
	cr_assert_str_eq(here, "/abs.img,raw,xvdc", "absolute specs go as written");
	free(here);
	here = xl_disk_spec_here("nonsense=1");
	cr_assert_str_eq(here, "nonsense=1", "xenkvmd reports what does not parse");
	free(here);
}
