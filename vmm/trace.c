/*
 * A sampling tracer for bring-up: with XENKVM_TRACE_MS=N in the environment,
 * every N ms each vCPU is kicked out of KVM_RUN and prints where it was,
 * plus the PV runtime's counters. It costs nothing when the variable is unset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-core.h"
#include "xen-abi/evtchn.h"

static unsigned trace_ms;
static bool trace_hc;	/* XENKVM_TRACE_HC set: log every dispatched hypercall */

/*
 * Event state as the guest sees it, read without stopping anything: each
 * vCPU's upcall bytes and selector, and every port pending and unmasked.
 * A lost wakeup shows as a port pending here that no vCPU is told of.
 */
static void trace_events(struct vmm *vm)
{
	struct xk_domain *d = &vm->dom;
	struct xen_shared_info64 *s = d->shared_info;

	if (d->shinfo32)
		return;
	for (unsigned i = 0; i < vm->opt.vcpus; i++) {
		struct xen_vcpu_info64 *vi = d->vcpu[i].vcpu_info;

		fprintf(stderr, "trace: vcpu %u upcall pending %u mask %u sel %#llx\n", i,
			vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
			(unsigned long long)vi->evtchn_pending_sel);
	}
	for (uint32_t p = 1; p < 4096; p++) {
		uint64_t bit = 1ull << (p % 64);

		if ((s->evtchn_pending[p / 64] & bit) && !(s->evtchn_mask[p / 64] & bit))
			fprintf(stderr, "trace: port %u pending, unmasked, state %u vcpu %u\n", p,
				d->evtchn.port[p].state, d->evtchn.port[p].notify_vcpu);
	}
}

static void *trace_thread(void *arg)
{
	struct vmm *vm = arg;
	struct timespec ts = { trace_ms / 1000, (long)(trace_ms % 1000) * 1000000L };

	while (!vm->exiting) {
		nanosleep(&ts, NULL);
		trace_events(vm);
		for (unsigned i = 0; i < vm->opt.vcpus; i++) {
			if (vm->vcpu[i].started) {
				__atomic_store_n(&vm->vcpu[i].trace_wanted, true, __ATOMIC_SEQ_CST);
				vmm_kick(&vm->vcpu[i]);
			}
		}
	}
	return NULL;
}

void vmm_trace_hypercall(struct xk_vcpu *v, unsigned nr, const uint64_t a[6], long ret)
{
	if (trace_hc)
		fprintf(stderr, "trace: vcpu %u hypercall %u (%#llx, %#llx, %#llx) = %ld\n", v->id,
			nr, (unsigned long long)a[0], (unsigned long long)a[1],
			(unsigned long long)a[2], ret);
}

void vmm_trace_start(struct vmm *vm)
{
	const char *s = getenv("XENKVM_TRACE_MS");
	pthread_t t;

	trace_hc = getenv("XENKVM_TRACE_HC") != NULL;
	if (!s || !(trace_ms = (unsigned)atoi(s)))
		return;
	if (pthread_create(&t, NULL, trace_thread, vm) == 0)
		pthread_detach(t);
}

/* The words at the guest's stack pointer that look like kernel text addresses. */
void vmm_trace_stack(struct vmm_vcpu *vc, uint64_t rsp)
{
	struct kvm_translation t = { .linear_address = rsp };
	uint64_t *w;

	if (ioctl(vc->fd, KVM_TRANSLATE, &t) || !t.valid ||
	    t.physical_address + 512 > vc->vm->ram_size)
		return;
	w = (uint64_t *)(vc->vm->ram + t.physical_address);
	fprintf(stderr, "trace:   stack");
	for (unsigned i = 0; i < 64 && (t.physical_address & 0xfff) + i * 8 < 4096; i++)
		if (w[i] >> 32 == 0xffffffffu)
			fprintf(stderr, " %#llx", (unsigned long long)w[i]);
	fputc('\n', stderr);
}

void vmm_trace_sample(struct vmm_vcpu *vc)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (!__atomic_exchange_n(&vc->trace_wanted, false, __ATOMIC_SEQ_CST))
		return;
	if (ioctl(vc->fd, KVM_GET_REGS, &r) || ioctl(vc->fd, KVM_GET_SREGS, &s))
		return;
	fprintf(stderr, "trace: vcpu %u rip %#llx cs %#x rsp %#llx rax %#llx cr2 %#llx",
		vc->xv->id, (unsigned long long)r.rip, s.cs.selector,
		(unsigned long long)r.rsp, (unsigned long long)r.rax,
		(unsigned long long)s.cr2);
	if (vc->vm->opt.pv) {
		struct pvrt_vcpu *c = pvrt_state(vc->vm, vc->xv->id);

		fprintf(stderr, " | hc %llu traps %llu events %llu kernel %u",
			(unsigned long long)c->hypercalls, (unsigned long long)c->traps,
			(unsigned long long)c->events, c->in_kernel);
	}
	fputc('\n', stderr);
	vmm_trace_stack(vc, r.rsp);
}
