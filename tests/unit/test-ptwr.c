/*
 * The PV runtime's writable-page-table emulation, built for the host: the
 * instruction forms Linux uses on page-table entries, and what is refused.
 */
#include <criterion/criterion.h>
#include "guests/pvrt/ptwr.c"

/* The runtime services ptwr.c calls, over one fake table page. */
static uint64_t table[512];
static uint64_t written_maddr, written_val;
static const uint8_t *code;
static size_t code_len;
#define TABLE_MADDR 0x5000ull

bool rt_va_to_table_entry(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr, uint64_t *entry)
{
	(void)c;
	*maddr = TABLE_MADDR + (va & 0xfff);
	*entry = table[(va & 0xfff) / 8];
	return true;
}

long rt_write_table_entry(uint64_t maddr, uint64_t val)
{
	written_maddr = maddr;
	written_val = val;
	table[(maddr & 0xfff) / 8] = val;
	return 0;
}

int rt_copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	(void)gva;
	memset(dst, 0x90, len);
	memcpy(dst, code, code_len < len ? code_len : len);
	return 0;
}

uint64_t *rt_frame_gpr(struct pvrt_frame *f, unsigned n)
{
	uint64_t *r[16] = { &f->rax, &f->rcx, &f->rdx, &f->rbx, &f->rsp, &f->rbp, &f->rsi,
			    &f->rdi, &f->r8, &f->r9, &f->r10, &f->r11, &f->r12, &f->r13,
			    &f->r14, &f->r15 };
	return r[n & 15];
}

static struct pvrt_vcpu vcpu = { .in_kernel = 1 };
static struct pvrt_frame frame;
#define PTE_VA 0xffff888005a2a000ull	/* a direct-map address */

static bool run(const uint8_t *insn, size_t len, uint64_t cr2)
{
	code = insn;
	code_len = len;
	frame.rip = 0x1000;
	frame.error = 7;	/* present, write, user (the kernel runs in ring 3) */
	return rt_ptwr(&vcpu, &frame, cr2);
}

Test(ptwr, xchg_returns_the_old_entry)
{
	static const uint8_t insn[] = { 0x48, 0x87, 0x10 };	/* xchg %rdx,(%rax) */

	table[3] = 0x1234067;
	frame.rdx = 0;
	cr_assert(run(insn, sizeof(insn), PTE_VA + 24));
	cr_assert_eq(frame.rdx, 0x1234067);
	cr_assert_eq(written_maddr, TABLE_MADDR + 24);
	cr_assert_eq(table[3], 0);
	cr_assert_eq(frame.rip, 0x1003);
}

Test(ptwr, byte_and_clears_rw_as_copy_page_range_does)
{
	static const uint8_t insn[] = { 0x3e, 0x41, 0x80, 0x27, 0xfd };	/* andb $0xfd,%ds:(%r15) */

	table[0] = 0x80000000029f6867ull;
	cr_assert(run(insn, sizeof(insn), PTE_VA));
	cr_assert_eq(table[0], 0x80000000029f6865ull);
	cr_assert_eq(frame.rip, 0x1005);
}

Test(ptwr, cmpxchg_succeeds_and_fails_like_the_cpu)
{
	static const uint8_t insn[] = { 0xf0, 0x48, 0x0f, 0xb1, 0x11 };	/* lock cmpxchg %rdx,(%rcx) */

	table[1] = 0x2000067;
	frame.rax = 0x2000067;
	frame.rdx = 0x2000065;
	cr_assert(run(insn, sizeof(insn), PTE_VA + 8));
	cr_assert(frame.rflags & RFLAGS_ZF);
	cr_assert_eq(table[1], 0x2000065);
	frame.rax = 0x9999;
	frame.rdx = 0;
	cr_assert(run(insn, sizeof(insn), PTE_VA + 8));
	cr_assert_not(frame.rflags & RFLAGS_ZF);
	cr_assert_eq(frame.rax, 0x2000065, "rax gets the current entry");
	cr_assert_eq(table[1], 0x2000065, "a failed cmpxchg writes nothing");
}

Test(ptwr, bit_test_and_reset_sets_carry)
{
	static const uint8_t insn[] = { 0xf0, 0x48, 0x0f, 0xba, 0x31, 0x05 };	/* lock btrq $5,(%rcx) */

	table[2] = 0x3000067;	/* accessed bit set */
	cr_assert(run(insn, sizeof(insn), PTE_VA + 16));
	cr_assert(frame.rflags & RFLAGS_CF);
	cr_assert_eq(table[2], 0x3000047);
	cr_assert_eq(frame.rip, 0x1006);
}

Test(ptwr, mov_forms_with_sib_displacement_and_immediate)
{
	static const uint8_t sib[] = { 0x48, 0x89, 0x14, 0x24 };	/* mov %rdx,(%rsp) */
	static const uint8_t imm[] = { 0x48, 0xc7, 0x40, 0x08, 0, 0, 0, 0 };	/* movq $0,8(%rax) */
	static const uint8_t high[] = { 0x89, 0x50, 0x04 };	/* mov %edx,4(%rax): high half */

	frame.rdx = 0x4000067;
	cr_assert(run(sib, sizeof(sib), PTE_VA + 32));
	cr_assert_eq(table[4], 0x4000067);
	cr_assert_eq(frame.rip, 0x1004);
	table[5] = 0x5000067;
	cr_assert(run(imm, sizeof(imm), PTE_VA + 40));
	cr_assert_eq(table[5], 0);
	cr_assert_eq(frame.rip, 0x1008);
	table[6] = 0x6000067;
	frame.rdx = 0x80000000;
	cr_assert(run(high, sizeof(high), PTE_VA + 52));
	cr_assert_eq(table[6], 0x8000000006000067ull);
}

Test(ptwr, refuses_what_it_does_not_know)
{
	static const uint8_t rep_stos[] = { 0xf3, 0x48, 0xab };
	static const uint8_t mov[] = { 0x48, 0x89, 0x10 };

	table[7] = 0x7000067;
	cr_assert_not(run(rep_stos, sizeof(rep_stos), PTE_VA + 56));
	cr_assert_eq(table[7], 0x7000067);
	/* A kernel write fault on a user address is copy-on-write, not a PTE write. */
	cr_assert_not(run(mov, sizeof(mov), 0x7ffd00001000ull));
	/* Nor is a write from guest user mode, or a fault on a page not present. */
	vcpu.in_kernel = 0;
	cr_assert_not(run(mov, sizeof(mov), PTE_VA + 56));
	vcpu.in_kernel = 1;
	code = mov;
	code_len = sizeof(mov);
	frame.error = 6;
	cr_assert_not(rt_ptwr(&vcpu, &frame, PTE_VA + 56));
	/* An access that would straddle two entries. */
	cr_assert_not(run(mov, sizeof(mov), PTE_VA + 60));
	cr_assert_eq(table[7], 0x7000067);
}
