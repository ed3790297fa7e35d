/* Drives xenstored in-process for unit tests: clients without sockets. */
#ifndef XS_HARNESS_H
#define XS_HARNESS_H

#include <stdint.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-server.h"

struct xh_reply {
	uint32_t type;
	uint32_t req_id, tx_id;
	uint32_t len;
	char data[XS_PAYLOAD_MAX + 1];	/* always nul-terminated too */
};

/* A client as domain domid (0: a Dom0 tool); domUs get introduced. */
struct xs_conn *xh_client(struct xsd *d, uint32_t domid);
/* Sends a raw request and pops the next queued message into out. */
void xh_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *p,
	    uint32_t len, struct xh_reply *out);
/* Request with nul-terminated string arguments (NULL-terminated list). */
struct xh_reply *xh(struct xs_conn *c, uint32_t type, uint32_t tx, ...);
struct xh_reply *xh_write(struct xs_conn *c, uint32_t tx, const char *path,
			  const char *value);
/* "" for success replies whose payload is OK, else the error name. */
const char *xh_err(const struct xh_reply *r);
/* Pops one queued message; returns 0 when none is queued. */
int xh_pop(struct xs_conn *c, struct xh_reply *out);
/* Pops a watch event and checks it is path/token. */
int xh_event_is(struct xs_conn *c, const char *path, const char *token);
int xh_queued(const struct xs_conn *c);

#endif
