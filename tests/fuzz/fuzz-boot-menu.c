/*
 * libFuzzer target over the boot menu parser (bootloader = "pygrub"): a
 * guest's grub.cfg, menu.lst or extlinux.conf is its own to write, and
 * xenkvmd reads it. Any text gives an entry or an error, never a crash or
 * an overrun; a picked entry names a kernel and its strings are terminated.
 * Build: make fuzz; run: build/fuzz-boot-menu -max_total_time=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/bootloader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *menu, err[256], want[8];
	struct boot_entry e;

	if (size < 2)
		return 0;
	/* First byte: the menu kind and which entry to ask for (or the default). */
	snprintf(want, sizeof(want), "%u", data[0] >> 2);
	menu = malloc(size);
	if (!menu)
		return 0;
	memcpy(menu, data + 1, size - 1);
	menu[size - 1] = 0;
	if (boot_menu_pick(menu, data[0] & 1 ? MENU_EXTLINUX : MENU_GRUB,
			   data[0] & 2 ? want : NULL, &e, err, sizeof(err)) == 0) {
		if (!e.kernel[0] || strlen(e.kernel) >= sizeof(e.kernel) ||
		    strlen(e.args) >= sizeof(e.args) || strlen(e.title) >= sizeof(e.title))
			abort();
	} else if (!err[0] || strlen(err) >= sizeof(err)) {
		abort();
	}
	free(menu);
	return 0;
}
