/* A Xen ELF note for the loader tests: "Xen" name, a type, a descriptor padded to 4 bytes. */
#ifndef XENKVM_TEST_XEN_NOTE_H
#define XENKVM_TEST_XEN_NOTE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Writes the note at p; returns its size. */
static inline size_t put_xen_note(uint8_t *p, uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t hdr[3] = { 4, descsz, type };

	memcpy(p, hdr, 12);
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, desc, descsz);
	return 16 + ((descsz + 3u) & ~3u);
}

#endif
