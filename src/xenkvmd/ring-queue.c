#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "src/common/link-proto.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-grant.h"

void ring_q_init(struct ring_q *q, struct backend_dev *dev, unsigned index)
{
	*q = (struct ring_q){ .dev = dev, .index = index, .kick_fd = -1, .link_fd = -1 };
}

int ring_q_map(struct ring_q *q, unsigned which, const uint32_t *refs, unsigned n,
	       const char *what)
{
	struct backend_dev *b = q->dev;

	if (n == 0 || n > RING_Q_MAX_PAGES) {
		backend_fail(b->z, b, "%s: %u ring pages is not 1..%u", what, n, RING_Q_MAX_PAGES);
		return -1;
	}
	memcpy(q->refs[which], refs, n * sizeof(*refs));
	q->ring[which] = dom0_gnt_map_ring(b->dom, refs, n);
	if (!q->ring[which]) {
		backend_fail(b->z, b, "cannot map %s: grant %u is not a page granted to Dom0",
			     what, refs[0]);
		return -1;
	}
	q->nr_refs[which] = n;
	return 0;
}

int ring_q_bind(struct ring_q *q, const uint32_t *ports, unsigned n, int efd_flags)
{
	struct backend_dev *b = q->dev;
	int link = b->dom->link_fd;

	q->kick_fd = eventfd(0, EFD_CLOEXEC | efd_flags);
	q->link_fd = link < 0 ? -1 : fcntl(link, F_DUPFD_CLOEXEC, 0);
	q->nr_ports = n;
	for (unsigned c = 0; c < n; c++) {
		q->port[c] = ports[c];
		if (q->kick_fd < 0 || q->link_fd < 0 ||
		    dom0_link_send(link, LINK_BIND, ports[c], ring_q_cookie(b->serial, q->index, c),
				   q->kick_fd)) {
			backend_fail(b->z, b, "cannot bind event channel %u: %s", ports[c],
				     strerror(errno));
			return -1;
		}
		q->bind_pending[c] = true;
	}
	return 0;
}

bool ring_q_bound(const struct ring_q *q)
{
	for (unsigned c = 0; c < q->nr_ports; c++)
		if (!q->bound[c])
			return false;
	return q->nr_ports > 0;
}

void ring_q_raise(struct ring_q *q, unsigned c)
{
	dom0_link_send(q->link_fd, LINK_RAISE, q->port[c], 0, -1);
}

void ring_q_release(struct ring_q *q)
{
	struct backend_dev *b = q->dev;

	for (unsigned c = 0; c < q->nr_ports; c++)
		if (q->bound[c] || q->bind_pending[c])
			dom0_link_send(b->dom->link_fd, LINK_UNBIND, q->port[c], 0, -1);
	for (int i = 0; i < 2; i++)
		if (q->ring[i])
			dom0_gnt_unmap_ring(b->dom, q->ring[i], q->refs[i], q->nr_refs[i]);
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->link_fd >= 0)
		close(q->link_fd);
	ring_q_init(q, b, q->index);
}

static void *grant_get(void *arg, uint32_t gref, bool writable)
{
	return dom0_gnt_get(arg, gref, writable);
}

static void grant_put(void *arg, uint32_t gref, bool writable)
{
	dom0_gnt_put(arg, gref, writable);
}

struct dev_grants ring_q_grants(const struct ring_q *q)
{
	return (struct dev_grants){ grant_get, grant_put, q->dev->dom };
}
