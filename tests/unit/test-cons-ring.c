#include <criterion/criterion.h>
#include <string.h>
#include "devices/cons-ring.h"

static struct xencons_interface ring;

static void guest_writes(const char *s)
{
	for (size_t i = 0; s[i]; i++)
		ring.out[ring.out_prod++ % XENCONS_OUT_SIZE] = s[i];
}

Test(cons_ring, peek_then_take)
{
	char buf[16] = "";

	memset(&ring, 0, sizeof(ring));
	guest_writes("hello");
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(ring.out_cons, 0, "peek took nothing");
	cons_ring_out_take(&ring, 3);
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), 2);
	cr_assert_eq(memcmp(buf, "lo", 2), 0);
	cr_assert_eq(cons_ring_out_peek(&ring, buf, 1), 1, "at most size bytes");
}

/* Indices are free-running: the copy wraps at the end of out[] and at 2^32. */
Test(cons_ring, wraps_around_the_array_and_the_index)
{
	char buf[8];

	memset(&ring, 0, sizeof(ring));
	ring.out_cons = ring.out_prod = UINT32_MAX - 2;
	guest_writes("abcdef");
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), 6);
	cr_assert_eq(memcmp(buf, "abcdef", 6), 0);
	cr_assert_eq(ring.out[(UINT32_MAX - 2u) % XENCONS_OUT_SIZE], 'a');
	cr_assert_eq(ring.out[1], 'e', "wrapped to the start of out[]");
}

Test(cons_ring, input_fills_only_the_room_the_guest_left)
{
	memset(&ring, 0, sizeof(ring));
	cr_assert_eq(cons_ring_in_room(&ring), XENCONS_IN_SIZE);
	cons_ring_in_put(&ring, "typed", 5);
	cr_assert_eq(ring.in_prod, 5);
	cr_assert_eq(memcmp(ring.in, "typed", 5), 0);
	cr_assert_eq(cons_ring_in_room(&ring), XENCONS_IN_SIZE - 5);
	ring.in_cons = 5;
	cr_assert_eq(cons_ring_in_room(&ring), XENCONS_IN_SIZE);
}

/* A guest's producer more than a ring ahead (or behind) breaks the ring. */
Test(cons_ring, hostile_indices_are_a_broken_ring)
{
	char buf[16];

	memset(&ring, 0, sizeof(ring));
	ring.out_prod = XENCONS_OUT_SIZE + 1;
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), -1);
	ring.out_cons = 10, ring.out_prod = 9;
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), -1);
	ring.out_prod = ring.out_cons + XENCONS_OUT_SIZE;
	cr_assert_eq(cons_ring_out_peek(&ring, buf, sizeof(buf)), 16, "a full ring is not broken");
	ring.in_prod = 0, ring.in_cons = 1;
	cr_assert_eq(cons_ring_in_room(&ring), -1);
	ring.in_cons = 0, ring.in_prod = XENCONS_IN_SIZE;
	cr_assert_eq(cons_ring_in_room(&ring), 0);
}
