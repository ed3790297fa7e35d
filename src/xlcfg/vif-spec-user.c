/*
 * The xenkvm extensions to xl's vif specification: network=tap|user, and
 * hostfwd= in QEMU's spelling, [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport,
 * so that forwards can be carried over from a QEMU command line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/vif-spec.h"

#define HOSTFWD_SYNTAX "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"

int vif_set_network(struct vif_spec *v, const char *val, char *err, size_t errlen)
{
	if (!strcmp(val, "tap"))
		v->network = VIF_NET_TAP;
	else if (!strcmp(val, "user"))
		v->network = VIF_NET_USER;
	else
		return vif_spec_error(err, errlen, "vif network must be tap or user, not '%s'", val);
	return 0;
}

/* Dotted quad of len bytes to host byte order; an empty one is 0. */
static int parse_ipv4(const char *s, size_t len, uint32_t *out)
{
	char buf[16];
	struct in_addr a;

	*out = 0;
	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *out)
{
	unsigned n = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (unsigned)(s[i] - '0');
	}
	if (n == 0 || n > 65535)
		return -1;
	*out = (uint16_t)n;
	return 0;
}

/* "[addr]:port", len bytes of it. */
static int parse_end(const char *s, size_t len, uint32_t *addr, uint16_t *port)
{
	const char *colon = memrchr(s, ':', len);

	if (!colon)
		return -1;
	return parse_ipv4(s, (size_t)(colon - s), addr) ||
	       parse_port(colon + 1, len - (size_t)(colon + 1 - s), port) ? -1 : 0;
}

/* An address DHCP could give a guest, or a forward could reach: not the
 * network's own, its broadcast, the host's or the DNS server's. */
static bool guest_addr_ok(uint32_t a)
{
	uint32_t host = a & ~VIF_USER_MASK;

	return (a & VIF_USER_MASK) == VIF_USER_NET && host != 0 && host != 255 &&
	       a != VIF_USER_HOST && a != VIF_USER_DNS;
}

/* Two forwards of one protocol that would listen on the same host port. */
static bool clash(const struct vif_hostfwd *a, const struct vif_hostfwd *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       (a->host_addr == b->host_addr || !a->host_addr || !b->host_addr);
}

static int parse_proto(const char *val, size_t len, bool *udp)
{
	*udp = len == 3 && !strncmp(val, "udp", 3);
	return len == 0 || *udp || (len == 3 && !strncmp(val, "tcp", 3)) ? 0 : -1;
}

int vif_add_hostfwd(struct vif_spec *v, const char *val, char *err, size_t errlen)
{
	struct vif_hostfwd f = { 0 };
	const char *colon = strchr(val, ':'), *dash;

	if (v->nr_hostfwds == VIF_MAX_HOSTFWDS)
		return vif_spec_error(err, errlen, "more than %d hostfwd= entries in one vif", VIF_MAX_HOSTFWDS);
	if (!colon)
		return vif_spec_error(err, errlen, "invalid hostfwd '%s' (want " HOSTFWD_SYNTAX ")", val);
	if (parse_proto(val, (size_t)(colon - val), &f.udp))
		return vif_spec_error(err, errlen, "hostfwd '%s': the protocol must be tcp or udp", val);
	dash = strchr(colon + 1, '-');
	if (!dash || parse_end(colon + 1, (size_t)(dash - colon - 1), &f.host_addr, &f.host_port))
		return vif_spec_error(err, errlen, "hostfwd '%s': the host side is not [hostaddr]:hostport "
			   "(an IPv4 address, a port 1-65535)", val);
	if (parse_end(dash + 1, strlen(dash + 1), &f.guest_addr, &f.guest_port))
		return vif_spec_error(err, errlen, "hostfwd '%s': the guest side is not [guestaddr]:guestport "
			   "(an IPv4 address, a port 1-65535)", val);
	if (f.guest_addr && !guest_addr_ok(f.guest_addr))
		return vif_spec_error(err, errlen, "hostfwd '%s': the guest address is not a guest's in "
			   "10.0.2.0/24", val);
	for (unsigned i = 0; i < v->nr_hostfwds; i++)
		if (clash(&v->hostfwds[i], &f))
			return vif_spec_error(err, errlen, "hostfwd '%s': host port %u is already forwarded",
				   val, f.host_port);
	v->hostfwds[v->nr_hostfwds++] = f;
	return 0;
}

/* Keys that name something on the host side of a TAP. */
static const char *tap_only_key(const struct vif_spec *v)
{
	if (v->bridge[0])
		return "bridge";
	if (v->script[0])
		return "script";
	if (v->vifname[0])
		return "vifname";
	return NULL;
}

int vif_check_user(struct vif_spec *v, char *err, size_t errlen)
{
	const char *key = tap_only_key(v);

	if (v->network != VIF_NET_USER) {
		if (v->nr_hostfwds)
			return vif_spec_error(err, errlen, "hostfwd= needs network=user");
		return 0;
	}
	if (key)
		return vif_spec_error(err, errlen, "%s= names a host interface; a network=user vif has none",
			   key);
	if (v->ip[0] && (parse_ipv4(v->ip, strlen(v->ip), &v->user_guest) || !v->user_guest ||
			 !guest_addr_ok(v->user_guest)))
		return vif_spec_error(err, errlen, "ip '%s': a network=user guest takes one address of "
			   "10.0.2.0/24 other than .0, .2, .3 and .255", v->ip);
	return 0;
}
