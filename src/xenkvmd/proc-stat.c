/* /proc/<pid>/stat, the few fields xl list, vcpu-list and top show. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xenkvmd/proc-stat.h"

bool proc_stat_read(const char *path, struct proc_stat *st)
{
	char buf[1024], *p;
	unsigned long long ut, sys;
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* Fields after the name, which may hold anything but ends at the last ')':
	 * state (3), utime and stime (14, 15), processor (39). */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
			 "%*d %*d %*d %*d %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u %*u %*u "
			 "%*u %*u %*u %*u %*u %*d %d", &st->state, &ut, &sys, &st->processor) != 4)
		return false;
	st->cpu_seconds = (double)(ut + sys) / (double)sysconf(_SC_CLK_TCK);
	return true;
}
