/* Names, uuids and lifecycle actions of domains: what xl, the xl.cfg parsers
 * and xenkvmd's registry all speak. */
#ifndef XENKVM_DOM_NAMES_H
#define XENKVM_DOM_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#define DOM_NAME_MAX 64
#define DOM_MAX_VCPUS 32		/* Xen's legacy vcpu_info slots */

/* on_poweroff / on_reboot / on_crash actions, as in xl.cfg(5). */
enum dom_action {
	DOM_ACT_DESTROY,
	DOM_ACT_RESTART,
	DOM_ACT_PRESERVE,
	DOM_ACT_RENAME_RESTART,
	/* Dump the core (dom0-dumpcore.c), then destroy or restart. */
	DOM_ACT_COREDUMP_DESTROY,
	DOM_ACT_COREDUMP_RESTART,
};

/* 1 to DOM_NAME_MAX-1 bytes, no control characters. */
bool dom_name_valid(const char *name);
void dom_uuid_format(const uint8_t uuid[16], char out[37]);
/* A random (version 4) uuid. */
void dom_uuid_generate(uint8_t uuid[16]);
int dom_uuid_parse(const char *s, uint8_t uuid[16]);
const char *dom_action_name(enum dom_action a);
int dom_action_parse(const char *s, enum dom_action *a);

#endif
