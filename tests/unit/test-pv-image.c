/* The PV kernel loader: LZ4 legacy payloads, ELF notes, and bad input. */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vmm/lz4-legacy.h"
#include "tests/unit/xen-note.h"
#include "vmm/pv-image.h"

static const uint8_t frame_ok[] = {
	0x02, 0x21, 0x4c, 0x18,		/* legacy magic */
	0x09, 0x00, 0x00, 0x00,		/* block of 9 bytes */
	0x32, 'a', 'b', 'c', 0x03, 0x00,	/* "abc", then copy 6 from 3 back */
	0x20, 'x', 'y',			/* last literals */
};

Test(pv_image, lz4_legacy_decodes_literals_and_overlapping_matches)
{
	uint8_t *out;
	size_t n;

	cr_assert_eq(lz4_legacy_decode(frame_ok, sizeof(frame_ok), 1u << 30, &out, &n), 0);
	cr_assert_eq(n, 11);
	cr_assert_eq(memcmp(out, "abcabcabcxy", 11), 0);
	free(out);
}

Test(pv_image, lz4_legacy_rejects_offsets_before_the_output)
{
	uint8_t bad[sizeof(frame_ok)];
	uint8_t *out;
	size_t n;

	memcpy(bad, frame_ok, sizeof(bad));
	bad[12] = 0x09;	/* offset 9 with only 3 bytes written */
	cr_assert_eq(lz4_legacy_decode(bad, sizeof(bad), 1u << 30, &out, &n), -1);
	bad[12] = 0x03;
	bad[4] = 0xff;	/* block longer than the input: nothing decodes */
	cr_assert_eq(lz4_legacy_decode(bad, sizeof(bad), 1u << 30, &out, &n), -1);
}

Test(pv_image, junk_and_truncated_kernels_are_refused)
{
	struct pv_image img;
	char err[128];
	uint8_t junk[0x300] = { 0 };

	cr_assert_eq(pv_image_from_buffer(junk, sizeof(junk), &img, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "not an ELF file or bzImage");
	memcpy(junk + 0x202, "HdrS", 4);
	junk[0x206] = 0x0f;
	junk[0x207] = 0x02;
	junk[0x248] = 0xff;	/* payload offset far beyond the file */
	junk[0x24b] = 0x7f;
	cr_assert_eq(pv_image_from_buffer(junk, sizeof(junk), &img, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bzImage payload out of bounds");
}

Test(pv_image, debian_cloud_kernel_notes)
{
	char path[512], err[256];
	struct pv_image img;
	const char *home = getenv("HOME");

	snprintf(path, sizeof(path), "%s/.cache/xenkvm/vmlinuz", home ? home : "/root");
	if (access(path, R_OK))
		cr_skip_test("no Debian kernel in %s (scripts/fetch-assets.sh fetches it)", path);
	cr_assert_eq(pv_image_load(path, &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(img.guest_os, "linux");
	cr_assert_str_eq(img.xen_version, "xen-3.0");
	cr_assert_eq(img.virt_base, 0xffffffff80000000ull);
	cr_assert_eq(img.hv_start_low, 0xffff800000000000ull);
	cr_assert_eq(img.paddr_start, 0x1000000);
	cr_assert(img.entry > img.virt_base + img.paddr_start &&
		  img.entry < img.virt_base + img.paddr_end);
	cr_assert_neq(img.bytes[img.entry - img.virt_base - img.paddr_start], 0);
	pv_image_free(&img);
}

/* Shaped like PV-GRUB's image: loaded at 0, VIRT_BASE 0, notes with memsz 0. */
Test(pv_image, virt_base_zero_and_unloaded_note_segment)
{
	static uint8_t elf[0x3000];
	Elf64_Ehdr *eh = (void *)elf;
	Elf64_Phdr *ph = (void *)(elf + sizeof(*eh));
	uint64_t zero = 0;
	size_t n = 0;
	struct pv_image img;
	char err[128];

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_filesz = 0x100,
			      .p_memsz = 0x5000 };
	memset(elf + 0x1000, 0xc3, 0x100);
	n += put_xen_note(elf + 0x2000 + n, 6, "GRUB", 5);		/* GUEST_OS */
	n += put_xen_note(elf + 0x2000 + n, 5, "xen-3.0", 8);	/* XEN_VERSION */
	n += put_xen_note(elf + 0x2000 + n, 3, &zero, 8);		/* VIRT_BASE */
	n += put_xen_note(elf + 0x2000 + n, 1, &zero, 8);		/* ENTRY */
	ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x2000, .p_filesz = n };
	cr_assert_eq(pv_image_from_buffer(elf, sizeof(elf), &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(img.guest_os, "GRUB");
	cr_assert_eq(img.virt_base, 0);
	cr_assert_eq(img.paddr_start, 0);
	cr_assert_eq(img.paddr_end, 0x5000);
	cr_assert_eq(img.bytes[0xff], 0xc3);
	cr_assert_eq(img.bytes[0x100], 0, "the part past filesz is zero");
	pv_image_free(&img);
	/* A loadable segment claiming more file than memory is still refused. */
	ph[0].p_filesz = 0x6000;
	cr_assert_eq(pv_image_from_buffer(elf, sizeof(elf), &img, err, sizeof(err)), -1);
}
