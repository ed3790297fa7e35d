#include "devices/cons-ring.h"

ssize_t cons_ring_out_peek(const struct xencons_interface *r, char *buf, size_t size)
{
	uint32_t cons = r->out_cons;
	uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	size_t n = 0;

	if (prod - cons > XENCONS_OUT_SIZE)
		return -1;
	while (n < size && cons != prod)
		buf[n++] = r->out[cons++ % XENCONS_OUT_SIZE];
	return (ssize_t)n;
}

void cons_ring_out_take(struct xencons_interface *r, size_t n)
{
	__atomic_store_n(&r->out_cons, r->out_cons + (uint32_t)n, __ATOMIC_RELEASE);
}

ssize_t cons_ring_in_room(const struct xencons_interface *r)
{
	uint32_t prod = r->in_prod;
	uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);

	if (prod - cons > XENCONS_IN_SIZE)
		return -1;
	return XENCONS_IN_SIZE - (prod - cons);
}

void cons_ring_in_put(struct xencons_interface *r, const char *buf, size_t n)
{
	uint32_t prod = r->in_prod;

	for (size_t i = 0; i < n; i++)
		r->in[prod++ % XENCONS_IN_SIZE] = buf[i];
	__atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
}
