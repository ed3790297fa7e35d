/* A 64-bit Xen PV kernel: vmlinux ELF with Xen notes, or a bzImage holding one. */
#ifndef XENKVM_PV_IMAGE_H
#define XENKVM_PV_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flattened: bytes for guest-physical [paddr_start, paddr_end). */
struct pv_image {
	uint64_t virt_base;		/* XEN_ELFNOTE_VIRT_BASE (3) */
	uint64_t entry;			/* XEN_ELFNOTE_ENTRY (1), else e_entry */
	uint64_t hypercall_page;	/* XEN_ELFNOTE_HYPERCALL_PAGE (2), 0 if absent */
	uint64_t init_p2m;		/* XEN_ELFNOTE_INIT_P2M (15), 0 if absent */
	uint64_t hv_start_low;		/* XEN_ELFNOTE_HV_START_LOW (12), 0 if absent */
	bool mod_start_pfn;		/* XEN_ELFNOTE_MOD_START_PFN (16) == 1 */
	char guest_os[32], xen_version[32], loader[32];
	char features[256];
	uint32_t supported_features;
	uint64_t paddr_start, paddr_end;
	uint8_t *bytes;
};

int pv_image_load(const char *path, struct pv_image *img, char *err, size_t errlen);
int pv_image_from_buffer(const uint8_t *buf, size_t len, struct pv_image *img, char *err,
			 size_t errlen);
void pv_image_free(struct pv_image *img);
/* Linux's bzImage (boot protocol header "HdrS")? */
bool is_bzimage(const uint8_t *buf, size_t len);
/* A bzImage's protected-mode payload (the kernel's ELF), uncompressed into
 * *out (malloc'd); 0, or -1 with err. */
int bzimage_payload(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
		    char *err, size_t errlen);

#endif
