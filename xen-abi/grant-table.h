/* Grant tables v1 (placeholder state; see grant-table.c). */
#ifndef XENKVM_GRANT_TABLE_H
#define XENKVM_GRANT_TABLE_H

#include <stdint.h>

struct xk_domain;

struct xk_grant_table {
	uint32_t unused;
};

void xk_grant_init(struct xk_domain *d);
void xk_grant_destroy(struct xk_domain *d);

#endif
