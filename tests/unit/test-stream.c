/*
 * The migration stream's writer and reader (src/common/stream-write.c,
 * stream-read.c): streams written and read back to the same records and the
 * same bytes, and hostile input refused with a message that says where and
 * why.
 */
#include <criterion/criterion.h>
#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "xen-abi/abi-pv.h"
#include "xen-abi/abi-version.h"
#include "tests/unit/stream-samples.h"

/* --- capturing what the reader hands out ------------------------------------ */

#define MAX_CAPTURED 64

struct captured {
	unsigned n;
	struct {
		enum stream_layer layer;
		uint32_t type, length;
		uint64_t offset;
		uint8_t *body;
	} rec[MAX_CAPTURED];
	/* PAGE_DATA, seen so far: pfn -> type, and whether the page matched */
	unsigned pages, pages_ok;
	enum sample_kind kind;
};

static int capture(struct stream_reader *r, const struct stream_record *rec, void *opaque)
{
	struct captured *c = opaque;
	const uint8_t *page = rec->pages;
	uint8_t want[4096];

	(void)r;
	cr_assert_lt(c->n, MAX_CAPTURED);
	c->rec[c->n].layer = rec->layer;
	c->rec[c->n].type = rec->type;
	c->rec[c->n].length = rec->length;
	c->rec[c->n].offset = rec->offset;
	c->rec[c->n].body = rec->length ? malloc(rec->length) : NULL;
	if (rec->length)
		memcpy(c->rec[c->n].body, rec->body, rec->length);
	c->n++;
	for (uint32_t i = 0; i < rec->count; i++) {
		uint64_t pfn = rec->pfn_words[i] & XEN_SR_PFN_MASK;
		unsigned type = (unsigned)(rec->pfn_words[i] >> XEN_SR_PAGE_TYPE_SHIFT);

		c->pages++;
		if (type != sample_page_type(c->kind, pfn))
			continue;
		if (!XEN_SR_PAGE_HAS_DATA(type)) {
			c->pages_ok++;
			continue;
		}
		sample_page(c->kind, pfn, want);
		c->pages_ok += memcmp(page, want, 4096) == 0;
		page += 4096;
	}
	return 0;
}

static void captured_free(struct captured *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->rec[i].body);
	c->n = 0;
}

static struct stream_limits sample_limits(void)
{
	struct stream_limits lim;

	stream_limits_default(&lim, SAMPLE_PAGES - 1, SAMPLE_VCPUS);
	return lim;
}

/* Reads len bytes at buf; the reader stays open for its fields and err. */
static int read_buf(struct stream_reader *r, const void *buf, size_t len,
		    enum stream_format format, const struct stream_limits *lim, struct captured *c)
{
	stream_reader_init_mem(r, buf, len, lim, capture, c);
	return stream_read(r, format);
}

/* The input must be refused with `why` in the message. */
static void refused_with(const void *buf, size_t len, enum stream_format format,
			 const struct stream_limits *lim, const char *why)
{
	struct captured c = { .kind = SAMPLE_PV };
	struct stream_reader r;
	int rc = read_buf(&r, buf, len, format, lim, &c);

	cr_assert_eq(rc, -1, "accepted; expected a refusal with \"%s\"", why);
	cr_assert_eq(errno, EINVAL);
	cr_assert(strstr(r.err, why), "refused with \"%s\"; expected \"%s\"", r.err, why);
	stream_reader_free(&r);
	captured_free(&c);
}

static void refused(const void *buf, size_t len, enum stream_format format, const char *why)
{
	struct stream_limits lim = sample_limits();

	refused_with(buf, len, format, &lim, why);
}

static void accepted(const void *buf, size_t len, enum stream_format format)
{
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_PV };
	struct stream_reader r;
	int rc = read_buf(&r, buf, len, format, &lim, &c);

	cr_assert_eq(rc, 0, "refused: %s", r.err);
	stream_reader_free(&r);
	captured_free(&c);
}

/* Offset of the nth record of that layer and type in a sample. */
static uint64_t offset_of(const uint8_t *buf, size_t len, enum stream_format format,
			  enum stream_layer layer, uint32_t type, unsigned nth)
{
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_PV };
	struct stream_reader r;
	uint64_t at = 0;

	cr_assert_eq(read_buf(&r, buf, len, format, &lim, &c), 0, "%s", r.err);
	for (unsigned i = 0; i < c.n; i++)
		if (c.rec[i].layer == layer && c.rec[i].type == type && nth-- == 0) {
			at = c.rec[i].offset;
			break;
		}
	cr_assert_neq(at, 0, "no such record");
	stream_reader_free(&r);
	captured_free(&c);
	return at;
}

/* --- building streams by hand ------------------------------------------------ */

struct built {
	int fd;
	struct stream_writer w;
};

static void build_start(struct built *b)
{
	b->fd = memfd_create("test-stream", 0);
	cr_assert_geq(b->fd, 0);
	stream_writer_init(&b->w, b->fd);
}

/* Image and domain headers of a libxc stream. */
static void build_libxc(struct built *b, uint32_t domain_type)
{
	build_start(b);
	cr_assert_eq(stream_write_image_header(&b->w), 0);
	cr_assert_eq(stream_write_domain_header(&b->w, domain_type, 4, 17), 0);
}

/* A PV stream up to its pages: X86_PV_INFO, STATIC_DATA_END, P2M frames. */
static void build_pv_prefix(struct built *b)
{
	uint64_t frame = SAMPLE_PAGES - 1;

	build_libxc(b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_x86_pv_info(&b->w, 8, 4), 0);
	cr_assert_eq(stream_write_static_data_end(&b->w), 0);
	cr_assert_eq(stream_write_x86_pv_p2m_frames(&b->w, 8, 0, SAMPLE_PAGES - 1, &frame, 1), 0);
}

static void raw(struct built *b, uint32_t type, const void *body, size_t len)
{
	struct iovec iov = { (void *)body, len };

	cr_assert_eq(stream_write_record(&b->w, type, &iov, len ? 1 : 0), 0);
}

static void one_page(struct built *b, uint64_t pfn, unsigned type)
{
	static uint8_t page[4096];
	uint64_t word = XEN_SR_PFN_WORD(pfn, type);
	const void *p = page;

	cr_assert_eq(stream_write_page_data(&b->w, &word, 1, &p), 0);
}

static void vcpu0_basic(struct built *b)
{
	static struct xen_vcpu_guest_context64 ctx;

	cr_assert_eq(stream_write_x86_pv_vcpu(&b->w, XEN_SR_REC_X86_PV_VCPU_BASIC, 0, &ctx,
					      sizeof(ctx)), 0);
}

static void hvm_context(struct built *b)
{
	struct {
		struct xen_hvm_save_descriptor hd;
		struct xen_hvm_save_header h;
		struct xen_hvm_save_descriptor end;
	} __attribute__((packed)) ctx = {
		.hd = { .typecode = XEN_HVM_SAVE_HEADER, .length = sizeof(ctx.h) },
		.h = { .magic = XEN_HVM_FILE_MAGIC, .version = XEN_HVM_FILE_VERSION },
		.end = { .typecode = XEN_HVM_SAVE_END },
	};

	cr_assert_eq(stream_write_hvm_context(&b->w, &ctx, sizeof(ctx)), 0);
}

static uint8_t *build_bytes(struct built *b, size_t *len)
{
	struct stat st;
	uint8_t *buf;

	cr_assert_eq(fstat(b->fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len + 1);
	cr_assert(buf);
	cr_assert_eq(pread(b->fd, buf, *len, 0), (ssize_t)*len);
	close(b->fd);
	return buf;
}

static void build_refused(struct built *b, enum stream_format format, const char *why)
{
	size_t len;
	uint8_t *buf = build_bytes(b, &len);

	refused(buf, len, format, why);
	free(buf);
}

static void build_accepted(struct built *b, enum stream_format format)
{
	size_t len;
	uint8_t *buf = build_bytes(b, &len);

	accepted(buf, len, format);
	free(buf);
}

/* --- round trips ------------------------------------------------------------- */

/* Writes the captured records again, headers from what the reader saw. */
static uint8_t *rewrite(const struct stream_reader *r, const struct captured *c,
			enum stream_format format, size_t *len)
{
	struct built b;

	build_start(&b);
	if (format == STREAM_XL)
		cr_assert_eq(stream_write_xl_header(&b.w, r->config), 0);
	if (format != STREAM_LIBXC)
		cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	if (format == STREAM_LIBXC) {
		cr_assert_eq(stream_write_image_header(&b.w), 0);
		cr_assert_eq(stream_write_domain_header(&b.w, r->domain_type, r->xen_major,
							r->xen_minor), 0);
	}
	for (unsigned i = 0; i < c->n; i++) {
		raw(&b, c->rec[i].type, c->rec[i].body, c->rec[i].length);
		if (c->rec[i].layer == STREAM_LAYER_LIBXL &&
		    c->rec[i].type == XEN_SR_LIBXL_LIBXC_CONTEXT) {
			cr_assert_eq(stream_write_image_header(&b.w), 0);
			cr_assert_eq(stream_write_domain_header(&b.w, r->domain_type, r->xen_major,
								r->xen_minor), 0);
		}
	}
	return build_bytes(&b, len);
}

static void round_trip(enum sample_kind kind, enum stream_format format, unsigned records)
{
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = kind };
	struct stream_reader r;
	size_t len, len2;
	uint8_t *buf = sample_bytes(kind, format, &len), *again;

	cr_assert(buf);
	cr_assert_eq(read_buf(&r, buf, len, format, &lim, &c), 0, "%s", r.err);
	cr_assert_eq(r.offset, len);
	cr_assert_eq(c.n, records);
	cr_assert_eq(c.pages, SAMPLE_PAGES);
	cr_assert_eq(c.pages_ok, SAMPLE_PAGES, "pages or types differ");
	cr_assert_eq(r.version, 3);
	cr_assert_eq(r.domain_type, kind == SAMPLE_PV ? XEN_SR_DOMAIN_X86_PV : XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(r.xen_major, XEN_VERSION_MAJOR);
	cr_assert_eq(r.xen_minor, XEN_VERSION_MINOR);
	if (format == STREAM_XL) {
		cr_assert_str_eq(r.config, sample_config_json);
		cr_assert_eq(r.config_len, strlen(sample_config_json) + 1);
		cr_assert_eq(r.xl_mandatory_flags, XEN_XL_FLAG_JSON | XEN_XL_FLAG_STREAMV2);
	}
	again = rewrite(&r, &c, format, &len2);
	cr_assert_eq(len2, len);
	cr_assert_eq(memcmp(again, buf, len), 0, "the bytes differ");
	stream_reader_free(&r);
	captured_free(&c);
	free(again);
	free(buf);
}

/* PV: 4 static + P2M + 3 PAGE_DATA + TSC + SHARED_INFO + 2 x 4 vCPU + END. */
#define PV_RECORDS 19
/* HVM: 3 static + 3 PAGE_DATA + TSC + PARAMS + CONTEXT + END. */
#define HVM_RECORDS 10

Test(stream, round_trip_pv_libxc) { round_trip(SAMPLE_PV, STREAM_LIBXC, PV_RECORDS); }
Test(stream, round_trip_pv_libxl) { round_trip(SAMPLE_PV, STREAM_LIBXL, PV_RECORDS + 2); }
Test(stream, round_trip_pv_xl) { round_trip(SAMPLE_PV, STREAM_XL, PV_RECORDS + 2); }
Test(stream, round_trip_hvm_libxc) { round_trip(SAMPLE_HVM, STREAM_LIBXC, HVM_RECORDS); }
Test(stream, round_trip_hvm_libxl) { round_trip(SAMPLE_HVM, STREAM_LIBXL, HVM_RECORDS + 2); }
Test(stream, round_trip_hvm_xl) { round_trip(SAMPLE_HVM, STREAM_XL, HVM_RECORDS + 2); }

/* The record order as written, and each vCPU blob as it went in. */
Test(stream, records_in_xen_order)
{
	static const uint32_t want[PV_RECORDS] = {
		XEN_SR_REC_X86_PV_INFO, XEN_SR_REC_X86_CPUID_POLICY, XEN_SR_REC_X86_MSR_POLICY,
		XEN_SR_REC_STATIC_DATA_END, XEN_SR_REC_X86_PV_P2M_FRAMES, XEN_SR_REC_PAGE_DATA,
		XEN_SR_REC_PAGE_DATA, XEN_SR_REC_PAGE_DATA, XEN_SR_REC_X86_TSC_INFO,
		XEN_SR_REC_SHARED_INFO, XEN_SR_REC_X86_PV_VCPU_BASIC,
		XEN_SR_REC_X86_PV_VCPU_EXTENDED, XEN_SR_REC_X86_PV_VCPU_XSAVE,
		XEN_SR_REC_X86_PV_VCPU_MSRS, XEN_SR_REC_X86_PV_VCPU_BASIC,
		XEN_SR_REC_X86_PV_VCPU_EXTENDED, XEN_SR_REC_X86_PV_VCPU_XSAVE,
		XEN_SR_REC_X86_PV_VCPU_MSRS, XEN_SR_REC_END,
	};
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_PV };
	struct stream_reader r;
	struct xen_vcpu_guest_context64 ctx;
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_PV, STREAM_LIBXC, &len);

	cr_assert_eq(read_buf(&r, buf, len, STREAM_LIBXC, &lim, &c), 0, "%s", r.err);
	for (unsigned i = 0; i < PV_RECORDS; i++)
		cr_assert_eq(c.rec[i].type, want[i], "record %u is %s", i,
			     stream_record_name(STREAM_LAYER_LIBXC, c.rec[i].type));
	/* Offsets: image (24) and domain (16) headers, then X86_PV_INFO (16). */
	cr_assert_eq(c.rec[0].offset, 40);
	cr_assert_eq(c.rec[1].offset, 56);
	cr_assert_eq(c.rec[10].length, 8 + sizeof(ctx));
	memcpy(&ctx, c.rec[14].body + 8, sizeof(ctx));
	cr_assert_eq(ctx.ctrlreg[3], 1 << 12);
	cr_assert_eq(ctx.user_regs.rip, 0xffffffff81000010ull);
	cr_assert_eq(r.guest_width, 8);
	cr_assert_eq(r.pt_levels, 4);
	stream_reader_free(&r);
	captured_free(&c);
	free(buf);
}

/* Through a pipe, with the writer in another process: short writes and reads. */
Test(stream, through_a_pipe)
{
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_PV };
	struct stream_reader r;
	int p[2], status;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		struct stream_writer w;

		close(p[0]);
		stream_writer_init(&w, p[1]);
		_exit(sample_write(&w, SAMPLE_PV, STREAM_XL) ? 1 : 0);
	}
	close(p[1]);
	stream_reader_init_fd(&r, p[0], &lim, capture, &c);
	cr_assert_eq(stream_read(&r, STREAM_XL), 0, "%s", r.err);
	cr_assert_eq(c.pages_ok, SAMPLE_PAGES);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(status, 0);
	stream_reader_free(&r);
	captured_free(&c);
	close(p[0]);
}

/* The reader takes nothing past the outermost END: a pipe may go on. */
Test(stream, stops_at_end)
{
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_HVM, STREAM_LIBXL, &len), *more;
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_HVM };
	struct stream_reader r;

	more = realloc(buf, len + 100);
	memset(more + len, 0xee, 100);
	cr_assert_eq(read_buf(&r, more, len + 100, STREAM_LIBXL, &lim, &c), 0, "%s", r.err);
	cr_assert_eq(r.offset, len);
	stream_reader_free(&r);
	captured_free(&c);
	free(more);
}

/* An xl header with no config, as xl writes it (the length word alone). */
Test(stream, xl_without_config)
{
	struct built b;
	size_t len;
	uint8_t *buf;
	struct stream_limits lim = sample_limits();
	struct captured c = { .kind = SAMPLE_HVM };
	struct stream_reader r;

	build_start(&b);
	cr_assert_eq(stream_write_xl_header(&b.w, NULL), 0);
	cr_assert_eq(b.w.offset, sizeof(struct xen_xl_save_header) + 4);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	cr_assert_eq(stream_write_libxl_libxc_context(&b.w), 0);
	cr_assert_eq(stream_write_image_header(&b.w), 0);
	cr_assert_eq(stream_write_domain_header(&b.w, XEN_SR_DOMAIN_X86_HVM, 4, 17), 0);
	cr_assert_eq(sample_write_libxc_records(&b.w, SAMPLE_HVM), 0);
	cr_assert_eq(stream_write_libxl_end(&b.w), 0);
	buf = build_bytes(&b, &len);
	cr_assert_eq(read_buf(&r, buf, len, STREAM_XL, &lim, &c), 0, "%s", r.err);
	cr_assert_null(r.config);
	cr_assert_eq(r.xl_mandatory_flags, XEN_XL_FLAG_STREAMV2);
	stream_reader_free(&r);
	captured_free(&c);
	free(buf);
}

/* A checkpointed stream: libxc's CHECKPOINT hands over to libxl until its
 * CHECKPOINT_END, then libxc goes on with no new headers. */
Test(stream, checkpoint_hands_over_and_back)
{
	static const char xs[] = "physmap/1/start_addr\0f0000000\0";
	struct built b;

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	cr_assert_eq(stream_write_libxl_libxc_context(&b.w), 0);
	cr_assert_eq(stream_write_image_header(&b.w), 0);
	cr_assert_eq(stream_write_domain_header(&b.w, XEN_SR_DOMAIN_X86_HVM, 4, 17), 0);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	one_page(&b, 1, XEN_SR_PAGE_NOTAB);
	hvm_context(&b);
	cr_assert_eq(stream_write_checkpoint(&b.w), 0);
	cr_assert_eq(stream_write_libxl_emulator(&b.w, XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA,
						 XEN_SR_EMULATOR_QEMU_UPSTREAM, 0, xs,
						 sizeof(xs) - 1), 0);
	cr_assert_eq(stream_write_libxl_emulator(&b.w, XEN_SR_LIBXL_EMULATOR_CONTEXT,
						 XEN_SR_EMULATOR_QEMU_UPSTREAM, 0, "qemu", 4), 0);
	cr_assert_eq(stream_write_libxl_checkpoint_end(&b.w), 0);
	one_page(&b, 2, XEN_SR_PAGE_NOTAB);
	hvm_context(&b);
	cr_assert_eq(stream_write_end(&b.w), 0);
	cr_assert_eq(stream_write_libxl_end(&b.w), 0);
	build_accepted(&b, STREAM_LIBXL);
}

/* A version 2 stream (Xen 4.6 - 4.13): no STATIC_DATA_END, Xen infers it at
 * the first X86_PV_P2M_FRAMES. */
Test(stream, version_2_infers_static_data_end)
{
	struct xen_sr_image_header ih = {
		.marker = htobe64(XEN_SR_IHDR_MARKER), .id = htobe32(XEN_SR_IHDR_ID),
		.version = htobe32(2),
	};
	uint64_t frame = 5;
	struct built b;

	build_start(&b);
	cr_assert_eq(write(b.fd, &ih, sizeof(ih)), sizeof(ih));
	b.w.offset = sizeof(ih);
	cr_assert_eq(stream_write_domain_header(&b.w, XEN_SR_DOMAIN_X86_PV, 4, 13), 0);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	cr_assert_eq(stream_write_x86_pv_p2m_frames(&b.w, 8, 0, 95, &frame, 1), 0);
	one_page(&b, 1, XEN_SR_PAGE_L4TAB_PIN);
	vcpu0_basic(&b);
	cr_assert_eq(stream_write_end(&b.w), 0);
	build_accepted(&b, STREAM_LIBXC);

	build_start(&b);
	cr_assert_eq(write(b.fd, &ih, sizeof(ih)), sizeof(ih));
	cr_assert_eq(stream_write_domain_header(&b.w, XEN_SR_DOMAIN_X86_PV, 4, 13), 0);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXC, "STATIC_DATA_END is not part of a version 2 stream");
}

/* Optional records (bit 31) pass to the caller; unknown mandatory ones stop it. */
Test(stream, optional_and_mandatory_unknowns)
{
	struct built b;

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	raw(&b, 0x80000013, "abc", 3);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	hvm_context(&b);
	cr_assert_eq(stream_write_end(&b.w), 0);
	build_accepted(&b, STREAM_LIBXC);

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	raw(&b, 0x13, NULL, 0);
	build_refused(&b, STREAM_LIBXC,
		      "libxc record 0 (type 0x13) at byte 40: unknown mandatory record type 0x13");
}

/* --- hostile input: the headers -------------------------------------------- */

Test(stream, truncated_anywhere)
{
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_PV, STREAM_XL, &len);
	char want[128];

	/* Every cut in the headers and the first records, then one per page or so. */
	for (size_t cut = 0; cut < len; cut += cut < 2048 ? 1 : 4093)
		refused(buf, cut, STREAM_XL, "truncated");
	snprintf(want, sizeof(want), "truncated: the input ends at byte %zu, 7 of the 8 bytes of "
		 "the header of libxl record 1", len - 1);
	refused(buf, len - 1, STREAM_XL, want);
	free(buf);
}

/* A byte of the sample at `at` changed, then refused with `why`. */
static void poke(enum sample_kind kind, enum stream_format format, uint64_t at, uint8_t value,
		 const char *why)
{
	size_t len;
	uint8_t *buf = sample_bytes(kind, format, &len);

	cr_assert_lt(at, len);
	buf[at] = value;
	refused(buf, len, format, why);
	free(buf);
}

static void poke32(enum sample_kind kind, enum stream_format format, uint64_t at, uint32_t value,
		   const char *why)
{
	size_t len;
	uint8_t *buf = sample_bytes(kind, format, &len);

	memcpy(buf + at, &value, 4);
	refused(buf, len, format, why);
	free(buf);
}

Test(stream, bad_libxc_headers)
{
	poke(SAMPLE_PV, STREAM_LIBXC, 3, 0x7f, "at byte 0: libxc image header: marker "
					       "0xffffff7fffffffff is not all ones");
	poke(SAMPLE_PV, STREAM_LIBXC, 8, 'Y', "id 0x59454e46 is not 0x58454e46");
	poke(SAMPLE_PV, STREAM_LIBXC, 15, 4, "version 4; versions 2 to 3 are read");
	poke(SAMPLE_PV, STREAM_LIBXC, 15, 1, "version 1;");
	poke(SAMPLE_PV, STREAM_LIBXC, 17, 1, "the records are big-endian");
	poke(SAMPLE_PV, STREAM_LIBXC, 17, 2, "reserved option bits 0x0002");
	poke(SAMPLE_PV, STREAM_LIBXC, 23, 1, "reserved fields are not zero");
	poke(SAMPLE_PV, STREAM_LIBXC, 24, 3, "at byte 24: libxc domain header: type 3 is neither");
	poke(SAMPLE_PV, STREAM_LIBXC, 28, 13, "page shift 13, not 12");
	poke(SAMPLE_PV, STREAM_LIBXC, 30, 1, "reserved field is 0x0001");
	/* A PV stream's records in an HVM domain header. */
	poke(SAMPLE_PV, STREAM_LIBXC, 24, 2, "X86_PV_INFO in an HVM stream");
	poke(SAMPLE_HVM, STREAM_LIBXC, 24, 1, "STATIC_DATA_END before X86_PV_INFO");
}

Test(stream, bad_libxl_headers)
{
	poke(SAMPLE_PV, STREAM_LIBXL, 0, 'l', "libxl header: ident 0x6c6962786c466d74 is not");
	poke(SAMPLE_PV, STREAM_LIBXL, 11, 3, "libxl header: version 3, not 2");
	poke(SAMPLE_PV, STREAM_LIBXL, 15, 1, "libxl header: the records are big-endian");
	poke(SAMPLE_PV, STREAM_LIBXL, 15, 4, "reserved option bits 0x00000004");
}

Test(stream, bad_xl_headers)
{
	struct xen_xl_save_header h;
	size_t len;
	uint8_t *buf;

	poke(SAMPLE_PV, STREAM_XL, 0, 'x', "at byte 0: not an xl save file");
	poke(SAMPLE_PV, STREAM_XL, 32, 1, "byte-order word 0x01020301 is not 0x01020304");
	poke32(SAMPLE_PV, STREAM_XL, 36, XEN_XL_FLAG_STREAMV2 | 4, "unknown mandatory flags 0x4");
	poke32(SAMPLE_PV, STREAM_XL, 36, XEN_XL_FLAG_JSON, "legacy (pre-v2) format");
	poke32(SAMPLE_PV, STREAM_XL, 44, 2, "2 bytes of optional data cannot hold");
	poke32(SAMPLE_PV, STREAM_XL, 44, 100, "a config of 238 bytes in 100 bytes of optional data");
	poke32(SAMPLE_PV, STREAM_XL, 44, 1u << 30, "over the limit of 1048580");
	/* The JSON with a NUL inside. */
	poke(SAMPLE_PV, STREAM_XL, 48 + 4 + 10, 0, "the JSON config is not one NUL-terminated");

	/* Optional data past the config: skipped, as xl does. */
	buf = sample_bytes(SAMPLE_PV, STREAM_XL, &len);
	memcpy(&h, buf, sizeof(h));
	h.optional_data_len += 8;
	buf = realloc(buf, len + 8);
	memmove(buf + sizeof(h) + h.optional_data_len, buf + sizeof(h) + h.optional_data_len - 8,
		len - sizeof(h) - (h.optional_data_len - 8));
	memcpy(buf, &h, sizeof(h));
	accepted(buf, len + 8, STREAM_XL);
	free(buf);
}

/* --- hostile input: records ------------------------------------------------- */

/* The first PAGE_DATA of the PV sample, changed by `edit`, refused with `why`. */
static void page_data_edit(void (*edit)(uint8_t *rec), const char *why)
{
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_PV, STREAM_LIBXC, &len);
	uint64_t at = offset_of(buf, len, STREAM_LIBXC, STREAM_LAYER_LIBXC, XEN_SR_REC_PAGE_DATA, 0);

	edit(buf + at);
	refused(buf, len, STREAM_LIBXC, why);
	free(buf);
}

static void longer(uint8_t *rec) { *(uint32_t *)(rec + 4) += 8; }
static void huge(uint8_t *rec) { *(uint32_t *)(rec + 4) = 0x7ffffff8; }
static void count0(uint8_t *rec) { *(uint32_t *)(rec + 8) = 0; }
static void count_over(uint8_t *rec) { *(uint32_t *)(rec + 8) = 5000; }
static void reserved_word(uint8_t *rec) { rec[12] = 1; }
static void type5(uint8_t *rec) { rec[16 + 7] = 0x50; }
static void type_pin_only(uint8_t *rec) { rec[16 + 7] = 0x80; }
static void reserved_pfn_bit(uint8_t *rec) { rec[16 + 6] = 0x10; }
static void pfn_far(uint8_t *rec) { rec[16 + 2] = 1; }
static void notab_to_xtab(uint8_t *rec) { rec[16 + 7] = 0xf0; }

Test(stream, page_data_lies)
{
	page_data_edit(longer, "32 pfns of which 32 carry a page make 131336");
	page_data_edit(huge, "PAGE_DATA) at byte 304: length 2147483640 is over the limit of 16809992");
	page_data_edit(count0, "count is 0");
	page_data_edit(count_over, "count 5000 is over the limit of 4096 pages");
	page_data_edit(reserved_word, "the reserved word is 0x1, not 0");
	page_data_edit(type5, "pfn[0] 0x0 has unknown page type 0x5");
	page_data_edit(type_pin_only, "pfn[0] 0x0 has unknown page type 0x8");
	page_data_edit(reserved_pfn_bit, "pfn[0] 0x0010000000000000 has reserved bits set");
	page_data_edit(pfn_far, "pfn[0] 0x10000 is past the last pfn 0x5f");
	/* A page with data, retyped as one without: the length no longer adds up. */
	page_data_edit(notab_to_xtab, "32 pfns of which 31 carry a page make 127240");
}

Test(stream, page_data_counts_and_limits)
{
	struct stream_limits lim = sample_limits();
	struct { uint32_t count, res; uint64_t pfn; } short_body = { 2, 0, 1 };
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_PV, STREAM_LIBXC, &len);
	struct built b;

	/* pfns past the domain's end, and vCPUs past its count. */
	lim.max_pfn = 0x5e;
	refused_with(buf, len, STREAM_LIBXC, &lim,
		     "X86_PV_P2M_FRAMES) at byte 280: end pfn 0x5f is past the last pfn 0x5e");
	lim = sample_limits();
	lim.max_vcpus = 1;
	refused_with(buf, len, STREAM_LIBXC, &lim, "vCPU 1 is past the domain's 1 vCPUs");
	lim = sample_limits();
	lim.max_pages = 16;
	refused_with(buf, len, STREAM_LIBXC, &lim, "is over the limit of 65672");
	free(buf);

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_PAGE_DATA, &short_body, 12);
	build_refused(&b, STREAM_LIBXC, "count 2 needs 16 bytes of pfns, the body has 4");

	/* Page tables: none in an HVM guest, none above the guest's levels. */
	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	one_page(&b, 3, XEN_SR_PAGE_L1TAB);
	build_refused(&b, STREAM_LIBXC, "typed as an L1 page table, which HVM guests do not have");
}

Test(stream, padding_must_be_zero)
{
	struct built b;
	size_t len;
	uint8_t *buf;

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	raw(&b, 0x80000001, "abc", 3);
	buf = build_bytes(&b, &len);
	buf[40 + 8 + 3] = 1;
	refused(buf, len, STREAM_LIBXC, "padding byte 0 is 0x01, not 0");
	free(buf);
}

/* Records where the order Xen restores in has no room for them. */
Test(stream, records_out_of_order)
{
	struct built b;

	build_pv_prefix(&b);
	one_page(&b, 1, XEN_SR_PAGE_NOTAB);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	build_refused(&b, STREAM_LIBXC, "X86_PV_INFO comes after STATIC_DATA_END");

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	one_page(&b, 1, XEN_SR_PAGE_NOTAB);
	build_refused(&b, STREAM_LIBXC, "PAGE_DATA before STATIC_DATA_END");

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	one_page(&b, 1, XEN_SR_PAGE_NOTAB);
	build_refused(&b, STREAM_LIBXC, "PAGE_DATA before X86_PV_P2M_FRAMES");

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	build_refused(&b, STREAM_LIBXC, "a second X86_PV_INFO");

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXC, "STATIC_DATA_END before X86_PV_INFO");

	build_pv_prefix(&b);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXC, "STATIC_DATA_END comes after STATIC_DATA_END");

	build_pv_prefix(&b);
	cr_assert_eq(stream_write_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXC, "END with no X86_PV_VCPU_BASIC for vCPU 0");

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	cr_assert_eq(stream_write_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXC, "END with no HVM_CONTEXT");

	build_pv_prefix(&b);
	hvm_context(&b);
	build_refused(&b, STREAM_LIBXC, "HVM_CONTEXT in a PV stream");
}

Test(stream, record_bodies_that_lie)
{
	static struct xen_vcpu_guest_context64 ctx;
	struct xen_sr_x86_pv_info info = { .guest_width = 8, .pt_levels = 3 };
	struct { uint32_t start, end; uint64_t frame; } p2m = { 0, 600, 5 };
	struct { uint32_t count, res; uint64_t i, v; } params = { 2, 0, 1, 2 };
	struct xen_sr_x86_tsc_info tsc = { .mode = 3 };
	uint8_t page[4096] = { 0 };
	struct built b;

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	raw(&b, XEN_SR_REC_X86_PV_INFO, &info, sizeof(info));
	build_refused(&b, STREAM_LIBXC, "guest width 8 with 3 page-table levels");

	build_libxc(&b, XEN_SR_DOMAIN_X86_PV);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 4), 0);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	raw(&b, XEN_SR_REC_X86_PV_P2M_FRAMES, &p2m, sizeof(p2m));
	build_refused(&b, STREAM_LIBXC, "length 16, but pfns 0x0-0x258 take 2 p2m frames, 24 bytes");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_X86_PV_VCPU_BASIC, &ctx, 100);
	build_refused(&b, STREAM_LIBXC, "a 64-bit guest's context is 5168 bytes, not 92");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_X86_PV_VCPU_EXTENDED, &ctx, 8 + 129);
	build_refused(&b, STREAM_LIBXC, "129 bytes of context, over the 128 there are");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_X86_PV_VCPU_MSRS, &ctx, 8 + 24);
	build_refused(&b, STREAM_LIBXC, "24 bytes of MSRs is not a whole number of 16-byte entries");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_SHARED_INFO, page, 4000);
	build_refused(&b, STREAM_LIBXC, "length 4000, not one page");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_X86_TSC_INFO, &tsc, sizeof(tsc));
	build_refused(&b, STREAM_LIBXC, "TSC mode 3 is not one Xen 4.17 has");

	build_pv_prefix(&b);
	raw(&b, XEN_SR_REC_TOOLSTACK, "x", 1);
	build_refused(&b, STREAM_LIBXC, "the deprecated TOOLSTACK record is not read");

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	raw(&b, XEN_SR_REC_X86_CPUID_POLICY, page, 25);
	build_refused(&b, STREAM_LIBXC, "length 25 is not a whole, non-zero number of 24-byte");

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	raw(&b, XEN_SR_REC_HVM_PARAMS, &params, 24);
	build_refused(&b, STREAM_LIBXC, "length 24, but 2 parameters make 40");

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	raw(&b, XEN_SR_REC_HVM_CONTEXT, page, 64);
	build_refused(&b, STREAM_LIBXC, "does not start with its 24-byte HEADER entry");

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	raw(&b, XEN_SR_REC_VERIFY, "x", 1);
	build_refused(&b, STREAM_LIBXC, "length 1; the record is empty");
}

Test(stream, hvm_context_chain)
{
	struct {
		struct xen_hvm_save_descriptor hd;
		struct xen_hvm_save_header h;
		struct xen_hvm_save_descriptor cpu;
		uint8_t data[16];
	} __attribute__((packed)) ctx = {
		.hd = { .typecode = XEN_HVM_SAVE_HEADER, .length = sizeof(ctx.h) },
		.h = { .magic = XEN_HVM_FILE_MAGIC, .version = XEN_HVM_FILE_VERSION },
		.cpu = { .typecode = 2, .length = 16 },
	};
	struct built b;

	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	cr_assert_eq(stream_write_hvm_context(&b.w, &ctx, sizeof(ctx)), 0);
	build_refused(&b, STREAM_LIBXC, "the HVM context has no END entry");

	ctx.cpu.length = 17;
	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	cr_assert_eq(stream_write_hvm_context(&b.w, &ctx, sizeof(ctx)), 0);
	build_refused(&b, STREAM_LIBXC, "HVM context entry type 2 at +32 is 17 bytes; 16 remain");

	ctx.cpu.length = 16;
	ctx.h.magic = 1;
	build_libxc(&b, XEN_SR_DOMAIN_X86_HVM);
	cr_assert_eq(stream_write_static_data_end(&b.w), 0);
	cr_assert_eq(stream_write_hvm_context(&b.w, &ctx, sizeof(ctx)), 0);
	build_refused(&b, STREAM_LIBXC, "HVM context HEADER: magic 0x00000001");
}

Test(stream, libxl_records_out_of_place)
{
	struct built b;

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	cr_assert_eq(stream_write_libxl_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXL, "libxl record 0 (END) at byte 16: END with no LIBXC_CONTEXT");

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	cr_assert_eq(stream_write_libxl_checkpoint_end(&b.w), 0);
	build_refused(&b, STREAM_LIBXL, "CHECKPOINT_END with no libxc CHECKPOINT before it");

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	raw(&b, XEN_SR_LIBXL_CHECKPOINT_STATE, "\0\0\0\0", 4);
	build_refused(&b, STREAM_LIBXL, "CHECKPOINT_STATE belongs to COLO's back channel");

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	raw(&b, 0x6, NULL, 0);
	build_refused(&b, STREAM_LIBXL, "unknown mandatory record type 0x6");

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	raw(&b, XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA, "\3\0\0\0\0\0\0\0", 8);
	build_refused(&b, STREAM_LIBXL, "unknown emulator id 3");

	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	raw(&b, XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA, "\2\0\0\0\0\0\0\0key\0", 12);
	build_refused(&b, STREAM_LIBXL, "holds 1 strings, not key-value pairs");

	/* A second LIBXC_CONTEXT after a whole libxc stream. */
	build_start(&b);
	cr_assert_eq(stream_write_libxl_header(&b.w), 0);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(stream_write_libxl_libxc_context(&b.w), 0);
		cr_assert_eq(stream_write_image_header(&b.w), 0);
		cr_assert_eq(stream_write_domain_header(&b.w, XEN_SR_DOMAIN_X86_HVM, 4, 17), 0);
		cr_assert_eq(sample_write_libxc_records(&b.w, SAMPLE_HVM), 0);
	}
	build_refused(&b, STREAM_LIBXL, "a second LIBXC_CONTEXT");
}

static int refuse_shared_info(struct stream_reader *r, const struct stream_record *rec,
			      void *opaque)
{
	(void)opaque;
	if (rec->type == XEN_SR_REC_SHARED_INFO)
		return stream_reader_fail(r, "this domain has no room for it");
	return 0;
}

/* The caller's refusal gets the record's place in front of it. */
Test(stream, caller_refuses)
{
	struct stream_limits lim = sample_limits();
	struct stream_reader r;
	size_t len;
	uint8_t *buf = sample_bytes(SAMPLE_PV, STREAM_LIBXC, &len);
	uint64_t at = offset_of(buf, len, STREAM_LIBXC, STREAM_LAYER_LIBXC, XEN_SR_REC_SHARED_INFO, 0);
	char want[128];

	stream_reader_init_mem(&r, buf, len, &lim, refuse_shared_info, NULL);
	cr_assert_eq(stream_read(&r, STREAM_LIBXC), -1);
	snprintf(want, sizeof(want), "libxc record 9 (SHARED_INFO) at byte %llu: this domain has "
		 "no room for it", (unsigned long long)at);
	cr_assert_str_eq(r.err, want);
	stream_reader_free(&r);
	free(buf);
}

/* --- the writer's own refusals ----------------------------------------------- */

/* A record the writer refuses leaves the stream as it was. */
Test(stream, writer_refuses_bad_records_whole)
{
	static struct xen_vcpu_guest_context64 ctx;
	static uint8_t page[4096];
	const void *pages[2] = { page, NULL };
	uint64_t words[2] = { XEN_SR_PFN_WORD(1, XEN_SR_PAGE_NOTAB), XEN_SR_PFN_WORD(2, 5) };
	uint64_t frames[2] = { 1, 2 };
	struct xen_sr_msr_entry msr = { .idx = 1, .flags = 1 };
	struct built b;
	size_t len;

	build_start(&b);
	errno = 0;
	cr_assert_eq(stream_write_page_data(&b.w, words, 2, pages), -1);
	cr_assert_eq(errno, EINVAL);
	words[1] = XEN_SR_PFN_WORD(2, XEN_SR_PAGE_NOTAB);	/* then a NULL page */
	cr_assert_eq(stream_write_page_data(&b.w, words, 2, pages), -1);
	words[1] = XEN_SR_PFN_WORD(2, XEN_SR_PAGE_NOTAB) | (1ull << 55);
	cr_assert_eq(stream_write_page_data(&b.w, words, 2, pages), -1);
	cr_assert_eq(stream_write_page_data(&b.w, words, 0, pages), -1);
	cr_assert_eq(stream_write_x86_pv_info(&b.w, 8, 3), -1);
	cr_assert_eq(stream_write_domain_header(&b.w, 3, 4, 17), -1);
	cr_assert_eq(stream_write_x86_pv_p2m_frames(&b.w, 8, 0, 511, frames, 2), -1);
	cr_assert_eq(stream_write_x86_pv_p2m_frames(&b.w, 8, 10, 5, frames, 1), -1);
	cr_assert_eq(stream_write_x86_pv_vcpu(&b.w, XEN_SR_REC_X86_PV_VCPU_BASIC, 0, &ctx, 100), -1);
	cr_assert_eq(stream_write_x86_pv_vcpu(&b.w, XEN_SR_REC_X86_PV_VCPU_MSRS, 0, &ctx, 0), -1);
	cr_assert_eq(stream_write_x86_pv_vcpu(&b.w, XEN_SR_REC_SHARED_INFO, 0, &ctx, 16), -1);
	cr_assert_eq(stream_write_x86_msr_policy(&b.w, &msr, 1), -1);
	cr_assert_eq(stream_write_x86_tsc_info(&b.w, 3, 0, 0, 0), -1);
	cr_assert_eq(stream_write_hvm_params(&b.w, NULL, 0), -1);
	cr_assert_eq(stream_write_libxl_emulator(&b.w, XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA, 0, 0,
						 "k\0v", 3), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(b.w.offset, 0);
	cr_assert_eq(b.w.broken, 0);
	/* ...and the stream goes on. */
	cr_assert_eq(stream_write_page_data(&b.w, words, 1, pages), 0);
	free(build_bytes(&b, &len));
	cr_assert_eq(len, 8 + 8 + 8 + 4096);
}

/* A write that fails tears the stream: every later call fails the same way. */
Test(stream, writer_torn_stream_stays_torn)
{
	struct stream_writer w;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	stream_writer_init(&w, p[1]);
	cr_assert_eq(stream_write_image_header(&w), -1);
	cr_assert_eq(errno, EPIPE);
	cr_assert_eq(w.broken, EPIPE);
	errno = 0;
	cr_assert_eq(stream_write_end(&w), -1);
	cr_assert_eq(errno, EPIPE);
	cr_assert_eq(stream_write_xl_header(&w, "{}"), -1);
	cr_assert_eq(stream_write_libxl_header(&w), -1);
	close(p[1]);
}

/* Reading fails with read(2)'s errno, and says so. */
Test(stream, read_errors)
{
	struct stream_limits lim = sample_limits();
	struct stream_reader r;

	stream_reader_init_fd(&r, 1000, &lim, NULL, NULL);
	cr_assert_eq(stream_read(&r, STREAM_LIBXC), -1);
	cr_assert_eq(errno, EBADF);
	cr_assert(strstr(r.err, "reading the libxc image header at byte 0: Bad file descriptor"),
		  "%s", r.err);
	stream_reader_free(&r);
}
