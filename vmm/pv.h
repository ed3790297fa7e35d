/* 64-bit PV domains: the domain builder and the host side of the PV runtime. */
#ifndef XENKVM_VMM_PV_H
#define XENKVM_VMM_PV_H

#include "guests/pvrt/pvrt-abi.h"
#include "vmm/vmm.h"

/* pv-runtime.c */
int pvrt_setup(struct vmm *vm);
int pvrt_enter(struct vmm_vcpu *vc);
int pvrt_set_xcr0(struct vmm_vcpu *vc, uint64_t xcr0);
struct pvrt_vcpu *pvrt_state(struct vmm *vm, unsigned id);
struct pvrt_global *pvrt_global(struct vmm *vm);
uint8_t *pvrt_levels(struct vmm *vm);
void pvrt_sync_vcpu_info(struct vmm *vm, unsigned id);
/* Platform op: the M2P entry of machine frame mfn (what the guest reads). */
void pvrt_m2p_set(struct xk_domain *d, uint64_t mfn, uint64_t pfn);
/* After a hypercall the VMM did for a PV guest: the runtime follows what it moved. */
void pvrt_after_hypercall(struct vmm *vm, uint32_t nr);

/* pv-smp.c: VCPUOP_initialise with a vcpu_guest_context */
struct xen_vcpu_guest_context64;
int pvrt_vcpu_initialise(struct xk_vcpu *v, const struct xen_vcpu_guest_context64 *ctx);

/* pv-port.c: the runtime's requests (PVRT_PORT). */
void pvrt_handle_port(struct vmm_vcpu *vc);
/* What the runtime's entry stub saved at ring-0 address va, or NULL. */
struct pvrt_fast_frame *pvrt_fast_frame_at(struct vmm *vm, uint64_t va);

/* pv-fast.c: PVRT_OP_FAST, the runtime's hot paths done natively. */
void pvrt_fast_path(struct vmm_vcpu *vc, uint64_t frame_va);
/* A store to PVRT_DOORBELL_GPA: the guest's hypercall or syscall, from ring 3. */
void pvrt_fast_syscall(struct vmm_vcpu *vc);

/* pv-builder.c: lay out a PV kernel, initrd and start_info as Xen's builder does. */
int pv_build(struct vmm *vm);

#endif
