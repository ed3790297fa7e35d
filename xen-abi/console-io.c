#include "xen-abi/abi-console.h"
#include "xen-abi/hypercalls.h"

#define CHUNK 256

/*
 * A DomU may write to the hypervisor console, as on a debug build of Xen:
 * it goes where Xen's own log goes (xl dmesg), not to the domain's
 * console. Everything else is Dom0's privilege: Xen's XSM check refuses a
 * DomU any other command, known or not, with -EPERM.
 */
static long console_write(struct xk_vcpu *v, uint64_t count, uint64_t gva)
{
	char buf[CHUNK];

	while (count) {
		size_t n = count < CHUNK ? (size_t)count : CHUNK;

		if (xk_copy_from_guest(v, buf, gva, n))
			return -XEN_EFAULT;
		v->dom->ops->hv_console_out(v->dom, buf, n);
		gva += n;
		count -= n;
	}
	return 0;
}

long xk_hc_console_io(struct xk_vcpu *v, const uint64_t a[6])
{
	switch (a[0]) {
	case CONSOLEIO_write:
		return console_write(v, (uint32_t)a[1], a[2]);
	default:
		return -XEN_EPERM;
	}
}
