/* bzImages whose payload is gzip, xz or zstd, as the kernel's build makes them. */
#include <criterion/criterion.h>
#include <elf.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "vmm/kernel-unpack.h"
#include "tests/unit/xen-note.h"
#include "vmm/pv-image.h"

#define SETUP_SECTS 4
#define PAYLOAD_AT ((SETUP_SECTS + 1) * 512)

static uint8_t elf[0x3000];

/* A small PV kernel: one loadable segment of ret instructions and Xen's notes. */
static void make_elf(void)
{
	Elf64_Ehdr *eh = (void *)elf;
	Elf64_Phdr *ph = (void *)(elf + sizeof(*eh));
	uint64_t base = 0xffffffff80000000ull, entry = base + 0x1000000;
	size_t n = 0;

	memset(elf, 0, sizeof(elf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_paddr = 0x1000000,
			      .p_vaddr = entry, .p_filesz = 0x800, .p_memsz = 0x1000 };
	memset(elf + 0x1000, 0xc3, 0x800);
	n += put_xen_note(elf + 0x2000 + n, 6, "linux", 6);
	n += put_xen_note(elf + 0x2000 + n, 5, "xen-3.0", 8);
	n += put_xen_note(elf + 0x2000 + n, 3, &base, 8);
	n += put_xen_note(elf + 0x2000 + n, 1, &entry, 8);
	ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x2000, .p_filesz = n };
}

static size_t gzip_it(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)max;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

static size_t xz_it(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	size_t n = 0;

	cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out, &n, max),
		     LZMA_OK);
	return n;
}

/* With a content checksum, as the zstd command the kernel's build runs writes by default. */
static size_t zstd_it(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t n;

	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	n = ZSTD_compress2(c, out, max, in, len);
	ZSTD_freeCCtx(c);
	cr_assert_not(ZSTD_isError(n));
	return n;
}

/* A bzImage around payload, with the uncompressed size appended as the kernel's build does. */
static size_t make_bzimage(uint8_t *bz, const uint8_t *payload, size_t plen)
{
	uint32_t off = 0, len = (uint32_t)plen + 4, size = sizeof(elf);
	uint16_t version = 0x20f;

	memset(bz, 0, PAYLOAD_AT);
	bz[0x1f1] = SETUP_SECTS;
	memcpy(bz + 0x202, "HdrS", 4);
	memcpy(bz + 0x206, &version, 2);
	memcpy(bz + 0x248, &off, 4);
	memcpy(bz + 0x24c, &len, 4);
	memcpy(bz + PAYLOAD_AT, payload, plen);
	memcpy(bz + PAYLOAD_AT + plen, &size, 4);
	return PAYLOAD_AT + plen + 4;
}

static void loads_like_the_elf(size_t (*pack)(const uint8_t *, size_t, uint8_t *, size_t))
{
	static uint8_t packed[0x4000], bz[0x8000];
	struct pv_image img;
	char err[128];
	size_t n;

	make_elf();
	n = make_bzimage(bz, packed, pack(elf, sizeof(elf), packed, sizeof(packed)));
	cr_assert_eq(pv_image_from_buffer(bz, n, &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(img.guest_os, "linux");
	cr_assert_eq(img.entry, 0xffffffff81000000ull);
	cr_assert_eq(img.bytes[0x7ff], 0xc3);
	cr_assert_eq(img.bytes[0x800], 0);
	pv_image_free(&img);
}

Test(kernel_unpack, gzip_bzimage) { loads_like_the_elf(gzip_it); }
Test(kernel_unpack, xz_bzimage) { loads_like_the_elf(xz_it); }
Test(kernel_unpack, zstd_bzimage) { loads_like_the_elf(zstd_it); }

Test(kernel_unpack, damaged_or_oversized_payloads_are_refused)
{
	static uint8_t packed[0x4000], bz[0x8000];
	size_t (*packs[3])(const uint8_t *, size_t, uint8_t *, size_t) = { gzip_it, xz_it, zstd_it };
	struct pv_image img;
	uint8_t *out;
	size_t n, got;
	char err[128];

	make_elf();
	for (int i = 0; i < 3; i++) {
		size_t plen = packs[i](elf, sizeof(elf), packed, sizeof(packed));
		enum kernel_format f = kernel_format_of(packed, plen);

		cr_assert_neq(f, KERNEL_UNKNOWN);
		cr_assert_eq(kernel_unpack(f, packed, plen, sizeof(elf) - 1, &out, &got), -1,
			     "format %d: larger than allowed", f);
		packed[plen / 2] ^= 0x55;	/* damage the middle */
		n = make_bzimage(bz, packed, plen);
		cr_assert_eq(pv_image_from_buffer(bz, n, &img, err, sizeof(err)), -1);
		cr_assert(strstr(err, "corrupt"), "format %d: %s", f, err);
		cr_assert_eq(kernel_unpack(f, packed, plen / 3, sizeof(elf), &out, &got), -1,
			     "format %d: truncated", f);
	}
	cr_assert_eq(kernel_format_of((const uint8_t *)"BZh9", 4), KERNEL_UNKNOWN);
}
