#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/xlcfg/vif-spec.h"

#define DEFAULT_RATE_INTERVAL_US 50000

int vif_spec_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int vif_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

void vif_format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

void vif_random_mac(uint8_t mac[6])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	mac[0] = 0x00, mac[1] = 0x16, mac[2] = 0x3e;
	if (fd < 0 || read(fd, mac + 3, 3) != 3) {
		unsigned r = (unsigned)time(NULL) ^ (unsigned)getpid() * 2654435761u;
		mac[3] = (uint8_t)r, mac[4] = (uint8_t)(r >> 8), mac[5] = (uint8_t)(r >> 16);
	}
	if (fd >= 0)
		close(fd);
	mac[3] &= 0x7f;	/* xl keeps the top bit of the fourth octet clear */
}

/* "10Mb/s", "250KB/s", "1MB/s@20ms": bytes per second and interval in us. */
static int parse_rate(const char *s, uint64_t *bytes, uint64_t *interval)
{
	static const struct { const char *suffix; uint64_t mul, div; } units[] = {
		{ "GB", 1000000000ull, 1 }, { "MB", 1000000, 1 }, { "KB", 1000, 1 },
		{ "B", 1, 1 }, { "Gb", 1000000000ull, 8 }, { "Mb", 1000000, 8 },
		{ "Kb", 1000, 8 }, { "b", 1, 8 },
	};
	char *end;
	uint64_t n = strtoull(s, &end, 10), mul = 0, div = 1;
	const char *p = end;

	if (end == s)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && !mul; i++) {
		size_t len = strlen(units[i].suffix);
		if (!strncmp(p, units[i].suffix, len) && p[len] == '/') {
			mul = units[i].mul, div = units[i].div;
			p += len;
		}
	}
	if (!mul || strncmp(p, "/s", 2) || n > UINT64_MAX / mul)
		return -1;
	*bytes = n * mul / div;
	*interval = DEFAULT_RATE_INTERVAL_US;
	p += 2;
	if (*p == '@') {
		uint64_t t = strtoull(p + 1, &end, 10), scale = 1;
		if (end == p + 1)
			return -1;
		if (!strcmp(end, "ms")) scale = 1000;
		else if (!strcmp(end, "s")) scale = 1000000;
		else if (strcmp(end, "us") && *end) return -1;
		if (!t || t > UINT64_MAX / scale)
			return -1;
		*interval = t * scale;
		return 0;
	}
	return *p ? -1 : 0;
}

static int copy(char *dst, size_t size, const char *val, const char *key, char *err, size_t errlen)
{
	if (strlen(val) >= size)
		return vif_spec_error(err, errlen, "vif %s '%s' is too long", key, val);
	strcpy(dst, val);
	return 0;
}

static int set_key(struct vif_spec *v, const char *key, const char *val, char *err, size_t errlen)
{
	char *end;
	long n;

	if (!strcmp(key, "netdev"))	/* the deprecated name of gatewaydev */
		key = "gatewaydev";
#define STR(name) if (!strcmp(key, #name)) return copy(v->name, sizeof(v->name), val, key, err, errlen)
	STR(bridge); STR(gatewaydev); STR(model); STR(vifname); STR(script); STR(ip);
	STR(backend); STR(vlan);
#undef STR
	if (!strcmp(key, "mac")) {
		if (vif_parse_mac(val, v->mac))
			return vif_spec_error(err, errlen, "invalid mac address '%s' (want xx:xx:xx:xx:xx:xx)", val);
		if (v->mac[0] & 1)
			return vif_spec_error(err, errlen, "mac address '%s' is a multicast address", val);
		v->mac_given = true;
		return 0;
	}
	if (!strcmp(key, "type")) {
		if (strcmp(val, "vif") && strcmp(val, "ioemu"))
			return vif_spec_error(err, errlen, "vif type must be vif or ioemu, not '%s'", val);
		return copy(v->type, sizeof(v->type), val, key, err, errlen);
	}
	if (!strcmp(key, "rate")) {
		if (parse_rate(val, &v->rate_bytes_per_s, &v->rate_interval_us))
			return vif_spec_error(err, errlen, "invalid rate '%s' (e.g. 10Mb/s or 1MB/s@20ms)", val);
		return 0;
	}
	if (!strcmp(key, "devid") || !strcmp(key, "mtu")) {
		n = strtol(val, &end, 10);
		if (*end || end == val || n < 0 || (key[0] == 'm' && (n < 68 || n > 65535)) ||
		    n > 65535)
			return vif_spec_error(err, errlen, "invalid %s '%s'", key, val);
		if (key[0] == 'm')
			v->mtu = (unsigned)n;
		else
			v->devid = (int)n;
		return 0;
	}
	if (!strcmp(key, "network"))
		return vif_set_network(v, val, err, errlen);
	if (!strcmp(key, "hostfwd"))
		return vif_add_hostfwd(v, val, err, errlen);
	if (!strcmp(key, "accel"))
		return vif_spec_error(err, errlen, "vif parameter 'accel' is not supported");
	return vif_spec_error(err, errlen, "unknown vif parameter '%s'", key);
}

int vif_spec_parse(const char *spec, struct vif_spec *v, char *err, size_t errlen)
{
	const char *p = spec;

	*v = (struct vif_spec){ .devid = -1, .trusted = true, .user_guest = VIF_USER_GUEST };
	strcpy(v->type, "vif");
	while (*p) {
		char param[512], *eq;
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n >= sizeof(param))
			return vif_spec_error(err, errlen, "vif parameter too long");
		memcpy(param, p, n);
		param[n] = 0;
		eq = strchr(param, '=');
		if (!strcmp(param, "trusted") || !strcmp(param, "untrusted"))
			v->trusted = param[0] == 't';
		else if (eq) {
			*eq = 0;
			if (set_key(v, param, eq + 1, err, errlen))
				return -1;
		} else if (*param) {
			return vif_spec_error(err, errlen, "vif parameter '%s' is not key=value", param);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return vif_check_user(v, err, errlen);
}
