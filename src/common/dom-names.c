/* Names, uuids and lifecycle actions of domains, shared by xl, the xl.cfg
 * parsers and xenkvmd. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/common/dom-names.h"

void dom_uuid_generate(uint8_t uuid[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, uuid, 16) != 16) {
		/* Unique enough for a registry when urandom is unavailable. */
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		for (int i = 0; i < 16; i++)
			uuid[i] = (uint8_t)(t >> ((i % 8) * 8)) ^ (uint8_t)(i * 37);
	}
	if (fd >= 0)
		close(fd);
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
}

bool dom_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) >= DOM_NAME_MAX)
		return false;
	/* xl's lists are lines of tab-separated fields */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

void dom_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int dom_uuid_parse(const char *s, uint8_t uuid[16])
{
	unsigned n = 0;

	for (; *s && n < 32; s++) {
		int v;
		if (*s == '-')
			continue;
		if (*s >= '0' && *s <= '9') v = *s - '0';
		else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
		else return -1;
		if (n % 2 == 0)
			uuid[n / 2] = (uint8_t)(v << 4);
		else
			uuid[n / 2] |= (uint8_t)v;
		n++;
	}
	return (n == 32 && *s == 0) ? 0 : -1;
}

static const char *const action_names[] = {
	[DOM_ACT_DESTROY] = "destroy", [DOM_ACT_RESTART] = "restart",
	[DOM_ACT_PRESERVE] = "preserve", [DOM_ACT_RENAME_RESTART] = "rename-restart",
	[DOM_ACT_COREDUMP_DESTROY] = "coredump-destroy",
	[DOM_ACT_COREDUMP_RESTART] = "coredump-restart",
};

const char *dom_action_name(enum dom_action a)
{
	return action_names[a];
}

int dom_action_parse(const char *s, enum dom_action *a)
{
	for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (!strcmp(s, action_names[i])) {
			*a = (enum dom_action)i;
			return 0;
		}
	}
	return -1;
}
