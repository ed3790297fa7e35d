/* console_io sub-ops and the PV console ring page. */
#ifndef XENKVM_ABI_CONSOLE_H
#define XENKVM_ABI_CONSOLE_H

#include "xen-abi/abi-core.h"

enum { CONSOLEIO_write = 0, CONSOLEIO_read = 1 };

#define XENCONS_IN_SIZE 1024u
#define XENCONS_OUT_SIZE 2048u

struct xencons_interface {
	char in[XENCONS_IN_SIZE];
	char out[XENCONS_OUT_SIZE];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};
XEN_ABI_ASSERT_OFF(struct xencons_interface, out, 1024);
XEN_ABI_ASSERT_OFF(struct xencons_interface, in_cons, 3072);
XEN_ABI_ASSERT_OFF(struct xencons_interface, out_prod, 3084);

#endif
