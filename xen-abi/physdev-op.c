/*
 * physdev_op: the parts a PV guest without devices uses. PHYSDEVOP_set_iopl
 * records the guest kernel's I/O privilege level, which decides whether its
 * port accesses are allowed; everything about real PCI devices and pirqs
 * is -ENOSYS here (no passthrough).
 */
#include "xen-abi/hypercalls.h"

#define PHYSDEVOP_set_iopl 6

static long set_iopl(struct xk_vcpu *v, uint64_t arg)
{
	uint32_t iopl;

	if (!v->dom->pv)
		return xk_log_unimplemented(v->dom, XEN_HC_physdev_op, PHYSDEVOP_set_iopl);
	if (xk_copy_from_guest(v, &iopl, arg, sizeof(iopl)))
		return -XEN_EFAULT;
	if (iopl > 3)
		return -XEN_EINVAL;
	v->iopl = (uint8_t)iopl;
	return 0;
}

long xk_hc_physdev_op(struct xk_vcpu *v, const uint64_t a[6])
{
	unsigned cmd = (unsigned)a[0];

	switch (cmd) {
	case PHYSDEVOP_set_iopl:
		return set_iopl(v, a[1]);
	}
	return xk_log_unimplemented(v->dom, XEN_HC_physdev_op, cmd);
}
