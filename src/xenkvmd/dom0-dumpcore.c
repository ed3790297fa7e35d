/*
 * xenkvmd: xl dump-core, and the dump of on_* = "coredump-destroy" or
 * "coredump-restart". xenkvmd has every domain's RAM and Xen pages mapped
 * (the VMM's memfds), so it writes the core itself, in the layout of Xen's
 * libxc (xc_core): an ELF64 ET_CORE file with no program headers and the
 * sections
 *   .shstrtab          the section names
 *   .note.Xen          notes named "Xen": none, header (magic, vCPUs,
 *                      pages, page size), Xen's version, format version 1
 *   .xen_prstatus      a vcpu_guest_context per vCPU
 *   .xen_shared_info   the shared_info page
 *   .xen_pages         the guest's frames, page aligned
 *   .xen_p2m           PV: (pfn, mfn) for each, here the same number, as
 *                      the VMM gives a PV guest mfn == pfn;
 *   .xen_pfn           else: the pfn of each.
 * Every frame of the RAM memfd is dumped, up to the domain's maxmem:
 * frames a balloon gave back read as zeros, as do frames never touched.
 *
 * The vCPUs' registers live in the VMM (in KVM and its PV runtime), which
 * has no way yet to hand them over: .xen_prstatus holds zeroed contexts,
 * and xenkvmd's log says so with every dump (as the man page does).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/dom0-dumpcore.h"
#include "src/xenkvmd/proc-stat.h"
#include "src/xenkvmd/verbs.h"
#include "xen-abi/abi-version.h"
#include "xen-abi/domain.h"

#define PAGE 4096u
/* Where Xen's xl dumps on_crash cores: XEN_DUMP_DIR. */
#define XEN_DUMP_DIR "/var/lib/xen/dump"

/* An ELF note's head; "Xen\0" fills name exactly, so descriptors stay 8-aligned. */
struct core_note {
	uint32_t namesz, descsz, type;
	char name[4];
};
_Static_assert(sizeof(struct core_note) == 16, "elfnote");

struct core_header {
	uint64_t magic, nr_vcpus, nr_pages, page_size;
};
_Static_assert(sizeof(struct core_header) == 32, "xen_dumpcore_elfnote_header_desc");

/* XENVER_* answers as a 64-bit toolstack lays them out. */
struct core_xen_version {
	uint64_t major, minor;
	char extra[XEN_EXTRAVERSION_LEN];
	struct xen_compile_info compile;
	char capabilities[XEN_CAPABILITIES_LEN];
	char changeset[XEN_CHANGESET_LEN];
	uint64_t virt_start;		/* xen_platform_parameters_t */
	uint64_t pagesize;
};
_Static_assert(sizeof(struct core_xen_version) == 1280, "xen_dumpcore_elfnote_xen_version_desc");

struct core_p2m {
	uint64_t pfn, gmfn;
};
_Static_assert(sizeof(struct core_p2m) == 16, "xen_dumpcore_p2m");
_Static_assert(sizeof(struct xen_vcpu_guest_context64) == 5168, "vcpu_guest_context_any_t");

/* The section headers, in libxc's order. */
enum { SEC_NULL, SEC_SHSTRTAB, SEC_NOTE, SEC_PRSTATUS, SEC_SHINFO, SEC_PAGES, SEC_MAP,
       SEC_COUNT };

#define NOTES_SIZE (4 * sizeof(struct core_note) + sizeof(struct core_header) + \
		    sizeof(struct core_xen_version) + sizeof(uint64_t))

/* The names, NUL-separated; name[i] is the offset of section i's. */
struct names {
	char text[128];
	uint32_t len, name[SEC_COUNT];
};

static void add_name(struct names *n, unsigned sec, const char *s)
{
	n->name[sec] = n->len;
	memcpy(n->text + n->len, s, strlen(s) + 1);
	n->len += (uint32_t)strlen(s) + 1;
}

static void section(Elf64_Shdr *sh, uint32_t name, uint32_t type, uint64_t off, uint64_t size,
		    uint64_t align, uint64_t entsize)
{
	*sh = (Elf64_Shdr){ .sh_name = name, .sh_type = type, .sh_offset = off, .sh_size = size,
			    .sh_addralign = align, .sh_entsize = entsize };
}

/* Where each section lies: the headers first, then the notes, ..., the names last. */
static void lay_out(const struct xc_core_image *im, const struct names *n,
		    Elf64_Shdr sh[SEC_COUNT])
{
	uint64_t off = sizeof(Elf64_Ehdr) + SEC_COUNT * sizeof(Elf64_Shdr);
	uint64_t ctx = sizeof(struct xen_vcpu_guest_context64);
	uint64_t map = im->pv ? sizeof(struct core_p2m) : sizeof(uint64_t);

	memset(sh, 0, SEC_COUNT * sizeof(*sh));
	section(&sh[SEC_NOTE], n->name[SEC_NOTE], SHT_NOTE, off, NOTES_SIZE, 0, 0);
	off += NOTES_SIZE;
	section(&sh[SEC_PRSTATUS], n->name[SEC_PRSTATUS], SHT_PROGBITS, off, im->nr_vcpus * ctx, 8,
		ctx);
	off += im->nr_vcpus * ctx;
	section(&sh[SEC_SHINFO], n->name[SEC_SHINFO], SHT_PROGBITS, off, PAGE, 8, PAGE);
	off += PAGE;
	off = (off + PAGE - 1) / PAGE * PAGE;
	section(&sh[SEC_PAGES], n->name[SEC_PAGES], SHT_PROGBITS, off, im->nr_pages * PAGE, PAGE,
		PAGE);
	off += im->nr_pages * PAGE;
	section(&sh[SEC_MAP], n->name[SEC_MAP], SHT_PROGBITS, off, im->nr_pages * map, 8, map);
	off += im->nr_pages * map;
	section(&sh[SEC_SHSTRTAB], n->name[SEC_SHSTRTAB], SHT_STRTAB, off, n->len, 0, 0);
}

static void elf_header(Elf64_Ehdr *e)
{
	*e = (Elf64_Ehdr){
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT, ELFOSABI_SYSV, EV_CURRENT },
		.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_shoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_shentsize = sizeof(Elf64_Shdr),
		.e_shnum = SEC_COUNT, .e_shstrndx = SEC_SHSTRTAB,
	};
}

/* The file being written: where it is, and whether holes can be left. */
struct out {
	int fd;
	bool seekable;
	uint64_t pos;
};

static int put(struct out *o, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		o->pos += (uint64_t)n;
	}
	return 0;
}

/* len bytes of zeros: a hole where the file allows one. */
static int skip(struct out *o, uint64_t len)
{
	static const char zeros[PAGE];

	if (o->seekable) {
		if (lseek(o->fd, (off_t)len, SEEK_CUR) < 0)
			return -1;
		o->pos += len;
		return 0;
	}
	for (; len; len -= len < PAGE ? len : PAGE)
		if (put(o, zeros, len < PAGE ? len : PAGE))
			return -1;
	return 0;
}

static int put_note(struct out *o, uint32_t type, const void *desc, uint32_t size)
{
	struct core_note n = { .namesz = 4, .descsz = size, .type = type, .name = "Xen" };

	return put(o, &n, sizeof(n)) || put(o, desc, size) ? -1 : 0;
}

/* What xen_version answers a guest here (xen-abi/xen-version.c). */
static void xen_version(bool pv, struct core_xen_version *v)
{
	memset(v, 0, sizeof(*v));
	v->major = XEN_VERSION_MAJOR;
	v->minor = XEN_VERSION_MINOR;
	snprintf(v->extra, sizeof(v->extra), ".0-xenkvm");
	snprintf(v->compile.compiler, sizeof(v->compile.compiler), "gcc");
	snprintf(v->compile.compile_by, sizeof(v->compile.compile_by), "xenkvm");
	snprintf(v->compile.compile_domain, sizeof(v->compile.compile_domain), "xenkvm");
	snprintf(v->compile.compile_date, sizeof(v->compile.compile_date), "%s", __DATE__);
	snprintf(v->capabilities, sizeof(v->capabilities), "xen-3.0-x86_64 xen-3.0-x86_32p "
		 "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
	snprintf(v->changeset, sizeof(v->changeset), "xenkvm");
	v->virt_start = pv ? XEN_MACH2PHYS_VIRT_START : XEN_HVM_VIRT_START;
	v->pagesize = PAGE;
}

static int put_notes(struct out *o, const struct xc_core_image *im)
{
	struct core_header h = { .magic = im->pv ? XC_CORE_MAGIC : XC_CORE_MAGIC_HVM,
				 .nr_vcpus = im->nr_vcpus, .nr_pages = im->nr_pages,
				 .page_size = PAGE };
	struct core_xen_version v;
	uint64_t format = XC_CORE_FORMAT_VERSION;

	xen_version(im->pv, &v);
	return put_note(o, XEN_ELFNOTE_DUMPCORE_NONE, NULL, 0) ||
	       put_note(o, XEN_ELFNOTE_DUMPCORE_HEADER, &h, sizeof(h)) ||
	       put_note(o, XEN_ELFNOTE_DUMPCORE_XEN_VERSION, &v, sizeof(v)) ||
	       put_note(o, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION, &format, sizeof(format)) ? -1 : 0;
}

static int put_contexts(struct out *o, const struct xc_core_image *im)
{
	static const struct xen_vcpu_guest_context64 zero;

	for (unsigned i = 0; i < im->nr_vcpus; i++)
		if (put(o, im->ctx ? &im->ctx[i] : &zero, sizeof(zero)))
			return -1;
	return 0;
}

static bool page_is_zero(const uint8_t *page)
{
	const uint64_t *w = (const uint64_t *)page;

	for (unsigned i = 0; i < PAGE / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* The frames: runs of data written as they lie in RAM, runs of zeros skipped. */
static int put_pages(struct out *o, const struct xc_core_image *im)
{
	uint64_t n = 0;

	while (n < im->nr_pages) {
		bool zero = page_is_zero(im->ram + n * PAGE);
		uint64_t run = 1;

		/* At most 4 MiB at a time, so that a write is never huge. */
		while (n + run < im->nr_pages && run < 1024 &&
		       page_is_zero(im->ram + (n + run) * PAGE) == zero)
			run++;
		if (zero ? skip(o, run * PAGE) : put(o, im->ram + n * PAGE, run * PAGE))
			return -1;
		n += run;
	}
	return 0;
}

/* Which frame each page of .xen_pages is: all of them, in order. */
static int put_map(struct out *o, const struct xc_core_image *im)
{
	union {
		struct core_p2m p2m[256];
		uint64_t pfn[512];
	} buf;
	unsigned per = im->pv ? 256 : 512;

	for (uint64_t n = 0; n < im->nr_pages;) {
		unsigned k = 0;

		for (; k < per && n < im->nr_pages; k++, n++) {
			if (im->pv)
				buf.p2m[k] = (struct core_p2m){ n, n };
			else
				buf.pfn[k] = n;
		}
		if (put(o, &buf, k * (im->pv ? sizeof(buf.p2m[0]) : sizeof(buf.pfn[0]))))
			return -1;
	}
	return 0;
}

int xc_core_write(int fd, const struct xc_core_image *im)
{
	struct out o = { .fd = fd };
	struct names n = { .len = 1 };	/* name 0: "" */
	Elf64_Shdr sh[SEC_COUNT];
	Elf64_Ehdr e;
	struct stat st;
	static const char pad[PAGE];

	o.seekable = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0;
	add_name(&n, SEC_SHSTRTAB, ".shstrtab");
	add_name(&n, SEC_NOTE, ".note.Xen");
	add_name(&n, SEC_PRSTATUS, ".xen_prstatus");
	add_name(&n, SEC_SHINFO, ".xen_shared_info");
	add_name(&n, SEC_PAGES, ".xen_pages");
	add_name(&n, SEC_MAP, im->pv ? ".xen_p2m" : ".xen_pfn");
	n.text[0] = 0;
	elf_header(&e);
	lay_out(im, &n, sh);
	if (put(&o, &e, sizeof(e)) || put(&o, sh, sizeof(sh)) || put_notes(&o, im) ||
	    put_contexts(&o, im) || put(&o, im->shared_info, PAGE) ||
	    put(&o, pad, sh[SEC_PAGES].sh_offset - o.pos) || put_pages(&o, im) ||
	    put_map(&o, im) || put(&o, n.text, n.len))
		return -1;
	return 0;
}

/* The domain's core in path (made owner-only, as libxc does); 0, or -1 with err. */
static int dump_to(const struct domain *d, const char *path, char *err, size_t errlen)
{
	struct xc_core_image im = {
		.pv = d->spec && !strcmp(d->spec->type, "pv"),
		.nr_vcpus = d->maxvcpus,
		.shared_info = (const uint8_t *)d->xen_pages + XK_XPAGE_SHARED_INFO * PAGE,
		.ram = d->ram,
		.nr_pages = d->ram_size / PAGE,
	};
	int fd, rc;

	if (!d->ram || !d->xen_pages) {
		snprintf(err, errlen, "domain %u (%s) has no memory to dump: its VMM never "
			 "said hello", d->domid, d->name);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	rc = xc_core_write(fd, &im);
	if (close(fd) < 0)
		rc = -1;
	if (rc) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	dom0_log("domain %u (%s): core dumped to %s (%llu pages, %u vCPUs); its .xen_prstatus "
		 "holds zeroed vCPU contexts: xenkvmd cannot read the VMM's registers", d->domid,
		 d->name, path, (unsigned long long)im.nr_pages, im.nr_vcpus);
	return 0;
}

/* Whether every thread of pid has stopped (or is gone). */
static bool all_stopped(pid_t pid)
{
	char path[64];
	struct dirent *e;
	bool yes = true;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return true;
	while (yes && (e = readdir(dir))) {
		struct proc_stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/stat", (int)pid, e->d_name);
		if (proc_stat_read(path, &st))
			yes = st.state == 'T' || st.state == 't' || st.state == 'Z' ||
			      st.state == 'X';
	}
	closedir(dir);
	return yes;
}

/*
 * A running domain is stopped for its dump, as xl pause stops it, so that
 * its memory holds still; true if it was (to be resumed after).
 */
static bool stop_for_dump(struct domain *d)
{
	struct timespec ts = { 0, 5 * 1000000 };

	if (d->vmm_pid <= 0 || d->state != DOM_RUNNING || kill(d->vmm_pid, SIGSTOP) < 0)
		return false;
	/* SIGSTOP lands on each thread in its own time: a second at most. */
	for (int i = 0; i < 200 && !all_stopped(d->vmm_pid); i++)
		nanosleep(&ts, NULL);
	return true;
}

/* dump-core <domain> <absolute path> */
void verb_dump_core(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	const char *path = ctl_arg(req, 2);
	char err[512];
	bool stopped;
	int rc;

	if (!d)
		return;
	if (!path || path[0] != '/') {
		ctl_reply_error(rep, "EINVAL", "dump-core: the core file must be an absolute path, "
				"not '%s'", path ? path : "");
		return;
	}
	stopped = stop_for_dump(d);
	rc = dump_to(d, path, err, sizeof(err));
	if (stopped)
		kill(d->vmm_pid, SIGCONT);
	if (rc) {
		dom0_log("domain %u (%s): no core dumped: %s", d->domid, d->name, err);
		ctl_reply_error(rep, "EIO", "%s", err);
		return;
	}
	ctl_reply_ok(rep);
}

/*
 * Xen's xl writes XEN_DUMP_DIR/<name>. $XENKVM_DUMPDIR names another
 * directory; where the usual one cannot be written, the run directory's
 * dump/ is used.
 */
static void dump_dir(const struct dom0 *z, char *out, size_t size)
{
	const char *env = getenv("XENKVM_DUMPDIR");
	struct stat st;

	if (env && *env)
		snprintf(out, size, "%s", env);
	else if (stat(XEN_DUMP_DIR, &st) == 0 && S_ISDIR(st.st_mode) && !access(XEN_DUMP_DIR, W_OK))
		snprintf(out, size, "%s", XEN_DUMP_DIR);
	else {
		dom0_path(z, out, size, "dump");
		mkdir(out, 0700);
	}
}

void dom0_dump_on_crash(struct dom0 *z, struct domain *d)
{
	char dir[256], name[DOM_NAME_MAX], path[400], err[512];

	dump_dir(z, dir, sizeof(dir));
	/* A name is one file in that directory, whatever it holds. */
	snprintf(name, sizeof(name), "%s", d->name);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	dom0_log("domain %u (%s): dumping core to %s", d->domid, d->name, path);
	if (dump_to(d, path, err, sizeof(err)))
		dom0_log("domain %u (%s): core dump failed: %s", d->domid, d->name, err);
}
