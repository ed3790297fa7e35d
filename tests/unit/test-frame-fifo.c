#include <criterion/criterion.h>
#include <string.h>
#include "devices/frame-fifo.h"

static struct frame_fifo q;

static void put_byte(uint8_t b, size_t len)
{
	uint8_t frame[64];
	struct vif_rx_meta m = { .gso_size = b };

	memset(frame, b, sizeof(frame));
	frame_fifo_put(&q, frame, len, &m);
}

static void fini(void)
{
	frame_fifo_clear(&q);
}

TestSuite(frame_fifo, .fini = fini);

Test(frame_fifo, hands_frames_back_oldest_first_with_their_meta)
{
	uint8_t buf[64];
	struct vif_rx_meta m;

	frame_fifo_init(&q, 8);
	put_byte(1, 10);
	put_byte(2, 20);
	cr_assert_eq(q.n, 2);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 10);
	cr_assert_eq(buf[9], 1);
	cr_assert_eq(m.gso_size, 1);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 20);
	cr_assert_eq(buf[19], 2);
	cr_assert_eq(m.gso_size, 2);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), -1, "empty");
	cr_assert_eq(q.n, 0);
}

Test(frame_fifo, drops_and_counts_past_its_bound)
{
	uint8_t buf[64];
	struct vif_rx_meta m;

	frame_fifo_init(&q, 2);
	put_byte(1, 8);
	put_byte(2, 8);
	put_byte(3, 8);
	cr_assert_eq(q.n, 2);
	cr_assert_eq(q.dropped, 1);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 8);
	put_byte(4, 8);	/* room again */
	cr_assert_eq(q.dropped, 1);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 8);
	cr_assert_eq(buf[0], 2);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 8);
	cr_assert_eq(buf[0], 4, "the dropped frame 3 never comes");
}

Test(frame_fifo, a_frame_too_long_for_the_buffer_is_taken_as_length_zero)
{
	uint8_t buf[16];
	struct vif_rx_meta m;

	frame_fifo_init(&q, 4);
	put_byte(1, 64);
	put_byte(2, 16);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 0);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 16, "the next one still comes");
	cr_assert_eq(buf[0], 2);
}

Test(frame_fifo, works_again_after_being_emptied_and_cleared)
{
	uint8_t buf[64];
	struct vif_rx_meta m;

	frame_fifo_init(&q, 4);
	put_byte(1, 4);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 4);
	put_byte(2, 4);	/* the tail must point at head again after the last take */
	put_byte(3, 4);
	frame_fifo_clear(&q);
	cr_assert_eq(q.n, 0);
	put_byte(5, 4);
	cr_assert_eq(frame_fifo_take(&q, buf, sizeof(buf), &m), 4);
	cr_assert_eq(buf[0], 5);
}
