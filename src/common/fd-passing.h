/* One message over a Unix socket with descriptors passed along (SCM_RIGHTS). */
#ifndef XENKVM_FD_PASSING_H
#define XENKVM_FD_PASSING_H

#include <stddef.h>

#define FD_PASSING_MAX 4	/* most descriptors one message carries */

/* 0 when all len bytes went (with nfds descriptors), else -1. */
int send_with_fds(int sock, const void *buf, size_t len, const int *fds, unsigned nfds,
		  int flags);

#endif
