/* What this host's KVM offers guests (xenkvm-vmm --probe, xl info). */
#ifndef XENKVM_PROBE_H
#define XENKVM_PROBE_H

/* Prints it all; the exit status for --probe. */
int vmm_probe(void);
/* The hypercall door a PVH guest gets here: 2 (KVM's Xen support catches
 * VMCALL/VMMCALL), 1 (the hypercall page only), or 0 without /dev/kvm. */
int vmm_pvh_door(void);

#endif
