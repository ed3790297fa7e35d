#include <stdio.h>
#include <string.h>
#include "xen-abi/abi-pv.h"
#include "xen-abi/abi-version.h"
#include "xen-abi/hypercalls.h"

static const char extraversion[] = ".0-xenkvm";

static long put(struct xk_vcpu *v, uint64_t gva, const void *buf, size_t len)
{
	return xk_copy_to_guest(v, gva, buf, len) ? -XEN_EFAULT : 0;
}

/* Fixed-size string sub-ops: copy the whole buffer, NUL padded. */
static long put_string(struct xk_vcpu *v, uint64_t gva, const char *s, size_t size)
{
	char buf[XEN_CAPABILITIES_LEN];

	size_t n = strnlen(s, size - 1);

	memset(buf, 0, size);
	memcpy(buf, s, n);
	return put(v, gva, buf, size);
}

static void capabilities(struct xk_vcpu *v, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, "xen-%d.%d-x86_64 xen-%d.%d-x86_32p hvm-%d.%d-x86_32 "
		 "hvm-%d.%d-x86_32p hvm-%d.%d-x86_64",
		 3, 0, 3, 0, 3, 0, 3, 0, 3, 0);
}

static uint32_t feature_submap0(struct xk_domain *d)
{
	/* Xen's PV set: page-table updates keep A/D, grant maps have spare bits. */
	if (d->pv)
		return (1u << XENFEAT_mmu_pt_update_preserve_ad) |
		       (1u << XENFEAT_highmem_assist) |
		       (1u << XENFEAT_gnttab_map_avail_bits);
	return (1u << XENFEAT_writable_page_tables) |
	       (1u << XENFEAT_auto_translated_physmap) |
	       (1u << XENFEAT_supervisor_mode_kernel) |
	       (1u << XENFEAT_hvm_callback_vector) |
	       (1u << XENFEAT_hvm_safe_pvclock) |
	       (1u << XENFEAT_not_direct_mapped);
}

static long get_features(struct xk_vcpu *v, uint64_t gva)
{
	struct xen_feature_info fi;

	if (xk_copy_from_guest(v, &fi, gva, sizeof(fi)))
		return -XEN_EFAULT;
	/* Unknown submaps read as zero, as on Xen. */
	fi.submap = fi.submap_idx == 0 ? feature_submap0(v->dom) : 0;
	return put(v, gva, &fi, sizeof(fi));
}

static long platform_parameters(struct xk_vcpu *v, uint64_t gva)
{
	uint64_t start = v->dom->pv ? XEN_MACH2PHYS_VIRT_START : XEN_HVM_VIRT_START;

	return put(v, gva, &start, v->compat ? 4 : 8);
}

static long compile_info(struct xk_vcpu *v, uint64_t gva)
{
	struct xen_compile_info ci;

	memset(&ci, 0, sizeof(ci));
	strcpy(ci.compiler, "gcc");
	strcpy(ci.compile_by, "xenkvm");
	strcpy(ci.compile_domain, "xenkvm");
	strcpy(ci.compile_date, __DATE__);
	return put(v, gva, &ci, sizeof(ci));
}

long xk_hc_xen_version(struct xk_vcpu *v, const uint64_t a[6])
{
	char caps[XEN_CAPABILITIES_LEN];
	uint64_t arg = a[1];

	switch (a[0]) {
	case XENVER_version:
		return (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
	case XENVER_extraversion:
		return put_string(v, arg, extraversion, XEN_EXTRAVERSION_LEN);
	case XENVER_compile_info:
		return compile_info(v, arg);
	case XENVER_capabilities:
		capabilities(v, caps, sizeof(caps));
		return put_string(v, arg, caps, XEN_CAPABILITIES_LEN);
	case XENVER_changeset:
		return put_string(v, arg, "xenkvm", XEN_CHANGESET_LEN);
	case XENVER_platform_parameters:
		return platform_parameters(v, arg);
	case XENVER_get_features:
		return get_features(v, arg);
	case XENVER_pagesize:
		return XEN_PAGE_SIZE;
	case XENVER_guest_handle:
		return put(v, arg, v->dom->handle, sizeof(v->dom->handle));
	case XENVER_commandline:
		/* Guests may not read the hypervisor command line. */
		return -XEN_EPERM;
	default:
		return xk_log_unimplemented(v->dom, XEN_HC_xen_version, (unsigned)a[0]);
	}
}
