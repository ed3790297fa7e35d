/*
 * What an ordinary program sees of the CPU through a PV guest kernel: the
 * LDT (modify_ldt), I/O privilege (iopl, ioperm), the 32-bit system call
 * door (int $0x80), EFLAGS across syscall, FSGSBASE, and the debug
 * registers and single-stepping through ptrace. Each check prints
 * "user-abi: NAME ok" or "user-abi: NAME FAIL: why"; the exit status is the
 * number of failures. Built static and non-PIE: the LDT bases must be
 * 32-bit addresses.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/io.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define RFLAGS_NT (1ul << 14)
#define RFLAGS_AC (1ul << 18)

static int failures;

static void report(const char *name, const char *why)
{
	if (why) {
		printf("user-abi: %s FAIL: %s\n", name, why);
		failures++;
	} else {
		printf("user-abi: %s ok\n", name);
	}
	fflush(stdout);
}

/* Run fn; which signal it died of (0: none). Faults are what some checks expect. */
static sigjmp_buf fault_jmp;
static volatile int fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

static int faults(void (*fn)(void))
{
	struct sigaction sa = { .sa_handler = on_fault }, old[3];
	int sigs[3] = { SIGSEGV, SIGILL, SIGBUS };

	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	fault_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		fn();
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return fault_sig;
}

/* ---- LDT ---- */

static uint8_t ldt_data[2][64] __attribute__((aligned(64)));

static int set_ldt_entry(unsigned n, void *base, int seg_32bit)
{
	struct user_desc d = {
		.entry_number = n, .base_addr = (unsigned)(uintptr_t)base, .limit = 63,
		.seg_32bit = seg_32bit, .contents = 0, .useable = 1,
	};

	return (int)syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

static uint16_t ldt_selector(unsigned n)
{
	return (uint16_t)(n << 3 | 4 | 3);	/* TI = LDT, RPL 3 */
}

/* The dword at offset off of the segment sel, read with %gs loaded from the LDT. */
static uint32_t read_through(uint16_t sel, uint32_t off)
{
	uint32_t v;

	__asm__ volatile("mov %w1, %%gs\n\tmovl %%gs:(%2), %0\n\tmov %w3, %%gs"
			 : "=&r"(v) : "r"(sel), "r"((uint64_t)off), "r"(0) : "memory");
	return v;
}

/* Access rights (lar) of sel, or 0 when the CPU does not find it. */
static uint32_t access_rights(uint16_t sel)
{
	uint32_t ar = 0;

	__asm__ volatile("lar %w1, %0\n\tjz 1f\n\txor %0, %0\n1:" : "+r"(ar) : "r"(sel) : "cc");
	return ar;
}

/* Two processes with their own LDT bases, each reading through %gs across switches. */
static const char *ldt_switches(void)
{
	pid_t kids[2];
	int st, bad = 0;

	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			uint16_t sel = ldt_selector(k);
			uint32_t want;

			memcpy(&want, ldt_data[k] + 8, 4);
			__asm__ volatile("mov %w0, %%gs" : : "r"(sel));
			for (int i = 0; i < 2000; i++) {
				uint32_t v;

				sched_yield();
				__asm__ volatile("movl %%gs:8, %0" : "=r"(v));
				if (v != want)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++)
		if (waitpid(kids[k], &st, 0) != kids[k] || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	return bad ? "an LDT segment read wrong after a context switch" : NULL;
}

static void check_ldt(void)
{
	uint32_t a32, a16;

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 64; i++)
			ldt_data[k][i] = (uint8_t)(0x10 * (k + 1) + i);
	if (set_ldt_entry(0, ldt_data[0], 1) || set_ldt_entry(1, ldt_data[1], 1))
		return report("ldt", "modify_ldt refused 32-bit data segments");
	if (read_through(ldt_selector(0), 4) != 0x17161514u ||
	    read_through(ldt_selector(1), 0) != 0x23222120u)
		return report("ldt", "wrong data through a 32-bit LDT segment");
	a32 = access_rights(ldt_selector(0));
	if (!(a32 & (1u << 15)) || !(a32 & (1u << 22)))
		return report("ldt", "lar does not find a present 32-bit LDT entry");
	/* A kernel without CONFIG_X86_16BIT (Debian's) refuses 16-bit segments itself. */
	if (set_ldt_entry(2, ldt_data[1], 0) == 0) {
		a16 = access_rights(ldt_selector(2));
		if (read_through(ldt_selector(2), 0) != 0x23222120u || !(a16 & (1u << 15)) ||
		    (a16 & (1u << 22)))
			return report("ldt", "the 16-bit LDT segment is wrong");
		printf("user-abi: ldt: 16-bit data segment read\n");
	} else {
		printf("user-abi: ldt: the kernel refuses 16-bit segments (no CONFIG_X86_16BIT)\n");
	}
	report("ldt", ldt_switches());
}

/* ---- I/O privilege ---- */

/* Port 0x80 belongs to no device: a DomU reads all ones and its writes vanish. */
static void in_port_80(void) { (void)inb(0x80); }
static void out_port_80(void) { outb(0x12, 0x80); }
static void in_port_84(void) { (void)inb(0x84); }

static void check_iopl(void)
{
	if (iopl(3))
		return report("iopl", "iopl(3) refused");
	if (faults(out_port_80) || faults(in_port_80))
		return report("iopl", "port I/O faulted with iopl(3)");
	if (inb(0x80) != 0xff)
		return report("iopl", "port 0x80 does not read all ones");
	iopl(0);
	if (faults(in_port_80) != SIGSEGV)
		return report("iopl", "port I/O after iopl(0) did not give SIGSEGV");
	report("iopl", NULL);
}

static void check_ioperm(void)
{
	if (ioperm(0x80, 1, 1))
		return report("ioperm", "ioperm(0x80, 1, 1) refused");
	if (faults(in_port_80) || faults(out_port_80))
		return report("ioperm", "I/O on an allowed port faulted");
	if (faults(in_port_84) != SIGSEGV)
		return report("ioperm", "I/O on a port not allowed did not give SIGSEGV");
	ioperm(0x80, 1, 0);
	if (faults(in_port_80) != SIGSEGV)
		return report("ioperm", "I/O after ioperm(0x80, 1, 0) did not give SIGSEGV");
	report("ioperm", NULL);
}

/* ---- int $0x80 from a 64-bit program: the i386 system call table ---- */

static void check_int80(void)
{
	long pid = 20;	/* i386 getpid */

	__asm__ volatile("int $0x80" : "+a"(pid) : : "memory");
	report("int80", pid == getpid() ? NULL : "int $0x80 getpid gave another answer");
}

/* ---- EFLAGS across syscall ---- */

static void check_syscall_flags(void)
{
	unsigned long set = RFLAGS_NT | RFLAGS_AC, after;

	/* No memory access while AC is set: glibc's code may be unaligned. */
	__asm__ volatile("pushfq\n\torq %1, (%%rsp)\n\tpopfq\n\t"
			 "movl $39, %%eax\n\tsyscall\n\t"
			 "pushfq\n\tpopq %0\n\t"
			 "pushfq\n\tnotq %1\n\tandq %1, (%%rsp)\n\tpopfq"
			 : "=&r"(after), "+r"(set) : : "rax", "rcx", "r11", "memory", "cc");
	report("syscall-flags", (after & (RFLAGS_NT | RFLAGS_AC)) == (RFLAGS_NT | RFLAGS_AC) ?
	       NULL : "NT or AC set before syscall came back cleared");
}

/* ---- FSGSBASE: #UD unless CPUID offers it ---- */

static void rdfsbase(void)
{
	uint64_t v;

	__asm__ volatile("rdfsbase %0" : "=r"(v));
}

static void check_fsgsbase(void)
{
	unsigned a, b, c, d;
	int offered = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & 1);
	int sig = faults(rdfsbase);

	if (offered)
		report("fsgsbase", sig ? "offered by CPUID but rdfsbase faults" : NULL);
	else
		report("fsgsbase", sig == SIGILL ? NULL : "not offered by CPUID but rdfsbase runs");
}

/* ---- debug registers and single-step, through ptrace ---- */

static volatile uint32_t watched;
static volatile uint16_t ss_copy;
extern char after_mov_ss[];

/* DR2's instruction breakpoint: a fault, which the kernel resumes with RF. */
__attribute__((noinline)) static void exec_target(void)
{
	__asm__ volatile("" ::: "memory");
}

static void traced_child(void)
{
	uint16_t ss;

	__asm__ volatile("mov %%ss, %0" : "=r"(ss));
	ss_copy = ss;
	ptrace(PTRACE_TRACEME, 0, 0, 0);
	raise(SIGSTOP);
	watched = 42;	/* DR0: write watchpoint */
	exec_target();	/* DR2: instruction breakpoint */
	/* DR1 watches ss_copy; the trap waits for the instruction after mov ss. */
	__asm__ volatile("mov %0, %%ss\n\tnop\n"
			 ".globl after_mov_ss\nafter_mov_ss:" : : "m"(ss_copy));
	/*
	 * The same just before syscall: hardware holds the #DB over into the
	 * kernel's entry (XSA-260); Xen notes it in DR6 and goes on.
	 */
	__asm__ volatile("mov %1, %%ss\n\tsyscall" : "=a"(ss) : "m"(ss_copy), "a"(SYS_getppid)
			 : "rcx", "r11", "memory");
	_exit(7);
}

static long dr_offset(int n)
{
	return (long)offsetof(struct user, u_debugreg) + n * (long)sizeof(long);
}

/* Continue the child; the signal it stopped with, or -1 when it exited or died. */
static int cont(pid_t pid, int *status)
{
	ptrace(PTRACE_CONT, pid, 0, 0);
	if (waitpid(pid, status, 0) != pid || !WIFSTOPPED(*status))
		return -1;
	return WSTOPSIG(*status);
}

static const char *watchpoints(pid_t pid)
{
	struct user_regs_struct r;
	unsigned long dr7, dr6;
	int st;

	dr7 = 1ul | 1ul << 16 | 3ul << 18;		/* DR0: enabled, write, 4 bytes */
	dr7 |= 1ul << 2 | 3ul << 20 | 1ul << 22;	/* DR1: enabled, read/write, 2 bytes */
	dr7 |= 1ul << 4;				/* DR2: enabled, execute */
	if (ptrace(PTRACE_POKEUSER, pid, dr_offset(0), &watched) ||
	    ptrace(PTRACE_POKEUSER, pid, dr_offset(1), &ss_copy) ||
	    ptrace(PTRACE_POKEUSER, pid, dr_offset(2), exec_target) ||
	    ptrace(PTRACE_POKEUSER, pid, dr_offset(7), dr7))
		return "ptrace refused the debug registers";
	if (cont(pid, &st) != SIGTRAP)
		return "no SIGTRAP for the write watchpoint";
	dr6 = (unsigned long)ptrace(PTRACE_PEEKUSER, pid, dr_offset(6), 0);
	if (!(dr6 & 1))
		return "DR6 does not name DR0 after the write watchpoint";
	if (cont(pid, &st) != SIGTRAP)
		return "no SIGTRAP for the instruction breakpoint";
	ptrace(PTRACE_GETREGS, pid, 0, &r);
	dr6 = (unsigned long)ptrace(PTRACE_PEEKUSER, pid, dr_offset(6), 0);
	if (r.rip != (unsigned long)exec_target || !(dr6 & 4))
		return "the instruction breakpoint stopped elsewhere or DR6 does not name DR2";
	/* Resumed with RF, it runs on; without, it would fault here again. */
	if (cont(pid, &st) != SIGTRAP)
		return "no single SIGTRAP for the read watchpoint at mov ss";
	/*
	 * Hardware delays it past the next instruction; QEMU's TCG (the SVM
	 * rig's CPU) reports it right after mov ss. Either is one SIGTRAP.
	 */
	ptrace(PTRACE_GETREGS, pid, 0, &r);
	if (r.rip == (unsigned long)exec_target)
		return "the instruction breakpoint hit again: RF was lost on the way back";
	if (r.rip != (unsigned long)after_mov_ss && r.rip != (unsigned long)after_mov_ss - 1) {
		printf("user-abi: mov ss watchpoint at after_mov_ss%+ld\n",
		       (long)(r.rip - (unsigned long)after_mov_ss));
		return "the mov ss watchpoint trapped elsewhere than after mov ss or the next instruction";
	}
	/* mov ss; syscall: no SIGTRAP (Xen) or one (where the CPU does not hold it over) */
	if (cont(pid, &st) == SIGTRAP)
		cont(pid, &st);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return "the traced program did not end normally after mov ss; syscall";
	return NULL;
}

static void check_watchpoints(void)
{
	pid_t pid = fork();
	const char *why;
	int st;

	if (pid == 0)
		traced_child();
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return report("watchpoint", "the traced program did not stop");
	why = watchpoints(pid);
	if (why) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	report("watchpoint", why);
}

/* Single-step a child through system calls until it exits: every stop a SIGTRAP. */
static void stepped_child(void)
{
	ptrace(PTRACE_TRACEME, 0, 0, 0);
	raise(SIGSTOP);
	for (int i = 0; i < 3; i++)
		syscall(SYS_getppid);
	_exit(5);
}

static void check_single_step(void)
{
	pid_t pid = fork();
	long steps = 0;
	int st;

	if (pid == 0)
		stepped_child();
	waitpid(pid, &st, 0);
	for (;;) {
		ptrace(PTRACE_SINGLESTEP, pid, 0, 0);
		if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
			break;
		steps++;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 5)
		return report("single-step", "the stepped program died or stopped on another signal");
	printf("user-abi: single-step took %ld steps\n", steps);
	report("single-step", steps > 10 ? NULL : "too few steps");
}

/* gdb's target: a variable it watches changing (see t-user-abi). */
volatile int gdb_counter;

static void count(void)
{
	for (int i = 1; i <= 3; i++)
		gdb_counter = i * 10;
	printf("user-abi: counted to %d\n", gdb_counter);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(void); } checks[] = {
		{ "ldt", check_ldt }, { "iopl", check_iopl }, { "ioperm", check_ioperm },
		{ "int80", check_int80 }, { "syscall-flags", check_syscall_flags },
		{ "fsgsbase", check_fsgsbase }, { "watchpoint", check_watchpoints },
		{ "single-step", check_single_step }, { "count", count },
	};
	int ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (argc > 1 && strcmp(argv[1], checks[i].name))
			continue;
		if (argc == 1 && checks[i].fn == count)
			continue;
		checks[i].fn();
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "usage: user-abi [ldt|iopl|ioperm|int80|syscall-flags|fsgsbase|"
			"watchpoint|single-step|count]\n");
		return 2;
	}
	return failures;
}
