/*
 * A 32-bit program with no C library. Its system calls go through
 * int $0x80 directly, as i386 programs on a 64-bit kernel may, and then
 * through the vDSO's __kernel_vsyscall (AT_SYSINFO), which uses sysenter or
 * syscall as the kernel chose for this CPU. Prints
 * "int80-32: int80 write ok pid N" and "int80-32: vdso write ok pid N"
 * and exits 0, or exits 1 at the first call that went wrong.
 */
#define AT_SYSINFO 32

typedef long (*vsyscall_fn)(void);

static long via_int80(long nr, long a, long b, long c)
{
	__asm__ volatile("int $0x80" : "+a"(nr) : "b"(a), "c"(b), "d"(c) : "memory");
	return nr;
}

/* __kernel_vsyscall takes the int $0x80 registers. */
static long via_vdso(unsigned long entry, long nr, long a, long b, long c)
{
	__asm__ volatile("call *%4" : "+a"(nr) : "b"(a), "c"(b), "d"(c), "r"(entry)
			 : "memory");
	return nr;
}

static unsigned put_num(char *p, long n)
{
	char tmp[12];
	unsigned len = 0, i = 0;

	do
		tmp[i++] = (char)('0' + n % 10);
	while ((n /= 10) && i < sizeof(tmp));
	while (i)
		p[len++] = tmp[--i];
	return len;
}

static unsigned put_str(char *p, const char *s)
{
	unsigned n = 0;

	for (; s[n]; n++)
		p[n] = s[n];
	return n;
}

/* One line through write(2) by the given door; whether it all went out. */
static int say(unsigned long vdso, const char *door)
{
	char line[80];
	unsigned n = 0;
	long pid = vdso ? via_vdso(vdso, 20, 0, 0, 0) : via_int80(20, 0, 0, 0);
	long wrote;

	n += put_str(line + n, "int80-32: ");
	n += put_str(line + n, door);
	n += put_str(line + n, " write ok pid ");
	n += put_num(line + n, pid);
	line[n++] = '\n';
	wrote = vdso ? via_vdso(vdso, 4, 1, (long)line, n) : via_int80(4, 1, (long)line, n);
	return pid > 0 && wrote == (long)n;
}

void start(unsigned long *sp) __attribute__((noreturn, used));
void start(unsigned long *sp)
{
	unsigned long *p = sp + 1 + sp[0] + 1, vdso = 0;	/* past argc, argv, NULL */
	int ok;

	while (*p++)
		;			/* past the environment */
	for (; p[0]; p += 2)
		if (p[0] == AT_SYSINFO)
			vdso = p[1];
	ok = say(0, "int80");
	if (ok && vdso)
		ok = say(vdso, "vdso");
	else if (ok)
		ok = say(0, "no AT_SYSINFO; int80");
	via_int80(1, ok ? 0 : 1, 0, 0);
	for (;;)
		;
}

__asm__(".globl _start\n_start:\n\tpushl %esp\n\tcall start\n");
