/*
 * libFuzzer target over the migration stream reader (src/common/stream-read.c):
 * every input is read as an xl save file, a libxl stream and a libxc stream,
 * and the callback touches every byte a record hands out. No input may crash
 * the reader, leak, or hand out bytes past its record. Build: make fuzz; run
 * from the samples, which reach every record kind:
 *   build/stream-sample write DIR && build/fuzz-stream -max_total_time=60 DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include "src/common/stream-read.h"

static int touch(struct stream_reader *r, const struct stream_record *rec, void *opaque)
{
	unsigned *sum = opaque;
	size_t pages = 0;

	(void)r;
	for (uint32_t i = 0; i < rec->length; i++)
		*sum += rec->body[i];
	for (uint32_t i = 0; i < rec->count; i++) {
		*sum += (unsigned)rec->pfn_words[i];
		pages += XEN_SR_PAGE_HAS_DATA(rec->pfn_words[i] >> XEN_SR_PAGE_TYPE_SHIFT);
	}
	/* The last byte of the last page must lie inside the body. */
	if (pages)
		*sum += rec->pages[pages * 4096 - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum stream_format formats[] = { STREAM_XL, STREAM_LIBXL, STREAM_LIBXC };
	struct stream_limits lim;
	struct stream_reader r;
	unsigned sum = 0;

	/* The samples' domain: pfns 0..95, two vCPUs; small records so that
	 * lengths near the limit are cheap to reach. */
	stream_limits_default(&lim, 95, 2);
	lim.max_body = 1u << 16;
	lim.max_pages = 128;
	lim.max_config = 4096;
	for (unsigned i = 0; i < 3; i++) {
		stream_reader_init_mem(&r, data, size, &lim, touch, &sum);
		stream_read(&r, formats[i]);
		stream_reader_free(&r);
	}
	return (int)(sum & 0);
}
