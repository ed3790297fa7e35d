/*
 * Small migration streams shaped like the ones Xen 4.17 writes, for the
 * stream tests (tests/unit/test-stream.c, tests/integration/stream-sample.c):
 * a 64-bit PV domain (page tables typed and the L4 pinned, a p2m frame, two
 * vCPUs with basic, extended, xsave and MSR state) and a PVH one (an HVM
 * stream: pages, HVM params, an HVM context).
 */
#ifndef XENKVM_TEST_STREAM_SAMPLES_H
#define XENKVM_TEST_STREAM_SAMPLES_H

#include "src/common/stream-read.h"
#include "src/common/stream-write.h"

#define SAMPLE_PAGES 96		/* pfns 0..95 */
#define SAMPLE_VCPUS 2
#define SAMPLE_XTAB_PFN 90	/* a pfn the guest gave back: no data */

enum sample_kind { SAMPLE_PV, SAMPLE_HVM };

/* The config an xl header carries: a JSON string in libxl's layout. */
extern const char sample_config_json[];

/* The contents sample streams give pfn `pfn`. */
void sample_page(enum sample_kind kind, uint64_t pfn, uint8_t page[4096]);
/* The type sample streams give pfn `pfn` (XEN_SR_PAGE_*). */
unsigned sample_page_type(enum sample_kind kind, uint64_t pfn);

/* The stream of one domain of that kind, in that format, onto w. */
int sample_write(struct stream_writer *w, enum sample_kind kind, enum stream_format format);
/* Only the libxc stream's records, after its two headers and up to END. */
int sample_write_libxc_records(struct stream_writer *w, enum sample_kind kind);

/* The whole stream in a malloc'd buffer (*len bytes), or NULL. */
uint8_t *sample_bytes(enum sample_kind kind, enum stream_format format, size_t *len);

#endif
