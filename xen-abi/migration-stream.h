/*
 * Xen's migration stream v2 as Xen 4.17 writes it: three layers, outermost
 * first.
 *
 *   xl save file:  a 48-byte header, then optional data (the domain's config
 *                  as JSON), then a libxl stream.
 *   libxl stream:  a 16-byte header, then records; LIBXC_CONTEXT hands the
 *                  stream to libxc, whose stream follows inline.
 *   libxc stream:  an image header, a domain header, then records up to END.
 *
 * Our own definitions, written from the facts of Xen's
 * docs/specs/libxc-migration-stream.pandoc (image version 3),
 * docs/specs/libxl-migration-stream.pandoc (version 2) and xl's save-file
 * header. Records of both stream layers share one 8-byte record header; a
 * record's body is padded with zeros to a multiple of 8 bytes.
 *
 * Byte order: the image header and the libxl header are big-endian whatever
 * the stream says; everything else is in the stream's order, which x86
 * always writes as little-endian (options bit 0 clear). These structs hold
 * that little-endian layout in host order, so they build only for a
 * little-endian host.
 */
#ifndef XENKVM_MIGRATION_STREAM_H
#define XENKVM_MIGRATION_STREAM_H

#include "xen-abi/abi-core.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the stream's records are read and written in host order");

/* --- libxc stream: headers -------------------------------------------------- */

/* All fields big-endian. */
struct xen_sr_image_header {
	uint64_t marker;	/* XEN_SR_IHDR_MARKER: legacy images have a zero bit here */
	uint32_t id;		/* XEN_SR_IHDR_ID */
	uint32_t version;	/* XEN_SR_IHDR_VERSION */
	uint16_t options;	/* bit 0: big-endian records; bits 1-15 reserved */
	uint16_t res1;
	uint32_t res2;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_image_header, 24);
XEN_ABI_ASSERT_OFF(struct xen_sr_image_header, id, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_image_header, version, 12);
XEN_ABI_ASSERT_OFF(struct xen_sr_image_header, options, 16);
XEN_ABI_ASSERT_OFF(struct xen_sr_image_header, res1, 18);
XEN_ABI_ASSERT_OFF(struct xen_sr_image_header, res2, 20);

#define XEN_SR_IHDR_MARKER	0xffffffffffffffffull
#define XEN_SR_IHDR_ID		0x58454e46u	/* "XENF" */
#define XEN_SR_IHDR_VERSION	3u	/* since Xen 4.14: STATIC_DATA_END, CPU policies */
#define XEN_SR_IHDR_VERSION_MIN	2u	/* Xen 4.6 - 4.13; still read by 4.17 */
#define XEN_SR_IHDR_OPT_BIG_ENDIAN	(1u << 0)
#define XEN_SR_IHDR_OPT_RESERVED	0xfffeu

struct xen_sr_domain_header {
	uint32_t type;		/* XEN_SR_DOMAIN_* */
	uint16_t page_shift;	/* 12 on x86 */
	uint16_t res1;
	uint32_t xen_major;	/* the Xen that saved it; 0 from the legacy converter */
	uint32_t xen_minor;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_domain_header, 16);
XEN_ABI_ASSERT_OFF(struct xen_sr_domain_header, page_shift, 4);
XEN_ABI_ASSERT_OFF(struct xen_sr_domain_header, res1, 6);
XEN_ABI_ASSERT_OFF(struct xen_sr_domain_header, xen_major, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_domain_header, xen_minor, 12);

/* PVH domains are HVM domains to the stream. */
#define XEN_SR_DOMAIN_X86_PV	1u
#define XEN_SR_DOMAIN_X86_HVM	2u

/* --- records (libxc and libxl alike) ----------------------------------------- */

struct xen_sr_record_header {
	uint32_t type;
	uint32_t length;	/* of the body, without its padding */
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_record_header, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_record_header, length, 4);

#define XEN_SR_RECORD_ALIGN	8u
/* Bit 31 set: optional, a reader that does not know it may skip it. */
#define XEN_SR_RECORD_OPTIONAL	0x80000000u
/* Xen's own reader refuses longer records. */
#define XEN_SR_RECORD_LENGTH_MAX (128u << 20)

/* libxc record types. */
enum {
	XEN_SR_REC_END = 0x00,
	XEN_SR_REC_PAGE_DATA = 0x01,
	XEN_SR_REC_X86_PV_INFO = 0x02,
	XEN_SR_REC_X86_PV_P2M_FRAMES = 0x03,
	XEN_SR_REC_X86_PV_VCPU_BASIC = 0x04,
	XEN_SR_REC_X86_PV_VCPU_EXTENDED = 0x05,
	XEN_SR_REC_X86_PV_VCPU_XSAVE = 0x06,
	XEN_SR_REC_SHARED_INFO = 0x07,
	XEN_SR_REC_X86_TSC_INFO = 0x08,
	XEN_SR_REC_HVM_CONTEXT = 0x09,
	XEN_SR_REC_HVM_PARAMS = 0x0a,
	XEN_SR_REC_TOOLSTACK = 0x0b,		/* deprecated, never written */
	XEN_SR_REC_X86_PV_VCPU_MSRS = 0x0c,
	XEN_SR_REC_VERIFY = 0x0d,
	XEN_SR_REC_CHECKPOINT = 0x0e,
	XEN_SR_REC_CHECKPOINT_DIRTY_PFN_LIST = 0x0f,	/* COLO's back channel only */
	XEN_SR_REC_STATIC_DATA_END = 0x10,	/* version 3 on */
	XEN_SR_REC_X86_CPUID_POLICY = 0x11,	/* version 3 on */
	XEN_SR_REC_X86_MSR_POLICY = 0x12,	/* version 3 on */
	XEN_SR_REC_COUNT = 0x13,
};

/* PAGE_DATA: this header, count pfn words, then a page for each pfn whose
 * type carries data (XEN_SR_PAGE_HAS_DATA). */
struct xen_sr_page_data_header {
	uint32_t count;		/* at least 1 */
	uint32_t res1;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_page_data_header, 8);

/* A pfn word: bits 0-51 the pfn, 52-59 reserved, 60-63 its type (the
 * 4-bit value of Xen's XEN_DOMCTL_PFINFO_*, kept in bits 28-31 there). */
#define XEN_SR_PFN_MASK		0x000fffffffffffffull
#define XEN_SR_PFN_RESERVED	0x0ff0000000000000ull
#define XEN_SR_PAGE_TYPE_SHIFT	60
#define XEN_SR_PFN_WORD(pfn, type) \
	((uint64_t)(pfn) | ((uint64_t)(type) << XEN_SR_PAGE_TYPE_SHIFT))
enum {
	XEN_SR_PAGE_NOTAB = 0x0,	/* an ordinary page */
	XEN_SR_PAGE_L1TAB = 0x1,	/* page tables, by level */
	XEN_SR_PAGE_L2TAB = 0x2,
	XEN_SR_PAGE_L3TAB = 0x3,
	XEN_SR_PAGE_L4TAB = 0x4,
	/* 0x5 - 0x8 unused; 0x8 alone would be "pinned, no level" */
	XEN_SR_PAGE_PINNED = 0x8,	/* or'd with a level: the guest pinned it */
	XEN_SR_PAGE_L1TAB_PIN = 0x9,
	XEN_SR_PAGE_L2TAB_PIN = 0xa,
	XEN_SR_PAGE_L3TAB_PIN = 0xb,
	XEN_SR_PAGE_L4TAB_PIN = 0xc,
	XEN_SR_PAGE_BROKEN = 0xd,	/* no data */
	XEN_SR_PAGE_XALLOC = 0xe,	/* allocate only, no data */
	XEN_SR_PAGE_XTAB = 0xf,		/* not a page (any more), no data */
};
#define XEN_SR_PAGE_LEVEL(type)		((type) & 0x7u)
#define XEN_SR_PAGE_KNOWN(type)		((type) <= 0x4u || (type) >= 0x9u)
#define XEN_SR_PAGE_HAS_DATA(type)	((type) <= 0x4u || ((type) >= 0x9u && (type) <= 0xcu))

struct xen_sr_x86_pv_info {
	uint8_t guest_width;	/* bytes: 8 (64-bit, 4 levels) or 4 (32-bit PAE, 3 levels) */
	uint8_t pt_levels;
	uint8_t res[6];
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_x86_pv_info, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_x86_pv_info, pt_levels, 1);

/* X86_PV_P2M_FRAMES: this header, then one 64-bit pfn for each frame of the
 * guest's p2m that covers pfns start_pfn..end_pfn (both included). A frame
 * holds XEN_PAGE_SIZE / guest_width entries. */
struct xen_sr_x86_pv_p2m_frames {
	uint32_t start_pfn;
	uint32_t end_pfn;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_x86_pv_p2m_frames, 8);

/* X86_PV_VCPU_{BASIC,EXTENDED,XSAVE,MSRS}: this header, then the blob Xen's
 * matching get/set domctl carries. An empty blob is tolerated on restore. */
struct xen_sr_x86_pv_vcpu_header {
	uint32_t vcpu_id;
	uint32_t res1;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_x86_pv_vcpu_header, 8);

/* BASIC: a vcpu_guest_context, 5168 bytes for a 64-bit guest (struct
 * xen_vcpu_guest_context64 in xen-abi/abi-pv.h) and 2800 for a 32-bit one. */
#define XEN_SR_VCPU_BASIC64_SIZE	5168u
#define XEN_SR_VCPU_BASIC32_SIZE	2800u
#define XEN_SR_VCPU_EXTENDED_MAX	128u	/* xen_domctl_ext_vcpucontext */
#define XEN_SR_VCPU_XSAVE_MIN		16u	/* xcr0 and xcr0_accum, then the area */

/* MSRS: an array of these (xen_domctl_vcpu_msr). */
struct xen_sr_vcpu_msr {
	uint32_t index;
	uint32_t res1;
	uint64_t value;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_vcpu_msr, 16);
XEN_ABI_ASSERT_OFF(struct xen_sr_vcpu_msr, value, 8);

/* SHARED_INFO: exactly one page. */

struct xen_sr_x86_tsc_info {
	uint32_t mode;		/* XEN_TSC_MODE_* */
	uint32_t khz;
	uint64_t nsec;		/* elapsed time */
	uint32_t incarnation;
	uint32_t res1;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_x86_tsc_info, 24);
XEN_ABI_ASSERT_OFF(struct xen_sr_x86_tsc_info, nsec, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_x86_tsc_info, incarnation, 16);
#define XEN_TSC_MODE_DEFAULT		0u
#define XEN_TSC_MODE_ALWAYS_EMULATE	1u
#define XEN_TSC_MODE_NEVER_EMULATE	2u

/* HVM_CONTEXT: Xen's HVM save blob, a chain of descriptors each followed by
 * its data, starting with HEADER and ending with END. */
struct xen_hvm_save_descriptor {
	uint16_t typecode;
	uint16_t instance;
	uint32_t length;	/* of the data after this descriptor */
};
XEN_ABI_ASSERT_SIZE(struct xen_hvm_save_descriptor, 8);
#define XEN_HVM_SAVE_END	0u
#define XEN_HVM_SAVE_HEADER	1u
struct xen_hvm_save_header {
	uint32_t magic;		/* XEN_HVM_FILE_MAGIC */
	uint32_t version;	/* XEN_HVM_FILE_VERSION */
	uint64_t changeset;
	uint32_t cpuid;		/* CPUID.1:EAX of the saving host */
	uint32_t gtsc_khz;
};
XEN_ABI_ASSERT_SIZE(struct xen_hvm_save_header, 24);
#define XEN_HVM_FILE_MAGIC	0x54381286u
#define XEN_HVM_FILE_VERSION	1u

/* HVM_PARAMS: this header, then count index/value pairs. */
struct xen_sr_hvm_params_header {
	uint32_t count;
	uint32_t res1;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_hvm_params_header, 8);
struct xen_sr_hvm_param {
	uint64_t index;		/* HVM_PARAM_* (xen-abi/abi-hvm.h) */
	uint64_t value;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_hvm_param, 16);

/* X86_CPUID_POLICY: an array of these (xen_cpuid_leaf_t). */
struct xen_sr_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t a, b, c, d;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_cpuid_leaf, 24);
XEN_ABI_ASSERT_OFF(struct xen_sr_cpuid_leaf, a, 8);
#define XEN_CPUID_NO_SUBLEAF	0xffffffffu

/* X86_MSR_POLICY: an array of these (xen_msr_entry_t). */
struct xen_sr_msr_entry {
	uint32_t idx;
	uint32_t flags;		/* reserved, zero */
	uint64_t val;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_msr_entry, 16);
XEN_ABI_ASSERT_OFF(struct xen_sr_msr_entry, val, 8);

/* --- libxl stream ------------------------------------------------------------ */

/* All fields big-endian. */
struct xen_sr_libxl_header {
	uint64_t ident;		/* XEN_SR_LIBXL_IDENT */
	uint32_t version;	/* XEN_SR_LIBXL_VERSION */
	uint32_t options;	/* bit 0: big-endian; bit 1: made by the legacy converter */
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_libxl_header, 16);
XEN_ABI_ASSERT_OFF(struct xen_sr_libxl_header, version, 8);
XEN_ABI_ASSERT_OFF(struct xen_sr_libxl_header, options, 12);

#define XEN_SR_LIBXL_IDENT	0x4c6962786c466d74ull	/* "LibxlFmt" */
#define XEN_SR_LIBXL_VERSION	2u
#define XEN_SR_LIBXL_OPT_BIG_ENDIAN	(1u << 0)
#define XEN_SR_LIBXL_OPT_LEGACY		(1u << 1)
#define XEN_SR_LIBXL_OPT_RESERVED	0xfffffffcu

/* libxl record types. */
enum {
	XEN_SR_LIBXL_END = 0x00,
	XEN_SR_LIBXL_LIBXC_CONTEXT = 0x01,	/* empty: a libxc stream follows */
	XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA = 0x02,
	XEN_SR_LIBXL_EMULATOR_CONTEXT = 0x03,
	XEN_SR_LIBXL_CHECKPOINT_END = 0x04,
	XEN_SR_LIBXL_CHECKPOINT_STATE = 0x05,	/* COLO only */
	XEN_SR_LIBXL_COUNT = 0x06,
};

/* EMULATOR_XENSTORE_DATA and EMULATOR_CONTEXT start with this. The xenstore
 * data after it is NUL-terminated key, value, key, value... */
struct xen_sr_emulator_header {
	uint32_t id;		/* XEN_SR_EMULATOR_* */
	uint32_t index;
};
XEN_ABI_ASSERT_SIZE(struct xen_sr_emulator_header, 8);
#define XEN_SR_EMULATOR_UNKNOWN		0u
#define XEN_SR_EMULATOR_QEMU_TRAD	1u
#define XEN_SR_EMULATOR_QEMU_UPSTREAM	2u

/* --- xl save-file header ----------------------------------------------------- */

#define XEN_XL_SAVE_MAGIC	"Xen saved domain, xl format\n \0 \r"
#define XEN_XL_SAVE_MAGIC_LEN	32

/* Integers in the domain's (the host's) byte order; byteorder tells which. */
struct xen_xl_save_header {
	char magic[XEN_XL_SAVE_MAGIC_LEN];
	uint32_t byteorder;		/* XEN_XL_SAVE_BYTEORDER */
	uint32_t mandatory_flags;	/* a flag the reader does not know: refuse */
	uint32_t optional_flags;
	uint32_t optional_data_len;	/* bytes of optional data after this header */
};
XEN_ABI_ASSERT_SIZE(struct xen_xl_save_header, 48);
XEN_ABI_ASSERT_OFF(struct xen_xl_save_header, byteorder, 32);
XEN_ABI_ASSERT_OFF(struct xen_xl_save_header, mandatory_flags, 36);
XEN_ABI_ASSERT_OFF(struct xen_xl_save_header, optional_flags, 40);
XEN_ABI_ASSERT_OFF(struct xen_xl_save_header, optional_data_len, 44);
_Static_assert(sizeof(XEN_XL_SAVE_MAGIC) == XEN_XL_SAVE_MAGIC_LEN + 1, "xl magic");

#define XEN_XL_SAVE_BYTEORDER		0x01020304u
#define XEN_XL_FLAG_JSON		(1u << 0)	/* the config is libxl's JSON */
#define XEN_XL_FLAG_STREAMV2		(1u << 1)	/* a libxl v2 stream follows */
#define XEN_XL_MANDATORY_KNOWN		(XEN_XL_FLAG_JSON | XEN_XL_FLAG_STREAMV2)
/* Optional data, in order: a uint32_t config length, then the config (xl
 * counts its NUL). xl writes the length word even when the length is 0. */

#endif
