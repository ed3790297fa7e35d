/*
 * bootloader = "pygrub": the kernel, ramdisk and arguments a PV guest's own
 * boot menu (GRUB's or extlinux's) names, read off its disk image (ext2/3/4, the whole disk or an
 * MBR or GPT partition) with e2fsprogs' debugfs, as Xen's toolstack runs
 * pygrub before building the domain.
 */
#ifndef XENKVM_BOOTLOADER_H
#define XENKVM_BOOTLOADER_H

#include <stddef.h>

struct boot_entry {
	char title[128];
	char kernel[256];	/* paths in the guest's file system */
	char ramdisk[256];	/* "" when the entry has none */
	char args[1024];
};

enum boot_menu {
	MENU_GRUB,		/* GRUB 2 grub.cfg or GRUB legacy menu.lst */
	MENU_EXTLINUX,		/* extlinux.conf / syslinux.cfg */
};

/*
 * Pick an entry of a menu: want is a number or a title (label) (NULL: the
 * menu's default). 0, or -1 with err.
 */
int boot_menu_pick(const char *menu, enum boot_menu kind, const char *want,
		   struct boot_entry *e, char *err, size_t errlen);

/*
 * Find the menu on the disk image, pick the entry (as above) and copy its
 * kernel and ramdisk out into dir (as dir/kernel and dir/ramdisk): e's
 * kernel and ramdisk are then those copies. 0, or -1 with err.
 */
int boot_from_disk(const char *image, const char *want, const char *dir, struct boot_entry *e,
		   char *err, size_t errlen);

#endif
