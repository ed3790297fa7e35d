/*
 * The hypervisor's console, where Xen puts what a DomU writes with
 * CONSOLEIO_write (a debug build lets it): Xen's log, read with xl dmesg,
 * each line marked "(dN) ", non-printing characters dropped. Under
 * xenkvmd that log is the daemon's (--hv-log); alone, the VMM's stderr.
 * Lines go out whole with one write to an O_APPEND file, so they do not
 * tear against the daemon's own. A guest gets 1 MiB of it, then one line
 * saying the rest is dropped (Xen rate-limits a DomU's console output).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vmm/vmm.h"

#define HV_LOG_LIMIT (1u << 20)

int vmm_open_hv_log(struct vmm *vm)
{
	pthread_mutex_init(&vm->hv_lock, NULL);
	vm->hv_log_fd = STDERR_FILENO;
	if (!vm->opt.hv_log)
		return 0;
	vm->hv_log_fd = open(vm->opt.hv_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (vm->hv_log_fd < 0) {
		fprintf(stderr, "xenkvm-vmm: %s: %s\n", vm->opt.hv_log, strerror(errno));
		return -1;
	}
	return 0;
}

/* One marked line out; the bytes it took. */
static size_t emit(struct vmm *vm, const char *text, size_t len)
{
	char out[sizeof(vm->hv_line) + 32];
	int n = snprintf(out, sizeof(out), "(d%u) %.*s\n", vm->dom.domid, (int)len, text);

	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(out))
		n = (int)sizeof(out) - 1;
	if (write(vm->hv_log_fd, out, (size_t)n) < 0)
		return 0;	/* nowhere left to say it */
	return (size_t)n;
}

static void flush_line(struct vmm *vm)
{
	vm->hv_bytes += emit(vm, vm->hv_line, vm->hv_line_len);
	vm->hv_line_len = 0;
	if (vm->hv_bytes >= HV_LOG_LIMIT) {
		static const char gone[] = "[console_io output over 1 MiB: the rest is dropped]";

		emit(vm, gone, sizeof(gone) - 1);
	}
}

void vmm_hv_console_out(struct xk_domain *d, const char *buf, size_t len)
{
	struct vmm *vm = vmm_of(d);

	pthread_mutex_lock(&vm->hv_lock);
	for (size_t i = 0; i < len && vm->hv_bytes < HV_LOG_LIMIT; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || vm->hv_line_len == sizeof(vm->hv_line))
			flush_line(vm);
		if (c != '\n' && (isprint(c) || c == '\t'))
			vm->hv_line[vm->hv_line_len++] = (char)c;
	}
	pthread_mutex_unlock(&vm->hv_lock);
}
