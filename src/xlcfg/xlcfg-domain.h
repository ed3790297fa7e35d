/*
 * The settings of an xl.cfg that xenkvm acts on, type-checked as xl does.
 * Settings it does not act on are kept in the xlcfg and listed as warnings
 * ("file:line: warning: ..."), never silently dropped.
 */
#ifndef XENKVM_XLCFG_DOMAIN_H
#define XENKVM_XLCFG_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/xlcfg/disk-spec.h"
#include "src/xlcfg/vif-spec.h"
#include "src/xlcfg/xlcfg.h"
#include "xen-abi/cpuid-rules.h"

/* Xen's legacy shared_info holds 32 vcpu_info slots; the VMM uses those. */
#define DOMAIN_CONFIG_MAX_VCPUS 32
#define DOMAIN_CONFIG_MAX_SERIALS 4
#define DOMAIN_CONFIG_MAX_CHANNELS 8
#define DOMAIN_CONFIG_NAME_MAX 63

enum domain_type { DOMAIN_PV, DOMAIN_PVH, DOMAIN_HVM };

/* on_poweroff, on_reboot, on_crash, on_watchdog, as xl.cfg(5) names them. */
enum cfg_action {
	CFG_ACT_DESTROY,
	CFG_ACT_RESTART,
	CFG_ACT_PRESERVE,
	CFG_ACT_RENAME_RESTART,
	CFG_ACT_COREDUMP_DESTROY,
	CFG_ACT_COREDUMP_RESTART,
	CFG_ACT_SOFT_RESET,
};

struct domain_config {
	char *name;
	uint8_t uuid[16];
	bool uuid_given;		/* else the toolstack makes one */
	enum domain_type type;
	unsigned long memory_mb;	/* default 128 */
	unsigned long maxmem_mb;	/* default memory_mb */
	unsigned vcpus;			/* online at boot, default 1 */
	unsigned maxvcpus;		/* default vcpus */
	char *kernel, *ramdisk;		/* NULL when not given */
	char *cmdline;			/* cmdline, or root= and extra joined; never NULL */
	char *bootloader;
	char **bootloader_args;
	unsigned nr_bootloader_args;
	enum cfg_action on_poweroff, on_reboot, on_crash, on_watchdog;
	struct disk_spec *disks;
	unsigned nr_disks;
	struct vif_spec *vifs;		/* every vif has a MAC and a devid */
	unsigned nr_vifs;
	char *serial[DOMAIN_CONFIG_MAX_SERIALS];
	unsigned nr_serials;
	char *channel[DOMAIN_CONFIG_MAX_CHANNELS];	/* channel= entries, unparsed */
	unsigned nr_channels;
	/*
	 * cpus=: host CPUs (cpumap.h notation) the vCPUs may run on; a string is
	 * for every vCPU (nr_cpus 1, cpus_each false), a list is vCPU i's in entry i.
	 */
	char *cpus[DOMAIN_CONFIG_MAX_VCPUS];
	unsigned nr_cpus;
	bool cpus_each;
	struct cpuid_rules cpuid;	/* cpuid=, either of libxl's forms */
	char **warnings;		/* "file:line: warning: ..." */
	unsigned nr_warnings;
};

/*
 * Fill dc from cfg; 0, or -1 with "file:line: what" in err. On failure dc
 * holds nothing to free, on success domain_config_free releases it.
 */
int domain_config_from_xlcfg(const struct xlcfg *cfg, struct domain_config *dc,
			     char *err, size_t errlen);
void domain_config_free(struct domain_config *dc);

const char *domain_type_name(enum domain_type t);
const char *cfg_action_name(enum cfg_action a);
/* 0, or -1 if s names no action. */
int cfg_action_parse(const char *s, enum cfg_action *a);

#endif
