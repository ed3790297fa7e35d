/*
 * PVH boot: load an ELF kernel (32- or 64-bit), find its
 * XEN_ELFNOTE_PHYS32_ENTRY, lay out hvm_start_info with the command line,
 * modules and memory map, and set vCPU 0 up in flat 32-bit protected mode.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmm/pv-image.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-hvm.h"

#define MAX_IMAGE (256u << 20)
#define LOW_RAM_END 0xa0000ull
#define HIGH_RAM_START 0x100000ull

static uint8_t *read_whole(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "xenkvm-vmm: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > MAX_IMAGE) {
		fprintf(stderr, "xenkvm-vmm: %s: size %lld is not a plausible image\n", path,
			(long long)st.st_size);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
		fprintf(stderr, "xenkvm-vmm: %s: short read\n", path);
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* A program header normalised from either ELF class. */
struct phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

struct elf_image {
	const uint8_t *buf;
	size_t len;
	bool is64;
	unsigned phnum;
	uint64_t phoff;
};

static int elf_open(struct elf_image *e, const uint8_t *buf, size_t len, const char *path)
{
	e->buf = buf;
	e->len = len;
	if (len < sizeof(Elf32_Ehdr) || memcmp(buf, ELFMAG, SELFMAG)) {
		fprintf(stderr, "xenkvm-vmm: %s: not an ELF file\n", path);
		return -1;
	}
	e->is64 = buf[EI_CLASS] == ELFCLASS64;
	if (e->is64) {
		const Elf64_Ehdr *h = (const void *)buf;
		if (len < sizeof(*h) || h->e_machine != EM_X86_64 || h->e_phentsize != sizeof(Elf64_Phdr))
			goto bad;
		e->phnum = h->e_phnum;
		e->phoff = h->e_phoff;
	} else {
		const Elf32_Ehdr *h = (const void *)buf;
		/*
		 * ELF32 with e_machine x86-64 too: 64-bit kernels converted to
		 * elf32-x86-64 so that 32-bit loaders take them (XTF's hvm64
		 * tests); Xen loads them, and PVH entry is 32-bit code anyway.
		 */
		if (buf[EI_CLASS] != ELFCLASS32 ||
		    (h->e_machine != EM_386 && h->e_machine != EM_X86_64) ||
		    h->e_phentsize != sizeof(Elf32_Phdr))
			goto bad;
		e->phnum = h->e_phnum;
		e->phoff = h->e_phoff;
	}
	if (e->phoff > len || (uint64_t)e->phnum * (e->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) >
	    len - e->phoff)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "xenkvm-vmm: %s: not an x86 ELF executable we can load\n", path);
	return -1;
}

static struct phdr elf_phdr(const struct elf_image *e, unsigned i)
{
	struct phdr p;

	if (e->is64) {
		Elf64_Phdr h;
		memcpy(&h, e->buf + e->phoff + i * sizeof(h), sizeof(h));
		p = (struct phdr){ h.p_type, h.p_offset, h.p_paddr, h.p_filesz, h.p_memsz };
	} else {
		Elf32_Phdr h;
		memcpy(&h, e->buf + e->phoff + i * sizeof(h), sizeof(h));
		p = (struct phdr){ h.p_type, h.p_offset, h.p_paddr, h.p_filesz, h.p_memsz };
	}
	return p;
}

/* Scan one PT_NOTE segment for the Xen PHYS32_ENTRY note. */
static bool find_entry_note(const uint8_t *p, uint64_t len, uint32_t *entry)
{
	uint64_t off = 0;

	while (len - off >= 12) {
		uint32_t namesz, descsz, type;
		uint64_t name_off, desc_off, next;

		memcpy(&namesz, p + off, 4);
		memcpy(&descsz, p + off + 4, 4);
		memcpy(&type, p + off + 8, 4);
		name_off = off + 12;
		desc_off = name_off + ((namesz + 3ull) & ~3ull);
		next = desc_off + ((descsz + 3ull) & ~3ull);
		if (next > len)
			return false;
		if (namesz == 4 && !memcmp(p + name_off, "Xen", 4) &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4) {
			memcpy(entry, p + desc_off, 4);
			return true;
		}
		off = next;
	}
	return false;
}

static int load_segments(struct vmm *vm, const struct elf_image *e, uint64_t *end,
			 uint32_t *entry, bool *have_entry, const char *path)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		struct phdr p = elf_phdr(e, i);

		if (p.offset > e->len || p.filesz > e->len - p.offset) {
			fprintf(stderr, "xenkvm-vmm: %s: segment %u lies outside the file\n", path, i);
			return -1;
		}
		if (p.type == PT_NOTE && !*have_entry)
			*have_entry = find_entry_note(e->buf + p.offset, p.filesz, entry);
		if (p.type != PT_LOAD || !p.memsz)
			continue;
		if (p.filesz > p.memsz || p.paddr < HIGH_RAM_START || p.paddr > vm->ram_size ||
		    p.memsz > vm->ram_size - p.paddr) {
			fprintf(stderr, "xenkvm-vmm: %s: segment %u at %#llx+%#llx does not fit "
				"in %llu MiB of RAM\n", path, i, (unsigned long long)p.paddr,
				(unsigned long long)p.memsz, (unsigned long long)vm->opt.memory_mb);
			return -1;
		}
		memcpy(vm->ram + p.paddr, e->buf + p.offset, p.filesz);
		memset(vm->ram + p.paddr + p.filesz, 0, p.memsz - p.filesz);
		if (p.paddr + p.memsz > *end)
			*end = p.paddr + p.memsz;
	}
	return 0;
}

/* A bump allocator over the RAM after the kernel. */
struct layout {
	struct vmm *vm;
	uint64_t next, limit;
};

static uint64_t place(struct layout *l, const void *data, uint64_t len, uint64_t align)
{
	uint64_t at = (l->next + align - 1) & ~(align - 1);

	if (at > l->limit || len > l->limit - at)
		return 0;
	if (data)
		memcpy(l->vm->ram + at, data, len);
	l->next = at + len;
	return at;
}

static void build_e820(struct vmm *vm, uint64_t reserved_top)
{
	struct xk_domain *d = &vm->dom;

	d->e820[0] = (struct xk_e820){ 0, LOW_RAM_END, XEN_HVM_MEMMAP_TYPE_RAM };
	d->e820[1] = (struct xk_e820){ LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END,
				       XEN_HVM_MEMMAP_TYPE_RESERVED };
	d->e820[2] = (struct xk_e820){ HIGH_RAM_START, reserved_top - HIGH_RAM_START,
				       XEN_HVM_MEMMAP_TYPE_RAM };
	d->e820[3] = (struct xk_e820){ reserved_top, vm->ram_size - reserved_top,
				       XEN_HVM_MEMMAP_TYPE_RESERVED };
	d->nr_e820 = 4;
}

static int build_start_info(struct vmm *vm, uint64_t kernel_end, uint64_t *si_addr)
{
	struct layout l = { vm, (kernel_end + 4095) & ~4095ull,
			    vm->dom.e820[3].addr };
	struct hvm_memmap_table_entry mm[XK_MAX_E820];
	struct hvm_modlist_entry mods[VMM_MAX_MODULES];
	struct hvm_start_info si = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
	uint64_t si_at = place(&l, NULL, sizeof(si), 4096);

	for (unsigned i = 0; i < vm->dom.nr_e820; i++)
		mm[i] = (struct hvm_memmap_table_entry){ vm->dom.e820[i].addr,
							 vm->dom.e820[i].size,
							 vm->dom.e820[i].type, 0 };
	si.memmap_entries = vm->dom.nr_e820;
	si.memmap_paddr = place(&l, mm, si.memmap_entries * sizeof(mm[0]), 8);
	if (vm->opt.cmdline)
		si.cmdline_paddr = place(&l, vm->opt.cmdline, strlen(vm->opt.cmdline) + 1, 8);
	for (unsigned i = 0; i < vm->opt.nr_modules; i++) {
		size_t len;
		uint8_t *data = read_whole(vm->opt.modules[i], &len);
		if (!data)
			return -1;
		mods[i] = (struct hvm_modlist_entry){ place(&l, data, len, 4096), len, 0, 0 };
		free(data);
		if (!mods[i].paddr)
			goto full;
	}
	si.nr_modules = vm->opt.nr_modules;
	if (si.nr_modules)
		si.modlist_paddr = place(&l, mods, si.nr_modules * sizeof(mods[0]), 8);
	if (!si_at || !si.memmap_paddr || (vm->opt.cmdline && !si.cmdline_paddr) ||
	    (si.nr_modules && !si.modlist_paddr))
		goto full;
	memcpy(vm->ram + si_at, &si, sizeof(si));
	*si_addr = si_at;
	return 0;
full:
	fprintf(stderr, "xenkvm-vmm: kernel, modules and start info do not fit in %llu MiB\n",
		(unsigned long long)vm->opt.memory_mb);
	return -1;
}

static void flat_protected_mode(struct kvm_regs *regs, struct kvm_sregs *s,
				uint32_t entry, uint64_t si)
{
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 0x8,
				    .type = 0xb, .present = 1, .dpl = 0, .db = 1, .s = 1,
				    .l = 0, .g = 1 };
	struct kvm_segment data = code;

	data.type = 0x3;
	data.selector = 0x10;
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->cr0 = 0x11;	/* PE, ET; paging off */
	s->cr4 = 0;
	s->efer = 0;
	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rbx = si;
	regs->rflags = 2;
}

/* A bzImage (Linux as distributions ship it) in *buf becomes its ELF. */
static int unpack_bzimage(uint8_t **buf, size_t *len, const char *path)
{
	uint8_t *elf;
	size_t elf_len;
	char err[200];

	if (bzimage_payload(*buf, *len, &elf, &elf_len, err, sizeof(err))) {
		fprintf(stderr, "xenkvm-vmm: %s: %s\n", path, err);
		return -1;
	}
	free(*buf);
	*buf = elf;
	*len = elf_len;
	return 0;
}

int pvh_load(struct vmm *vm, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	/* The top two pages are the console and xenstore rings (reserved). */
	uint64_t reserved_top = vm->ram_size - 2 * XEN_PAGE_SIZE, end = 0, si = 0;
	struct elf_image e;
	bool have_entry = false;
	uint32_t entry = 0;
	size_t len;
	uint8_t *buf = read_whole(vm->opt.kernel, &len);
	int rc = -1;

	if (!buf)
		return -1;
	if (is_bzimage(buf, len) && unpack_bzimage(&buf, &len, vm->opt.kernel))
		goto out;
	if (elf_open(&e, buf, len, vm->opt.kernel) ||
	    load_segments(vm, &e, &end, &entry, &have_entry, vm->opt.kernel))
		goto out;
	if (!have_entry) {
		fprintf(stderr, "xenkvm-vmm: %s: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH "
			"kernel\n", vm->opt.kernel);
		goto out;
	}
	build_e820(vm, reserved_top);
	if (build_start_info(vm, end, &si))
		goto out;
	flat_protected_mode(regs, sregs, entry, si);
	rc = 0;
out:
	free(buf);
	return rc;
}
