#include <stdlib.h>
#include "devices/net-endpoint.h"

int net_poll_add(struct net_poll *p, int fd, short events)
{
	if (p->n == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 16;
		struct pollfd *fds = realloc(p->fds, cap * sizeof(*fds));

		if (!fds)
			return -1;
		p->fds = fds;
		p->cap = cap;
	}
	p->fds[p->n] = (struct pollfd){ .fd = fd, .events = events };
	return (int)p->n++;
}

void net_poll_limit(struct net_poll *p, int ms)
{
	if (ms >= 0 && (p->timeout_ms < 0 || ms < p->timeout_ms))
		p->timeout_ms = ms;
}

void net_poll_free(struct net_poll *p)
{
	free(p->fds);
	*p = (struct net_poll){ 0 };
}

static int io_send(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m)
{
	struct net_endpoint *e = arg;

	return e->ops->send(e, frame, len, m);
}

static ssize_t io_recv(void *arg, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct net_endpoint *e = arg;

	return e->ops->recv(e, buf, size, m);
}

struct vif_net net_endpoint_io(struct net_endpoint *e)
{
	return (struct vif_net){ io_send, io_recv, e };
}
