/*
 * A domain's configuration in libxl's JSON layout, as Xen's `xl list -l`
 * and `xl create -n` print it: c_info, b_info, disks, nics and the on_*
 * actions. xenkvmd describes running domains with it, xl a config file.
 */
#ifndef XENKVM_CONFIG_JSON_H
#define XENKVM_CONFIG_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "src/xlcfg/disk-spec.h"
#include "src/common/dom-names.h"
#include "src/xlcfg/vif-spec.h"

typedef void (*config_disk_fn)(void *arg, const struct disk_spec *ds);
typedef void (*config_nic_fn)(void *arg, uint32_t devid, const char *mac,
			      const struct vif_spec *vs);

struct config_view {
	const char *type, *name;
	const uint8_t *uuid;		/* NULL: none yet */
	unsigned vcpus;			/* online */
	unsigned maxvcpus;		/* 0: vcpus */
	uint64_t memory_mb;
	uint64_t max_kb, target_kb;	/* 0: memory_mb's */
	const char *kernel, *cmdline, *ramdisk;	/* NULL or "": not shown */
	bool has_actions;
	enum dom_action on_poweroff, on_reboot, on_crash, on_watchdog;
	/* Each calls fn for every device, in order; NULL: none. */
	void (*each_disk)(void *src, config_disk_fn fn, void *arg);
	void (*each_nic)(void *src, config_nic_fn fn, void *arg);
	void *src;
};

/*
 * The config object, its opening brace at column indent and no newline
 * after its closing one, into a malloc'd string (NULL: out of memory).
 */
char *config_json(const struct config_view *v, int indent);
/* s as a JSON string, quotes included. */
void json_string(FILE *f, const char *s);

#endif
