/* One thread per domain fires vCPU timers (VIRQ_TIMER) at their deadlines. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "vmm/vmm.h"
#include "xen-abi/time.h"

static uint64_t earliest_deadline(struct vmm *vm)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < vm->dom.nr_vcpus; i++) {
		uint64_t t = xk_vcpu_timer_next_deadline(&vm->dom.vcpu[i]);
		if (t && (!best || t < best))
			best = t;
	}
	return best;
}

static void *timer_thread(void *arg)
{
	struct vmm *vm = arg;

	pthread_mutex_lock(&vm->timer_lock);
	while (!vm->exiting) {
		uint64_t next = earliest_deadline(vm), now = vmm_now_ns(vm);

		if (next && next <= now) {
			pthread_mutex_unlock(&vm->timer_lock);
			for (unsigned i = 0; i < vm->dom.nr_vcpus; i++)
				xk_vcpu_timer_expire(&vm->dom.vcpu[i], now);
			pthread_mutex_lock(&vm->timer_lock);
			continue;
		}
		if (!next) {
			pthread_cond_wait(&vm->timer_cond, &vm->timer_lock);
		} else {
			/* timer_cond uses CLOCK_MONOTONIC (see vmm_start_timers). */
			uint64_t abs = vm->start_ns + next;
			struct timespec ts = { (time_t)(abs / 1000000000ull),
					       (long)(abs % 1000000000ull) };
			pthread_cond_timedwait(&vm->timer_cond, &vm->timer_lock, &ts);
		}
	}
	pthread_mutex_unlock(&vm->timer_lock);
	return NULL;
}

void vmm_timers_changed(struct vmm *vm)
{
	pthread_mutex_lock(&vm->timer_lock);
	pthread_cond_signal(&vm->timer_cond);
	pthread_mutex_unlock(&vm->timer_lock);
}

int vmm_start_timers(struct vmm *vm)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&vm->timer_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->timer_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&vm->timer_thread, NULL, timer_thread, vm)) {
		fprintf(stderr, "xenkvm-vmm: cannot start the timer thread\n");
		return -1;
	}
	return 0;
}
