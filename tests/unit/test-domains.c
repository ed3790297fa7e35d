#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "src/xenkvmd/domains.h"

Test(domains, ids_increase_and_names_are_unique)
{
	struct domains ds;
	struct domain *a, *b;

	domains_init(&ds);
	a = domains_add(&ds, "alpha");
	b = domains_add(&ds, "beta");
	cr_assert(a && b);
	cr_assert_eq(a->domid, 1);
	cr_assert_eq(b->domid, 2);
	cr_assert_null(domains_add(&ds, "alpha"));
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(domains_lookup(&ds, "2"), b);
	cr_assert_eq(domains_lookup(&ds, "alpha"), a);
	cr_assert_null(domains_lookup(&ds, "3"));
	domains_remove(&ds, a);
	cr_assert_null(domains_lookup(&ds, "alpha"));
	/* ids are not reused at once, as on Xen */
	cr_assert_eq(domains_add(&ds, "gamma")->domid, 3);
	domains_clear(&ds);
	cr_assert_null(ds.head);
}

Test(domains, bad_names)
{
	struct domains ds;
	char longname[DOM_NAME_MAX + 1];

	domains_init(&ds);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[DOM_NAME_MAX] = 0;
	cr_assert_null(domains_add(&ds, ""));
	cr_assert_null(domains_add(&ds, longname));
	cr_assert_null(domains_add(&ds, "a\tb"), "a tab would split xl's list lines");
	cr_assert_null(domains_add(&ds, "a\nb"));
	cr_assert(dom_name_valid("web server-1.example"), "spaces and punctuation are fine");
}

Test(domains, rename_checks_the_name)
{
	struct domains ds;
	struct domain *a, *b;

	domains_init(&ds);
	a = domains_add(&ds, "a");
	b = domains_add(&ds, "b");
	cr_assert_eq(domains_rename(&ds, a, "b"), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(domains_rename(&ds, a, "x\ny"), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(domains_rename(&ds, a, "a"), 0, "its own name is fine");
	cr_assert_eq(domains_rename(&ds, b, "c"), 0);
	cr_assert_eq(domains_by_name(&ds, "c"), b);
	cr_assert_null(domains_by_name(&ds, "b"));
	domains_clear(&ds);
}

Test(domains, state_flags_like_xl)
{
	struct domain d = { .state = DOM_RUNNING, .shutdown_reason = -1 };
	char f[7];

	dom_state_flags(&d, f);
	cr_assert_str_eq(f, "r-----");
	d.state = DOM_PAUSED;
	dom_state_flags(&d, f);
	cr_assert_str_eq(f, "--p---");
	d.state = DOM_CRASHED;
	d.shutdown_reason = DOM_SHUTDOWN_CRASH;
	dom_state_flags(&d, f);
	cr_assert_str_eq(f, "---sc-");
	d.state = DOM_SHUTDOWN;
	d.shutdown_reason = DOM_SHUTDOWN_POWEROFF;
	dom_state_flags(&d, f);
	cr_assert_str_eq(f, "---s--");
}

Test(domains, uuid_round_trip_and_version)
{
	struct domains ds;
	struct domain *d;
	char s[37];
	uint8_t back[16];

	domains_init(&ds);
	d = domains_add(&ds, "u");
	dom_uuid_format(d->uuid, s);
	cr_assert_eq(strlen(s), 36);
	cr_assert_eq(s[14], '4', "version 4 uuid: %s", s);
	cr_assert_eq(dom_uuid_parse(s, back), 0);
	cr_assert_eq(memcmp(back, d->uuid, 16), 0);
	cr_assert_eq(dom_uuid_parse("not-a-uuid", back), -1);
	cr_assert_eq(dom_uuid_parse("00000000-0000-0000-0000-0000000000000", back), -1);
	domains_clear(&ds);
}

Test(domains, actions_parse)
{
	enum dom_action a;

	cr_assert_eq(dom_action_parse("rename-restart", &a), 0);
	cr_assert_eq(a, DOM_ACT_RENAME_RESTART);
	cr_assert_eq(dom_action_parse("explode", &a), -1);
}
