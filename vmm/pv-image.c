/* Reading a Xen PV kernel: bzImage payload, ELF program headers, Xen notes. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "vmm/kernel-unpack.h"
#include "vmm/lz4-legacy.h"
#include "vmm/pv-image.h"

#define MAX_KERNEL  (512u << 20)
#define MAX_EXTENT  (1ull << 30)

enum {
	NOTE_ENTRY = 1, NOTE_HYPERCALL_PAGE = 2, NOTE_VIRT_BASE = 3, NOTE_XEN_VERSION = 5,
	NOTE_GUEST_OS = 6, NOTE_LOADER = 8, NOTE_FEATURES = 10, NOTE_HV_START_LOW = 12,
	NOTE_INIT_P2M = 15, NOTE_MOD_START_PFN = 16, NOTE_SUPPORTED_FEATURES = 17,
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t note_number(const uint8_t *d, uint32_t n)
{
	uint64_t v = 0;

	memcpy(&v, d, n < 8 ? n : 8);
	return v;
}

static void note_string(char *dst, size_t size, const uint8_t *d, uint32_t n)
{
	size_t len = n < size - 1 ? n : size - 1;

	memcpy(dst, d, len);
	dst[len] = 0;
}

static void take_note(struct pv_image *img, uint32_t type, const uint8_t *d, uint32_t n)
{
	switch (type) {
	case NOTE_ENTRY: img->entry = note_number(d, n); break;
	case NOTE_HYPERCALL_PAGE: img->hypercall_page = note_number(d, n); break;
	case NOTE_VIRT_BASE: img->virt_base = note_number(d, n); break;
	case NOTE_XEN_VERSION: note_string(img->xen_version, sizeof(img->xen_version), d, n); break;
	case NOTE_GUEST_OS: note_string(img->guest_os, sizeof(img->guest_os), d, n); break;
	case NOTE_LOADER: note_string(img->loader, sizeof(img->loader), d, n); break;
	case NOTE_FEATURES: note_string(img->features, sizeof(img->features), d, n); break;
	case NOTE_HV_START_LOW: img->hv_start_low = note_number(d, n); break;
	case NOTE_INIT_P2M: img->init_p2m = note_number(d, n); break;
	case NOTE_MOD_START_PFN: img->mod_start_pfn = note_number(d, n) == 1; break;
	case NOTE_SUPPORTED_FEATURES: img->supported_features = (uint32_t)note_number(d, n); break;
	}
}

static void read_notes(struct pv_image *img, const uint8_t *p, uint64_t len)
{
	uint64_t pos = 0;

	while (len - pos >= 12) {
		uint32_t namesz, descsz, type;
		uint64_t name_end, desc_end;

		memcpy(&namesz, p + pos, 4);
		memcpy(&descsz, p + pos + 4, 4);
		memcpy(&type, p + pos + 8, 4);
		name_end = pos + 12 + ((namesz + 3ull) & ~3ull);
		desc_end = name_end + ((descsz + 3ull) & ~3ull);
		if (name_end > len || desc_end > len)
			return;
		if (namesz == 4 && !memcmp(p + pos + 12, "Xen", 4))
			take_note(img, type, p + name_end, descsz);
		pos = desc_end;
	}
}

static int load_elf(const uint8_t *buf, size_t len, struct pv_image *img, char *err,
		    size_t errlen)
{
	const Elf64_Ehdr *eh = (const void *)buf;
	uint64_t lo = UINT64_MAX, hi = 0;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file or bzImage");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not a 64-bit x86 kernel (32-bit PV is not supported)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return fail(err, errlen, "ELF program headers out of bounds");
	const Elf64_Phdr *ph = (const void *)(buf + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		/* A note segment is read from the file only: its memsz may be 0. */
		if (ph[i].p_offset > len || ph[i].p_filesz > len - ph[i].p_offset ||
		    (ph[i].p_type == PT_LOAD && ph[i].p_filesz > ph[i].p_memsz))
			return fail(err, errlen, "ELF segment %u out of bounds", i);
		if (ph[i].p_type == PT_NOTE)
			read_notes(img, buf + ph[i].p_offset, ph[i].p_filesz);
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_memsz > MAX_EXTENT || ph[i].p_paddr > MAX_EXTENT)
			return fail(err, errlen, "ELF segment %u too large", i);
		lo = ph[i].p_paddr < lo ? ph[i].p_paddr : lo;
		hi = ph[i].p_paddr + ph[i].p_memsz > hi ? ph[i].p_paddr + ph[i].p_memsz : hi;
	}
	if (strcmp(img->guest_os, "") == 0 || strncmp(img->xen_version, "xen-3.0", 7))
		return fail(err, errlen, "not a Xen PV kernel (no Xen ELF notes)");
	/* VIRT_BASE may be 0 (PV-GRUB runs at the bottom of the address space). */
	if (hi <= lo || hi - lo > MAX_EXTENT)
		return fail(err, errlen, "Xen PV kernel without loadable segments");
	if (!img->entry)
		img->entry = eh->e_entry;
	img->paddr_start = lo & ~0xfffull;
	img->paddr_end = (hi + 0xfff) & ~0xfffull;
	img->bytes = calloc(1, img->paddr_end - img->paddr_start);
	if (!img->bytes)
		return fail(err, errlen, "out of memory");
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			memcpy(img->bytes + (ph[i].p_paddr - img->paddr_start),
			       buf + ph[i].p_offset, ph[i].p_filesz);
	return 0;
}

bool is_bzimage(const uint8_t *buf, size_t len)
{
	return len >= 0x250 && !memcmp(buf + 0x202, "HdrS", 4);
}

int bzimage_payload(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
			   char *err, size_t errlen)
{
	uint32_t off, plen, setup = buf[0x1f1] ? buf[0x1f1] : 4;
	uint16_t ver;
	uint64_t start = ((uint64_t)setup + 1) * 512;
	enum kernel_format fmt;
	const uint8_t *p;

	memcpy(&ver, buf + 0x206, 2);
	memcpy(&off, buf + 0x248, 4);
	memcpy(&plen, buf + 0x24c, 4);
	if (ver < 0x208)
		return fail(err, errlen, "bzImage boot protocol %#x is too old for a payload", ver);
	if (start > len || off > len - start || plen > len - start - off)
		return fail(err, errlen, "bzImage payload out of bounds");
	p = buf + start + off;
	if (lz4_legacy_magic(p, plen)) {
		if (lz4_legacy_decode(p, plen, MAX_KERNEL, out, out_len))
			return fail(err, errlen, "corrupt LZ4 kernel payload");
		return 0;
	}
	fmt = kernel_format_of(p, plen);
	if (fmt == KERNEL_UNKNOWN)
		return fail(err, errlen, "unsupported kernel compression (unknown payload format)");
	if (kernel_unpack(fmt, p, plen, MAX_KERNEL, out, out_len))
		return fail(err, errlen, "corrupt %s kernel payload",
			    fmt == KERNEL_GZIP ? "gzip" : fmt == KERNEL_XZ ? "xz" : "zstd");
	return 0;
}

int pv_image_from_buffer(const uint8_t *buf, size_t len, struct pv_image *img, char *err,
			 size_t errlen)
{
	uint8_t *elf;
	size_t elf_len;
	int rc;

	memset(img, 0, sizeof(*img));
	if (!is_bzimage(buf, len))
		return load_elf(buf, len, img, err, errlen);
	if (bzimage_payload(buf, len, &elf, &elf_len, err, errlen))
		return -1;
	rc = load_elf(elf, elf_len, img, err, errlen);
	free(elf);
	return rc;
}

int pv_image_load(const char *path, struct pv_image *img, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	int rc;

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_KERNEL) {
		fclose(f);
		return fail(err, errlen, "%s: not a plausible kernel size", path);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		return fail(err, errlen, "%s: read failed", path);
	}
	fclose(f);
	rc = pv_image_from_buffer(buf, (size_t)st.st_size, img, err, errlen);
	free(buf);
	if (rc) {
		size_t n = strlen(err);
		if (n + strlen(path) + 3 < errlen) {
			memmove(err + strlen(path) + 2, err, n + 1);
			memcpy(err, path, strlen(path));
			memcpy(err + strlen(path), ": ", 2);
		}
	}
	return rc;
}

void pv_image_free(struct pv_image *img)
{
	free(img->bytes);
	img->bytes = NULL;
}
