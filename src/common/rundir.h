/* Where xenkvmd keeps its socket, logs and console files. */
#ifndef XENKVM_RUNDIR_H
#define XENKVM_RUNDIR_H

#include <stddef.h>

#define XENKVM_DEFAULT_RUNDIR "/var/run/xenkvm"

/* $XENKVM_RUNDIR, else the default. */
const char *xenkvm_rundir(void);
/* Path of a program installed beside the running one (e.g. "xenkvm-vmm"). */
int sibling_program(const char *name, char *out, size_t size);

#endif
