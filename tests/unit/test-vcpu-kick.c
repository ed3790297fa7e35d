/*
 * vCPU threads and the kick signal. A secondary vCPU is started from vCPU
 * 0's thread (VCPUOP_up); starting it once left the kick signal blocked in
 * vCPU 0's thread, which then slept in KVM_RUN through every kick (a 2-vCPU
 * Linux guest hung with an IPI pending for vCPU 0).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include "vmm/vmm.h"

static bool kick_blocked_here(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, VMM_KICK_SIGNAL);
}

static void *report_mask(void *arg)
{
	*(bool *)arg = kick_blocked_here();
	return NULL;
}

static void unblock_kick(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, VMM_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

Test(vcpu_kick, new_thread_starts_blocked_caller_keeps_its_mask)
{
	pthread_t t;
	bool child_blocked = false;

	unblock_kick();
	cr_assert_eq(vmm_spawn_kickable(&t, report_mask, &child_blocked), 0);
	pthread_join(t, NULL);
	cr_expect(child_blocked, "the new thread must start with the kick blocked");
	cr_expect(!kick_blocked_here(), "the caller's mask changed");
}

/* vCPU 0's thread, as vcpu_thread runs it: kick unblocked, then VCPUOP_up. */
static void *vcpu0(void *arg)
{
	pthread_t secondary;
	bool secondary_blocked;

	unblock_kick();
	if (vmm_spawn_kickable(&secondary, report_mask, &secondary_blocked))
		return NULL;
	pthread_join(secondary, NULL);
	*(bool *)arg = !kick_blocked_here();
	return NULL;
}

Test(vcpu_kick, vcpu0_still_takes_kicks_after_starting_a_secondary)
{
	pthread_t t;
	bool still_kickable = false;

	cr_assert_eq(vmm_spawn_kickable(&t, vcpu0, &still_kickable), 0);
	pthread_join(t, NULL);
	cr_expect(still_kickable, "vCPU 0's thread lost the kick signal by starting vCPU 1");
}

/* The signal itself reaches a thread in a blocking call, as it must KVM_RUN. */
static volatile sig_atomic_t got_kick;
static void on_kick(int sig) { (void)sig; got_kick = 1; }

static void *sleeper(void *arg)
{
	(void)arg;
	unblock_kick();
	while (!got_kick)
		pause();
	return NULL;
}

Test(vcpu_kick, a_kick_reaches_the_thread)
{
	struct sigaction sa = { .sa_handler = on_kick };
	pthread_t t;

	sigaction(VMM_KICK_SIGNAL, &sa, NULL);
	cr_assert_eq(vmm_spawn_kickable(&t, sleeper, NULL), 0);
	for (int i = 0; i < 200 && !got_kick; i++) {
		pthread_kill(t, VMM_KICK_SIGNAL);
		usleep(10000);
	}
	pthread_join(t, NULL);
	cr_expect(got_kick);
}
