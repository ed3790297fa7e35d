#include <criterion/criterion.h>
#include <string.h>
#include "src/dom-spec.h"
#include "src/xlcfg.h"

static struct xlcfg *parse(const char *text, char *err)
{
	return xlcfg_parse("t.cfg", text, strlen(text), err, 256);
}

Test(xlcfg, values_lists_comments_and_escapes)
{
	char err[256];
	struct xlcfg *c = parse("# guest\nname = \"web\"  # trailing\nmemory=0x200; vcpus = 2\n"
				"disk = [ 'phy:/dev/vg/web,xvda,w',\n  \"file:/x.img,xvdb,r\", ]\n"
				"extra = \"a\\tb\\x41\\\"\"\n", err);
	const struct xlcfg_setting *s;

	cr_assert_not_null(c, "%s", err);
	cr_assert_str_eq(xlcfg_get(c, "name")->val.str, "web");
	s = xlcfg_get(c, "memory");
	cr_assert_eq(s->val.type, XLCFG_NUMBER);
	cr_assert_str_eq(s->val.str, "0x200");
	cr_assert_eq(xlcfg_get(c, "vcpus")->line, 3);
	s = xlcfg_get(c, "disk");
	cr_assert_eq(s->val.type, XLCFG_LIST);
	cr_assert_eq(s->val.n, 2);
	cr_assert_str_eq(s->val.items[1].str, "file:/x.img,xvdb,r");
	cr_assert_str_eq(xlcfg_get(c, "extra")->val.str, "a\tbA\"");
	xlcfg_free(c);
}

Test(xlcfg, later_settings_win_and_plus_equals_appends)
{
	char err[256];
	struct xlcfg *c = parse("vif = ['mac=00:16:3e:00:00:01']\nvif += ['bridge=br0']\n"
				"name = 'a'\nname = 'b'\nextra = 'x'\nextra += 'y'\n", err);

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(xlcfg_get(c, "vif")->val.n, 2);
	cr_assert_str_eq(xlcfg_get(c, "name")->val.str, "b");
	cr_assert_str_eq(xlcfg_get(c, "extra")->val.str, "xy");
	cr_assert_eq(xlcfg_apply_override(c, "memory=64", err, sizeof(err)), 0);
	cr_assert_str_eq(xlcfg_get(c, "memory")->val.str, "64");
	cr_assert_eq(xlcfg_apply_override(c, "memory", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: expected '=' after 'memory'");
	xlcfg_free(c);
}

Test(xlcfg, errors_name_file_line_and_expectation)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "name = \"x\"\nmemory 16\n", "t.cfg:2: expected '=' after 'memory'" },
		{ "name = \"unterminated\n", "t.cfg:1: unterminated string" },
		{ "disk = [ 'a' 'b' ]\n", "t.cfg:1: expected ',' or ']' in list" },
		{ "\n\nx = = 1\n", "t.cfg:3: expected a string, a number or a list" },
		{ "x = 12abc\n", "t.cfg:1: bad number '12a'" },
		{ "x = 'a' y = 2\n", "t.cfg:1: expected end of line after the value of 'x'" },
		{ "x = '\\q'\n", "t.cfg:1: bad escape in string" },
		{ "9 = 1\n", "t.cfg:1: expected a setting name" },
		{ "x = [ [1] ]\n", "t.cfg:1: expected a string, a number or a list" },
		{ "x = 'a'\nx += [1]\n", "t.cfg:2: '+=' needs a list or string of the same kind as before" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_null(parse(bad[i].text, err), "accepted: %s", bad[i].text);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

Test(xlcfg, domain_spec_defaults_types_and_actions)
{
	const char *cfg = "name='g'\ntype='pvh'\nkernel='/k'\nroot='/dev/xvda1'\nextra='quiet'\n"
			  "on_crash='rename-restart'\n";
	const char *ov[] = { "vcpus=4" };
	struct dom_spec s;
	char err[256];

	cr_assert_eq(dom_spec_from_config("g.cfg", cfg, ov, 1, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.memory_mb, 128);
	cr_assert_eq(s.vcpus, 4);
	cr_assert_str_eq(s.cmdline, "root=/dev/xvda1 quiet");
	cr_assert_eq(s.on_crash, DOM_ACT_RENAME_RESTART);
	cr_assert_eq(s.on_reboot, DOM_ACT_RESTART);
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\nmemory='lots'\n", NULL, 0,
					  &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:3: 'memory' must be a number");
	cr_assert_eq(dom_spec_from_config("g.cfg", "kernel='/k'\n", NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg: 'name' is required");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\non_reboot='explode'\n",
					  NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ndisk=['/i,,xvda','/j,,vdz']\n"
					  "vif=['bridge=br0']\n", NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:3: disk entry 2: invalid vdev 'vdz'");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ndisk=['/i,,xvda']\n"
					  "vif=['mac=00:16:3e:00:00:01']\n", NULL, 0, &s, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.nr_disks, 1);
	cr_assert_eq(s.nr_vifs, 1);
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nvcpus=99\nkernel='/k'\n", NULL, 0,
					  &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:2: 'vcpus' must be between 1 and 32");
}
