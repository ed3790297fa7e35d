#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/channel-spec.h"

static struct channel_spec parse_ok(const char *s)
{
	struct channel_spec c;
	char err[256];

	cr_assert_eq(channel_spec_parse(s, &c, err, sizeof(err)), 0, "'%s': %s", s, err);
	return c;
}

static void refused(const char *s, const char *why)
{
	struct channel_spec c;
	char err[256] = "";

	cr_assert_eq(channel_spec_parse(s, &c, err, sizeof(err)), -1, "'%s' was accepted", s);
	cr_assert(strstr(err, why), "'%s': expected \"%s\" in \"%s\"", s, why, err);
}

Test(channel_spec, socket_and_pty)
{
	struct channel_spec s = parse_ok("name=org.example.agent,connection=socket,path=/run/a.sock");
	struct channel_spec p = parse_ok("connection=pty, name=org.example.tty");

	cr_assert_str_eq(s.name, "org.example.agent");
	cr_assert_eq(s.connection, CHANNEL_SOCKET);
	cr_assert_str_eq(s.path, "/run/a.sock");
	cr_assert_str_eq(p.name, "org.example.tty");
	cr_assert_eq(p.connection, CHANNEL_PTY);
	cr_assert_str_eq(p.path, "");
}

/* xl.cfg(5) writes the connection types in capitals. */
Test(channel_spec, upper_case_connection_and_dom0_backend)
{
	struct channel_spec c = parse_ok("name=a,connection=SOCKET,path=/tmp/s,backend=0");

	cr_assert_eq(c.connection, CHANNEL_SOCKET);
	parse_ok("name=b,connection=PTY,backend=Domain-0");
}

Test(channel_spec, bad_entries_are_refused_with_reasons)
{
	refused("connection=pty", "name= is required");
	refused("name=a", "connection= is required");
	refused("name=a,connection=serial", "expected pty or socket");
	refused("name=a,connection=socket", "needs an absolute path");
	refused("name=a,connection=socket,path=rel/s", "needs an absolute path");
	refused("name=a,connection=pty,path=/tmp/x", "connection=socket only");
	refused("name=a,connection=pty,backend=driverdom", "driver domains are not supported");
	refused("name=a,connection=pty,colour=blue", "unknown key 'colour'");
	refused("name=a,connection=pty,novalue", "is not key=value");
	refused("name=a b,connection=pty", "no blanks");
	refused("name=,connection=pty", "must be 1 to");
}

Test(channel_spec, long_values_are_refused)
{
	char s[700];

	snprintf(s, sizeof(s), "name=a,connection=socket,path=/%0200d", 0);
	refused(s, "path= must be 1 to 107");
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = 0;
	refused(s, "longer than");
}
