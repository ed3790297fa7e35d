#include <stdlib.h>
#include <string.h>
#include "devices/frame-fifo.h"

struct fifo_frame {
	struct fifo_frame *next;
	struct vif_rx_meta meta;
	size_t len;
	uint8_t data[];
};

void frame_fifo_init(struct frame_fifo *q, unsigned max)
{
	*q = (struct frame_fifo){ .tail = &q->head, .max = max };
}

bool frame_fifo_put(struct frame_fifo *q, const void *frame, size_t len,
		    const struct vif_rx_meta *m)
{
	struct fifo_frame *f = q->n < q->max ? malloc(sizeof(*f) + len) : NULL;

	if (!f) {
		q->dropped++;
		return false;
	}
	*f = (struct fifo_frame){ NULL, *m, len };
	memcpy(f->data, frame, len);
	*q->tail = f;
	q->tail = &f->next;
	q->n++;
	return true;
}

static struct fifo_frame *pop(struct frame_fifo *q)
{
	struct fifo_frame *f = q->head;

	if (f) {
		q->head = f->next;
		if (!q->head)
			q->tail = &q->head;
		q->n--;
	}
	return f;
}

ssize_t frame_fifo_take(struct frame_fifo *q, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct fifo_frame *f = pop(q);
	ssize_t len;

	if (!f)
		return -1;
	len = f->len <= size ? (ssize_t)f->len : 0;
	memcpy(buf, f->data, (size_t)len);
	*m = f->meta;
	free(f);
	return len;
}

void frame_fifo_clear(struct frame_fifo *q)
{
	struct fifo_frame *f;

	while ((f = pop(q)))
		free(f);
}
