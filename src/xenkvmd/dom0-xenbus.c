#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"

int xb_printf(struct dom0 *z, const char *dir, const char *key, const char *fmt, ...)
{
	char path[200], value[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return dom0_xs_write(z, path, value);
}

long long xb_read_uint(struct dom0 *z, const char *dir, const char *key, long long def)
{
	char path[200], buf[32], *end;
	unsigned long long n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (dom0_xs_read(z, path, buf, sizeof(buf)))
		return def;
	errno = 0;
	n = strtoull(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-' || n > UINT32_MAX)
		return -1;
	return (long long)n;
}

int xb_make_dirs(struct dom0 *z, uint32_t domid, const char *fe, const char *be)
{
	struct xs_perm fe_perms[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
	struct xs_perm be_perms[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };

	return dom0_xs_write(z, be, "") || dom0_xs_set_perms(z, be, be_perms, 2) ||
	       dom0_xs_write(z, fe, "") || dom0_xs_set_perms(z, fe, fe_perms, 2);
}
