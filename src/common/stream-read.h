/*
 * Reads Xen's migration stream v2 (xen-abi/migration-stream.h) from a file
 * descriptor or a buffer, and hands each record, once checked, to the
 * caller.
 *
 * The input is hostile: a file anyone may pass to xl restore, or a peer's
 * migration. Before a record reaches the caller the reader has checked its
 * length against a limit (before allocating), its body against its type,
 * its padding, its place in the stream (the order Xen 4.17 restores in),
 * and its pfns and vCPU ids against the domain's limits. A refusal stops the
 * read with one message naming the layer, the record, its byte offset and
 * what was wrong, for instance
 *   libxc record 9 (PAGE_DATA) at byte 4184: pfn[3] 0x4000 is past the last pfn 0x3fff
 *
 * The reader stops after the outermost END and reads nothing past it, so a
 * migration's pipe can carry more afterwards.
 */
#ifndef XENKVM_STREAM_READ_H
#define XENKVM_STREAM_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/common/stream-write.h"

enum stream_format {
	STREAM_XL,	/* xl's save file: header, config, libxl stream */
	STREAM_LIBXL,	/* libxl stream, with the libxc stream inside */
	STREAM_LIBXC,	/* a libxc stream alone */
};

enum stream_layer { STREAM_LAYER_LIBXC, STREAM_LAYER_LIBXL };

struct stream_limits {
	uint64_t max_pfn;	/* the highest pfn a record may name */
	uint32_t max_vcpus;	/* vCPU ids must be below this */
	uint32_t max_body;	/* longest body of any record but PAGE_DATA */
	uint32_t max_pages;	/* most pfns in one PAGE_DATA */
	uint32_t max_config;	/* longest config in an xl header */
};

/* Defaults: STREAM_BODY_MAX, STREAM_PAGES_MAX, STREAM_CONFIG_MAX; the
 * domain's max_pfn and max_vcpus are the caller's. */
void stream_limits_default(struct stream_limits *lim, uint64_t max_pfn, uint32_t max_vcpus);

/* One record, checked. Valid during the callback only. */
struct stream_record {
	enum stream_layer layer;
	unsigned index;		/* 0 for the first record of its layer */
	uint32_t type;
	uint32_t length;	/* of the body */
	uint64_t offset;	/* of its header, from the start of the input */
	const uint8_t *body;	/* 8-byte aligned; NULL when length is 0 */
	/* PAGE_DATA only: */
	uint32_t count;
	const uint64_t *pfn_words;	/* pfn | type << 60 */
	const uint8_t *pages;		/* a page for each word whose type has data, in order */
};

struct stream_reader;
/* 0 to go on; -1 stops the read (say why with stream_reader_fail). */
typedef int stream_record_fn(struct stream_reader *r, const struct stream_record *rec,
			     void *opaque);

struct stream_reader {
	/* The input: a descriptor, or a buffer when fd is -1. */
	int fd;
	const uint8_t *mem;
	size_t mem_len;
	uint64_t offset;	/* bytes consumed */

	struct stream_limits limits;
	stream_record_fn *on_record;
	void *opaque;

	/* What the headers said. */
	uint32_t xl_mandatory_flags;
	char *config;		/* the xl header's config, NUL-terminated; NULL if none */
	uint32_t config_len;	/* as the header gave it (xl counts the NUL) */
	uint32_t libxl_options;
	uint32_t version;	/* libxc image version, 2 or 3 */
	uint32_t domain_type;	/* XEN_SR_DOMAIN_* */
	uint32_t xen_major, xen_minor;
	uint8_t guest_width, pt_levels;	/* from X86_PV_INFO */

	/* Where the stream is, for its order rules. */
	unsigned libxc_records, libxl_records;
	bool libxc_started, libxc_ended, in_checkpoint;
	bool static_done;	/* STATIC_DATA_END seen (inferred for version 2) */
	bool seen_pv_info, seen_cpuid, seen_msr, seen_p2m, seen_vcpu0_basic, seen_hvm_context;

	uint8_t *buf;		/* the body being read */
	size_t buf_size;
	char err[256];
};

/* The input is fd, or len bytes at mem; on_record gets each record. */
void stream_reader_init_fd(struct stream_reader *r, int fd, const struct stream_limits *lim,
			   stream_record_fn *on_record, void *opaque);
void stream_reader_init_mem(struct stream_reader *r, const void *mem, size_t len,
			    const struct stream_limits *lim, stream_record_fn *on_record,
			    void *opaque);
void stream_reader_free(struct stream_reader *r);

/* Reads the whole stream: 0, or -1 with the reason in r->err and errno set
 * (EINVAL for what the input got wrong, truncation included; read(2)'s
 * errno when reading failed; ENOMEM). */
int stream_read(struct stream_reader *r, enum stream_format format);

/* For a callback: records why it refuses, returns -1. */
int stream_reader_fail(struct stream_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "PAGE_DATA", "LIBXC_CONTEXT"...; "unknown" for a type with no name. */
const char *stream_record_name(enum stream_layer layer, uint32_t type);

#endif
