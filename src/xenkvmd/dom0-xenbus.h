/* The xenstore side every Dom0 backend shares: a device's two directories,
 * its nodes, and the numbers a frontend writes there (the handshake itself
 * is backend.c's). */
#ifndef XENKVM_DOM0_XENBUS_H
#define XENKVM_DOM0_XENBUS_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/xenbus.h"
#include "src/xenkvmd/dom0.h"

/* Write dir/key = printf(fmt, ...) as Dom0; 0 or an errno value. */
int xb_printf(struct dom0 *z, const char *dir, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An unsigned number in dir/key: def when absent, -1 when not a number. */
long long xb_read_uint(struct dom0 *z, const char *dir, const char *key, long long def);
/* The frontend directory (the guest's, Dom0 may read) and the backend one
 * (Dom0's, the guest may read), empty. */
int xb_make_dirs(struct dom0 *z, uint32_t domid, const char *fe, const char *be);

#endif
