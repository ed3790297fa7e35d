#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xlcfg/xlcfg.h"

static struct xlcfg *parse(const char *text, char *err)
{
	return xlcfg_parse_string("t.cfg", text, strlen(text), err, 256);
}

Test(xlcfg, values_lists_comments_and_escapes)
{
	char err[256];
	struct xlcfg *c = parse("# guest\nname = \"web\"  # trailing\nmemory=0x200; vcpus = 2\n"
				"disk = [ 'phy:/dev/vg/web,xvda,w',\n  \"file:/x.img,xvdb,r\", ]\n"
				"extra = \"a\\tb\\x41\\\"\\101\\\\\"\n"
				"cpus.soft_x9 = 'k'\n", err);
	const struct xlcfg_value *v;

	cr_assert_not_null(c, "%s", err);
	cr_assert_str_eq(xlcfg_get(c, "name")->str, "web");
	v = xlcfg_get(c, "memory");
	cr_assert_eq(v->type, XLCFG_NUMBER);
	cr_assert_str_eq(v->str, "0x200");
	cr_assert_eq(xlcfg_get(c, "vcpus")->line, 3);
	v = xlcfg_get(c, "disk");
	cr_assert_eq(v->type, XLCFG_LIST);
	cr_assert_eq(v->n, 2);
	cr_assert_str_eq(v->items[1].str, "file:/x.img,xvdb,r");
	cr_assert_eq(v->items[1].line, 5, "each item knows its line");
	cr_assert_str_eq(xlcfg_get(c, "extra")->str, "a\tbA\"A\\");
	cr_assert_str_eq(xlcfg_get(c, "cpus.soft_x9")->str, "k");
	xlcfg_free(c);
}

Test(xlcfg, nested_and_empty_lists_and_last_line_without_newline)
{
	char err[256];
	struct xlcfg *c = parse("vnuma = [ [ 'pnode=0', 'size=512' ],\n"
				"          [ 'pnode=1' ] ,\n]\nempty = [ ]\nx=[\n#c\n1\n,\n2]\n"
				"last = 'no newline'", err);
	const struct xlcfg_value *v;

	cr_assert_not_null(c, "%s", err);
	v = xlcfg_get(c, "vnuma");
	cr_assert_eq(v->n, 2);
	cr_assert_eq(v->items[0].type, XLCFG_LIST);
	cr_assert_str_eq(v->items[0].items[1].str, "size=512");
	cr_assert_eq(v->items[1].line, 2);
	cr_assert_eq(xlcfg_get(c, "empty")->n, 0);
	cr_assert_eq(xlcfg_get(c, "x")->n, 2);
	cr_assert_str_eq(xlcfg_get(c, "last")->str, "no newline");
	cr_assert_eq(xlcfg_get_setting(c, "last")->line, 10);
	xlcfg_free(c);
}

Test(xlcfg, later_settings_win_and_plus_equals_appends)
{
	char err[256];
	struct xlcfg *c = parse("vif = ['mac=00:16:3e:00:00:01']\nvif += ['bridge=br0', 'a',\n'b']\n"
				"name = 'a'\nname = 'b'\nextra = 'x'\nextra += 'y'\nnew += [1]\n"
				"e = []\ne += []\nvif += []\n", err);

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(xlcfg_get(c, "vif")->n, 4);
	cr_assert_str_eq(xlcfg_get(c, "vif")->items[3].str, "b");
	cr_assert_str_eq(xlcfg_get(c, "name")->str, "b");
	cr_assert_eq(xlcfg_get(c, "name")->line, 5);
	cr_assert_str_eq(xlcfg_get(c, "extra")->str, "xy");
	cr_assert_eq(xlcfg_get(c, "new")->n, 1, "'+=' on a new key just sets it");
	cr_assert_eq(xlcfg_get(c, "e")->n, 0);
	cr_assert_eq(c->n, 5, "one entry per key");
	xlcfg_free(c);
}

Test(xlcfg, many_items_and_settings_grow)
{
	char text[40000], err[256];
	size_t n = 0;
	struct xlcfg *c;

	n += (size_t)sprintf(text + n, "big = [");
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(text + n, "%d,", i);
	n += (size_t)sprintf(text + n, "]\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(text + n, "k%d = %d\n", i, i);
	c = xlcfg_parse_string("t.cfg", text, n, err, sizeof(err));
	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(xlcfg_get(c, "big")->n, 1000);
	cr_assert_str_eq(xlcfg_get(c, "big")->items[999].str, "999");
	cr_assert_str_eq(xlcfg_get(c, "k299")->str, "299");
	xlcfg_free(c);
}

Test(xlcfg, command_line_overrides)
{
	char err[256];
	struct xlcfg *c = parse("memory = 128\nvif = ['bridge=a']\n", err);

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(xlcfg_apply_override(c, "memory=64", err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(xlcfg_get(c, "memory")->str, "64");
	cr_assert_eq(xlcfg_apply_override(c, "vif+=['bridge=b']", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(xlcfg_get(c, "vif")->n, 2);
	cr_assert_eq(xlcfg_apply_override(c, "extra=\"quiet splash\"", err, sizeof(err)), 0);
	cr_assert_str_eq(xlcfg_get(c, "extra")->str, "quiet splash");
	cr_assert_eq(xlcfg_apply_override(c, "memory", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: expected '=' after 'memory'");
	cr_assert_eq(xlcfg_apply_override(c, "  ", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: expected key=value");
	cr_assert_eq(xlcfg_apply_override(c, "name=web", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line:1: expected a string, a number or a list, found 'web'");
	cr_assert_str_eq(xlcfg_get(c, "memory")->str, "64", "a failed override changes nothing");
	xlcfg_free(c);
}

Test(xlcfg, errors_name_file_line_and_expectation)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "name = \"x\"\nmemory 16\n", "t.cfg:2: expected '=' after 'memory'" },
		{ "name = \"unterminated\n",
		  "t.cfg:1: unterminated string: expected a closing \" on the same line" },
		{ "name = 'a\\'\n", "t.cfg:1: unterminated string: expected a closing ' on the same line" },
		{ "disk = [ 'a' 'b' ]\n", "t.cfg:1: expected ',' or ']' in the list, found ''b''" },
		{ "disk = [ 'a',\n",
		  "t.cfg:2: expected a string, a number or a list, found the end of the file" },
		{ "disk = [ , ]\n", "t.cfg:1: expected a string, a number or a list, found ','" },
		{ "\n\nx = = 1\n", "t.cfg:3: expected a string, a number or a list, found '='" },
		{ "x =\n1\n", "t.cfg:1: expected a string, a number or a list, found the end of the line" },
		{ "x = 12abc\n", "t.cfg:1: bad number '12abc': expected decimal digits or 0x and hex digits" },
		{ "x = 1.5\n", "t.cfg:1: bad number '1.5': expected decimal digits or 0x and hex digits" },
		{ "x = 0x\n", "t.cfg:1: bad number '0x': expected decimal digits or 0x and hex digits" },
		{ "x = -1\n", "t.cfg:1: expected a string, a number or a list, found '-1'" },
		{ "x = 'a' y = 2\n", "t.cfg:1: expected a newline or ';' after the value, found 'y'" },
		{ "x = '\\q'\n", "t.cfg:1: bad escape in string: expected \\\\, \\\", \\', \\a, \\b, "
				 "\\f, \\n, \\r, \\t, \\v, \\xHH or \\OOO (not 0)" },
		{ "x = '\\0'\n", NULL },
		{ "x = '\\x4'\n", NULL },
		{ "9 = 1\n", "t.cfg:1: expected a setting name (a-z, then a-z, 0-9, '_' or '.'), found '9'" },
		{ "Name = 'x'\n", NULL },
		{ "_x = 1\n", NULL },
		{ "x = 'a'\nx += [1]\n",
		  "t.cfg:2: '+=' cannot add a list to a string or a string to a list" },
		{ "x = 5\nx += 1\n", "t.cfg:2: '+=' cannot add to or with a number" },
		{ "x = [[[[[[[[[1]]]]]]]]]\n", "t.cfg:1: lists nested more than 8 deep" },
		{ "memory = 512 # ok\nkernel = vmlinuz\n",
		  "t.cfg:2: expected a string, a number or a list, found 'vmlinuz'" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(err, "(none)");
		cr_assert_null(parse(bad[i].text, err), "accepted: %s", bad[i].text);
		if (bad[i].msg)
			cr_assert_str_eq(err, bad[i].msg);
		else
			cr_assert(!strncmp(err, "t.cfg:1: ", 9), "%s: %s", bad[i].text, err);
	}
}

Test(xlcfg, nul_bytes_and_missing_files_are_refused)
{
	char err[256];

	cr_assert_null(xlcfg_parse_string("t.cfg", "x = 1\0y = 2", 11, err, sizeof(err)));
	cr_assert_str_eq(err, "t.cfg: contains a NUL byte: not a config file");
	cr_assert_null(xlcfg_parse_file("tests/data/xlcfg/no-such.cfg", err, sizeof(err)));
	cr_assert_str_eq(err, "tests/data/xlcfg/no-such.cfg: No such file or directory");
	cr_assert_null(xlcfg_parse_file("tests/data/xlcfg", err, sizeof(err)));
	cr_assert_str_eq(err, "tests/data/xlcfg: not a regular file");
}

Test(xlcfg, dom_spec_defaults_types_and_actions)
{
	const char *cfg = "name='g'\ntype='pvh'\nkernel='/k'\nroot='/dev/xvda1'\nextra='quiet'\n"
			  "on_crash='rename-restart'\n";
	const char *ov[] = { "vcpus=4" };
	struct dom_spec s;
	char err[256];

	cr_assert_eq(dom_spec_from_config("g.cfg", cfg, ov, 1, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.type, "pvh");
	cr_assert_eq(s.memory_mb, 128);
	cr_assert_eq(s.vcpus, 4);
	cr_assert_str_eq(s.cmdline, "root=/dev/xvda1 quiet");
	cr_assert_eq(s.on_crash, DOM_ACT_RENAME_RESTART);
	cr_assert_eq(s.on_reboot, DOM_ACT_RESTART);
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\nmemory='lots'\n", NULL, 0,
					  &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:3: 'memory' must be a number, not 'lots'");
	cr_assert_eq(dom_spec_from_config("g.cfg", "kernel='/k'\n", NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg: 'name' is required");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\non_crash='soft-reset'\n",
					  NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:3: on_crash='soft-reset' is not supported by xenkvm yet");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ndisk=['/i,,xvda',\n'/j,,vdz']\n"
					  "vif=['bridge=br0']\n", NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:4: disk entry 2 ('/j,,vdz'): invalid vdev 'vdz'");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ndisk=['/i,,xvda']\n"
					  "vif=['mac=00:16:3e:00:00:01']\n", NULL, 0, &s, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.nr_disks, 1);
	cr_assert_eq(s.nr_vifs, 1);
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nvcpus=99\nkernel='/k'\n", NULL, 0,
					  &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:2: 'vcpus' must be between 1 and 32, not 99");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nbootloader='pygrub'\n", NULL, 0,
					  &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:2: 'bootloader' reads the guest's first disk, and there is none");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nbootloader='/usr/bin/pygrub'\n"
					  "disk=['/i,,xvda']\nbootloader_args=['--entry=2', '-q']\n"
					  "extra='quiet'\n", NULL, 0, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert(s.bootloader);
	cr_assert_str_eq(s.boot_entry, "2");
	cr_assert_str_eq(s.boot_extra, "quiet");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nbootloader='pvgrub'\n"
					  "disk=['/i,,xvda']\n", NULL, 0, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:2: 'bootloader' pvgrub is not supported by xenkvm: with "
			 "\"pygrub\" it reads the guest's GRUB menu itself");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\nfrobnicate=1\n", NULL, 0,
					  &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.warnings, "g.cfg:3: warning: unknown setting 'frobnicate'; ignored\n");
	/* coredump-*: xenkvmd dumps the core, then restarts or destroys; no warning. */
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\n"
					  "on_crash='coredump-restart'\n", NULL, 0, &s, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.on_crash, DOM_ACT_COREDUMP_RESTART);
	cr_assert_str_eq(s.warnings, "");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\n"
					  "on_poweroff='coredump-destroy'\n", NULL, 0, &s, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.on_poweroff, DOM_ACT_COREDUMP_DESTROY);
	/* cpus=: a string for every vCPU, a list for one vCPU each (the rest: any CPU). */
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ncpus='1'\n", NULL, 0,
					  &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.cpus[0], "1");
	cr_assert_str_eq(s.cpus[31], "1");
	cr_assert_eq(dom_spec_from_config("g.cfg", "name='g'\nkernel='/k'\ncpus=['0', '1']\n", NULL,
					  0, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.cpus[1], "1");
	cr_assert_str_eq(s.cpus[2], "");
}

Test(xlcfg, settings_are_bounded)
{
	static char text[4200 * 8];
	size_t n = 0;
	char err[256];

	for (int i = 0; i < 4097; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k%d=1\n", i);
	cr_assert_null(xlcfg_parse_string("t.cfg", text, n, err, sizeof(err)));
	cr_assert_str_eq(err, "t.cfg:4097: more than 4096 settings");
}
