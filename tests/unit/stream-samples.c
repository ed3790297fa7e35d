/* Sample migration streams (see stream-samples.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xen-abi/abi-hvm.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/abi-version.h"
#include "tests/unit/stream-samples.h"

const char sample_config_json[] =
	"{\n"
	"    \"c_info\": {\n"
	"        \"type\": \"pv\",\n"
	"        \"name\": \"stream-sample\",\n"
	"        \"uuid\": \"6c1f5c2e-2b5e-4d2a-9f3e-0d6a6c1b7e11\"\n"
	"    },\n"
	"    \"b_info\": {\n"
	"        \"max_vcpus\": 2,\n"
	"        \"max_memkb\": 384,\n"
	"        \"target_memkb\": 384\n"
	"    }\n"
	"}\n";

/* PV: a four-level page table at pfns 1-5 whose L4 the guest pinned, and
 * the p2m in the last pfn. */
#define PV_L4 1
#define PV_L3 2
#define PV_L2 3
#define PV_L1A 4
#define PV_L1B 5
#define PV_P2M (SAMPLE_PAGES - 1)
#define PTE_FLAGS 0x7ull	/* present, writable, user */

unsigned sample_page_type(enum sample_kind kind, uint64_t pfn)
{
	if (pfn == SAMPLE_XTAB_PFN)
		return XEN_SR_PAGE_XTAB;
	if (kind == SAMPLE_HVM)
		return XEN_SR_PAGE_NOTAB;
	switch (pfn) {
	case PV_L4:
		return XEN_SR_PAGE_L4TAB_PIN;
	case PV_L3:
		return XEN_SR_PAGE_L3TAB;
	case PV_L2:
		return XEN_SR_PAGE_L2TAB;
	case PV_L1A:
	case PV_L1B:
		return XEN_SR_PAGE_L1TAB;
	}
	return XEN_SR_PAGE_NOTAB;
}

void sample_page(enum sample_kind kind, uint64_t pfn, uint8_t page[4096])
{
	uint64_t *e = (uint64_t *)page;

	memset(page, 0, 4096);
	if (kind == SAMPLE_PV) {
		switch (pfn) {
		case PV_L4:
			e[0] = (uint64_t)PV_L3 << 12 | PTE_FLAGS;
			return;
		case PV_L3:
			e[0] = (uint64_t)PV_L2 << 12 | PTE_FLAGS;
			return;
		case PV_L2:
			e[0] = (uint64_t)PV_L1A << 12 | PTE_FLAGS;
			e[1] = (uint64_t)PV_L1B << 12 | PTE_FLAGS;
			return;
		case PV_L1A:
			for (uint64_t i = 0; i < SAMPLE_PAGES; i++)
				if (i != SAMPLE_XTAB_PFN)
					e[i] = i << 12 | PTE_FLAGS;
			return;
		case PV_L1B:
			return;
		case PV_P2M:
			for (uint64_t i = 0; i < SAMPLE_PAGES; i++)
				e[i] = 0x10000 + i;	/* the source's frames */
			return;
		}
	}
	snprintf((char *)page, 64, "xenkvm sample %s pfn %llu", kind == SAMPLE_PV ? "pv" : "pvh",
		 (unsigned long long)pfn);
	for (unsigned i = 64; i < 4096; i++)
		page[i] = (uint8_t)(pfn * 7 + i);
}

static const struct xen_sr_cpuid_leaf cpuid_leaves[] = {
	{ 0x00000000, XEN_CPUID_NO_SUBLEAF, 0x0000000d, 0x756e6547, 0x6c65746e, 0x49656e69 },
	{ 0x00000001, XEN_CPUID_NO_SUBLEAF, 0x000306c3, 0x00000800, 0xf6f83203, 0x078bfbff },
	{ 0x00000007, 0, 0, 0x000007ab, 0, 0 },
	{ 0x0000000d, 0, 0x00000007, 0x00000340, 0x00000340, 0 },
	{ 0x0000000d, 1, 0x00000001, 0, 0, 0 },
	{ 0x80000000, XEN_CPUID_NO_SUBLEAF, 0x80000008, 0, 0, 0 },
	{ 0x80000001, XEN_CPUID_NO_SUBLEAF, 0, 0, 0x00000021, 0x28100800 },
};

static const struct xen_sr_msr_entry msr_policy[] = {
	{ .idx = 0x000000ce, .val = 0 },	/* MSR_INTEL_PLATFORM_INFO */
	{ .idx = 0x0000010a, .val = 0 },	/* MSR_ARCH_CAPABILITIES */
};

static int write_static(struct stream_writer *w, enum sample_kind kind)
{
	if (kind == SAMPLE_PV && stream_write_x86_pv_info(w, 8, 4))
		return -1;
	if (stream_write_x86_cpuid_policy(w, cpuid_leaves,
					  sizeof(cpuid_leaves) / sizeof(cpuid_leaves[0])) ||
	    stream_write_x86_msr_policy(w, msr_policy, sizeof(msr_policy) / sizeof(msr_policy[0])))
		return -1;
	return stream_write_static_data_end(w);
}

/* Pages in three batches of 32, as a live migration's rounds would. */
static int write_pages(struct stream_writer *w, enum sample_kind kind)
{
	static uint8_t pages[32][4096];
	uint64_t words[32];
	const void *ptrs[32];

	for (uint64_t first = 0; first < SAMPLE_PAGES; first += 32) {
		for (unsigned i = 0; i < 32; i++) {
			words[i] = XEN_SR_PFN_WORD(first + i, sample_page_type(kind, first + i));
			sample_page(kind, first + i, pages[i]);
			ptrs[i] = pages[i];
		}
		if (stream_write_page_data(w, words, 32, ptrs))
			return -1;
	}
	return 0;
}

static int write_pv_vcpu(struct stream_writer *w, uint32_t id)
{
	struct xen_vcpu_guest_context64 ctx;
	uint8_t extended[40] = { 0 };
	uint8_t xsave[16 + 832] = { 0 };
	struct xen_sr_vcpu_msr msr = { .index = 0xc0011027 };	/* AMD DR0 address mask */
	uint64_t xcr0 = 0x7;	/* x87, SSE, AVX */

	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_online | VGCF_in_kernel | VGCF_i387_valid;
	ctx.user_regs.rip = 0xffffffff81000000ull + id * 0x10;
	ctx.user_regs.rsp = 0xffffc90000004000ull + id * 0x4000;
	ctx.kernel_ss = 0xe02b;
	ctx.ctrlreg[3] = (uint64_t)PV_L4 << 12;	/* the L4 in cr3 form */
	memcpy(xsave, &xcr0, 8);
	memcpy(xsave + 8, &xcr0, 8);
	return stream_write_x86_pv_vcpu(w, XEN_SR_REC_X86_PV_VCPU_BASIC, id, &ctx, sizeof(ctx)) ||
	       stream_write_x86_pv_vcpu(w, XEN_SR_REC_X86_PV_VCPU_EXTENDED, id, extended,
					sizeof(extended)) ||
	       stream_write_x86_pv_vcpu(w, XEN_SR_REC_X86_PV_VCPU_XSAVE, id, xsave, sizeof(xsave)) ||
	       stream_write_x86_pv_vcpu(w, XEN_SR_REC_X86_PV_VCPU_MSRS, id, &msr, sizeof(msr))
		       ? -1 : 0;
}

static int write_pv(struct stream_writer *w)
{
	static union {
		struct xen_shared_info64 s;
		uint8_t page[4096];
	} shinfo;
	uint64_t p2m_frame = PV_P2M;

	if (stream_write_x86_pv_p2m_frames(w, 8, 0, SAMPLE_PAGES - 1, &p2m_frame, 1) ||
	    write_pages(w, SAMPLE_PV) ||
	    stream_write_x86_tsc_info(w, XEN_TSC_MODE_DEFAULT, 2400000, 1234567890ull, 0))
		return -1;
	memset(&shinfo, 0, sizeof(shinfo));
	shinfo.s.arch.max_pfn = SAMPLE_PAGES;
	shinfo.s.wc_sec = 1700000000;
	if (stream_write_shared_info(w, &shinfo))
		return -1;
	for (uint32_t id = 0; id < SAMPLE_VCPUS; id++)
		if (write_pv_vcpu(w, id))
			return -1;
	return 0;
}

static int write_hvm(struct stream_writer *w)
{
	static const struct xen_sr_hvm_param params[] = {
		{ HVM_PARAM_STORE_PFN, 0x5f },
		{ HVM_PARAM_CONSOLE_PFN, 0x5e },
		{ HVM_PARAM_X87_FIP_WIDTH, 8 },
	};
	struct {
		struct xen_hvm_save_descriptor hd;
		struct xen_hvm_save_header h;
		struct xen_hvm_save_descriptor end;
	} __attribute__((packed)) ctx = {
		.hd = { .typecode = XEN_HVM_SAVE_HEADER, .length = sizeof(ctx.h) },
		.h = { .magic = XEN_HVM_FILE_MAGIC, .version = XEN_HVM_FILE_VERSION,
		       .cpuid = 0x000306c3, .gtsc_khz = 2400000 },
		.end = { .typecode = XEN_HVM_SAVE_END },
	};

	/* The spec's order: params before the context they may affect. */
	return write_pages(w, SAMPLE_HVM) ||
	       stream_write_x86_tsc_info(w, XEN_TSC_MODE_DEFAULT, 2400000, 1234567890ull, 0) ||
	       stream_write_hvm_params(w, params, sizeof(params) / sizeof(params[0])) ||
	       stream_write_hvm_context(w, &ctx, sizeof(ctx))
		       ? -1 : 0;
}

int sample_write_libxc_records(struct stream_writer *w, enum sample_kind kind)
{
	if (write_static(w, kind))
		return -1;
	if (kind == SAMPLE_PV ? write_pv(w) : write_hvm(w))
		return -1;
	return stream_write_end(w);
}

static int write_libxc(struct stream_writer *w, enum sample_kind kind)
{
	uint32_t type = kind == SAMPLE_PV ? XEN_SR_DOMAIN_X86_PV : XEN_SR_DOMAIN_X86_HVM;

	if (stream_write_image_header(w) ||
	    stream_write_domain_header(w, type, XEN_VERSION_MAJOR, XEN_VERSION_MINOR))
		return -1;
	return sample_write_libxc_records(w, kind);
}

int sample_write(struct stream_writer *w, enum sample_kind kind, enum stream_format format)
{
	if (format == STREAM_XL && stream_write_xl_header(w, sample_config_json))
		return -1;
	if (format == STREAM_LIBXC)
		return write_libxc(w, kind);
	if (stream_write_libxl_header(w) || stream_write_libxl_libxc_context(w) ||
	    write_libxc(w, kind))
		return -1;
	return stream_write_libxl_end(w);
}

uint8_t *sample_bytes(enum sample_kind kind, enum stream_format format, size_t *len)
{
	struct stream_writer w;
	int fd = memfd_create("stream-sample", 0);
	uint8_t *buf = NULL;
	struct stat st;

	if (fd < 0)
		return NULL;
	stream_writer_init(&w, fd);
	if (sample_write(&w, kind, format) == 0 && fstat(fd, &st) == 0 &&
	    (buf = malloc((size_t)st.st_size)) != NULL) {
		*len = (size_t)st.st_size;
		if (pread(fd, buf, *len, 0) != (ssize_t)*len) {
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}
