#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "src/common/ctl-proto.h"

Test(ctl_proto, round_trip_binary_fields)
{
	struct ctl_msg m, d;
	char *buf;
	long n;

	ctl_msg_init(&m);
	ctl_msg_init(&d);
	ctl_msg_addf(&m, "create");
	ctl_msg_add(&m, "a,b:\n\0c", 7);
	ctl_msg_add(&m, "", 0);
	n = ctl_encode(&m, &buf);
	cr_assert_gt(n, 0);
	cr_assert_eq(ctl_decode(buf, (size_t)n, &d), n);
	cr_assert_eq(d.n, 3);
	cr_assert_str_eq(d.field[0], "create");
	cr_assert_eq(d.len[1], 7);
	cr_assert_eq(memcmp(d.field[1], "a,b:\n\0c", 7), 0);
	cr_assert_eq(d.len[2], 0);
	free(buf);
	ctl_msg_free(&m);
	ctl_msg_free(&d);
}

Test(ctl_proto, partial_input_needs_more)
{
	struct ctl_msg d;
	const char *wire = "4:list,2:17,\n";

	ctl_msg_init(&d);
	for (size_t i = 0; i < strlen(wire); i++)
		cr_assert_eq(ctl_decode(wire, i, &d), 0, "prefix of %zu bytes", i);
	cr_assert_eq(ctl_decode(wire, strlen(wire), &d), (long)strlen(wire));
	cr_assert_str_eq(d.field[1], "17");
	ctl_msg_free(&d);
}

Test(ctl_proto, malformed_input_is_rejected)
{
	static const char *const bad[] = {
		"x:list,\n", "4list,\n", "4:listX\n", "99999999:a,\n", ":,\n", "4:li",
	};
	struct ctl_msg d;

	ctl_msg_init(&d);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long r = ctl_decode(bad[i], strlen(bad[i]), &d);
		if (i == 5)
			cr_assert_eq(r, 0, "truncated input waits for more");
		else
			cr_assert_eq(r, -1, "input %zu accepted", i);
		cr_assert_eq(d.n, 0);
	}
}

Test(ctl_proto, field_limit)
{
	struct ctl_msg m;

	ctl_msg_init(&m);
	for (int i = 0; i < CTL_MAX_FIELDS; i++)
		cr_assert_eq(ctl_msg_addf(&m, "%d", i), 0);
	cr_assert_eq(ctl_msg_addf(&m, "one too many"), -1);
	ctl_msg_free(&m);
}
