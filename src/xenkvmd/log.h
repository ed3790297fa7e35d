/*
 * xenkvmd's log (xl dmesg reads it): timestamped lines, one at a time, from
 * the event loop and the backend threads alike. A leaf: it knows no daemon
 * state, so every module (and a fuzz target) can log without the loop.
 */
#ifndef XENKVM_XENKVMD_LOG_H
#define XENKVM_XENKVMD_LOG_H

#include <stdio.h>

/* Log to f from now on (NULL: nowhere). */
void dom0_log_to(FILE *f);
void dom0_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
