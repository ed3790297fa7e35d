/*
 * physdev_op: the parts a PV guest without devices uses. PHYSDEVOP_set_iopl
 * records the guest's virtual I/O privilege level and
 * PHYSDEVOP_set_iobitmap where its I/O permission bitmap lives (a guest
 * kernel address, read when a port access needs it, as Xen does); they
 * decide whether its port accesses are allowed. Everything about real PCI
 * devices and pirqs is -ENOSYS here (no passthrough).
 */
#include "xen-abi/abi-pv.h"
#include "xen-abi/hypercalls.h"

#define PHYSDEVOP_set_iopl 6
#define PHYSDEVOP_set_iobitmap 7

/* struct physdev_set_iobitmap (64-bit guest) */
struct xen_physdev_set_iobitmap {
	uint64_t bitmap;
	uint32_t nr_ports;
	uint32_t pad;
};
_Static_assert(sizeof(struct xen_physdev_set_iobitmap) == 16, "physdev_set_iobitmap");

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
	v->iopl_set = true;
	return 0;
}

static long set_iobitmap(struct xk_vcpu *v, uint64_t arg)
{
	struct xen_physdev_set_iobitmap b;

	if (!v->dom->pv)
		return xk_log_unimplemented(v->dom, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap);
	if (xk_copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	/* Xen: the whole 8 KiB bitmap must be guest address space; 65536 ports at most. */
	if (b.nr_ports > 65536 || b.bitmap + 8192 < b.bitmap ||
	    (b.bitmap < XEN_HYPERVISOR_VIRT_END && b.bitmap + 8192 > XEN_HYPERVISOR_VIRT_START))
		return -XEN_EINVAL;
	v->iobmp = b.bitmap;
	v->iobmp_limit = b.nr_ports;
	return 0;
}

long xk_hc_physdev_op(struct xk_vcpu *v, const uint64_t a[6])
{
	unsigned cmd = (unsigned)a[0];

	switch (cmd) {
	case PHYSDEVOP_set_iopl:
		return set_iopl(v, a[1]);
	case PHYSDEVOP_set_iobitmap:
		return set_iobitmap(v, a[1]);
	}
	return xk_log_unimplemented(v->dom, XEN_HC_physdev_op, cmd);
}
