/* xenstore wire protocol: message types, header, ring page, error names. */
#ifndef XS_WIRE_H
#define XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum xs_msg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was RESTRICT, removed from the protocol */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT,
	XS_INVALID = 0xffff,
};

struct xs_msg_hdr {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};
_Static_assert(sizeof(struct xs_msg_hdr) == 16, "xsd_sockmsg is 16 bytes");

#define XS_PAYLOAD_MAX		4096
#define XS_ABS_PATH_MAX		3072
#define XS_REL_PATH_MAX		2048

#define XS_RING_SIZE		1024
#define XS_RING_MASK(idx)	((idx) & (XS_RING_SIZE - 1))

struct xs_ring_page {
	char req[XS_RING_SIZE];
	char rsp[XS_RING_SIZE];
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
	uint32_t evtchn_port;
};
_Static_assert(offsetof(struct xs_ring_page, req_cons) == 2048, "ring layout");
_Static_assert(offsetof(struct xs_ring_page, server_features) == 2064,
	       "server_features at 2064 (xenstore-ring.txt)");
_Static_assert(offsetof(struct xs_ring_page, error) == 2072, "ring layout");
_Static_assert(sizeof(struct xs_ring_page) == 2080, "ring layout");

#define XS_FEATURE_RECONNECTION	1
#define XS_FEATURE_ERROR	2
#define XS_FEATURE_WATCHDEPTH	4
#define XS_FEATURE_DOMID_ANY	8
#define XS_FEATURES_ALL		(XS_FEATURE_RECONNECTION | XS_FEATURE_ERROR | \
				 XS_FEATURE_WATCHDEPTH | XS_FEATURE_DOMID_ANY)

#define XS_RING_CONNECTED	0
#define XS_RING_RECONNECT	1

#define XS_RING_ERROR_NONE	0
#define XS_RING_ERROR_COMM	1
#define XS_RING_ERROR_RINGIDX	2
#define XS_RING_ERROR_PROTO	3

#define XS_DOMID_SELF		0x7ff0u
#define XS_DOMID_ANY		0x7ff5u
#define XS_DOMID_FIRST_RESERVED	0x7ff0u

/* The string Xen puts in an XS_ERROR reply for errno err ("EINVAL"...). */
const char *xs_error_name(int err);
/* "READ", "WRITE", ... or NULL for a type we do not know. */
const char *xs_type_name(uint32_t type);

#endif
