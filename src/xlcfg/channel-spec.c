#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "src/xlcfg/channel-spec.h"

static int set_value(char *dst, size_t size, const char *key, const char *val, char *err,
		     size_t errlen)
{
	if (!*val || strlen(val) >= size) {
		snprintf(err, errlen, "channel %s= must be 1 to %zu characters", key, size - 1);
		return -1;
	}
	/* xl channel-list shows them as blank-separated words. */
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			snprintf(err, errlen, "channel %s=%s: no blanks or control characters",
				 key, val);
			return -1;
		}
	}
	strcpy(dst, val);
	return 0;
}

static int set_connection(struct channel_spec *c, const char *val, char *err, size_t errlen)
{
	/* xl accepts the upper-case forms its documentation uses, too. */
	if (!strcasecmp(val, "pty"))
		c->connection = CHANNEL_PTY;
	else if (!strcasecmp(val, "socket"))
		c->connection = CHANNEL_SOCKET;
	else {
		snprintf(err, errlen, "channel connection=%s: expected pty or socket", val);
		return -1;
	}
	return 0;
}

static int set_key(struct channel_spec *c, const char *key, const char *val, char *err,
		   size_t errlen, int *have_connection)
{
	if (!strcmp(key, "name"))
		return set_value(c->name, sizeof(c->name), key, val, err, errlen);
	if (!strcmp(key, "path"))
		return set_value(c->path, sizeof(c->path), key, val, err, errlen);
	if (!strcmp(key, "connection")) {
		*have_connection = 1;
		return set_connection(c, val, err, errlen);
	}
	if (!strcmp(key, "backend")) {
		if (strcmp(val, "0") && strcmp(val, "Domain-0")) {
			snprintf(err, errlen, "channel backend=%s: driver domains are not supported; "
				 "xenkvmd (Domain-0) serves every channel", val);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "channel: unknown key '%s' (expected name, connection, path, "
		 "backend)", key);
	return -1;
}

int channel_spec_parse(const char *s, struct channel_spec *out, char *err, size_t errlen)
{
	char buf[512], *save = NULL;
	int have_connection = 0;

	*out = (struct channel_spec){ 0 };
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "channel entry longer than %zu characters", sizeof(buf) - 1);
		return -1;
	}
	strcpy(buf, s);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		while (*kv == ' ')
			kv++;
		if (!*kv)
			continue;
		if (!eq) {
			snprintf(err, errlen, "channel: '%s' is not key=value", kv);
			return -1;
		}
		*eq = 0;
		if (set_key(out, kv, eq + 1, err, errlen, &have_connection))
			return -1;
	}
	if (!out->name[0]) {
		snprintf(err, errlen, "channel '%s': name= is required", s);
		return -1;
	}
	if (!have_connection) {
		snprintf(err, errlen, "channel %s: connection= is required (pty or socket)",
			 out->name);
		return -1;
	}
	if (out->connection == CHANNEL_SOCKET && out->path[0] != '/') {
		snprintf(err, errlen, "channel %s: connection=socket needs an absolute path=",
			 out->name);
		return -1;
	}
	if (out->connection == CHANNEL_PTY && out->path[0]) {
		snprintf(err, errlen, "channel %s: path= applies to connection=socket only",
			 out->name);
		return -1;
	}
	return 0;
}
