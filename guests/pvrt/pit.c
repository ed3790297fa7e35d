/*
 * Channel 2 of the PC's interval timer and the speaker gate (port 0x61), as
 * Xen emulates them for PV guests: Linux calibrates the TSC against it, and
 * with no timer behind the ports its loops spin until their limits (tens of
 * thousands of trapped reads). The counter runs from the TSC; other
 * channels read as all ones.
 */
#include "guests/pvrt/rt.h"

#define PIT_HZ 1193182ull

struct pit2 {
	uint64_t start_tsc;
	uint16_t reload, latch;
	uint8_t mode, access, flip, latched;
	uint8_t port61;
};

static struct pit2 pit;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t elapsed_ticks(void)
{
	uint64_t per_tick = rt_global()->tsc_khz * 1000 / PIT_HZ;

	return (rdtsc() - pit.start_tsc) / (per_tick ? per_tick : 1);
}

static uint16_t count_now(void)
{
	uint64_t reload = pit.reload ? pit.reload : 0x10000;

	return (uint16_t)((reload - elapsed_ticks() % reload) % 0x10000);
}

static bool out2_high(void)
{
	uint64_t reload = pit.reload ? pit.reload : 0x10000;

	if (pit.mode == 0 || pit.mode == 1)
		return elapsed_ticks() >= reload;
	return (elapsed_ticks() % reload) < reload / 2;	/* square wave */
}

/* One byte of the counter: low then high, or as the access mode says. */
static uint8_t read_counter(void)
{
	uint16_t v = pit.latched ? pit.latch : count_now();
	uint8_t b;

	if (pit.access == 1)
		return (uint8_t)v;
	if (pit.access == 2)
		return (uint8_t)(v >> 8);
	b = pit.flip ? (uint8_t)(v >> 8) : (uint8_t)v;
	pit.flip ^= 1;
	if (!pit.flip)
		pit.latched = 0;
	return b;
}

static void write_control(uint8_t v)
{
	if ((v >> 6) != 2)
		return;			/* only channel 2 is ours */
	if (((v >> 4) & 3) == 0) {	/* counter latch */
		pit.latch = count_now();
		pit.latched = 1;
		pit.flip = 0;
		return;
	}
	pit.access = (v >> 4) & 3;
	pit.mode = (v >> 1) & 7;
	pit.flip = 0;
	pit.latched = 0;
}

static void write_counter(uint8_t v)
{
	if (pit.access == 1 || (pit.access == 3 && !pit.flip))
		pit.reload = (uint16_t)((pit.reload & 0xff00) | v);
	else
		pit.reload = (uint16_t)((pit.reload & 0x00ff) | ((uint16_t)v << 8));
	if (pit.access == 3)
		pit.flip ^= 1;
	if (pit.access != 3 || !pit.flip)
		pit.start_tsc = rdtsc();	/* counting starts once loaded */
}

bool rt_pit_read(unsigned port, uint8_t *v)
{
	switch (port) {
	case 0x42:
		*v = read_counter();
		return true;
	case 0x61:
		*v = (uint8_t)((pit.port61 & 0x0f) | (out2_high() ? 0x20 : 0));
		return true;
	}
	return false;
}

bool rt_pit_write(unsigned port, uint8_t v)
{
	switch (port) {
	case 0x42:
		write_counter(v);
		return true;
	case 0x43:
		write_control(v);
		return true;
	case 0x61:
		pit.port61 = v;
		return true;
	}
	return false;
}
