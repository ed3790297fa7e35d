/*
 * Disk throughput as an application sees it: sequential 1 MiB writes and
 * reads, and 4 KiB reads at random offsets, over a block device or a file.
 * Static, so the same binary runs in the PV guest (on /dev/xvda, O_DIRECT:
 * every request reaches the backend) and on the host (on the image file).
 * usage: disk-ops seqwrite|seqread|randread PATH MIB [direct|buffered [DEPTH]]
 * With DEPTH > 1, sequential I/O keeps DEPTH requests in flight through
 * Linux AIO (as fio's libaio engine does), raw syscalls so no libaio is
 * needed in the guest.
 * Prints "bench: <op>_mibps N" (randread: "bench: randread_iops N").
 */
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int seq(int fd, char *buf, long mib, int write_it)
{
	for (long i = 0; i < mib; i++) {
		ssize_t n = write_it ? pwrite(fd, buf, CHUNK, (off_t)i * CHUNK)
				     : pread(fd, buf, CHUNK, (off_t)i * CHUNK);
		if (n != CHUNK)
			return -1;
	}
	return write_it ? fdatasync(fd) : 0;
}

/* Sequential I/O with up to 'depth' 1 MiB requests in flight. */
static int seq_aio(int fd, char *bufs, long mib, int write_it, int depth)
{
	aio_context_t ctx = 0;
	struct iocb cb[depth], *cbp[1];
	struct io_event ev[depth];
	long next = 0, done = 0;
	int inflight = 0;

	if (syscall(SYS_io_setup, depth, &ctx) < 0)
		return -1;
	memset(cb, 0, sizeof(cb));
	while (done < mib) {
		while (inflight < depth && next < mib) {
			struct iocb *c = &cb[next % depth];

			c->aio_fildes = (uint32_t)fd;
			c->aio_lio_opcode = write_it ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
			c->aio_buf = (uint64_t)(uintptr_t)(bufs + (size_t)(next % depth) * CHUNK);
			c->aio_nbytes = CHUNK;
			c->aio_offset = (int64_t)next * CHUNK;
			cbp[0] = c;
			if (syscall(SYS_io_submit, ctx, 1, cbp) != 1)
				return -1;
			inflight++, next++;
		}
		long n = syscall(SYS_io_getevents, ctx, 1, depth, ev, NULL);
		if (n < 0)
			return -1;
		for (long i = 0; i < n; i++)
			if (ev[i].res != CHUNK)
				return -1;
		inflight -= (int)n, done += n;
	}
	syscall(SYS_io_destroy, ctx);
	return write_it ? fdatasync(fd) : 0;
}

static long randread(int fd, char *buf, long mib, double seconds)
{
	unsigned long blocks = (unsigned long)mib * (CHUNK / 4096), x = 88172645463325252ul;
	double end = now_s() + seconds;
	long n = 0;

	while (now_s() < end) {
		for (int i = 0; i < 64; i++, n++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift */
			if (pread(fd, buf, 4096, (off_t)(x % blocks) * 4096) != 4096)
				return -1;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	long mib = argc > 3 ? atol(argv[3]) : 0;
	int direct = argc > 4 && !strcmp(argv[4], "direct");
	int depth = argc > 5 ? atoi(argv[5]) : 1;
	int write_it = argc > 1 && !strcmp(argv[1], "seqwrite");
	char *buf;
	double t0, t;
	int fd;

	if (argc < 4 || mib <= 0 || depth < 1 || depth > 64) {
		fprintf(stderr, "usage: disk-ops seqwrite|seqread|randread PATH MIB [direct|buffered [DEPTH]]\n");
		return 2;
	}
	fd = open(argv[2], (write_it ? O_WRONLY : O_RDONLY) | (direct ? O_DIRECT : 0));
	if (fd < 0 || posix_memalign((void **)&buf, 4096, (size_t)depth * CHUNK)) {
		perror(argv[2]);
		return 1;
	}
	memset(buf, 0x5a, (size_t)depth * CHUNK);
	t0 = now_s();
	if (!strcmp(argv[1], "randread")) {
		long n = randread(fd, buf, mib, 3.0);
		if (n < 0)
			return 1;
		printf("bench: randread_iops %.0f\n", n / (now_s() - t0));
		return 0;
	}
	if (depth > 1 ? seq_aio(fd, buf, mib, write_it, depth) : seq(fd, buf, mib, write_it)) {
		perror(argv[1]);
		return 1;
	}
	t = now_s() - t0;
	printf("bench: %s_mibps %.1f\n", argv[1], mib / t);
	return 0;
}
