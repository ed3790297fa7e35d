/* XSAVE state components (bits of XCR0) and Xen's rule for an XCR0 value;
 * shared by the policy (host) and the PV runtime's XSETBV (ring 0). */
#ifndef XENKVM_XSTATE_H
#define XENKVM_XSTATE_H

#include <stdbool.h>
#include <stdint.h>

#define XSTATE_X87 (1ull << 0)
#define XSTATE_SSE (1ull << 1)
#define XSTATE_YMM (1ull << 2)
#define XSTATE_BND (3ull << 3)		/* BNDREGS, BNDCSR */
#define XSTATE_AVX512 (7ull << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define XSTATE_PKRU (1ull << 9)
#define XSTATE_INIT (XSTATE_X87 | XSTATE_SSE)	/* a new vCPU's XCR0, as Xen's */
#define X86_CR4_OSXSAVE (1ull << 18)

/* x87 always; YMM needs SSE; AVX-512's three together and with YMM; MPX's
 * two together; nothing the policy's maximum lacks. */
static inline bool xstate_xcr0_valid(uint64_t max, uint64_t xcr0)
{
	if (!(xcr0 & XSTATE_X87) || (xcr0 & ~max))
		return false;
	if ((xcr0 & XSTATE_YMM) && !(xcr0 & XSTATE_SSE))
		return false;
	if ((xcr0 & XSTATE_AVX512) &&
	    ((xcr0 & XSTATE_AVX512) != XSTATE_AVX512 || !(xcr0 & XSTATE_YMM)))
		return false;
	return !(xcr0 & XSTATE_BND) || (xcr0 & XSTATE_BND) == XSTATE_BND;
}

#endif
