/*
 * A stand-in for xenkvm-vmm (xenkvmd --vmm), so the lifecycle of domains
 * under xenkvmd can be tested on hosts without /dev/kvm: it takes the
 * VMM's command line, says hello on the link with a RAM and a Xen-pages
 * memfd as the VMM does, then stays up or, told by words on its
 * --cmdline, leaves with the exit status of a guest that powered off (0),
 * rebooted (2) or crashed (3):
 *   fake.exit=N        exit with status N ...
 *   fake.after_ms=T    ... T ms after the hello (default 0)
 *   fake.once=PATH     ... only if PATH does not exist yet (it is created),
 *                      so a restarted domain stays up
 *   fake.echo=1        while up, what is typed at xl console comes back in
 *                      the console log as "echo: ..." lines
 *   fake.hello_ms=T    say hello only T ms after starting (a slow build)
 *   fake.pages=N       after the hello, report that the guest holds N frames
 *                      (LINK_MEMORY, as a balloon makes the VMM do)
 *   fake.vcpus=MASK    ... and that the vCPUs in the hex MASK are up (LINK_VCPUS)
 *   fake.lie=1         ... and name xenkvmd's own pid as vCPU 0's thread: a VMM
 *                      that misbehaves, which xenkvmd must not believe
 *   fake.busy=1        the vCPU threads spin instead of idling: a guest that
 *                      keeps its vCPUs busy (xl sched-credit's cap shows)
 *   fake.fill=1        before the hello, RAM pages 0-63 but every fourth get
 *                      a line "xenkvm fake RAM: domain D page N" (the rest of
 *                      each page and the other pages stay zero), for xl dump-core
 * While up, the cap xenkvmd gives (LINK_MAX_PAGES) goes to the console log
 * as "max pages: N", and each vCPU is an idle thread named vcpuN whose tid
 * xenkvmd hears (LINK_VCPU_THREAD), as the VMM's are.
 * No guest runs; nothing here is built into xenkvm itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "src/common/fd-passing.h"
#include "src/common/link-proto.h"
#include "xen-abi/domain.h"

struct fake {
	unsigned long memory_mb, maxmem_mb, domid, vcpus;
	const char *cmdline;
	int link_fd;
	int exit_status;	/* -1: stay up */
	long after_ms, hello_ms;
	unsigned long long pages, vcpus_up;
	bool lie, busy, fill;
	const char *once;
	const char *console_log, *console_input;
	bool echo;
};

static const char *word_value(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; p && *p; p += strcspn(p, " "), p += strspn(p, " ")) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " ");

			if (n >= size)
				n = size - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = 0;
			return buf;
		}
	}
	return NULL;
}

static int parse(int argc, char **argv, struct fake *f)
{
	static char once[256];
	char buf[32];

	*f = (struct fake){ .link_fd = -1, .exit_status = -1, .cmdline = "" };
	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--memory"))
			f->memory_mb = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--maxmem"))
			f->maxmem_mb = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--vcpus"))
			f->vcpus = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--domid"))
			f->domid = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--cmdline"))
			f->cmdline = argv[++i];
		else if (!strcmp(argv[i], "--dom0-fd"))
			f->link_fd = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--console-log"))
			f->console_log = argv[++i];
		else if (!strcmp(argv[i], "--console-input"))
			f->console_input = argv[++i];
		else if (!strncmp(argv[i], "--", 2))
			i++;	/* every other option of the VMM takes a value */
	}
	if (word_value(f->cmdline, "fake.exit", buf, sizeof(buf)))
		f->exit_status = atoi(buf);
	if (word_value(f->cmdline, "fake.after_ms", buf, sizeof(buf)))
		f->after_ms = atol(buf);
	if (word_value(f->cmdline, "fake.hello_ms", buf, sizeof(buf)))
		f->hello_ms = atol(buf);
	f->once = word_value(f->cmdline, "fake.once", once, sizeof(once));
	f->echo = word_value(f->cmdline, "fake.echo", buf, sizeof(buf)) != NULL;
	if (word_value(f->cmdline, "fake.pages", buf, sizeof(buf)))
		f->pages = strtoull(buf, NULL, 10);
	f->lie = word_value(f->cmdline, "fake.lie", buf, sizeof(buf)) != NULL;
	f->busy = word_value(f->cmdline, "fake.busy", buf, sizeof(buf)) != NULL;
	f->fill = word_value(f->cmdline, "fake.fill", buf, sizeof(buf)) != NULL;
	if (word_value(f->cmdline, "fake.vcpus", buf, sizeof(buf)))
		f->vcpus_up = strtoull(buf, NULL, 16);
	return f->memory_mb && f->domid && f->link_fd >= 0 ? 0 : -1;
}

static int memfd_of(const char *name, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* fake.fill: lines the test finds again in the core's .xen_pages. */
static int fill_ram(const struct fake *f, int fd, uint64_t size)
{
	char *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (ram == MAP_FAILED)
		return -1;
	for (uint64_t n = 0; n < 64 && (n + 1) * 4096 < size; n++)
		if (n % 4 != 3)
			snprintf(ram + n * 4096, 4096, "xenkvm fake RAM: domain %lu page %llu\n",
				 f->domid, (unsigned long long)n);
	munmap(ram, size);
	return 0;
}

static int say_hello(const struct fake *f)
{
	/* The RAM memfd covers all the domain may have, as the VMM's does. */
	uint64_t ram = (uint64_t)(f->maxmem_mb > f->memory_mb ? f->maxmem_mb : f->memory_mb) << 20;
	struct link_hello h = {
		.magic = LINK_MAGIC, .domid = (uint32_t)f->domid, .ram_size = ram,
		.xen_pages = XK_XPAGE_COUNT, .store_pfn = ram / 4096 - 1,
		.store_port = 1, .console_port = 2,
	};
	int fds[2] = { memfd_of("fake-ram", ram), memfd_of("fake-xen", XK_XPAGE_COUNT * 4096) };

	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	if (f->fill && fill_ram(f, fds[0], ram))
		return -1;
	return send_with_fds(f->link_fd, &h, sizeof(h), fds, 2, 0);
}

/* Whether this instance is the one to leave (fake.once: the first only). */
static bool leaves(const struct fake *f)
{
	int fd;

	if (f->exit_status < 0)
		return false;
	if (!f->once)
		return true;
	fd = open(f->once, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void log_line(FILE *log, const char *fmt, unsigned long long v)
{
	if (!log)
		return;
	fprintf(log, fmt, v);
	fflush(log);
}

/* The console's keys back into its log (fake.echo). */
static void echo_keys(int in, FILE *log)
{
	char buf[256];
	ssize_t n = read(in, buf, sizeof(buf));

	if (n <= 0 || !log)
		return;
	fprintf(log, "echo: %.*s", (int)n, buf);
	if (buf[n - 1] != '\n')
		fputc('\n', log);
	fflush(log);
}

struct fake_vcpu {
	const struct fake *f;
	unsigned id;
};

static void *vcpu_thread(void *arg)
{
	struct fake_vcpu *v = arg;
	struct link_msg m = { .type = LINK_VCPU_THREAD, .port = v->id,
				   .arg = (uint64_t)syscall(SYS_gettid) };
	volatile unsigned long spins = 0;	/* volatile: the busy loop stays */
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	send(v->f->link_fd, &m, sizeof(m), MSG_NOSIGNAL);
	while (v->f->busy)
		spins++;
	for (;;)
		pause();
	return NULL;
}

static void start_vcpus(const struct fake *f)
{
	static struct fake_vcpu v[32];
	pthread_t t;

	for (unsigned i = 0; i < f->vcpus && i < 32; i++) {
		v[i] = (struct fake_vcpu){ f, i };
		if (pthread_create(&t, NULL, vcpu_thread, &v[i]) == 0)
			pthread_detach(t);
	}
}

/* Up until killed: the link's messages and, with fake.echo, the console. */
static void stay_up(const struct fake *f)
{
	FILE *log = f->console_log ? fopen(f->console_log, "a") : NULL;
	int in = f->echo && f->console_input ? open(f->console_input, O_RDWR | O_CLOEXEC) : -1;
	struct pollfd p[2] = { { f->link_fd, POLLIN, 0 }, { in, POLLIN, 0 } };
	struct link_msg m;

	if (f->echo && (in < 0 || !log))
		fprintf(stderr, "fake-vmm: no console to echo on\n");
	if (in >= 0)
		log_line(log, "fake guest: type something\n", 0);
	if (f->pages) {
		m = (struct link_msg){ .type = LINK_MEMORY, .arg = f->pages };
		send(f->link_fd, &m, sizeof(m), MSG_NOSIGNAL);
	}
	start_vcpus(f);
	if (f->vcpus_up) {
		m = (struct link_msg){ .type = LINK_VCPUS, .arg = f->vcpus_up };
		send(f->link_fd, &m, sizeof(m), MSG_NOSIGNAL);
	}
	if (f->lie) {
		m = (struct link_msg){ .type = LINK_VCPU_THREAD, .port = 0,
					    .arg = (uint64_t)getppid() };
		send(f->link_fd, &m, sizeof(m), MSG_NOSIGNAL);
	}
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN)
			echo_keys(in, log);
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		if (recv(f->link_fd, &m, sizeof(m), 0) != sizeof(m)) {
			p[0].fd = -1;	/* xenkvmd went: stay, as the VMM does */
			continue;
		}
		if (m.type == LINK_MAX_PAGES)
			log_line(log, "max pages: %llu\n", (unsigned long long)m.arg);
	}
}

int main(int argc, char **argv)
{
	struct fake f;
	struct timespec ts;

	if (parse(argc, argv, &f)) {
		fprintf(stderr, "fake-vmm: needs --memory, --domid and --dom0-fd\n");
		return 1;
	}
	ts = (struct timespec){ f.hello_ms / 1000, (f.hello_ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
	if (say_hello(&f)) {
		fprintf(stderr, "fake-vmm: hello: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "fake-vmm: domain %lu up\n", f.domid);
	if (leaves(&f)) {
		ts = (struct timespec){ f.after_ms / 1000, (f.after_ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
		fprintf(stderr, "fake-vmm: leaving with status %d\n", f.exit_status);
		return f.exit_status;
	}
	stay_up(&f);
}
