/* The xenkvm extensions of a vif entry: network=tap|user and hostfwd=. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/vif-spec.h"
#include "src/xlcfg/xlcfg-domain.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

Test(vif_spec_user, network_and_forwards)
{
	struct vif_spec v;
	char err[256];

	cr_assert_eq(vif_spec_parse("network=user, hostfwd=tcp:127.0.0.1:2222-:22,"
				    "hostfwd=udp::5353-10.0.2.20:53,hostfwd=::8080-:80", &v, err,
				    sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.network, VIF_NET_USER);
	cr_assert_eq(v.user_guest, VIF_USER_GUEST);
	cr_assert_eq(v.nr_hostfwds, 3);
	cr_assert_not(v.hostfwds[0].udp);
	cr_assert_eq(v.hostfwds[0].host_addr, IP4(127, 0, 0, 1));
	cr_assert_eq(v.hostfwds[0].host_port, 2222);
	cr_assert_eq(v.hostfwds[0].guest_addr, 0, "an empty guest address is the DHCP one");
	cr_assert_eq(v.hostfwds[0].guest_port, 22);
	cr_assert(v.hostfwds[1].udp);
	cr_assert_eq(v.hostfwds[1].host_addr, 0, "an empty host address is every address");
	cr_assert_eq(v.hostfwds[1].guest_addr, IP4(10, 0, 2, 20));
	cr_assert_eq(v.hostfwds[1].guest_port, 53);
	cr_assert_not(v.hostfwds[2].udp, "no protocol is tcp, as in QEMU");
	cr_assert_eq(v.hostfwds[2].host_port, 8080);

	cr_assert_eq(vif_spec_parse("network=user,ip=10.0.2.42,mac=00:16:3e:00:00:01", &v, err,
				    sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.user_guest, IP4(10, 0, 2, 42));
	cr_assert_eq(vif_spec_parse("network=tap,bridge=br0", &v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.network, VIF_NET_TAP);
	cr_assert_eq(vif_spec_parse("bridge=br0,ip=192.0.2.1 192.0.2.2", &v, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(v.network, VIF_NET_DEFAULT, "TAP vifs keep Xen's meaning of ip=");
	cr_assert_eq(v.nr_hostfwds, 0);
	cr_assert_eq(vif_spec_parse("hostfwd=tcp::1-:65535,network=user", &v, err, sizeof(err)), 0,
		     "the order of keys does not matter: %s", err);
	cr_assert_eq(vif_spec_parse("network=user,hostfwd=tcp:127.0.0.1:80-:80,"
				    "hostfwd=tcp:127.0.0.2:80-:80,hostfwd=udp:127.0.0.1:80-:80",
				    &v, err, sizeof(err)), 0,
		     "one port on two addresses, or for both protocols: %s", err);
}

Test(vif_spec_user, errors)
{
	static const struct { const char *spec, *msg; } bad[] = {
		{ "network=slirp", "vif network must be tap or user, not 'slirp'" },
		{ "hostfwd=tcp::2222-:22", "hostfwd= needs network=user" },
		{ "network=tap,hostfwd=tcp::2222-:22", "hostfwd= needs network=user" },
		{ "network=user,bridge=br0", "bridge= names a host interface; a network=user vif has none" },
		{ "network=user,script=vif-nat", "script= names a host interface; a network=user vif has none" },
		{ "network=user,vifname=v0", "vifname= names a host interface; a network=user vif has none" },
		{ "network=user,ip=192.168.1.5", "ip '192.168.1.5': a network=user guest takes one "
		  "address of 10.0.2.0/24 other than .0, .2, .3 and .255" },
		{ "network=user,ip=10.0.2.2", "ip '10.0.2.2': a network=user guest takes one "
		  "address of 10.0.2.0/24 other than .0, .2, .3 and .255" },
		{ "network=user,ip=10.0.2.15 10.0.2.16", "ip '10.0.2.15 10.0.2.16': a network=user "
		  "guest takes one address of 10.0.2.0/24 other than .0, .2, .3 and .255" },
		{ "network=user,hostfwd=2222", "invalid hostfwd '2222' (want "
		  "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)" },
		{ "network=user,hostfwd=sctp::1-:1", "hostfwd 'sctp::1-:1': the protocol must be tcp or udp" },
		{ "network=user,hostfwd=tcp::2222:22", "hostfwd 'tcp::2222:22': the host side is not "
		  "[hostaddr]:hostport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp::0-:22", "hostfwd 'tcp::0-:22': the host side is not "
		  "[hostaddr]:hostport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp:localhost:22-:22", "hostfwd 'tcp:localhost:22-:22': the "
		  "host side is not [hostaddr]:hostport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp::22-:65536", "hostfwd 'tcp::22-:65536': the guest side is "
		  "not [guestaddr]:guestport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp::22-22", "hostfwd 'tcp::22-22': the guest side is "
		  "not [guestaddr]:guestport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp::22-:2x", "hostfwd 'tcp::22-:2x': the guest side is "
		  "not [guestaddr]:guestport (an IPv4 address, a port 1-65535)" },
		{ "network=user,hostfwd=tcp::22-10.0.3.1:22", "hostfwd 'tcp::22-10.0.3.1:22': the "
		  "guest address is not a guest's in 10.0.2.0/24" },
		{ "network=user,hostfwd=tcp::22-10.0.2.3:22", "hostfwd 'tcp::22-10.0.2.3:22': the "
		  "guest address is not a guest's in 10.0.2.0/24" },
		{ "network=user,hostfwd=tcp:127.0.0.1:22-:22,hostfwd=tcp::22-:23",
		  "hostfwd 'tcp::22-:23': host port 22 is already forwarded" },
	};
	struct vif_spec v;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(vif_spec_parse(bad[i].spec, &v, err, sizeof(err)), -1, "%s", bad[i].spec);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

Test(vif_spec_user, at_most_eight_forwards)
{
	char spec[512] = "network=user";
	struct vif_spec v;
	char err[256];

	for (int i = 0; i < 9; i++) {
		size_t n = strlen(spec);
		snprintf(spec + n, sizeof(spec) - n, ",hostfwd=tcp::%d-:22", 2000 + i);
	}
	cr_assert_eq(vif_spec_parse(spec, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "more than 8 hostfwd= entries in one vif");
}

Test(vif_spec_user, config_errors_name_file_and_line)
{
	static const char text[] = "name='g'\nkernel='k'\nvif=['bridge=br0',\n"
				   "    'network=user,hostfwd=tcp::99999-:22']\n";
	char err[256];
	struct xlcfg *c = xlcfg_parse_string("g.cfg", text, strlen(text), err, sizeof(err));
	struct domain_config dc;

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(domain_config_from_xlcfg(c, &dc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "g.cfg:4: vif entry 2 ('network=user,hostfwd=tcp::99999-:22'): "
			 "hostfwd 'tcp::99999-:22': the host side is not [hostaddr]:hostport "
			 "(an IPv4 address, a port 1-65535)");
	xlcfg_free(c);
}
