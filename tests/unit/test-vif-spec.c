#include <criterion/criterion.h>
#include "src/xlcfg/vif-spec.h"

Test(vif_spec, keys_and_defaults)
{
	struct vif_spec v;
	char err[256];

	cr_assert_eq(vif_spec_parse("mac=00:16:3E:01:02:0a, bridge=xenbr0,ip=10.0.0.2 10.0.0.3,"
				    "rate=10Mb/s,mtu=9000,untrusted,model=e1000", &v, err,
				    sizeof(err)), 0, "%s", err);
	cr_assert(v.mac_given);
	cr_assert_eq(v.mac[3], 1);
	cr_assert_eq(v.mac[5], 0x0a);
	cr_assert_str_eq(v.bridge, "xenbr0");
	cr_assert_str_eq(v.ip, "10.0.0.2 10.0.0.3");
	cr_assert_eq(v.rate_bytes_per_s, 1250000);
	cr_assert_eq(v.rate_interval_us, 50000);
	cr_assert_eq(v.mtu, 9000);
	cr_assert_not(v.trusted);
	cr_assert_str_eq(v.type, "vif");
	cr_assert_eq(vif_spec_parse("", &v, err, sizeof(err)), 0);
	cr_assert_not(v.mac_given);
	cr_assert_eq(v.devid, -1);
	cr_assert_eq(vif_spec_parse("rate=1MB/s@20ms", &v, err, sizeof(err)), 0);
	cr_assert_eq(v.rate_bytes_per_s, 1000000);
	cr_assert_eq(v.rate_interval_us, 20000);
	cr_assert_eq(vif_spec_parse("rate=250KB/s", &v, err, sizeof(err)), 0);
	cr_assert_eq(v.rate_bytes_per_s, 250000);
	cr_assert_eq(vif_spec_parse("netdev=eth1,type=ioemu,vifname=web0,script=vif-nat,"
				    "backend=net0,devid=3,vlan=10,gatewaydev=eth2", &v, err,
				    sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(v.gatewaydev, "eth2", "netdev is gatewaydev's old name; the later wins");
	cr_assert_str_eq(v.type, "ioemu");
	cr_assert_str_eq(v.vifname, "web0");
	cr_assert_str_eq(v.script, "vif-nat");
	cr_assert_str_eq(v.backend, "net0");
	cr_assert_eq(v.devid, 3);
	cr_assert_str_eq(v.vlan, "10");
}

Test(vif_spec, errors)
{
	static const struct { const char *spec, *msg; } bad[] = {
		{ "mac=00:16:3e:01:02", "invalid mac address '00:16:3e:01:02' (want xx:xx:xx:xx:xx:xx)" },
		{ "mac=01:16:3e:01:02:03", "mac address '01:16:3e:01:02:03' is a multicast address" },
		{ "type=e1000", "vif type must be vif or ioemu, not 'e1000'" },
		{ "rate=fast", "invalid rate 'fast' (e.g. 10Mb/s or 1MB/s@20ms)" },
		{ "rate=10Mb", "invalid rate '10Mb' (e.g. 10Mb/s or 1MB/s@20ms)" },
		{ "mtu=20", "invalid mtu '20'" },
		{ "colour=blue", "unknown vif parameter 'colour'" },
		{ "bridge", "vif parameter 'bridge' is not key=value" },
		{ "accel=x", "vif parameter 'accel' is not supported" },
		{ "mac=00:16:3e:0g:00:00", "invalid mac address '00:16:3e:0g:00:00' (want xx:xx:xx:xx:xx:xx)" },
		{ "devid=-1", "invalid devid '-1'" },
	};
	struct vif_spec v;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(vif_spec_parse(bad[i].spec, &v, err, sizeof(err)), -1, "%s", bad[i].spec);
		cr_assert_str_eq(err, bad[i].msg);
	}
}

Test(vif_spec, random_mac_is_in_xens_oui_and_unicast)
{
	uint8_t a[6], b[6];

	vif_random_mac(a);
	vif_random_mac(b);
	cr_assert(a[0] == 0x00 && a[1] == 0x16 && a[2] == 0x3e);
	cr_assert_eq(a[3] & 0x80, 0);
	cr_assert(memcmp(a, b, 6) != 0, "two random MACs are equal");
}
