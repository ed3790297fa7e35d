/* A domain's configuration in the JSON layout of Xen's `xl list -l`. */
#ifndef XENKVM_DOM0_CONFIG_H
#define XENKVM_DOM0_CONFIG_H

#include "src/xenkvmd/dom0.h"

/* One element of xl list -l's array (d NULL: Domain-0); malloc'd, or NULL. */
char *dom0_config_json(struct dom0 *z, const struct domain *d);

#endif
