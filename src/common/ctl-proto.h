/*
 * The xl <-> xenkvmd control protocol, version 1.
 *
 * A message is a sequence of fields, each encoded as a netstring
 * "<decimal length>:<bytes>," and terminated by an empty line "\n".
 * Requests: field 0 is the verb, the rest its arguments. Replies: field 0 is
 * "ok" or "error"; an error carries a Xen-style errno name and a message; an
 * ok carries verb-specific fields. Every connection starts with
 * "hello" "1" -> "ok" "1" (the version). See man/xenkvmd.8.
 */
#ifndef XENKVM_CTL_PROTO_H
#define XENKVM_CTL_PROTO_H

#include <stddef.h>

#define CTL_VERSION "1"
#define CTL_MAX_FIELDS 64
#define CTL_MAX_MSG (1u << 20)

struct ctl_msg {
	unsigned n;
	char *field[CTL_MAX_FIELDS];	/* NUL-terminated copies */
	size_t len[CTL_MAX_FIELDS];
};

void ctl_msg_init(struct ctl_msg *m);
void ctl_msg_free(struct ctl_msg *m);
/* Append a field (copies); returns 0 or -1 if the message is full. */
int ctl_msg_add(struct ctl_msg *m, const char *data, size_t len);
int ctl_msg_addf(struct ctl_msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline const char *ctl_arg(const struct ctl_msg *m, unsigned i)
{
	return i < m->n ? m->field[i] : NULL;
}

/* Encode into a malloc'd buffer; returns its length or -1. */
long ctl_encode(const struct ctl_msg *m, char **out);
/*
 * Decode one message from buf[0..len). Returns bytes consumed, 0 if more data
 * is needed, -1 if the input is malformed (the connection must be dropped).
 */
long ctl_decode(const char *buf, size_t len, struct ctl_msg *m);

/* Blocking helpers over a stream socket. */
int ctl_send(int fd, const struct ctl_msg *m);
int ctl_recv(int fd, struct ctl_msg *m);	/* 0 ok, -1 error/EOF */

#endif
