/* What Linux's /proc/<pid>/stat (or a thread's, under task/) says of a process. */
#ifndef XENKVM_PROC_STAT_H
#define XENKVM_PROC_STAT_H

#include <stdbool.h>

struct proc_stat {
	char state;		/* R running, S sleeping, ... */
	double cpu_seconds;	/* user and system time */
	int processor;		/* the CPU it last ran on */
};

/* false if path cannot be read or is not in that format. */
bool proc_stat_read(const char *path, struct proc_stat *st);

#endif
