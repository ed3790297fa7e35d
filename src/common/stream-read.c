/* Xen's migration stream v2, read and checked (see stream-read.h). */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/common/stream-read.h"

typedef unsigned long long ull;	/* for printing uint64_t as %llx */

static const char *const libxc_names[XEN_SR_REC_COUNT] = {
	[XEN_SR_REC_END] = "END",
	[XEN_SR_REC_PAGE_DATA] = "PAGE_DATA",
	[XEN_SR_REC_X86_PV_INFO] = "X86_PV_INFO",
	[XEN_SR_REC_X86_PV_P2M_FRAMES] = "X86_PV_P2M_FRAMES",
	[XEN_SR_REC_X86_PV_VCPU_BASIC] = "X86_PV_VCPU_BASIC",
	[XEN_SR_REC_X86_PV_VCPU_EXTENDED] = "X86_PV_VCPU_EXTENDED",
	[XEN_SR_REC_X86_PV_VCPU_XSAVE] = "X86_PV_VCPU_XSAVE",
	[XEN_SR_REC_SHARED_INFO] = "SHARED_INFO",
	[XEN_SR_REC_X86_TSC_INFO] = "X86_TSC_INFO",
	[XEN_SR_REC_HVM_CONTEXT] = "HVM_CONTEXT",
	[XEN_SR_REC_HVM_PARAMS] = "HVM_PARAMS",
	[XEN_SR_REC_TOOLSTACK] = "TOOLSTACK",
	[XEN_SR_REC_X86_PV_VCPU_MSRS] = "X86_PV_VCPU_MSRS",
	[XEN_SR_REC_VERIFY] = "VERIFY",
	[XEN_SR_REC_CHECKPOINT] = "CHECKPOINT",
	[XEN_SR_REC_CHECKPOINT_DIRTY_PFN_LIST] = "CHECKPOINT_DIRTY_PFN_LIST",
	[XEN_SR_REC_STATIC_DATA_END] = "STATIC_DATA_END",
	[XEN_SR_REC_X86_CPUID_POLICY] = "X86_CPUID_POLICY",
	[XEN_SR_REC_X86_MSR_POLICY] = "X86_MSR_POLICY",
};

static const char *const libxl_names[XEN_SR_LIBXL_COUNT] = {
	[XEN_SR_LIBXL_END] = "END",
	[XEN_SR_LIBXL_LIBXC_CONTEXT] = "LIBXC_CONTEXT",
	[XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA] = "EMULATOR_XENSTORE_DATA",
	[XEN_SR_LIBXL_EMULATOR_CONTEXT] = "EMULATOR_CONTEXT",
	[XEN_SR_LIBXL_CHECKPOINT_END] = "CHECKPOINT_END",
	[XEN_SR_LIBXL_CHECKPOINT_STATE] = "CHECKPOINT_STATE",
};

const char *stream_record_name(enum stream_layer layer, uint32_t type)
{
	if (layer == STREAM_LAYER_LIBXC && type < XEN_SR_REC_COUNT)
		return libxc_names[type];
	if (layer == STREAM_LAYER_LIBXL && type < XEN_SR_LIBXL_COUNT)
		return libxl_names[type];
	return "unknown";
}

void stream_limits_default(struct stream_limits *lim, uint64_t max_pfn, uint32_t max_vcpus)
{
	lim->max_pfn = max_pfn;
	lim->max_vcpus = max_vcpus;
	lim->max_body = STREAM_BODY_MAX;
	lim->max_pages = STREAM_PAGES_MAX;
	lim->max_config = STREAM_CONFIG_MAX;
}

static void init(struct stream_reader *r, const struct stream_limits *lim,
		 stream_record_fn *on_record, void *opaque)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->limits = *lim;
	r->on_record = on_record;
	r->opaque = opaque;
}

void stream_reader_init_fd(struct stream_reader *r, int fd, const struct stream_limits *lim,
			   stream_record_fn *on_record, void *opaque)
{
	init(r, lim, on_record, opaque);
	r->fd = fd;
}

void stream_reader_init_mem(struct stream_reader *r, const void *mem, size_t len,
			    const struct stream_limits *lim, stream_record_fn *on_record,
			    void *opaque)
{
	init(r, lim, on_record, opaque);
	r->mem = mem;
	r->mem_len = len;
}

void stream_reader_free(struct stream_reader *r)
{
	free(r->buf);
	free(r->config);
	r->buf = NULL;
	r->config = NULL;
	r->buf_size = 0;
}

/* --- refusals ---------------------------------------------------------------- */

static int vfail(struct stream_reader *r, int err, const char *prefix, const char *fmt,
		 va_list ap)
{
	size_t n = (size_t)snprintf(r->err, sizeof(r->err), "%s", prefix);

	if (n < sizeof(r->err))
		vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	errno = err;
	return -1;
}

int stream_reader_fail(struct stream_reader *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(r, EINVAL, "", fmt, ap);
	va_end(ap);
	return rc;
}

/* A refusal about bytes at offset `at` outside any record (the headers). */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct stream_reader *r, uint64_t at, const char *fmt, ...)
{
	char prefix[48];
	va_list ap;
	int rc;

	snprintf(prefix, sizeof(prefix), "at byte %llu: ", (ull)at);
	va_start(ap, fmt);
	rc = vfail(r, EINVAL, prefix, fmt, ap);
	va_end(ap);
	return rc;
}

/* "libxc record 9 (PAGE_DATA) at byte 4184" */
static void where(const struct stream_record *rec, char *buf, size_t size)
{
	const char *name = stream_record_name(rec->layer, rec->type);
	char type[24];

	if (strcmp(name, "unknown") == 0)
		snprintf(type, sizeof(type), "type 0x%x", rec->type);
	else
		snprintf(type, sizeof(type), "%s", name);
	snprintf(buf, size, "%s record %u (%s) at byte %llu",
		 rec->layer == STREAM_LAYER_LIBXC ? "libxc" : "libxl", rec->index, type,
		 (ull)rec->offset);
}

static int __attribute__((format(printf, 3, 4)))
rec_fail(struct stream_reader *r, const struct stream_record *rec, const char *fmt, ...)
{
	char prefix[96];
	va_list ap;
	int rc;

	where(rec, prefix, sizeof(prefix) - 2);
	strcat(prefix, ": ");
	va_start(ap, fmt);
	rc = vfail(r, EINVAL, prefix, fmt, ap);
	va_end(ap);
	return rc;
}

/* --- input ------------------------------------------------------------------- */

/* Up to len bytes into dst; *got says how many came before the end. */
static int input(struct stream_reader *r, void *dst, size_t len, size_t *got)
{
	uint8_t *p = dst;

	*got = 0;
	if (r->fd < 0) {
		size_t left = r->mem_len - (size_t)r->offset;

		*got = len < left ? len : left;
		if (*got)
			memcpy(dst, r->mem + r->offset, *got);
		r->offset += *got;
		return 0;
	}
	while (*got < len) {
		ssize_t n = read(r->fd, p + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
		r->offset += (uint64_t)n;
	}
	return 0;
}

/* Exactly len bytes of `what`, or a refusal that says where the input ended. */
static int read_exact(struct stream_reader *r, void *dst, size_t len, const char *what)
{
	uint64_t at = r->offset;
	size_t got;

	if (input(r, dst, len, &got) < 0) {
		int err = errno;

		snprintf(r->err, sizeof(r->err), "reading %s at byte %llu: %s", what,
			 (ull)r->offset, strerror(err));
		errno = err;
		return -1;
	}
	if (got < len) {
		snprintf(r->err, sizeof(r->err), "truncated: the input ends at byte %llu, %zu of "
			 "the %zu bytes of %s", (ull)(at + got), got, len, what);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The longest PAGE_DATA body the limits allow. */
static uint64_t page_data_limit(const struct stream_reader *r)
{
	return sizeof(struct xen_sr_page_data_header) +
	       (uint64_t)r->limits.max_pages * (8 + XEN_PAGE_SIZE);
}

/* One record's header, body and padding; checks only its length and padding. */
static int read_record(struct stream_reader *r, enum stream_layer layer,
		       struct stream_record *rec)
{
	struct xen_sr_record_header h;
	unsigned *count = layer == STREAM_LAYER_LIBXC ? &r->libxc_records : &r->libxl_records;
	const char *lname = layer == STREAM_LAYER_LIBXC ? "libxc" : "libxl";
	uint64_t limit, padded;
	char what[96];

	memset(rec, 0, sizeof(*rec));
	rec->layer = layer;
	rec->index = (*count)++;
	rec->offset = r->offset;
	snprintf(what, sizeof(what), "the header of %s record %u", lname, rec->index);
	if (read_exact(r, &h, sizeof(h), what))
		return -1;
	rec->type = h.type;
	rec->length = h.length;

	limit = layer == STREAM_LAYER_LIBXC && h.type == XEN_SR_REC_PAGE_DATA ?
			page_data_limit(r) : r->limits.max_body;
	if (h.length > limit)
		return rec_fail(r, rec, "length %u is over the limit of %llu", h.length, (ull)limit);
	padded = ((uint64_t)h.length + XEN_SR_RECORD_ALIGN - 1) & ~(uint64_t)(XEN_SR_RECORD_ALIGN - 1);
	if (padded > r->buf_size) {
		uint8_t *p = realloc(r->buf, padded);

		if (!p) {
			snprintf(r->err, sizeof(r->err), "no memory for a body of %llu bytes",
				 (ull)padded);
			errno = ENOMEM;
			return -1;
		}
		r->buf = p;
		r->buf_size = padded;
	}
	if (padded) {
		char loc[80];

		where(rec, loc, sizeof(loc));
		snprintf(what, sizeof(what), "the body of %s", loc);
		if (read_exact(r, r->buf, padded, what))
			return -1;
		rec->body = r->buf;
	}
	for (uint64_t i = h.length; i < padded; i++)
		if (r->buf[i])
			return rec_fail(r, rec, "padding byte %llu is 0x%02x, not 0",
					(ull)(i - h.length), r->buf[i]);
	return 0;
}

/* Hands a checked record to the caller; a refusal gets the record's place. */
static int deliver(struct stream_reader *r, const struct stream_record *rec)
{
	char why[sizeof(r->err)];
	int err;

	if (!r->on_record)
		return 0;
	r->err[0] = 0;
	if (r->on_record(r, rec, r->opaque) == 0)
		return 0;
	err = errno;
	snprintf(why, sizeof(why), "%s", r->err[0] ? r->err : "refused by the reader's caller");
	rec_fail(r, rec, "%s", why);
	errno = err ? err : EINVAL;
	return -1;
}

/* --- the libxc layer: headers ---------------------------------------------- */

static int read_image_header(struct stream_reader *r)
{
	struct xen_sr_image_header h;
	uint64_t at = r->offset;
	uint16_t options;

	if (read_exact(r, &h, sizeof(h), "the libxc image header"))
		return -1;
	if (be64toh(h.marker) != XEN_SR_IHDR_MARKER)
		return fail_at(r, at, "libxc image header: marker 0x%016llx is not all ones "
			       "(a legacy pre-v2 image, or no image)", (ull)be64toh(h.marker));
	if (be32toh(h.id) != XEN_SR_IHDR_ID)
		return fail_at(r, at, "libxc image header: id 0x%08x is not 0x%08x (\"XENF\")",
			       be32toh(h.id), XEN_SR_IHDR_ID);
	r->version = be32toh(h.version);
	if (r->version < XEN_SR_IHDR_VERSION_MIN || r->version > XEN_SR_IHDR_VERSION)
		return fail_at(r, at, "libxc image header: version %u; versions %u to %u are read",
			       r->version, XEN_SR_IHDR_VERSION_MIN, XEN_SR_IHDR_VERSION);
	options = be16toh(h.options);
	if (options & XEN_SR_IHDR_OPT_BIG_ENDIAN)
		return fail_at(r, at, "libxc image header: the records are big-endian");
	if (options & XEN_SR_IHDR_OPT_RESERVED)
		return fail_at(r, at, "libxc image header: reserved option bits 0x%04x are set",
			       options & XEN_SR_IHDR_OPT_RESERVED);
	if (h.res1 || h.res2)
		return fail_at(r, at, "libxc image header: reserved fields are not zero");
	return 0;
}

static int read_domain_header(struct stream_reader *r)
{
	struct xen_sr_domain_header h;
	uint64_t at = r->offset;

	if (read_exact(r, &h, sizeof(h), "the libxc domain header"))
		return -1;
	if (h.type != XEN_SR_DOMAIN_X86_PV && h.type != XEN_SR_DOMAIN_X86_HVM)
		return fail_at(r, at, "libxc domain header: type %u is neither x86 PV (1) nor "
			       "x86 HVM (2)", h.type);
	if (h.page_shift != XEN_PAGE_SHIFT)
		return fail_at(r, at, "libxc domain header: page shift %u, not %u", h.page_shift,
			       XEN_PAGE_SHIFT);
	if (h.res1)
		return fail_at(r, at, "libxc domain header: the reserved field is 0x%04x, not 0",
			       h.res1);
	r->domain_type = h.type;
	r->xen_major = h.xen_major;
	r->xen_minor = h.xen_minor;
	return 0;
}

/* --- the libxc layer: where each record may come ---------------------------- */

static bool is_static(uint32_t type)
{
	return type == XEN_SR_REC_X86_PV_INFO || type == XEN_SR_REC_X86_CPUID_POLICY ||
	       type == XEN_SR_REC_X86_MSR_POLICY || type == XEN_SR_REC_STATIC_DATA_END;
}

static bool is_pv_vcpu(uint32_t type)
{
	return type == XEN_SR_REC_X86_PV_VCPU_BASIC || type == XEN_SR_REC_X86_PV_VCPU_EXTENDED ||
	       type == XEN_SR_REC_X86_PV_VCPU_XSAVE || type == XEN_SR_REC_X86_PV_VCPU_MSRS;
}

static bool pv_only(uint32_t type)
{
	return type == XEN_SR_REC_X86_PV_INFO || type == XEN_SR_REC_X86_PV_P2M_FRAMES ||
	       type == XEN_SR_REC_SHARED_INFO || is_pv_vcpu(type);
}

static bool hvm_only(uint32_t type)
{
	return type == XEN_SR_REC_HVM_CONTEXT || type == XEN_SR_REC_HVM_PARAMS;
}

/* Static records: once each, before STATIC_DATA_END (version 3 only but
 * X86_PV_INFO). */
static int check_static_order(struct stream_reader *r, const struct stream_record *rec)
{
	const char *name = libxc_names[rec->type];
	bool *seen = NULL;

	if (r->version < 3 && rec->type != XEN_SR_REC_X86_PV_INFO)
		return rec_fail(r, rec, "%s is not part of a version 2 stream", name);
	if (r->static_done)
		return rec_fail(r, rec, "%s comes after %s", name,
				r->version < 3 ? "the static data (ended by the first X86_PV_P2M_FRAMES)"
					       : "STATIC_DATA_END");
	switch (rec->type) {
	case XEN_SR_REC_X86_PV_INFO:
		seen = &r->seen_pv_info;
		break;
	case XEN_SR_REC_X86_CPUID_POLICY:
		seen = &r->seen_cpuid;
		break;
	case XEN_SR_REC_X86_MSR_POLICY:
		seen = &r->seen_msr;
		break;
	case XEN_SR_REC_STATIC_DATA_END:
		if (r->domain_type == XEN_SR_DOMAIN_X86_PV && !r->seen_pv_info)
			return rec_fail(r, rec, "STATIC_DATA_END before X86_PV_INFO");
		r->static_done = true;
		return 0;
	}
	if (*seen)
		return rec_fail(r, rec, "a second %s", name);
	*seen = true;
	return 0;
}

/* The rules that make the order, as Xen 4.17's restore needs it: static
 * data first, X86_PV_INFO before X86_PV_P2M_FRAMES before pages and vCPU
 * state (PV), and at END what a domain cannot be restored without. */
static int check_libxc_order(struct stream_reader *r, const struct stream_record *rec)
{
	bool pv = r->domain_type == XEN_SR_DOMAIN_X86_PV;
	uint32_t type = rec->type;
	const char *name;

	if (type >= XEN_SR_REC_COUNT) {
		if (type & XEN_SR_RECORD_OPTIONAL)
			return 0;	/* optional: the caller may skip it */
		return rec_fail(r, rec, "unknown mandatory record type 0x%x", type);
	}
	name = libxc_names[type];
	if (type == XEN_SR_REC_TOOLSTACK)
		return rec_fail(r, rec, "the deprecated TOOLSTACK record is not read");
	if (type == XEN_SR_REC_CHECKPOINT_DIRTY_PFN_LIST)
		return rec_fail(r, rec, "%s belongs to COLO's back channel, not to a saved "
				"or migrated domain", name);
	if (!pv && pv_only(type))
		return rec_fail(r, rec, "%s in an HVM stream", name);
	if (pv && hvm_only(type))
		return rec_fail(r, rec, "%s in a PV stream", name);
	if (is_static(type))
		return check_static_order(r, rec);

	if (!r->static_done) {
		/* A version 2 stream has no STATIC_DATA_END: Xen infers it here. */
		bool infer = r->version < 3 &&
			     type == (pv ? XEN_SR_REC_X86_PV_P2M_FRAMES : XEN_SR_REC_PAGE_DATA);

		if (!infer)
			return rec_fail(r, rec, "%s before %s", name,
					r->version >= 3 ? "STATIC_DATA_END"
					: pv		? "X86_PV_P2M_FRAMES"
							: "the first PAGE_DATA");
		if (pv && !r->seen_pv_info)
			return rec_fail(r, rec, "%s before X86_PV_INFO", name);
		r->static_done = true;
	}
	if (pv && !r->seen_p2m &&
	    (type == XEN_SR_REC_PAGE_DATA || type == XEN_SR_REC_SHARED_INFO || is_pv_vcpu(type)))
		return rec_fail(r, rec, "%s before X86_PV_P2M_FRAMES", name);
	if (type == XEN_SR_REC_END) {
		if (pv && !r->seen_vcpu0_basic)
			return rec_fail(r, rec, "END with no X86_PV_VCPU_BASIC for vCPU 0");
		if (!pv && !r->seen_hvm_context)
			return rec_fail(r, rec, "END with no HVM_CONTEXT");
	}
	return 0;
}

/* --- the libxc layer: each record's body ------------------------------------ */

static int check_page_data(struct stream_reader *r, struct stream_record *rec)
{
	const struct xen_sr_page_data_header *h = (const void *)rec->body;
	const uint64_t *words;
	uint64_t ndata = 0, want;
	bool pv = r->domain_type == XEN_SR_DOMAIN_X86_PV;

	if (rec->length < sizeof(*h))
		return rec_fail(r, rec, "length %u is shorter than its %zu-byte header",
				rec->length, sizeof(*h));
	if (h->res1)
		return rec_fail(r, rec, "the reserved word is 0x%x, not 0", h->res1);
	if (h->count == 0)
		return rec_fail(r, rec, "count is 0");
	if (h->count > r->limits.max_pages)
		return rec_fail(r, rec, "count %u is over the limit of %u pages", h->count,
				r->limits.max_pages);
	if (rec->length < sizeof(*h) + (uint64_t)h->count * 8)
		return rec_fail(r, rec, "count %u needs %llu bytes of pfns, the body has %u",
				h->count, (ull)h->count * 8, rec->length - (uint32_t)sizeof(*h));
	words = (const uint64_t *)(rec->body + sizeof(*h));
	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t pfn = words[i] & XEN_SR_PFN_MASK;
		unsigned type = (unsigned)(words[i] >> XEN_SR_PAGE_TYPE_SHIFT);
		unsigned level = XEN_SR_PAGE_LEVEL(type);

		if (words[i] & XEN_SR_PFN_RESERVED)
			return rec_fail(r, rec, "pfn[%u] 0x%016llx has reserved bits set", i,
					(ull)words[i]);
		if (!XEN_SR_PAGE_KNOWN(type))
			return rec_fail(r, rec, "pfn[%u] 0x%llx has unknown page type 0x%x", i,
					(ull)pfn, type);
		if (pfn > r->limits.max_pfn)
			return rec_fail(r, rec, "pfn[%u] 0x%llx is past the last pfn 0x%llx", i,
					(ull)pfn, (ull)r->limits.max_pfn);
		if (XEN_SR_PAGE_HAS_DATA(type) && level) {
			if (!pv)
				return rec_fail(r, rec, "pfn[%u] 0x%llx is typed as an L%u page "
						"table, which HVM guests do not have", i, (ull)pfn,
						level);
			if (level > r->pt_levels)
				return rec_fail(r, rec, "pfn[%u] 0x%llx is typed as an L%u page "
						"table in a guest with %u levels", i, (ull)pfn,
						level, r->pt_levels);
		}
		ndata += XEN_SR_PAGE_HAS_DATA(type);
	}
	want = sizeof(*h) + (uint64_t)h->count * 8 + ndata * XEN_PAGE_SIZE;
	if (rec->length != want)
		return rec_fail(r, rec, "length %u, but %u pfns of which %llu carry a page make "
				"%llu", rec->length, h->count, (ull)ndata, (ull)want);
	rec->count = h->count;
	rec->pfn_words = words;
	rec->pages = rec->body + sizeof(*h) + (size_t)h->count * 8;
	return 0;
}

static int check_pv_info(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_x86_pv_info *info = (const void *)rec->body;

	if (rec->length != sizeof(*info))
		return rec_fail(r, rec, "length %u, not %zu", rec->length, sizeof(*info));
	if (!(info->guest_width == 8 && info->pt_levels == 4) &&
	    !(info->guest_width == 4 && info->pt_levels == 3))
		return rec_fail(r, rec, "guest width %u with %u page-table levels: only 8 with 4 "
				"and 4 with 3 exist", info->guest_width, info->pt_levels);
	for (unsigned i = 0; i < sizeof(info->res); i++)
		if (info->res[i])
			return rec_fail(r, rec, "reserved byte %u is not 0", i);
	r->guest_width = info->guest_width;
	r->pt_levels = info->pt_levels;
	return 0;
}

static int check_p2m_frames(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_x86_pv_p2m_frames *h = (const void *)rec->body;
	const uint64_t *frames;
	uint32_t per_frame;
	uint64_t n, want;

	if (!r->guest_width)	/* the order rules saw X86_PV_INFO first; be sure */
		return rec_fail(r, rec, "no X86_PV_INFO before it");
	per_frame = XEN_PAGE_SIZE / r->guest_width;

	if (rec->length < sizeof(*h) || rec->length % 8)
		return rec_fail(r, rec, "length %u is not 8 bytes plus a multiple of 8", rec->length);
	if (h->start_pfn > h->end_pfn)
		return rec_fail(r, rec, "start pfn 0x%x is past end pfn 0x%x", h->start_pfn,
				h->end_pfn);
	n = h->end_pfn / per_frame - h->start_pfn / per_frame + 1;
	want = sizeof(*h) + n * 8;
	if (rec->length != want)
		return rec_fail(r, rec, "length %u, but pfns 0x%x-0x%x take %llu p2m frames, "
				"%llu bytes", rec->length, h->start_pfn, h->end_pfn, (ull)n,
				(ull)want);
	if (h->end_pfn > r->limits.max_pfn)
		return rec_fail(r, rec, "end pfn 0x%x is past the last pfn 0x%llx", h->end_pfn,
				(ull)r->limits.max_pfn);
	frames = (const uint64_t *)(rec->body + sizeof(*h));
	for (uint64_t i = 0; i < n; i++)
		if (frames[i] > r->limits.max_pfn)
			return rec_fail(r, rec, "frame %llu, pfn 0x%llx, is past the last pfn 0x%llx",
					(ull)i, (ull)frames[i], (ull)r->limits.max_pfn);
	r->seen_p2m = true;
	return 0;
}

static int check_pv_vcpu(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_x86_pv_vcpu_header *h = (const void *)rec->body;
	uint32_t size, basic = r->guest_width == 8 ? XEN_SR_VCPU_BASIC64_SIZE
						    : XEN_SR_VCPU_BASIC32_SIZE;

	if (rec->length < sizeof(*h))
		return rec_fail(r, rec, "length %u is shorter than its %zu-byte header",
				rec->length, sizeof(*h));
	if (h->res1)
		return rec_fail(r, rec, "the reserved word is 0x%x, not 0", h->res1);
	if (h->vcpu_id >= r->limits.max_vcpus)
		return rec_fail(r, rec, "vCPU %u is past the domain's %u vCPUs", h->vcpu_id,
				r->limits.max_vcpus);
	size = rec->length - (uint32_t)sizeof(*h);
	if (size == 0)
		return 0;	/* Xen tolerates empty ones from old senders, and skips them */
	switch (rec->type) {
	case XEN_SR_REC_X86_PV_VCPU_BASIC:
		if (size != basic)
			return rec_fail(r, rec, "a %u-bit guest's context is %u bytes, not %u",
					r->guest_width * 8, basic, size);
		if (h->vcpu_id == 0)
			r->seen_vcpu0_basic = true;
		break;
	case XEN_SR_REC_X86_PV_VCPU_EXTENDED:
		if (size > XEN_SR_VCPU_EXTENDED_MAX)
			return rec_fail(r, rec, "%u bytes of context, over the %u there are", size,
					XEN_SR_VCPU_EXTENDED_MAX);
		break;
	case XEN_SR_REC_X86_PV_VCPU_XSAVE:
		if (size < XEN_SR_VCPU_XSAVE_MIN)
			return rec_fail(r, rec, "%u bytes of context, under the %u of xcr0 and "
					"xcr0_accum", size, XEN_SR_VCPU_XSAVE_MIN);
		break;
	case XEN_SR_REC_X86_PV_VCPU_MSRS:
		if (size % sizeof(struct xen_sr_vcpu_msr))
			return rec_fail(r, rec, "%u bytes of MSRs is not a whole number of %zu-byte "
					"entries", size, sizeof(struct xen_sr_vcpu_msr));
		break;
	}
	return 0;
}

static int check_tsc_info(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_x86_tsc_info *t = (const void *)rec->body;

	if (rec->length != sizeof(*t))
		return rec_fail(r, rec, "length %u, not %zu", rec->length, sizeof(*t));
	if (t->res1)
		return rec_fail(r, rec, "the reserved word is 0x%x, not 0", t->res1);
	if (t->mode > XEN_TSC_MODE_NEVER_EMULATE)
		return rec_fail(r, rec, "TSC mode %u is not one Xen 4.17 has", t->mode);
	return 0;
}

/* Xen's HVM save blob: descriptors and their data, HEADER first, END last. */
static int check_hvm_context(struct stream_reader *r, const struct stream_record *rec)
{
	struct xen_hvm_save_descriptor d;
	struct xen_hvm_save_header hh;
	uint32_t off = 0;

	if (rec->length == 0)
		return rec_fail(r, rec, "the HVM context is empty");
	while (rec->length - off >= sizeof(d)) {
		memcpy(&d, rec->body + off, sizeof(d));
		off += sizeof(d);
		if (d.length > rec->length - off)
			return rec_fail(r, rec, "HVM context entry type %u at +%u is %u bytes; %u "
					"remain", d.typecode, off - 8, d.length, rec->length - off);
		if (off == sizeof(d)) {
			if (d.typecode != XEN_HVM_SAVE_HEADER || d.length != sizeof(hh))
				return rec_fail(r, rec, "the HVM context does not start with its "
						"%zu-byte HEADER entry", sizeof(hh));
			memcpy(&hh, rec->body + off, sizeof(hh));
			if (hh.magic != XEN_HVM_FILE_MAGIC || hh.version != XEN_HVM_FILE_VERSION)
				return rec_fail(r, rec, "HVM context HEADER: magic 0x%08x version %u,"
						" not 0x%08x version %u", hh.magic, hh.version,
						XEN_HVM_FILE_MAGIC, XEN_HVM_FILE_VERSION);
		}
		if (d.typecode == XEN_HVM_SAVE_END) {
			if (d.length || off != rec->length)
				return rec_fail(r, rec, "the HVM context's END entry at +%u is not "
						"its last 8 bytes", off - 8);
			r->seen_hvm_context = true;
			return 0;
		}
		off += d.length;
	}
	return rec_fail(r, rec, "the HVM context has no END entry");
}

static int check_hvm_params(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_hvm_params_header *h = (const void *)rec->body;
	uint64_t want;

	if (rec->length < sizeof(*h))
		return rec_fail(r, rec, "length %u is shorter than its %zu-byte header",
				rec->length, sizeof(*h));
	if (h->res1)
		return rec_fail(r, rec, "the reserved word is 0x%x, not 0", h->res1);
	want = sizeof(*h) + (uint64_t)h->count * sizeof(struct xen_sr_hvm_param);
	if (rec->length != want)
		return rec_fail(r, rec, "length %u, but %u parameters make %llu", rec->length,
				h->count, (ull)want);
	return 0;
}

static int check_array(struct stream_reader *r, const struct stream_record *rec, size_t entry)
{
	if (rec->length == 0 || rec->length % entry)
		return rec_fail(r, rec, "length %u is not a whole, non-zero number of %zu-byte "
				"entries", rec->length, entry);
	return 0;
}

static int check_libxc_body(struct stream_reader *r, struct stream_record *rec)
{
	switch (rec->type) {
	case XEN_SR_REC_END:
	case XEN_SR_REC_STATIC_DATA_END:
	case XEN_SR_REC_VERIFY:
	case XEN_SR_REC_CHECKPOINT:
		if (rec->length)
			return rec_fail(r, rec, "length %u; the record is empty", rec->length);
		return 0;
	case XEN_SR_REC_PAGE_DATA:
		return check_page_data(r, rec);
	case XEN_SR_REC_X86_PV_INFO:
		return check_pv_info(r, rec);
	case XEN_SR_REC_X86_PV_P2M_FRAMES:
		return check_p2m_frames(r, rec);
	case XEN_SR_REC_X86_PV_VCPU_BASIC:
	case XEN_SR_REC_X86_PV_VCPU_EXTENDED:
	case XEN_SR_REC_X86_PV_VCPU_XSAVE:
	case XEN_SR_REC_X86_PV_VCPU_MSRS:
		return check_pv_vcpu(r, rec);
	case XEN_SR_REC_SHARED_INFO:
		if (rec->length != XEN_PAGE_SIZE)
			return rec_fail(r, rec, "length %u, not one page", rec->length);
		return 0;
	case XEN_SR_REC_X86_TSC_INFO:
		return check_tsc_info(r, rec);
	case XEN_SR_REC_HVM_CONTEXT:
		return check_hvm_context(r, rec);
	case XEN_SR_REC_HVM_PARAMS:
		return check_hvm_params(r, rec);
	case XEN_SR_REC_X86_CPUID_POLICY:
		return check_array(r, rec, sizeof(struct xen_sr_cpuid_leaf));
	case XEN_SR_REC_X86_MSR_POLICY:
		return check_array(r, rec, sizeof(struct xen_sr_msr_entry));
	}
	return 0;	/* optional records, which the caller may skip */
}

enum { LIBXC_ENDED, LIBXC_CHECKPOINT };

/* Records up to END, or up to CHECKPOINT when a libxl stream holds this
 * one (libxl's records follow, then more of ours). */
static int read_libxc_records(struct stream_reader *r, bool embedded)
{
	struct stream_record rec;

	for (;;) {
		if (read_record(r, STREAM_LAYER_LIBXC, &rec) || check_libxc_order(r, &rec) ||
		    check_libxc_body(r, &rec) || deliver(r, &rec))
			return -1;
		if (rec.type == XEN_SR_REC_END)
			return LIBXC_ENDED;
		if (rec.type == XEN_SR_REC_CHECKPOINT && embedded)
			return LIBXC_CHECKPOINT;
	}
}

static int read_libxc(struct stream_reader *r, bool embedded)
{
	if (read_image_header(r) || read_domain_header(r))
		return -1;
	return read_libxc_records(r, embedded);
}

/* --- the libxl layer ---------------------------------------------------------- */

static int read_libxl_header(struct stream_reader *r)
{
	struct xen_sr_libxl_header h;
	uint64_t at = r->offset;

	if (read_exact(r, &h, sizeof(h), "the libxl header"))
		return -1;
	if (be64toh(h.ident) != XEN_SR_LIBXL_IDENT)
		return fail_at(r, at, "libxl header: ident 0x%016llx is not 0x%016llx (\"LibxlFmt\")",
			       (ull)be64toh(h.ident), (ull)XEN_SR_LIBXL_IDENT);
	if (be32toh(h.version) != XEN_SR_LIBXL_VERSION)
		return fail_at(r, at, "libxl header: version %u, not %u", be32toh(h.version),
			       XEN_SR_LIBXL_VERSION);
	r->libxl_options = be32toh(h.options);
	if (r->libxl_options & XEN_SR_LIBXL_OPT_BIG_ENDIAN)
		return fail_at(r, at, "libxl header: the records are big-endian");
	if (r->libxl_options & XEN_SR_LIBXL_OPT_RESERVED)
		return fail_at(r, at, "libxl header: reserved option bits 0x%08x are set",
			       r->libxl_options & XEN_SR_LIBXL_OPT_RESERVED);
	return 0;
}

static int check_emulator(struct stream_reader *r, const struct stream_record *rec)
{
	const struct xen_sr_emulator_header *h = (const void *)rec->body;
	const char *data;
	size_t len, strings = 0;

	if (rec->length < sizeof(*h))
		return rec_fail(r, rec, "length %u is shorter than its %zu-byte header",
				rec->length, sizeof(*h));
	if (h->id > XEN_SR_EMULATOR_QEMU_UPSTREAM)
		return rec_fail(r, rec, "unknown emulator id %u", h->id);
	if (rec->type != XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA)
		return 0;
	data = (const char *)rec->body + sizeof(*h);
	len = rec->length - sizeof(*h);
	if (len == 0)
		return 0;
	if (data[len - 1])
		return rec_fail(r, rec, "the xenstore data does not end with a NUL");
	for (size_t i = 0; i < len; i++)
		strings += data[i] == 0;
	if (strings % 2)
		return rec_fail(r, rec, "the xenstore data holds %zu strings, not key-value pairs",
				strings);
	return 0;
}

static int check_libxl_record(struct stream_reader *r, const struct stream_record *rec)
{
	const char *name = stream_record_name(STREAM_LAYER_LIBXL, rec->type);

	switch (rec->type) {
	case XEN_SR_LIBXL_END:
	case XEN_SR_LIBXL_LIBXC_CONTEXT:
	case XEN_SR_LIBXL_CHECKPOINT_END:
		if (rec->length)
			return rec_fail(r, rec, "length %u; the record is empty", rec->length);
		break;
	case XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA:
	case XEN_SR_LIBXL_EMULATOR_CONTEXT:
		return check_emulator(r, rec);
	case XEN_SR_LIBXL_CHECKPOINT_STATE:
		return rec_fail(r, rec, "%s belongs to COLO's back channel, not to a saved or "
				"migrated domain", name);
	default:
		if (rec->type & XEN_SR_RECORD_OPTIONAL)
			return 0;
		return rec_fail(r, rec, "unknown mandatory record type 0x%x", rec->type);
	}
	switch (rec->type) {
	case XEN_SR_LIBXL_END:
		if (!r->libxc_ended)
			return rec_fail(r, rec, "END %s", r->libxc_started ?
					"before the libxc stream's END" : "with no LIBXC_CONTEXT");
		break;
	case XEN_SR_LIBXL_LIBXC_CONTEXT:
		if (r->libxc_started)
			return rec_fail(r, rec, "a second LIBXC_CONTEXT");
		break;
	case XEN_SR_LIBXL_CHECKPOINT_END:
		if (!r->in_checkpoint)
			return rec_fail(r, rec, "CHECKPOINT_END with no libxc CHECKPOINT before it");
		break;
	}
	return 0;
}

static int read_libxl(struct stream_reader *r)
{
	struct stream_record rec;
	int rc;

	if (read_libxl_header(r))
		return -1;
	for (;;) {
		if (read_record(r, STREAM_LAYER_LIBXL, &rec) || check_libxl_record(r, &rec) ||
		    deliver(r, &rec))
			return -1;
		switch (rec.type) {
		case XEN_SR_LIBXL_END:
			return 0;
		case XEN_SR_LIBXL_LIBXC_CONTEXT:
			r->libxc_started = true;
			rc = read_libxc(r, true);
			break;
		case XEN_SR_LIBXL_CHECKPOINT_END:
			r->in_checkpoint = false;
			rc = read_libxc_records(r, true);
			break;
		default:
			continue;
		}
		if (rc < 0)
			return -1;
		r->libxc_ended = rc == LIBXC_ENDED;
		r->in_checkpoint = rc == LIBXC_CHECKPOINT;
	}
}

/* --- the xl save file ---------------------------------------------------------- */

static int read_xl_header(struct stream_reader *r)
{
	struct xen_xl_save_header h;
	uint32_t len_word, rest;
	uint64_t at = r->offset;
	char *tail;

	if (read_exact(r, &h, sizeof(h), "the xl header"))
		return -1;
	if (memcmp(h.magic, XEN_XL_SAVE_MAGIC, XEN_XL_SAVE_MAGIC_LEN))
		return fail_at(r, at, "not an xl save file: the first 32 bytes are not xl's magic");
	if (h.byteorder != XEN_XL_SAVE_BYTEORDER)
		return fail_at(r, at, "xl header: byte-order word 0x%08x is not 0x%08x (saved by a "
			       "host of the other byte order?)", h.byteorder, XEN_XL_SAVE_BYTEORDER);
	r->xl_mandatory_flags = h.mandatory_flags;
	if (h.mandatory_flags & ~XEN_XL_MANDATORY_KNOWN)
		return fail_at(r, at, "xl header: unknown mandatory flags 0x%x",
			       h.mandatory_flags & ~XEN_XL_MANDATORY_KNOWN);
	if (!(h.mandatory_flags & XEN_XL_FLAG_STREAMV2))
		return fail_at(r, at, "xl header: the stream is the legacy (pre-v2) format, which "
			       "is not read");
	if (h.optional_data_len > (uint64_t)r->limits.max_config + sizeof(len_word))
		return fail_at(r, at, "xl header: %u bytes of optional data, over the limit of %llu",
			       h.optional_data_len,
			       (ull)r->limits.max_config + sizeof(len_word));
	if (h.optional_data_len == 0)
		return 0;
	if (h.optional_data_len < sizeof(len_word))
		return fail_at(r, at, "xl header: %u bytes of optional data cannot hold the "
			       "config's length", h.optional_data_len);
	if (read_exact(r, &len_word, sizeof(len_word), "the xl config's length"))
		return -1;
	if (len_word > h.optional_data_len - sizeof(len_word))
		return fail_at(r, at, "xl header: a config of %u bytes in %u bytes of optional data",
			       len_word, h.optional_data_len);
	r->config_len = len_word;
	rest = h.optional_data_len - (uint32_t)sizeof(len_word) - len_word;
	if (len_word) {
		r->config = malloc((size_t)len_word + 1);
		if (!r->config) {
			snprintf(r->err, sizeof(r->err), "no memory for a config of %u bytes",
				 len_word);
			errno = ENOMEM;
			return -1;
		}
		if (read_exact(r, r->config, len_word, "the xl config"))
			return -1;
		r->config[len_word] = 0;
		/* xl's JSON is one C string, its NUL counted. */
		if ((h.mandatory_flags & XEN_XL_FLAG_JSON) &&
		    memchr(r->config, 0, len_word) != r->config + len_word - 1)
			return fail_at(r, at, "xl header: the JSON config is not one NUL-terminated "
				       "string");
	}
	/* Optional data past the config is for a newer xl: skipped, as xl does. */
	if (rest) {
		int rc;

		tail = malloc(rest);
		if (!tail) {
			snprintf(r->err, sizeof(r->err), "no memory for %u bytes of optional data",
				 rest);
			errno = ENOMEM;
			return -1;
		}
		rc = read_exact(r, tail, rest, "the xl header's optional data");
		free(tail);
		return rc;
	}
	return 0;
}

int stream_read(struct stream_reader *r, enum stream_format format)
{
	r->err[0] = 0;
	switch (format) {
	case STREAM_XL:
		if (read_xl_header(r))
			return -1;
		return read_libxl(r);
	case STREAM_LIBXL:
		return read_libxl(r);
	case STREAM_LIBXC:
		return read_libxc(r, false) < 0 ? -1 : 0;
	}
	errno = EINVAL;
	return -1;
}
