/* The JSON layout of xl list -l / create -n (src/xlcfg/config-json.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "src/xlcfg/config-json.h"

static void one_disk(void *src, config_disk_fn fn, void *arg)
{
	fn(arg, src);
}

Test(config_json, strings_are_escaped)
{
	struct config_view v = { .type = "pv", .name = "a\"b\\c\td\n", .vcpus = 1,
				 .memory_mb = 1 };
	char *j = config_json(&v, 0);

	cr_assert_not_null(j);
	cr_assert_not_null(strstr(j, "\"name\": \"a\\\"b\\\\c\\u0009d\\u000a\""), "%s", j);
	free(j);
}

Test(config_json, vcpus_to_be_online)
{
	struct config_view v = { .type = "pv", .name = "g", .vcpus = 2, .maxvcpus = 4,
				 .memory_mb = 1 };
	char *j = config_json(&v, 0);

	cr_assert_not_null(strstr(j, "\"max_vcpus\": 4,\n"), "%s", j);
	cr_assert_not_null(strstr(j, "\"avail_vcpus\": [0, 1],\n"), "%s", j);
	free(j);
}

Test(config_json, layout_and_indent)
{
	struct disk_spec ds = { .target = "/img", .vdev = "xvda", .readonly = true };
	struct config_view v = { .type = "pvh", .name = "g", .vcpus = 2, .memory_mb = 3,
				 .cmdline = "", .has_actions = true,
				 .on_reboot = DOM_ACT_PRESERVE, .each_disk = one_disk,
				 .src = &ds };
	char *j = config_json(&v, 4);
	const char *want =
		"    {\n"
		"        \"c_info\": {\n"
		"            \"type\": \"pvh\",\n"
		"            \"name\": \"g\"\n"
		"        },\n"
		"        \"b_info\": {\n"
		"            \"max_vcpus\": 2,\n"
		"            \"max_memkb\": 3072,\n"
		"            \"target_memkb\": 3072\n"
		"        },\n"
		"        \"disks\": [\n"
		"            {\n"
		"                \"pdev_path\": \"/img\",\n"
		"                \"vdev\": \"xvda\",\n"
		"                \"format\": \"raw\",\n"
		"                \"readwrite\": 0\n"
		"            }\n"
		"        ],\n"
		"        \"nics\": [],\n"
		"        \"on_poweroff\": \"destroy\",\n"
		"        \"on_reboot\": \"preserve\",\n"
		"        \"on_crash\": \"destroy\",\n"
		"        \"on_watchdog\": \"destroy\"\n"
		"    }";

	cr_assert_str_eq(j, want);
	free(j);
}
