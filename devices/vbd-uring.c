#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include "devices/vbd-uring.h"

static struct vbd_uring *of(struct vbd_io *io)
{
	return (struct vbd_uring *)io;
}

static struct io_uring_sqe *next_sqe(struct vbd_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe) {	/* full: hand what is queued to the kernel and try again */
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

/* Requests are never NULL: a NULL tag is the kick read. */
static void arm_kick(struct vbd_uring *u)
{
	struct io_uring_sqe *sqe = next_sqe(u);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, u->kick_fd, &u->kick_count, sizeof(u->kick_count), 0);
	io_uring_sqe_set_data(sqe, NULL);
}

static void fail_now(struct vbd_uring *u, struct vbd_req *rq)
{
	rq->status = BLKIF_RSP_ERROR;
	rq->next = u->failed;
	u->failed = rq;
}

/* The rest of a read or write, from where the last part ended. */
static void prep_rw(struct vbd_uring *u, struct io_uring_sqe *sqe, struct vbd_req *rq)
{
	int fd = rq->buffered ? u->disk->fd : u->disk->direct_fd;
	unsigned left = rq->nseg - rq->cur;
	off_t off = (off_t)(rq->sector * BLKIF_SECTOR_SIZE + rq->done_bytes);

	/* More iovecs than the kernel takes at once: the rest go as a short transfer's would. */
	if (left > IOV_MAX)
		left = IOV_MAX;
	if (rq->kind == VBD_READ)
		io_uring_prep_readv(sqe, fd, rq->iov + rq->cur, left, off);
	else
		io_uring_prep_writev(sqe, fd, rq->iov + rq->cur, left, off);
}

static void queue(struct vbd_uring *u, struct vbd_req *rq)
{
	struct io_uring_sqe *sqe = next_sqe(u);

	if (!sqe) {
		fail_now(u, rq);
		return;
	}
	switch (rq->kind) {
	case VBD_READ:
	case VBD_WRITE:
		prep_rw(u, sqe, rq);
		break;
	case VBD_FLUSH:
		io_uring_prep_fsync(sqe, u->disk->fd, IORING_FSYNC_DATASYNC);
		break;
	case VBD_DISCARD:
		io_uring_prep_fallocate(sqe, u->disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)(rq->sector * BLKIF_SECTOR_SIZE),
					(off_t)(rq->sectors * BLKIF_SECTOR_SIZE));
		break;
	default:
		io_uring_prep_nop(sqe);
		rq->status = BLKIF_RSP_ERROR;
	}
	io_uring_sqe_set_data(sqe, rq);
}

static void start(struct vbd_io *io, struct vbd_req *rq)
{
	struct vbd_uring *u = of(io);

	rq->cur = 0;
	rq->done_bytes = 0;
	rq->buffered = !u->disk->has_direct;
	queue(u, rq);
}

/* Moves past n bytes transferred; true when the whole request is. */
static bool advance(struct vbd_req *rq, size_t n)
{
	rq->done_bytes += n;
	while (rq->cur < rq->nseg && n >= rq->iov[rq->cur].iov_len)
		n -= rq->iov[rq->cur++].iov_len;
	if (rq->cur < rq->nseg) {
		rq->iov[rq->cur].iov_base = (char *)rq->iov[rq->cur].iov_base + n;
		rq->iov[rq->cur].iov_len -= n;
	}
	return rq->cur == rq->nseg;
}

/* True when the read or write is finished; false when it was queued again. */
static bool rw_result(struct vbd_uring *u, struct vbd_req *rq, int res)
{
	/* O_DIRECT wants more alignment than 512 bytes here: go buffered. */
	if (res == -EINVAL && !rq->buffered)
		rq->buffered = true;
	else if (res == -EINTR || res == -EAGAIN)
		;
	else if (res <= 0) {	/* 0: a short read past the image's end */
		rq->status = BLKIF_RSP_ERROR;
		return true;
	} else if (advance(rq, (size_t)res)) {
		rq->status = BLKIF_RSP_OKAY;
		return true;
	}
	queue(u, rq);
	return false;
}

static bool result(struct vbd_uring *u, struct vbd_req *rq, int res)
{
	switch (rq->kind) {
	case VBD_READ:
	case VBD_WRITE:
		return rw_result(u, rq, res);
	case VBD_FLUSH:
		rq->status = res == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
		return true;
	case VBD_DISCARD:
		rq->status = res == 0 ? BLKIF_RSP_OKAY :
			     res == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
		return true;
	default:
		return true;
	}
}

static void submit(struct vbd_io *io)
{
	struct vbd_uring *u = of(io);

	if (io_uring_sq_ready(&u->ring))
		io_uring_submit(&u->ring);
}

static unsigned reap(struct vbd_io *io, struct vbd_req **done, unsigned max)
{
	struct vbd_uring *u = of(io);
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	for (; n < max && u->failed; u->failed = u->failed->next)
		done[n++] = u->failed;
	while (n < max && io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		struct vbd_req *rq = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&u->ring, cqe);
		if (!rq) {
			u->kicks++;
			arm_kick(u);
		}
		else if (result(u, rq, res))
			done[n++] = rq;
	}
	submit(io);
	return n;
}

int vbd_uring_init(struct vbd_uring *u, const struct vbd_disk *disk, unsigned depth,
		   int kick_fd)
{
	int rc;

	*u = (struct vbd_uring){ .io = { start, submit, reap }, .disk = disk, .kick_fd = kick_fd };
	/* Each request has one entry queued or in flight at a time, the kick read one more. */
	rc = io_uring_queue_init(depth + 1, &u->ring, 0);
	if (rc < 0)
		return rc;
	if (kick_fd >= 0) {
		arm_kick(u);
		io_uring_submit(&u->ring);
	}
	return 0;
}

void vbd_uring_fini(struct vbd_uring *u)
{
	io_uring_queue_exit(&u->ring);
}

/* Sleeps for a completion, for at most ts when given; 0, -ETIME or -errno. */
static int wait_cqe(struct vbd_uring *u, struct __kernel_timespec *ts)
{
	struct io_uring_cqe *cqe;
	int rc;

	if (u->failed)
		return 0;
	rc = ts ? io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, ts, NULL)
		: io_uring_submit_and_wait(&u->ring, 1);
	/* EBUSY: completions to reap first, which the caller does next. */
	return rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY ? rc : 0;
}

int vbd_uring_wait(struct vbd_uring *u)
{
	return wait_cqe(u, NULL);
}

int vbd_uring_wait_for(struct vbd_uring *u, unsigned timeout_us)
{
	struct __kernel_timespec ts = { .tv_sec = timeout_us / 1000000,
					.tv_nsec = (long long)(timeout_us % 1000000) * 1000 };

	return wait_cqe(u, &ts);
}
