/* The host's CPUID leaves a guest policy starts from (vmm/cpuid.c). */
#ifndef XENKVM_HOST_CPUID_H
#define XENKVM_HOST_CPUID_H

#include <stdbool.h>
#include "xen-abi/cpu-policy.h"

/* What KVM offers guests (*from_kvm), else this host's own CPUID. */
int vmm_host_cpuid(struct cpuid_table *host, bool *from_kvm);

#endif
