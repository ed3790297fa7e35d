/* xenkvm-vmm: one domain's KVM VM, its vCPU threads and its Xen state. */
#ifndef XENKVM_VMM_H
#define XENKVM_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>
#include "src/common/link-proto.h"
#include "vmm/probe.h"
#include "xen-abi/cpu-policy.h"
#include "xen-abi/domain.h"

#define VMM_MAX_MODULES 4
#define VMM_MAX_DOORBELLS 64

/* How a guest's hypercalls reach us (docs/design.md, "Hypercall doors"). */
enum vmm_door {
	VMM_DOOR_AUTO,		/* --door auto: the best this host offers the guest type */
	VMM_DOOR_PAGE,		/* 1: the hypercall page's port I/O stubs */
	VMM_DOOR_IN_KERNEL,	/* 2: VMCALL/VMMCALL, caught by KVM's Xen support */
	VMM_DOOR_PV_RUNTIME,	/* 3: a PV guest's syscalls, through the PV runtime */
};

struct vmm_options {
	uint64_t memory_mb;	/* RAM the domain starts with */
	uint64_t maxmem_mb;	/* RAM it may grow to (PV: its balloon); 0: memory_mb */
	unsigned vcpus;
	unsigned domid;
	const char *kernel;
	const char *cmdline;
	const char *modules[VMM_MAX_MODULES];
	unsigned nr_modules;
	const char *console_log;
	const char *console_input;	/* --console-input FIFO */
	const char *hv_log;	/* --hv-log: the hypervisor's log (xl dmesg); stderr if none */
	int dom0_fd;		/* --dom0-fd: link to xenkvmd, or -1 */
	bool pv;		/* --type pv: 64-bit PV kernel under the PV runtime */
	enum vmm_door door;	/* --door: auto, 1 or 2 (PVH guests) */
	uint8_t handle[16];	/* --uuid */
	struct cpuid_rules cpuid_rules;	/* --cpuid, xl.cfg cpuid= as Xend-style rules */
};

struct vmm_vcpu {
	struct vmm *vm;
	struct xk_vcpu *xv;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	bool want_start;	/* VCPUOP_up */
	bool enter_pvrt;	/* set its registers for the PV runtime's entry first, in its thread */
	uint64_t tsc_offset;	/* guest TSC - host TSC */
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* blocked in HLT / SCHEDOP_block */
	bool kicked;
	bool trace_wanted;	/* trace.c: print where we are at the next exit */
	struct kvm_cpuid2 *cpuid;	/* as set with KVM_SET_CPUID2 */
};

struct vmm_port_fd {
	uint32_t port;
	int fd;
};

struct vmm_link_waiter {
	bool active, done;
	uint32_t cookie;
	struct link_msg reply;
	int fds[LINK_MAX_FDS];
};

struct vmm {
	struct vmm_options opt;
	enum vmm_door door;	/* the one in use (main.c's choose_door) */
	bool vmmcall;		/* door 2 stubs: AMD's VMMCALL, else Intel's VMCALL */
	int kvm_fd, vm_fd;
	int run_size;
	uint8_t *ram;
	uint64_t ram_size;	/* all it may have (maxmem); frames past boot_size start given back */
	uint64_t boot_size;	/* what it starts with (memory) */
	int ram_fd;
	uint8_t *xen_pages;
	int xen_fd;
	uint8_t *pvrt;		/* PV runtime region + M2P (PV domains) */
	const struct cpuid_table *cpu_policy;	/* cpuid.c: what every vCPU sees */
	unsigned nr_slots;	/* memory slots currently set */
	pthread_mutex_t slot_lock;
	struct xk_domain dom;
	struct vmm_vcpu vcpu[XK_MAX_VCPUS];
	uint64_t start_ns;
	FILE *console;
	int hv_log_fd;		/* CONSOLEIO_write's lines go here (hv-console.c) */
	char hv_line[256];
	size_t hv_line_len;
	uint64_t hv_bytes;	/* written so far: a guest may not fill the disk */
	pthread_mutex_t hv_lock;
	uint32_t console_port;
	uint32_t store_port;
	int dom0_fd;
	/* Ports whose sends go to an eventfd Dom0 gave (vmm-link.c). */
	struct vmm_port_fd doorbell[VMM_MAX_DOORBELLS];
	pthread_mutex_t doorbell_lock;
	/* Ports raised when a peer DomU's eventfd fires (idc.c). */
	struct vmm_port_fd inbound[VMM_MAX_DOORBELLS];
	int inbound_epoll;
	/* Requests to xenkvmd that wait for their answer (vmm-link.c). */
	struct vmm_link_waiter waiter[XK_MAX_VCPUS];
	pthread_mutex_t call_lock;
	pthread_cond_t call_cond;
	uint32_t next_cookie;

	/* Timer thread. */
	pthread_t timer_thread;
	pthread_mutex_t timer_lock;
	pthread_cond_t timer_cond;

	/* Shutdown. */
	pthread_mutex_t exit_lock;
	pthread_cond_t exit_cond;
	bool exiting;
	int exit_code;
};

/* kvm.c */
int kvm_open_vm(struct vmm *vm);
int kvm_sync_memslots(struct vmm *vm);
int kvm_create_vcpu(struct vmm *vm, unsigned id);
bool kvm_has_cap(struct vmm *vm, long cap);
bool kvm_host_is_pvm(void);

/* memory.c */
int vmm_alloc_memory(struct vmm *vm);
/* Platform op for ballooning (memory.c). */
int vmm_release_frames(struct xk_domain *d, uint64_t gpfn, uint64_t count);
/* What xenkvmd shows of the guest: frames held, vCPUs up (vmm-link.c). */
void vmm_reservation_changed(struct xk_domain *d);
void vmm_vcpus_changed(struct xk_domain *d);
void vmm_report_vcpu_thread(struct vmm *vm, unsigned id);

/* cpuid.c */
int vmm_setup_cpuid(struct vmm_vcpu *vc);
bool vmm_cpuid_lookup(struct vmm_vcpu *vc, uint32_t leaf, uint32_t sub, uint32_t r[4]);

/* hcall-page.c */
int vmm_setup_msr_exits(struct vmm *vm);
bool vmm_handle_wrmsr(struct vmm_vcpu *vc);
bool vmm_handle_rdmsr(struct vmm_vcpu *vc);
void vmm_handle_hcall_port(struct vmm_vcpu *vc);
/* One hypercall from vCPU vc, whichever door it came through: its result. */
long vmm_hypercall(struct vmm_vcpu *vc, uint32_t nr, const uint64_t a[6]);
void vmm_write_hypercall_page(uint8_t *page);
void vmm_write_pv_hypercall_page(uint8_t *page);

/* door2.c: KVM's in-kernel Xen support catches VMCALL/VMMCALL. */
bool door2_available(struct vmm *vm);
int door2_enable(struct vmm *vm);
void door2_write_hypercall_page(const struct vmm *vm, uint8_t *page);
void door2_handle_exit(struct vmm_vcpu *vc);
const char *vmm_door_name(enum vmm_door door);

/* vcpu.c */
int vmm_start_vcpu(struct vmm_vcpu *vc);
/* The signal that takes a vCPU thread out of KVM_RUN (users include <signal.h>). */
#define VMM_KICK_SIGNAL SIGUSR1
/* pthread_create for a thread that will take kicks; the caller's mask is kept. */
int vmm_spawn_kickable(pthread_t *thread, void *(*fn)(void *), void *arg);
void vmm_kick(struct vmm_vcpu *vc);

/* platform.c */
extern const struct xk_platform_ops vmm_platform_ops;
uint64_t vmm_now_ns(struct vmm *vm);
void vmm_request_exit(struct vmm *vm, int code);

/* timers.c */
int vmm_start_timers(struct vmm *vm);
void vmm_timers_changed(struct vmm *vm);

/* pvh-loader.c */
int pvh_load(struct vmm *vm, struct kvm_regs *regs, struct kvm_sregs *sregs);

/* vcpu-context.c */
int vmm_vcpu_initialise(struct xk_vcpu *v, const struct vcpu_hvm_context *ctx);

/* vmm-link.c */
int vmm_link_start(struct vmm *vm);
/* The guest sent on port, bound to remote_dom: ring that end's doorbell. */
void vmm_port_notify(struct vmm *vm, uint32_t port, uint32_t remote_dom);
/* One message to xenkvmd (fire and forget); 0 or -1. */
int vmm_link_send(struct vmm *vm, const struct link_msg *m);
/*
 * Send req and wait for xenkvmd's answer with the same cookie (assigned
 * here): 0 with *reply and up to LINK_MAX_FDS descriptors in fds (-1
 * where none came), or -XEN_ESRCH without a link, -XEN_ETIMEDOUT.
 */
int vmm_link_call(struct vmm *vm, struct link_msg *req, struct link_msg *reply,
		  int fds[LINK_MAX_FDS]);
int vmm_doorbell_add(struct vmm *vm, uint32_t port, int fd);
/* Close what a link message brought along (-1 entries skipped) and mark them gone. */
void vmm_close_link_fds(int fds[LINK_MAX_FDS]);
void vmm_doorbell_drop(struct vmm *vm, uint32_t port);

/* idc.c: channels and grants between DomUs, through xenkvmd */
int vmm_idc_start(struct vmm *vm);
long vmm_idc_bind(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
		  uint32_t remote_port);
void vmm_idc_closed(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
		    uint32_t remote_port);
/* LINK_IDC_PEER from xenkvmd (link thread); answers it. */
void vmm_idc_peer(struct vmm *vm, const struct link_msg *m, int fds[LINK_MAX_FDS]);
/* LINK_UNBIND: the remote end went away. */
void vmm_idc_unbind(struct vmm *vm, uint32_t port, uint32_t remote_dom);
/* A LINK_IDC_BIND_REPLY nobody waits for any more: undo it. */
void vmm_idc_orphan_reply(struct vmm *vm, const struct link_msg *m);
void *vmm_grant_foreign_get(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
			    bool writable, int16_t *status);
void vmm_grant_foreign_put(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
			   bool writable, void *page);

/* trace.c: XENKVM_TRACE_MS sampling, for bring-up */
void vmm_trace_start(struct vmm *vm);
void vmm_trace_sample(struct vmm_vcpu *vc);
void vmm_trace_stack(struct vmm_vcpu *vc, uint64_t rsp);
void vmm_trace_hypercall(struct xk_vcpu *v, unsigned nr, const uint64_t a[6], long ret);

/* hv-console.c: CONSOLEIO_write into the hypervisor's log, a line at a time */
int vmm_open_hv_log(struct vmm *vm);
void vmm_hv_console_out(struct xk_domain *d, const char *buf, size_t len);

/* console-input.c: a FIFO's bytes into the guest's console ring */
int vmm_console_input_start(struct vmm *vm, const char *path);

/* probe.c */

static inline struct vmm *vmm_of(struct xk_domain *d)
{
	return d->plat;
}

#endif
