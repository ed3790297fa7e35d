#include <stdio.h>
#include "src/xenkvmd/vif-frontend.h"

static long long read_key(vif_fe_reader read, void *arg, const char *dir, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "%s%s", dir, key);
	return read(arg, path, -1);
}

/* Split channels when both are there, as netback reads them; else one. */
static int read_ports(vif_fe_reader read, void *arg, const char *dir, struct vif_fe_queue *q,
		      char *err, size_t errlen)
{
	long long tx = read_key(read, arg, dir, "event-channel-tx");
	long long rx = read_key(read, arg, dir, "event-channel-rx");

	if (tx <= 0 || rx <= 0) {
		tx = rx = read_key(read, arg, dir, "event-channel");
		if (tx <= 0) {
			snprintf(err, errlen, "%sevent-channel (or -tx and -rx) is missing or not "
				 "a port", dir);
			return -1;
		}
	}
	q->tx_port = (uint32_t)tx;
	q->rx_port = (uint32_t)rx;
	return 0;
}

static int read_queue(vif_fe_reader read, void *arg, const char *dir, struct vif_fe_queue *q,
		      char *err, size_t errlen)
{
	long long tx = read_key(read, arg, dir, "tx-ring-ref");
	long long rx = read_key(read, arg, dir, "rx-ring-ref");

	if (tx < 0 || rx < 0) {
		snprintf(err, errlen, "%s%s is missing or not a number", dir,
			 tx < 0 ? "tx-ring-ref" : "rx-ring-ref");
		return -1;
	}
	q->tx_ref = (uint32_t)tx;
	q->rx_ref = (uint32_t)rx;
	return read_ports(read, arg, dir, q, err, errlen);
}

int vif_fe_read_keys(vif_fe_reader read, void *arg, struct vif_fe_keys *k, char *err,
		     size_t errlen)
{
	long long n = read(arg, "multi-queue-num-queues", 1);

	if (n < 1 || n > VIF_MAX_QUEUES) {
		snprintf(err, errlen, "multi-queue-num-queues is %lld, not 1..%u", n, VIF_MAX_QUEUES);
		return -1;
	}
	k->nr_queues = (unsigned)n;
	for (unsigned i = 0; i < k->nr_queues; i++) {
		char dir[24] = "";

		if (k->nr_queues > 1)
			snprintf(dir, sizeof(dir), "queue-%u/", i);
		if (read_queue(read, arg, dir, &k->q[i], err, errlen))
			return -1;
	}
	return 0;
}
