/* The xenstore side every Dom0 backend shares: a device's two directories,
 * its nodes, and the numbers a frontend writes there. */
#ifndef XENKVM_DOM0_XENBUS_H
#define XENKVM_DOM0_XENBUS_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/xenbus.h"
#include "src/xenkvmd/dom0.h"

struct xb_dev;

/* What a backend does at each step of the handshake. */
struct xb_dev_ops {
	void (*connect)(struct dom0 *z, struct xb_dev *x);	/* rings published */
	void (*disconnect)(struct xb_dev *x);			/* may run twice */
	void (*remove)(struct dom0 *z, struct xb_dev *x);	/* frees x */
};

/* The backend half of one device's xenbus handshake (first in its struct). */
struct xb_dev {
	char fe[96], be[96];		/* frontend and backend directories */
	enum xenbus_state state;	/* the backend's */
	bool dirty;			/* a frontend node changed */
	bool detaching;			/* the toolstack wants it gone */
	const struct xb_dev_ops *ops;
	struct xb_dev *next;		/* every backend's devices: dom0.xbdevs */
};

void xb_set_state(struct dom0 *z, struct xb_dev *x, enum xenbus_state s);
/* Steps after the frontend's state; false when the device was removed. */
bool xb_frontend_changed(struct dom0 *z, struct xb_dev *x);
/* Devices are watched from xb_register until xb_unregister (a no-op if never registered). */
void xb_register(struct dom0 *z, struct xb_dev *x);
void xb_unregister(struct dom0 *z, struct xb_dev *x);
/* xenstored's change hook: marks the devices whose frontend directory holds path. */
void xb_path_changed(void *z, const char *path);
/* The main loop's turn: steps every marked device, then flushes the store. */
void xb_run(struct dom0 *z);
/* Detach: asks a connected frontend to close, else (or when force) removes. */
void xb_detach(struct dom0 *z, struct xb_dev *x, bool force);

/* Write dir/key = printf(fmt, ...) as Dom0; 0 or an errno value. */
int xb_printf(struct dom0 *z, const char *dir, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An unsigned number in dir/key: def when absent, -1 when not a number. */
long long xb_read_uint(struct dom0 *z, const char *dir, const char *key, long long def);
/* The frontend directory (the guest's, Dom0 may read) and the backend one
 * (Dom0's, the guest may read), empty. */
int xb_make_dirs(struct dom0 *z, uint32_t domid, const char *fe, const char *be);

#endif
