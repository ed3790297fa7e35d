/* xenkvmd's backend for a domain's secondary PV consoles (channel=). */
#ifndef XENKVM_DOM0_CONSOLE_H
#define XENKVM_DOM0_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "src/common/ctl-proto.h"
#include "src/xenkvmd/dom0.h"
#include "src/xlcfg/channel-spec.h"

/* Console devid (1, 2, ...) of domain d, served as cs says; 0 or -1 with err. */
int dom0_console_attach(struct dom0 *z, struct domain *d, uint32_t devid,
			const struct channel_spec *cs, char *err, size_t errlen);

#endif
