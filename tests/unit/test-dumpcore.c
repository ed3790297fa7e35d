/* xl dump-core's ELF writer: Xen's xc_core layout, read back field by field. */
#include <criterion/criterion.h>
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-dumpcore.h"

#define PAGES 9

static uint8_t ram[PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t shinfo[4096];
static struct xen_vcpu_guest_context64 ctx[3];

/* Pages 0, 2, 3 and 8 hold something; the rest (and most of these) are zeros. */
static void fill(void)
{
	memset(ram, 0, sizeof(ram));
	for (unsigned n = 0; n < PAGES; n++)
		if (n == 0 || n == 2 || n == 3 || n == 8)
			snprintf((char *)ram + n * 4096, 64, "page %u", n);
	ram[3 * 4096 + 4095] = 0xa5;
	memset(shinfo, 0x5a, sizeof(shinfo));
	for (unsigned i = 0; i < 3; i++) {
		memset(&ctx[i], 0, sizeof(ctx[i]));
		ctx[i].user_regs.rip = 0xffffffff81000000ull + i;
		ctx[i].ctrlreg[3] = 0x1000 * (i + 1);
	}
}

/* The core written to a fresh file, and its bytes (malloc'd, *size long). */
static uint8_t *core_of(const struct xc_core_image *im, size_t *size, bool through_pipe)
{
	FILE *f = tmpfile();
	int fd = fileno(f);
	uint8_t *buf;
	struct stat st;

	cr_assert(f);
	if (through_pipe) {
		int p[2];
		pid_t pid;

		cr_assert_eq(pipe(p), 0);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			_exit(xc_core_write(p[1], im) ? 1 : 0);
		}
		close(p[1]);
		for (;;) {
			char chunk[65536];
			ssize_t n = read(p[0], chunk, sizeof(chunk));

			if (n <= 0)
				break;
			cr_assert_eq(write(fd, chunk, (size_t)n), n);
		}
		close(p[0]);
	} else {
		cr_assert_eq(xc_core_write(fd, im), 0);
	}
	cr_assert_eq(fstat(fd, &st), 0);
	*size = (size_t)st.st_size;
	buf = malloc(*size);
	cr_assert_eq(pread(fd, buf, *size, 0), (ssize_t)*size);
	fclose(f);
	return buf;
}

static const Elf64_Shdr *section(const uint8_t *core, const char *name)
{
	const Elf64_Ehdr *e = (const void *)core;
	const Elf64_Shdr *sh = (const void *)(core + e->e_shoff);
	const char *names = (const char *)core + sh[e->e_shstrndx].sh_offset;

	for (unsigned i = 1; i < e->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

static void check(const struct xc_core_image *im, bool through_pipe)
{
	size_t size;
	uint8_t *core = core_of(im, &size, through_pipe);
	const Elf64_Ehdr *e = (const void *)core;
	const Elf64_Shdr *sh = (const void *)(core + e->e_shoff);
	const Elf64_Shdr *note, *pr, *si, *pages, *map;
	static const char *const order[] = { "", ".shstrtab", ".note.Xen", ".xen_prstatus",
					     ".xen_shared_info", ".xen_pages", NULL };
	const char *map_name = im->pv ? ".xen_p2m" : ".xen_pfn";

	cr_assert(!memcmp(e->e_ident, ELFMAG, SELFMAG));
	cr_assert_eq(e->e_ident[EI_CLASS], ELFCLASS64);
	cr_assert_eq(e->e_ident[EI_DATA], ELFDATA2LSB);
	cr_assert_eq(e->e_type, ET_CORE);
	cr_assert_eq(e->e_machine, EM_X86_64);
	cr_assert_eq(e->e_phnum, 0);
	cr_assert_eq(e->e_shoff, sizeof(Elf64_Ehdr));
	cr_assert_eq(e->e_shnum, 7);
	cr_assert_eq(e->e_shstrndx, 1);
	cr_assert_eq(sh[0].sh_type, SHT_NULL);
	cr_assert_eq(sh[0].sh_offset, 0);
	/* libxc's order of headers; the names last in the file. */
	for (unsigned i = 1; order[i]; i++)
		cr_assert_eq(section(core, order[i]), &sh[i], "%s", order[i]);
	cr_assert_eq(section(core, map_name), &sh[6]);
	cr_assert_eq(sh[1].sh_type, SHT_STRTAB);
	cr_assert_eq(sh[1].sh_offset + sh[1].sh_size, size);

	note = section(core, ".note.Xen");
	cr_assert_eq(note->sh_type, SHT_NOTE);
	{
		static const uint32_t types[] = { XEN_ELFNOTE_DUMPCORE_NONE,
						  XEN_ELFNOTE_DUMPCORE_HEADER,
						  XEN_ELFNOTE_DUMPCORE_XEN_VERSION,
						  XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION };
		static const uint32_t sizes[] = { 0, 32, 1280, 8 };
		const uint8_t *p = core + note->sh_offset;

		for (unsigned i = 0; i < 4; i++) {
			const Elf64_Nhdr *n = (const void *)p;
			const uint64_t *desc = (const void *)(p + sizeof(*n) + 4);

			cr_assert_eq(n->n_namesz, 4);
			cr_assert_str_eq((const char *)(p + sizeof(*n)), "Xen");
			cr_assert_eq(n->n_type, types[i]);
			cr_assert_eq(n->n_descsz, sizes[i]);
			if (i == 1) {
				cr_assert_eq(desc[0], im->pv ? XC_CORE_MAGIC : XC_CORE_MAGIC_HVM);
				cr_assert_eq(desc[1], im->nr_vcpus);
				cr_assert_eq(desc[2], im->nr_pages);
				cr_assert_eq(desc[3], 4096);
			}
			if (i == 2) {
				cr_assert_eq(desc[0], 4);	/* Xen 4.17 */
				cr_assert_eq(desc[1], 17);
				cr_assert_eq(desc[159], 4096);	/* pagesize, the last field */
			}
			if (i == 3)
				cr_assert_eq(desc[0], 1);
			p += sizeof(*n) + 4 + n->n_descsz;
		}
		cr_assert_eq(p, core + note->sh_offset + note->sh_size);
	}

	pr = section(core, ".xen_prstatus");
	cr_assert_eq(pr->sh_entsize, sizeof(struct xen_vcpu_guest_context64));
	cr_assert_eq(pr->sh_size, im->nr_vcpus * sizeof(struct xen_vcpu_guest_context64));
	for (unsigned i = 0; i < im->nr_vcpus; i++) {
		const struct xen_vcpu_guest_context64 *c =
			(const void *)(core + pr->sh_offset + i * sizeof(*c));

		cr_assert_eq(c->user_regs.rip, im->ctx ? im->ctx[i].user_regs.rip : 0);
		cr_assert_eq(c->ctrlreg[3], im->ctx ? im->ctx[i].ctrlreg[3] : 0);
	}
	si = section(core, ".xen_shared_info");
	cr_assert_eq(si->sh_size, 4096);
	cr_assert(!memcmp(core + si->sh_offset, shinfo, 4096));

	pages = section(core, ".xen_pages");
	cr_assert_eq(pages->sh_offset % 4096, 0);
	cr_assert_eq(pages->sh_addralign, 4096);
	cr_assert_eq(pages->sh_size, im->nr_pages * 4096);
	cr_assert(!memcmp(core + pages->sh_offset, im->ram, im->nr_pages * 4096));

	map = section(core, map_name);
	cr_assert_eq(map->sh_offset, pages->sh_offset + pages->sh_size);
	cr_assert_eq(map->sh_entsize, im->pv ? 16 : 8);
	cr_assert_eq(map->sh_size, im->nr_pages * map->sh_entsize);
	for (uint64_t n = 0; n < im->nr_pages; n++) {
		const uint64_t *m = (const void *)(core + map->sh_offset + n * map->sh_entsize);

		cr_assert_eq(m[0], n);
		if (im->pv)
			cr_assert_eq(m[1], n);	/* mfn == pfn */
	}
	free(core);
}

Test(dumpcore, pv_core_with_contexts)
{
	struct xc_core_image im = { .pv = true, .nr_vcpus = 3, .ctx = ctx, .shared_info = shinfo,
				    .ram = ram, .nr_pages = PAGES };

	fill();
	check(&im, false);
}

Test(dumpcore, pvh_core_with_zeroed_contexts)
{
	struct xc_core_image im = { .pv = false, .nr_vcpus = 1, .shared_info = shinfo,
				    .ram = ram, .nr_pages = PAGES };

	fill();
	check(&im, false);
}

/* A pipe cannot have holes: the zero pages are written out. */
Test(dumpcore, through_a_pipe)
{
	struct xc_core_image im = { .pv = true, .nr_vcpus = 2, .shared_info = shinfo, .ram = ram,
				    .nr_pages = PAGES };

	fill();
	check(&im, true);
}

/* Zero pages are holes in a regular file: a mostly empty guest's core stays small. */
Test(dumpcore, zero_pages_are_holes)
{
	size_t big = 4096 * 4096;	/* 16 MiB of guest, one page used */
	uint8_t *mem = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct xc_core_image im = { .pv = true, .nr_vcpus = 1, .shared_info = shinfo, .ram = mem,
				    .nr_pages = big / 4096 };
	FILE *f = tmpfile();
	struct stat st;

	cr_assert(mem != MAP_FAILED && f);
	mem[1234 * 4096] = 1;
	cr_assert_eq(xc_core_write(fileno(f), &im), 0);
	cr_assert_eq(fstat(fileno(f), &st), 0);
	cr_assert_gt(st.st_size, (off_t)big);
	cr_assert_lt(st.st_blocks * 512, 1024 * 1024, "%lld bytes allocated",
		     (long long)st.st_blocks * 512);
	fclose(f);
	munmap(mem, big);
}

/* A full disk or a closed reader: -1, not a crash. */
Test(dumpcore, write_errors_are_returned)
{
	struct xc_core_image im = { .pv = true, .nr_vcpus = 1, .shared_info = shinfo, .ram = ram,
				    .nr_pages = PAGES };
	int p[2];

	fill();
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(xc_core_write(p[1], &im), -1);
	close(p[1]);
}
