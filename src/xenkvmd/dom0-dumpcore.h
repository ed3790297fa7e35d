/*
 * xl dump-core and on_crash = "coredump-*" (dom0-dumpcore.c): a domain's
 * memory as the ELF core Xen's libxc writes (its xc_core format), which
 * Xen's tools and crash(8) read.
 */
#ifndef XENKVM_DOM0_DUMPCORE_H
#define XENKVM_DOM0_DUMPCORE_H

#include <stdbool.h>
#include <stdint.h>
#include "xen-abi/abi-pv.h"

struct dom0;
struct domain;

/* The ELF note types of .note.Xen (Xen's public elfnote.h), all named "Xen". */
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000u
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001u
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002u
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003u
/* The header note's magic: a PV guest's core, or an HVM (here PVH) guest's. */
#define XC_CORE_MAGIC 0xF00FEBEDu
#define XC_CORE_MAGIC_HVM 0xF00FEBEEu
/* Format 0.1, the one libxc writes: major in the high half. */
#define XC_CORE_FORMAT_VERSION 1ull

/* What goes into a core. */
struct xc_core_image {
	bool pv;		/* .xen_p2m (pfn, mfn pairs) and XC_CORE_MAGIC; else .xen_pfn */
	unsigned nr_vcpus;
	const struct xen_vcpu_guest_context64 *ctx;	/* nr_vcpus of them; NULL: zeroed */
	const void *shared_info;	/* one page */
	const uint8_t *ram;		/* guest frame N at N * 4096 */
	uint64_t nr_pages;		/* frames 0 to nr_pages - 1, all dumped */
};

/*
 * The core, written on fd from its current offset (a regular file: pages of
 * zeros are left as holes). 0, or -1 with errno.
 */
int xc_core_write(int fd, const struct xc_core_image *im);

/* on_* = "coredump-destroy"/"coredump-restart": d's core in the dump directory, logged. */
void dom0_dump_on_crash(struct dom0 *z, struct domain *d);

#endif
