/* One thread per vCPU: KVM_RUN, exits, and event upcall injection. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/hvm-params.h"
#include "xen-abi/time.h"

#define X86_EFLAGS_IF (1u << 9)

static void kick_handler(int sig)
{
	(void)sig;
}

void vmm_kick(struct vmm_vcpu *vc)
{
	pthread_mutex_lock(&vc->lock);
	vc->kicked = true;
	pthread_cond_broadcast(&vc->wake);
	pthread_mutex_unlock(&vc->lock);
	if (vc->started) {
		/* immediate_exit closes the race with a KVM_RUN about to start. */
		__atomic_store_n(&vc->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(vc->thread, VMM_KICK_SIGNAL);
	}
}

/* Deliver the event upcall when the guest can take it; else ask for a window. */
static void maybe_inject(struct vmm_vcpu *vc)
{
	struct kvm_run *run = vc->run;
	uint8_t vector = xk_hvm_upcall_vector(vc->xv);
	struct kvm_interrupt irq;

	run->request_interrupt_window = 0;
	if (vc->vm->opt.pv)
		vector = *xk_upcall_mask(vc->xv) ? 0 : PVRT_VEC_EVENT;
	if (!vector || !xk_evtchn_upcall_pending(vc->xv))
		return;
	irq.irq = vector;
	if (run->ready_for_interrupt_injection && (run->if_flag)) {
		if (ioctl(vc->fd, KVM_INTERRUPT, &irq) < 0)
			fprintf(stderr, "xenkvm-vmm: KVM_INTERRUPT: %s\n", strerror(errno));
		return;
	}
	run->request_interrupt_window = 1;
}

static bool can_wake(struct vmm_vcpu *vc)
{
	return vc->kicked || vc->vm->exiting || !vc->xv->online ||
	       (xk_evtchn_upcall_pending(vc->xv) && xk_hvm_upcall_vector(vc->xv));
}

/* HLT: sleep until an event or a kick; with IF clear only a kick wakes us. */
static void handle_hlt(struct vmm_vcpu *vc)
{
	pthread_mutex_lock(&vc->lock);
	while (!can_wake(vc))
		pthread_cond_wait(&vc->wake, &vc->lock);
	vc->kicked = false;
	pthread_mutex_unlock(&vc->lock);
}

/* VCPUOP_down: park until VCPUOP_up (or the domain ends). */
static void wait_online(struct vmm_vcpu *vc)
{
	pthread_mutex_lock(&vc->lock);
	while (!__atomic_load_n(&vc->xv->online, __ATOMIC_ACQUIRE) && !vc->vm->exiting)
		pthread_cond_wait(&vc->wake, &vc->lock);
	vc->kicked = false;
	pthread_mutex_unlock(&vc->lock);
}

static void handle_io(struct vmm_vcpu *vc)
{
	struct kvm_run *run = vc->run;
	static bool warned;

	if (run->io.port == XENKVM_HCALL_PORT && run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.size == 4 && run->io.count == 1) {
		vmm_handle_hcall_port(vc);
		return;
	}
	if (run->io.port == PVRT_PORT && vc->vm->opt.pv && run->io.direction == KVM_EXIT_IO_OUT) {
		pvrt_handle_port(vc);
		return;
	}
	/* Port 0x80 is the PC's POST/delay port: guests write it; it does nothing. */
	if (run->io.port == 0x80 && run->io.direction == KVM_EXIT_IO_OUT)
		return;
	if (!warned) {
		warned = true;
		fprintf(stderr, "xenkvm-vmm: guest port %s 0x%x ignored (no device there)\n",
			run->io.direction == KVM_EXIT_IO_OUT ? "write to" : "read from",
			run->io.port);
	}
	if (run->io.direction == KVM_EXIT_IO_IN)
		memset((uint8_t *)run + run->io.data_offset, 0xff,
		       (size_t)run->io.size * run->io.count);
}

static void crash(struct vmm_vcpu *vc, const char *why)
{
	struct kvm_regs *r = &vc->run->s.regs.regs;
	struct kvm_sregs s;

	fprintf(stderr, "xenkvm-vmm: vcpu %u: %s (rip %#llx rsp %#llx)\n", vc->xv->id, why,
		(unsigned long long)r->rip, (unsigned long long)r->rsp);
	/* What the CPU was set up with: enough to tell a broken descriptor table. */
	if (ioctl(vc->fd, KVM_GET_SREGS, &s) == 0)
		fprintf(stderr, "xenkvm-vmm: vcpu %u: cs %#x ss %#x tr %#x/%#llx gdt %#llx/%#x "
			"idt %#llx cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx\n", vc->xv->id,
			s.cs.selector, s.ss.selector, s.tr.selector, (unsigned long long)s.tr.base,
			(unsigned long long)s.gdt.base, s.gdt.limit, (unsigned long long)s.idt.base,
			(unsigned long long)s.cr0, (unsigned long long)s.cr3,
			(unsigned long long)s.cr4, (unsigned long long)s.efer);
	vmm_request_exit(vc->vm, 3);
}

/* Returns false when the vCPU must stop. */
static bool handle_exit(struct vmm_vcpu *vc)
{
	struct kvm_run *run = vc->run;
	char why[96];

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(vc);
		return true;
	case KVM_EXIT_HLT:
		handle_hlt(vc);
		return true;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_XEN:
		door2_handle_exit(vc);
		return true;
	case KVM_EXIT_X86_WRMSR:
		if (!vmm_handle_wrmsr(vc))
			run->msr.error = 1;
		return true;
	case KVM_EXIT_X86_RDMSR:
		if (!vmm_handle_rdmsr(vc))
			run->msr.error = 1;
		return true;
	case KVM_EXIT_MMIO:
		if (vc->vm->opt.pv && run->mmio.phys_addr == PVRT_DOORBELL_GPA) {
			pvrt_fast_syscall(vc);
			return true;
		}
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return true;
	case KVM_EXIT_SHUTDOWN:
		crash(vc, "triple fault");
		return false;
	default:
		snprintf(why, sizeof(why), "unhandled exit %u (hw %#llx)", run->exit_reason,
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		crash(vc, why);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *vc = arg;
	sigset_t set;
	char name[16];

	/* "vcpuN" in top -H; xenkvmd pins the thread (cpus=, xl vcpu-pin). */
	snprintf(name, sizeof(name), "vcpu%u", vc->xv->id);
	pthread_setname_np(pthread_self(), name);
	vmm_report_vcpu_thread(vc->vm, vc->xv->id);
	sigemptyset(&set);
	sigaddset(&set, VMM_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (vc->enter_pvrt && pvrt_enter(vc)) {
		crash(vc, "cannot enter the PV runtime");
		return NULL;
	}
	xk_time_update_vcpu(vc->xv);
	while (!vc->vm->exiting) {
		if (!vc->xv->online)
			wait_online(vc);
		maybe_inject(vc);
		vc->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
		if (ioctl(vc->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				vmm_trace_sample(vc);
				__atomic_store_n(&vc->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
				vc->kicked = false;
				continue;
			}
			crash(vc, strerror(errno));
			break;
		}
		vc->run->kvm_dirty_regs = 0;
		if (!handle_exit(vc))
			break;
	}
	return NULL;
}

/*
 * The new thread starts with the kick signal blocked (it unblocks it itself
 * once it runs), and the caller's mask is left as it was: a secondary vCPU
 * is started from vCPU 0's thread (VCPUOP_up), and a vCPU thread that kept
 * the signal blocked would sleep in KVM_RUN through every kick.
 */
int vmm_spawn_kickable(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, VMM_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int vmm_start_vcpu(struct vmm_vcpu *vc)
{
	static bool handler_set;
	int rc;

	if (!handler_set) {
		/* SA_RESTART: a kick must not fail a vCPU thread's other syscalls
		 * (KVM_RUN itself still returns EINTR). */
		struct sigaction sa = { .sa_handler = kick_handler, .sa_flags = SA_RESTART };
		sigaction(VMM_KICK_SIGNAL, &sa, NULL);
		handler_set = true;
	}
	vc->xv->online = true;
	rc = vmm_spawn_kickable(&vc->thread, vcpu_thread, vc);
	if (rc) {
		fprintf(stderr, "xenkvm-vmm: vcpu thread: %s\n", strerror(rc));
		return -1;
	}
	vc->started = true;
	return 0;
}
