#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/common/rundir.h"

const char *xenkvm_rundir(void)
{
	const char *d = getenv("XENKVM_RUNDIR");

	return d && *d ? d : XENKVM_DEFAULT_RUNDIR;
}

int sibling_program(const char *name, char *out, size_t size)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = 0;
	if ((size_t)snprintf(out, size, "%s/%s", self, name) >= size)
		return -1;
	return access(out, X_OK);
}
