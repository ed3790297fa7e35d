/* What xenkvmd needs to start a domain, distilled from its xl.cfg. */
#ifndef XENKVM_DOM_SPEC_H
#define XENKVM_DOM_SPEC_H

#include "src/xlcfg/channel-spec.h"
#include "src/xlcfg/disk-spec.h"
#include "src/common/dom-names.h"
#include "src/xlcfg/vif-spec.h"
#include "xen-abi/cpuid-rules.h"

#define DOM_SPEC_MAX_MODULES 4
#define DOM_SPEC_MAX_DISKS 16
#define DOM_SPEC_MAX_VIFS 8
#define DOM_SPEC_MAX_CHANNELS 8

struct dom_spec {
	char name[DOM_NAME_MAX];
	uint8_t uuid[16];
	bool uuid_given;		/* else xenkvmd makes one */
	char type[8];			/* "pvh", "pv", "hvm" */
	unsigned memory_mb;		/* at start */
	unsigned maxmem_mb;		/* it may grow to (its balloon); >= memory_mb */
	unsigned vcpus;			/* online at start */
	unsigned maxvcpus;		/* the domain's vCPUs; xl vcpu-set picks how many run */
	char kernel[256];
	char ramdisk[256];
	char cmdline[1024];
	/*
	 * bootloader = "pygrub": kernel, ramdisk and cmdline come from the
	 * guest's GRUB menu on its first disk each time it starts (entry
	 * boot_entry, "" for the default), cmdline being the entry's arguments
	 * and then boot_extra (the config's extra/root).
	 */
	bool bootloader;
	char boot_entry[128];
	char boot_extra[1024];
	char cpus[DOM_MAX_VCPUS][96];	/* each vCPU's host CPUs (cpumap.h); "": any */
	struct cpuid_rules cpuid;	/* cpuid=: handed to the VMM as --cpuid rules */
	enum dom_action on_poweroff, on_reboot, on_crash, on_watchdog;
	unsigned nr_disks;		/* validated disk= entries */
	struct disk_spec disks[DOM_SPEC_MAX_DISKS];
	unsigned nr_vifs;		/* validated vif= entries */
	struct vif_spec vifs[DOM_SPEC_MAX_VIFS];
	unsigned nr_channels;		/* channel= entries: consoles 1, 2, ... */
	struct channel_spec channels[DOM_SPEC_MAX_CHANNELS];
	char warnings[2048];		/* "file:line: warning: ...\n" each */
};

/*
 * Parse cfg_text (named cfg_name in messages) and apply "key=value"
 * overrides. Returns 0, or -1 with a message in err (file:line: ...).
 */
int dom_spec_from_config(const char *cfg_name, const char *cfg_text,
			 const char *const *overrides, unsigned n_overrides,
			 struct dom_spec *spec, char *err, size_t errlen);

#endif
