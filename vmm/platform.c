/* The services the Xen ABI layer asks of the VMM (struct xk_platform_ops). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"
#include "xen-abi/console.h"
#include "xen-abi/evtchn.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vmm_now_ns(struct vmm *vm)
{
	return clock_ns(CLOCK_MONOTONIC) - vm->start_ns;
}

static uint64_t p_now(struct xk_domain *d) { return vmm_now_ns(vmm_of(d)); }
static uint64_t p_wallclock(struct xk_domain *d) { (void)d; return clock_ns(CLOCK_REALTIME); }

static void p_kick(struct xk_vcpu *v)
{
	vmm_kick(v->plat);
}

static int p_memory_changed(struct xk_domain *d)
{
	return kvm_sync_memslots(vmm_of(d));
}

static int p_block(struct xk_vcpu *v, uint64_t deadline,
		   bool (*wake)(struct xk_vcpu *, void *), void *arg)
{
	struct vmm_vcpu *vc = v->plat;
	struct vmm *vm = vc->vm;
	int rc = 0;

	pthread_mutex_lock(&vc->lock);
	while (!wake(v, arg) && !vm->exiting) {
		uint64_t now = vmm_now_ns(vm);
		struct timespec ts;
		uint64_t abs_ns;

		if (deadline && now >= deadline) {
			rc = -XEN_ETIMEDOUT;
			break;
		}
		if (!deadline) {
			pthread_cond_wait(&vc->wake, &vc->lock);
			continue;
		}
		/* The condvar runs on CLOCK_REALTIME: convert the remaining time. */
		abs_ns = clock_ns(CLOCK_REALTIME) + (deadline - now);
		ts.tv_sec = (time_t)(abs_ns / 1000000000ull);
		ts.tv_nsec = (long)(abs_ns % 1000000000ull);
		pthread_cond_timedwait(&vc->wake, &vc->lock, &ts);
	}
	vc->kicked = false;
	pthread_mutex_unlock(&vc->lock);
	return rc;
}

static void p_timer_changed(struct xk_vcpu *v)
{
	vmm_timers_changed(vmm_of(v->dom));
}

static const char *const reasons[] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

/* Exit statuses documented in xenkvmd(8). */
static int exit_code_for(unsigned reason)
{
	switch (reason) {
	case 0: return 0;
	case 1: return 2;
	case 2: return 5;
	case 4: return 4;
	default: return 3;
	}
}

static void p_shutdown(struct xk_domain *d, unsigned reason)
{
	struct vmm *vm = vmm_of(d);

	if (vm->console)
		fflush(vm->console);
	printf("xenkvm-vmm: domain shutdown: reason=%s code=%u\n",
	       reason < 6 ? reasons[reason] : "unknown", d->shutdown_code);
	fflush(stdout);
	vmm_request_exit(vm, exit_code_for(reason));
}

static void p_console(struct xk_domain *d, const char *buf, size_t len)
{
	struct vmm *vm = vmm_of(d);
	FILE *f = vm->console ? vm->console : stdout;

	fwrite(buf, 1, len, f);
	fflush(f);
}

static int p_vcpu_up(struct xk_vcpu *v)
{
	struct vmm_vcpu *vc = v->plat;

	if (vc->started) {
		vmm_kick(vc);	/* it may be waiting while offline */
		return 0;
	}
	/* A PV vCPU first enters the runtime, which takes it into the guest. */
	vc->enter_pvrt = vc->vm->opt.pv;
	return vmm_start_vcpu(vc) ? -XEN_EINVAL : 0;
}

static void p_log(struct xk_domain *d, const char *msg)
{
	fprintf(stderr, "xenkvm-vmm: dom%u: %s\n", d->domid, msg);
}

static uint64_t p_read_tsc(struct xk_vcpu *v)
{
	struct vmm_vcpu *vc = v->plat;

	return __rdtsc() + vc->tsc_offset;
}

static void p_remote_send(struct xk_domain *d, uint32_t port, xen_domid_t dom,
			  uint32_t remote_port)
{
	struct vmm *vm = vmm_of(d);

	(void)remote_port;
	/* Dom0's end of the console channel is this process; the rest is xenkvmd's. */
	if (dom == 0 && port == vm->console_port)
		xk_console_ring_drain(d);
	else
		vmm_port_notify(vm, port, dom);
}

const struct xk_platform_ops vmm_platform_ops = {
	.now_ns = p_now,
	.wallclock_ns = p_wallclock,
	.vcpu_kick = p_kick,
	.memory_changed = p_memory_changed,
	.vcpu_block = p_block,
	.timer_changed = p_timer_changed,
	.shutdown = p_shutdown,
	.console_out = p_console,
	.hv_console_out = vmm_hv_console_out,
	.vcpu_up = p_vcpu_up,
	.vcpu_initialise = vmm_vcpu_initialise,
	.log = p_log,
	.read_tsc = p_read_tsc,
	.evtchn_remote_send = p_remote_send,
	.vcpu_initialise_pv = pvrt_vcpu_initialise,
	.evtchn_bind_foreign = vmm_idc_bind,
	.evtchn_foreign_closed = vmm_idc_closed,
	.grant_foreign_get = vmm_grant_foreign_get,
	.grant_foreign_put = vmm_grant_foreign_put,
	.trace_hypercall = vmm_trace_hypercall,
	.release_frames = vmm_release_frames,
	.reservation_changed = vmm_reservation_changed,
	.vcpus_changed = vmm_vcpus_changed,
	.m2p_set = pvrt_m2p_set,
};

void vmm_request_exit(struct vmm *vm, int code)
{
	pthread_mutex_lock(&vm->exit_lock);
	if (!vm->exiting) {
		vm->exiting = true;
		vm->exit_code = code;
	}
	pthread_cond_broadcast(&vm->exit_cond);
	pthread_mutex_unlock(&vm->exit_lock);
}
