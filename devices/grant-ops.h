/* How a backend reaches the pages a frontend granted it (Dom0 mapping them). */
#ifndef XENKVM_GRANT_OPS_H
#define XENKVM_GRANT_OPS_H

#include <stdbool.h>
#include <stdint.h>

struct dev_grants {
	void *(*get)(void *arg, uint32_t gref, bool writable);	/* page or NULL */
	void (*put)(void *arg, uint32_t gref, bool writable);
	void *arg;
};

#endif
