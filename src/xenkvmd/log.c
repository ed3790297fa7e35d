#include <stdarg.h>
#include <time.h>
#include "src/xenkvmd/log.h"

static FILE *log_file;

void dom0_log_to(FILE *f)
{
	log_file = f;
}

void dom0_log(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	if (!log_file)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	/* Backend threads log too: one line at a time. */
	flockfile(log_file);
	fprintf(log_file, "[%s] ", when);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
	funlockfile(log_file);
}
