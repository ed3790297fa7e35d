/* bootloader = "pygrub" (see bootloader.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "src/xenkvmd/bootloader.h"

#define MAX_WORDS 64
#define MAX_ENTRIES 64
#define MENU_MAX (256 << 10)

extern char **environ;

/* A line's words, GRUB's quoting removed ('...' and "..." inside words too). */
static unsigned split(char *line, char **w, unsigned max)
{
	unsigned n = 0;
	char *in = line, *out = line;

	while (*in && n < max) {
		char quote = 0;

		while (isspace((unsigned char)*in))
			in++;
		if (!*in)
			break;
		w[n++] = out;
		for (; *in && (quote || !isspace((unsigned char)*in)); in++) {
			if (!quote && (*in == '\'' || *in == '"'))
				quote = *in;
			else if (quote && *in == quote)
				quote = 0;
			else
				*out++ = *in;
		}
		if (*in)
			in++;
		*out++ = 0;
	}
	return n;
}

/* "(hd0,msdos1)/boot/vmlinuz" names /boot/vmlinuz of the disk we read. */
static const char *strip_device(const char *path)
{
	const char *close = path[0] == '(' ? strchr(path, ')') : NULL;

	return close ? close + 1 : path;
}

static void copy_to(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

/* The kernel's arguments: GRUB variables ($vt_handoff) have no value here. */
static void join_args(char *out, size_t size, char **w, unsigned n)
{
	size_t used = 0;

	out[0] = 0;
	for (unsigned i = 0; i < n && used < size; i++) {
		int k;

		if (w[i][0] == '$')
			continue;
		k = snprintf(out + used, size - used, "%s%s", used ? " " : "", w[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

struct menu {
	struct boot_entry e[MAX_ENTRIES];
	unsigned n;
	char def[128];
	bool in_entry;
};

static struct boot_entry *start_entry(struct menu *m, const char *title)
{
	struct boot_entry *e;

	if (m->n == MAX_ENTRIES)
		return NULL;
	e = &m->e[m->n++];
	memset(e, 0, sizeof(*e));
	copy_to(e->title, sizeof(e->title), title);
	m->in_entry = true;
	return e;
}

static bool is(const char *word, const char *a, const char *b, const char *c)
{
	return !strcmp(word, a) || !strcmp(word, b) || !strcmp(word, c);
}

/* One line of either kind of menu. */
static void menu_line(struct menu *m, char *line, char *rest_of_title)
{
	char *w[MAX_WORDS];
	unsigned n = split(line, w, MAX_WORDS);
	struct boot_entry *cur = m->in_entry && m->n ? &m->e[m->n - 1] : NULL;

	if (!n || w[0][0] == '#')
		return;
	if (!strcmp(w[0], "set") && n > 1 && !strncmp(w[1], "default=", 8))
		copy_to(m->def, sizeof(m->def), w[1] + 8);
	else if (!strcmp(w[0], "default") && n > 1)
		copy_to(m->def, sizeof(m->def), w[1]);
	else if (!strcmp(w[0], "menuentry") && n > 1)
		start_entry(m, w[1]);
	else if (!strcmp(w[0], "title"))
		start_entry(m, rest_of_title);
	else if (!strcmp(w[0], "}"))
		m->in_entry = false;
	else if (cur && n > 1 && is(w[0], "linux", "linux16", "kernel")) {
		copy_to(cur->kernel, sizeof(cur->kernel), strip_device(w[1]));
		join_args(cur->args, sizeof(cur->args), w + 2, n - 2);
	} else if (cur && n > 1 && is(w[0], "initrd", "initrd16", "module") && !cur->ramdisk[0])
		copy_to(cur->ramdisk, sizeof(cur->ramdisk), strip_device(w[1]));
}

/* An extlinux.conf / syslinux.cfg line: keywords in any case, entries by LABEL. */
static void extlinux_line(struct menu *m, char *line)
{
	char *w[MAX_WORDS];
	unsigned n = split(line, w, MAX_WORDS);
	struct boot_entry *cur = m->n ? &m->e[m->n - 1] : NULL;

	if (!n || w[0][0] == '#')
		return;
	if (!strcasecmp(w[0], "default") && n > 1)
		copy_to(m->def, sizeof(m->def), w[1]);
	else if (!strcasecmp(w[0], "label") && n > 1)
		start_entry(m, w[1]);
	else if (!strcasecmp(w[0], "menu") && n > 1 && !strcasecmp(w[1], "default") && cur)
		copy_to(m->def, sizeof(m->def), cur->title);
	else if (cur && n > 1 && (!strcasecmp(w[0], "kernel") || !strcasecmp(w[0], "linux")))
		copy_to(cur->kernel, sizeof(cur->kernel), w[1]);
	else if (cur && n > 1 && !strcasecmp(w[0], "initrd"))
		copy_to(cur->ramdisk, sizeof(cur->ramdisk), w[1]);
	else if (cur && !strcasecmp(w[0], "append")) {
		join_args(cur->args, sizeof(cur->args), w + 1, n - 1);
		for (unsigned i = 1; i < n; i++)
			if (!strncmp(w[i], "initrd=", 7) && !cur->ramdisk[0])
				copy_to(cur->ramdisk, sizeof(cur->ramdisk), w[i] + 7);
	}
}

static int choose(const struct menu *m, const char *want, char *err, size_t errlen)
{
	char *end;
	long i;

	if (!want || !*want || !strcmp(want, "saved"))
		want = m->def[0] && strcmp(m->def, "saved") ? m->def : "0";
	i = strtol(want, &end, 10);
	if (*end) {
		for (i = 0; i < (long)m->n && strcmp(m->e[i].title, want); i++)
			;
	}
	if (i < 0 || i >= (long)m->n) {
		snprintf(err, errlen, "the guest's boot menu has no entry '%s' (%u entries)", want,
			 m->n);
		return -1;
	}
	if (!m->e[i].kernel[0]) {
		snprintf(err, errlen, "boot menu entry '%s' names no kernel", m->e[i].title);
		return -1;
	}
	return (int)i;
}

int boot_menu_pick(const char *menu, enum boot_menu kind, const char *want,
		   struct boot_entry *e, char *err, size_t errlen)
{
	struct menu *m = calloc(1, sizeof(*m));
	char *text = strdup(menu), *save = NULL;
	int i = -1;

	if (!m || !text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t = line + strspn(line, " \t");
		char title[128];

		if (kind == MENU_EXTLINUX) {
			extlinux_line(m, line);
			continue;
		}
		/* A legacy title is the rest of its line, blanks and all. */
		snprintf(title, sizeof(title), "%s", !strncmp(t, "title", 5) ?
			 t + 5 + strspn(t + 5, " \t") : "");
		menu_line(m, line, title);
	}
	if (!m->n) {
		snprintf(err, errlen, "the guest's boot menu has no entries");
		goto out;
	}
	i = choose(m, want, err, errlen);
	if (i >= 0)
		*e = m->e[i];
out:
	free(text);
	free(m);
	return i < 0 ? -1 : 0;
}

/* --- reading the disk --------------------------------------------------- */

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Byte offsets of the file systems to look in: partitions, else the whole disk. */
static unsigned partitions(int fd, uint64_t *off, unsigned max)
{
	uint8_t mbr[512], hdr[512], ent[128];
	unsigned n = 0;

	if (pread(fd, mbr, sizeof(mbr), 0) != (ssize_t)sizeof(mbr) || mbr[510] != 0x55 ||
	    mbr[511] != 0xaa) {
		off[0] = 0;
		return 1;
	}
	if (mbr[446 + 4] == 0xee && pread(fd, hdr, sizeof(hdr), 512) == (ssize_t)sizeof(hdr) &&
	    !memcmp(hdr, "EFI PART", 8)) {
		uint64_t lba = le(hdr + 72, 8), count = le(hdr + 80, 4), size = le(hdr + 84, 4);

		for (uint64_t i = 0; i < count && i < 128 && n < max && size >= 48 && size <= 128;
		     i++) {
			static const uint8_t unused[16];

			if (pread(fd, ent, size, (off_t)(lba * 512 + i * size)) != (ssize_t)size)
				break;
			if (memcmp(ent, unused, 16))
				off[n++] = le(ent + 32, 8) * 512;
		}
		return n;
	}
	for (unsigned i = 0; i < 4 && n < max; i++) {
		const uint8_t *p = mbr + 446 + 16 * i;
		uint8_t type = p[4];

		/* Empty and extended (a container of logical partitions) entries. */
		if (type && type != 0x05 && type != 0x0f && type != 0x85)
			off[n++] = le(p + 8, 4) * 512;
	}
	return n;
}

/* debugfs -R request image?offset=N, its output into out (a file); 0 when it ran. */
static int debugfs(const char *image, uint64_t offset, const char *request, const char *out)
{
	char spec[4200];
	const char *argv[] = { "debugfs", "-R", request, spec, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	snprintf(spec, sizeof(spec), "%s?offset=%llu", image, (unsigned long long)offset);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "debugfs", &fa, NULL, (char **)argv, environ);
	if (rc)
		rc = posix_spawn(&pid, "/sbin/debugfs", &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? calloc(1, MENU_MAX + 1) : NULL;

	if (buf)
		fread(buf, 1, MENU_MAX, f);
	if (f)
		fclose(f);
	if (buf && !buf[0]) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* A path debugfs can take in a quoted request. */
static bool plain_path(const char *p)
{
	return p[0] == '/' && !strpbrk(p, "\"\n\\");
}

static int copy_out(const char *image, uint64_t offset, const char *path, const char *dst,
		    char *err, size_t errlen)
{
	char request[700], scratch[4200];
	struct stat st;

	if (!plain_path(path)) {
		snprintf(err, errlen, "boot menu path '%s' cannot be read", path);
		return -1;
	}
	unlink(dst);
	snprintf(request, sizeof(request), "dump \"%s\" \"%s\"", path, dst);
	snprintf(scratch, sizeof(scratch), "%s.out", dst);
	if (debugfs(image, offset, request, scratch) || stat(dst, &st) || st.st_size == 0) {
		snprintf(err, errlen, "%s is not on the guest's file system (%s)", path, image);
		unlink(scratch);
		return -1;
	}
	unlink(scratch);
	return 0;
}

static const struct {
	const char *path;
	enum boot_menu kind;
} menus[] = {
	{ "/boot/grub/grub.cfg", MENU_GRUB }, { "/grub/grub.cfg", MENU_GRUB },
	{ "/boot/grub2/grub.cfg", MENU_GRUB }, { "/grub2/grub.cfg", MENU_GRUB },
	{ "/boot/grub/menu.lst", MENU_GRUB }, { "/grub/menu.lst", MENU_GRUB },
	{ "/boot/extlinux/extlinux.conf", MENU_EXTLINUX },
	{ "/extlinux/extlinux.conf", MENU_EXTLINUX },
	{ "/boot/syslinux/syslinux.cfg", MENU_EXTLINUX },
	{ "/syslinux/syslinux.cfg", MENU_EXTLINUX },
};

/* An ext2/3/4 superblock at off (its magic, 0xef53, 56 bytes into it at 1024)? */
static bool is_ext(int fd, uint64_t off)
{
	uint8_t magic[2];

	return pread(fd, magic, 2, (off_t)(off + 1024 + 56)) == 2 && magic[0] == 0x53 &&
	       magic[1] == 0xef;
}

/* The first menu on the disk; its text (malloc'd), the offset it was at, which one. */
static char *find_menu(const char *image, const char *dir, uint64_t *at, size_t *which)
{
	uint64_t off[128];
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	unsigned n = fd < 0 ? 0 : partitions(fd, off, 128), ext = 0;
	char out[4200], request[64];

	/* debugfs runs only on ext file systems: a guest's odd table costs no more. */
	for (unsigned p = 0; p < n; p++)
		if (is_ext(fd, off[p]))
			off[ext++] = off[p];
	if (fd >= 0)
		close(fd);
	snprintf(out, sizeof(out), "%s/menu", dir);
	for (unsigned p = 0; p < ext; p++) {
		for (size_t m = 0; m < sizeof(menus) / sizeof(menus[0]); m++) {
			char *text;

			snprintf(request, sizeof(request), "cat %s", menus[m].path);
			if (debugfs(image, off[p], request, out))
				continue;
			text = slurp(out);
			if (text) {
				unlink(out);
				*at = off[p];
				*which = m;
				return text;
			}
		}
	}
	unlink(out);
	return NULL;
}

/* extlinux names files relative to its menu's directory unless they start with /. */
static int from_menu_dir(const char *menu_path, struct boot_entry *e, char *err, size_t errlen)
{
	size_t dirlen = (size_t)(strrchr(menu_path, '/') - menu_path);
	char *paths[] = { e->kernel, e->ramdisk };

	for (unsigned i = 0; i < 2; i++) {
		char full[sizeof(e->kernel)];

		if (!paths[i][0] || paths[i][0] == '/')
			continue;
		if ((size_t)snprintf(full, sizeof(full), "%.*s/%s", (int)dirlen, menu_path,
				     paths[i]) >= sizeof(full)) {
			snprintf(err, errlen, "boot menu path '%s' is too long", paths[i]);
			return -1;
		}
		strcpy(paths[i], full);
	}
	return 0;
}

int boot_from_disk(const char *image, const char *want, const char *dir, struct boot_entry *e,
		   char *err, size_t errlen)
{
	char kernel[sizeof(e->kernel)], ramdisk[sizeof(e->ramdisk)];
	uint64_t at = 0;
	size_t which = 0;
	char *menu;
	int rc;

	if (strlen(dir) + sizeof("/ramdisk") > sizeof(kernel)) {
		snprintf(err, errlen, "%s: too long a directory for the guest's kernel", dir);
		return -1;
	}
	if (access(image, R_OK)) {
		snprintf(err, errlen, "%s: %s", image, strerror(errno));
		return -1;
	}
	menu = find_menu(image, dir, &at, &which);
	if (!menu) {
		snprintf(err, errlen, "no boot menu (grub.cfg, menu.lst, extlinux.conf) on an "
			 "ext2/3/4 file system of %s (is debugfs, from e2fsprogs, installed?)",
			 image);
		return -1;
	}
	rc = boot_menu_pick(menu, menus[which].kind, want, e, err, errlen);
	free(menu);
	if (rc || from_menu_dir(menus[which].path, e, err, errlen))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/kernel", dir);
	snprintf(ramdisk, sizeof(ramdisk), "%s/ramdisk", dir);
	if (copy_out(image, at, e->kernel, kernel, err, errlen) ||
	    (e->ramdisk[0] && copy_out(image, at, e->ramdisk, ramdisk, err, errlen)))
		return -1;
	copy_to(e->kernel, sizeof(e->kernel), kernel);
	if (e->ramdisk[0])
		copy_to(e->ramdisk, sizeof(e->ramdisk), ramdisk);
	return 0;
}
