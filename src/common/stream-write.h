/*
 * Writes Xen's migration stream v2 (xen-abi/migration-stream.h) onto a file
 * descriptor: the xl save-file header, the libxl records around a libxc
 * stream, and the libxc stream itself, each record by its own function.
 *
 * The caller writes the records in Xen's order (see docs/design.md,
 * "Migration stream"); src/common/stream-read.c is the check of that order.
 *
 * Every function returns 0, or -1 with errno set:
 *  - EINVAL: the arguments do not make a valid record. Nothing was written,
 *    so the stream is still whole and the caller may go on.
 *  - anything else: write(2) failed, perhaps part-way through the record. The
 *    stream is torn; the writer remembers it and every later call fails
 *    with the same errno rather than append records to a broken stream.
 * A pipe whose reader went away raises SIGPIPE unless the caller ignores it.
 */
#ifndef XENKVM_STREAM_WRITE_H
#define XENKVM_STREAM_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "xen-abi/migration-stream.h"

/* What we write, stream-read.c must read back: its default limits. */
#define STREAM_BODY_MAX  (16u << 20)	/* any record but PAGE_DATA */
#define STREAM_PAGES_MAX 4096u		/* pfns in one PAGE_DATA (Xen sends 1024) */
#define STREAM_CONFIG_MAX (1u << 20)	/* the config in an xl header, its NUL counted */
/* The longest body of all: a PAGE_DATA of STREAM_PAGES_MAX pages. */
#define STREAM_PAGE_DATA_MAX \
	(sizeof(struct xen_sr_page_data_header) + STREAM_PAGES_MAX * (8u + XEN_PAGE_SIZE))

struct stream_writer {
	int fd;
	uint64_t offset;	/* bytes written so far */
	int broken;		/* errno of the write that tore the stream, else 0 */
};

void stream_writer_init(struct stream_writer *w, int fd);

/* Any record of either layer: the header, the body from parts[0..n), zero
 * padding to 8 bytes. The typed functions below check their bodies and
 * come here. */
int stream_write_record(struct stream_writer *w, uint32_t type, const struct iovec *parts,
			unsigned n);

/* --- xl save file --------------------------------------------------------- */

/* The header and its optional data: config_json (with its NUL), or no
 * config when NULL. Says a libxl v2 stream follows. */
int stream_write_xl_header(struct stream_writer *w, const char *config_json);

/* --- libxl stream ---------------------------------------------------------- */

int stream_write_libxl_header(struct stream_writer *w);
/* The marker after which the libxc stream follows. */
int stream_write_libxl_libxc_context(struct stream_writer *w);
/* EMULATOR_XENSTORE_DATA or EMULATOR_CONTEXT. */
int stream_write_libxl_emulator(struct stream_writer *w, uint32_t type, uint32_t emulator_id,
				uint32_t index, const void *data, size_t len);
int stream_write_libxl_checkpoint_end(struct stream_writer *w);
int stream_write_libxl_end(struct stream_writer *w);

/* --- libxc stream ---------------------------------------------------------- */

/* Version 3, little-endian. */
int stream_write_image_header(struct stream_writer *w);
/* type: XEN_SR_DOMAIN_X86_PV or _HVM (PVH too). */
int stream_write_domain_header(struct stream_writer *w, uint32_t type, uint32_t xen_major,
			       uint32_t xen_minor);

/* Static data, before STATIC_DATA_END. */
int stream_write_x86_pv_info(struct stream_writer *w, uint8_t guest_width, uint8_t pt_levels);
int stream_write_x86_cpuid_policy(struct stream_writer *w, const struct xen_sr_cpuid_leaf *leaves,
				  unsigned n);
int stream_write_x86_msr_policy(struct stream_writer *w, const struct xen_sr_msr_entry *msrs,
				unsigned n);
int stream_write_static_data_end(struct stream_writer *w);

/* frames[0..n) are the p2m's frames covering start_pfn..end_pfn; n must be
 * the count that range needs at guest_width bytes per entry. */
int stream_write_x86_pv_p2m_frames(struct stream_writer *w, unsigned guest_width,
				   uint32_t start_pfn, uint32_t end_pfn, const uint64_t *frames,
				   unsigned n);

/* One batch: count pfn words (XEN_SR_PFN_WORD: pfn and type) and, for each
 * word whose type carries data, pages[i] pointing at its 4096 bytes
 * (pages[i] is not read for the other types). */
int stream_write_page_data(struct stream_writer *w, const uint64_t *pfn_words, unsigned count,
			   const void *const *pages);

/* X86_PV_VCPU_BASIC, _EXTENDED, _XSAVE or _MSRS for one vCPU. Empty blobs
 * are refused: a writer leaves such records out. */
int stream_write_x86_pv_vcpu(struct stream_writer *w, uint32_t type, uint32_t vcpu_id,
			     const void *blob, size_t len);
int stream_write_shared_info(struct stream_writer *w, const void *page);
int stream_write_x86_tsc_info(struct stream_writer *w, uint32_t mode, uint32_t khz,
			      uint64_t nsec, uint32_t incarnation);
int stream_write_hvm_params(struct stream_writer *w, const struct xen_sr_hvm_param *params,
			    unsigned n);
int stream_write_hvm_context(struct stream_writer *w, const void *blob, size_t len);

int stream_write_checkpoint(struct stream_writer *w);
int stream_write_end(struct stream_writer *w);

#endif
