/* Executes one xenstore request from a client and queues the reply. */
#ifndef XS_PROTO_H
#define XS_PROTO_H

#include <stdint.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-wire.h"

/* payload holds hdr->len bytes (at most XS_PAYLOAD_MAX). */
void xs_proto_handle(struct xs_conn *c, const struct xs_msg_hdr *hdr,
		     const char *payload);

/* Shared by the request handlers. */
struct xs_req {
	struct xs_conn *c;
	const struct xs_msg_hdr *hdr;
	const char *payload;
	uint32_t len;
	struct xs_txn *txn;		/* NULL outside a transaction */
};

void xs_reply(struct xs_req *r, const void *data, uint32_t len);
void xs_reply_str(struct xs_req *r, const char *s);	/* with its nul */
void xs_reply_ok(struct xs_req *r);

/* Number of nul-terminated strings in the payload; fills up to max
 * pointers. Bytes after the last nul are not a string. */
uint32_t xs_req_strings(const struct xs_req *r, const char **v, uint32_t max);
/* The payload as exactly one string, or NULL. */
const char *xs_req_onearg(const struct xs_req *r);

/* Handlers in xs-proto-domain.c (domain management, features, quotas) and
 * xs-control.c. Each returns 0 after replying, or an errno. */
int xs_do_introduce(struct xs_req *r);
int xs_do_release(struct xs_req *r);
int xs_do_get_domain_path(struct xs_req *r);
int xs_do_is_domain_introduced(struct xs_req *r);
int xs_do_resume(struct xs_req *r);
int xs_do_set_target(struct xs_req *r);
int xs_do_get_feature(struct xs_req *r);
int xs_do_set_feature(struct xs_req *r);
int xs_do_get_quota(struct xs_req *r);
int xs_do_set_quota(struct xs_req *r);
int xs_do_control(struct xs_req *r);

#endif
