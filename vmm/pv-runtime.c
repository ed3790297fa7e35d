/*
 * Host side of the PV runtime: load it into its region, give it page tables
 * for Xen's reserved L4 slots, an IDT, per-vCPU GDT/TSS/stack/state, the M2P,
 * and enter it in ring 0; then serve its requests on PVRT_PORT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "guests/pvrt/pvrt-abi.h"
#include "vmm/pv.h"
#include "xen-abi/xstate.h"

extern const uint8_t pvrt_blob[], pvrt_blob_end[];

#define PTE_P  1ull
#define PTE_RW 2ull
#define PTE_US 4ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)

#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

static uint8_t *rt_host(struct vmm *vm, uint64_t off)
{
	return vm->pvrt + off;
}

static uint64_t *rt_pt(struct vmm *vm, unsigned page)
{
	return (uint64_t *)rt_host(vm, PVRT_PT_OFF + (uint64_t)page * 4096);
}

static uint64_t rt_pt_gpa(unsigned page)
{
	return PVRT_GPA + PVRT_PT_OFF + (uint64_t)page * 4096;
}

struct pvrt_vcpu *pvrt_state(struct vmm *vm, unsigned id)
{
	return (struct pvrt_vcpu *)rt_host(vm, PVRT_VCPU_OFF + (uint64_t)id * PVRT_VCPU_SIZE +
					   PVRT_VCPU_STATE);
}

struct pvrt_global *pvrt_global(struct vmm *vm)
{
	return (struct pvrt_global *)rt_host(vm, PVRT_GLOBAL_OFF);
}

uint8_t *pvrt_levels(struct vmm *vm)
{
	return rt_host(vm, PVRT_BITMAP_PT_OFF);
}

/* LSTAR's page: "movabs %eax, PVRT_DOORBELL_VA; ud2", and the doorbell page after it. */
static void build_syscall_doorbell(struct vmm *vm)
{
	uint8_t *code = rt_host(vm, PVRT_SYSCALL_PAGE_OFF);
	uint64_t doorbell = PVRT_DOORBELL_VA;

	code[0] = 0xa3;
	memcpy(code + 1, &doorbell, 8);
	code[9] = 0x0f;
	code[10] = 0x0b;
	rt_pt(vm, 13)[(PVRT_SYSCALL_VA >> 30) & 511] = rt_pt_gpa(14) | PTE_P | PTE_RW | PTE_US;
	rt_pt(vm, 14)[0] = rt_pt_gpa(15) | PTE_P | PTE_RW | PTE_US;
	rt_pt(vm, 15)[0] = (PVRT_GPA + PVRT_SYSCALL_PAGE_OFF) | PTE_P | PTE_US;
	rt_pt(vm, 15)[1] = PVRT_DOORBELL_GPA | PTE_P | PTE_RW | PTE_US | PTE_NX;
	pvrt_global(vm)->rt_l4e[4] = rt_pt_gpa(13) | PTE_P | PTE_RW | PTE_US;
}

static void build_page_tables(struct vmm *vm)
{
	struct pvrt_global *g = pvrt_global(vm);

	/* M2P: read-only to the guest, 2 MiB pages. */
	rt_pt(vm, 0)[0] = rt_pt_gpa(1) | PTE_P | PTE_US;
	for (unsigned i = 0; i < PVRT_M2P_SIZE >> 21; i++)
		rt_pt(vm, 1)[i] = (PVRT_M2P_GPA + ((uint64_t)i << 21)) | PTE_P | PTE_US | PTE_PS |
				  PTE_NX;
	/* The runtime itself: supervisor only. */
	rt_pt(vm, 2)[0] = rt_pt_gpa(3) | PTE_P | PTE_RW;
	for (unsigned i = 0; i < PVRT_SIZE >> 21; i++)
		rt_pt(vm, 3)[i] = (PVRT_GPA + ((uint64_t)i << 21)) | PTE_P | PTE_RW | PTE_PS;
	/* Direct map of the first 4 GiB of guest-physical space, in 2 MiB pages
	 * (1 GiB pages are not in every guest CPUID). */
	for (unsigned i = 0; i < 4; i++) {
		rt_pt(vm, 4)[i] = rt_pt_gpa(5 + i) | PTE_P | PTE_RW;
		for (unsigned j = 0; j < 512; j++)
			rt_pt(vm, 5 + i)[j] = (((uint64_t)i << 30) + ((uint64_t)j << 21)) |
					      PTE_P | PTE_RW | PTE_PS | PTE_NX;
	}
	/* The syscall trampoline: one user-executable page in slot 256. */
	rt_pt(vm, 12)[(PVRT_TRAMPOLINE_VA >> 30) & 511] = rt_pt_gpa(9) | PTE_P | PTE_US;
	rt_pt(vm, 9)[0] = rt_pt_gpa(10) | PTE_P | PTE_US;
	rt_pt(vm, 10)[0] = rt_pt_gpa(11) | PTE_P | PTE_US;
	memcpy(rt_pt(vm, 11), "\xcd\xf4\x0f\x0b", 4);	/* int $0xf4; ud2 */
	g->rt_l4e[0] = rt_pt_gpa(12) | PTE_P | PTE_US;
	g->rt_l4e[1] = rt_pt_gpa(0) | PTE_P | PTE_US;
	g->rt_l4e[2] = rt_pt_gpa(2) | PTE_P | PTE_RW;
	g->rt_l4e[3] = rt_pt_gpa(4) | PTE_P | PTE_RW;
	build_syscall_doorbell(vm);
}

static void set_gate(uint8_t *idt, unsigned vec, uint64_t handler)
{
	uint8_t *g = idt + vec * 16;

	memset(g, 0, 16);
	g[0] = (uint8_t)handler;
	g[1] = (uint8_t)(handler >> 8);
	g[2] = (uint8_t)PVRT_CS0;
	g[3] = (uint8_t)(PVRT_CS0 >> 8);
	g[5] = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
	g[6] = (uint8_t)(handler >> 16);
	g[7] = (uint8_t)(handler >> 24);
	memcpy(g + 8, (uint8_t *)&handler + 4, 4);
}

static void build_idt(struct vmm *vm, const struct pvrt_header *h, bool pvm)
{
	uint8_t *idt = rt_host(vm, PVRT_IDT_OFF);

	for (unsigned v = 0; v < 22; v++)
		set_gate(idt, v, h->exc[v]);
	idt[1 * 16 + 4] = 1;	/* #DB on IST 1 */
	set_gate(idt, 128, h->exc128);
	set_gate(idt, PVRT_VEC_EVENT, h->event);
	set_gate(idt, PVRT_VEC_SYSCALL, h->syscall_gate);
	/* DPL 3: the trampoline runs in ring 3. Elsewhere syscall has its own
	 * entries, and the guest's int $0xf4 gets Xen's #GP. */
	if (pvm)
		idt[PVRT_VEC_SYSCALL * 16 + 5] = 0xee;
}

static uint64_t vcpu_va(unsigned id, uint64_t off)
{
	return PVRT_VA + PVRT_VCPU_OFF + (uint64_t)id * PVRT_VCPU_SIZE + off;
}

static void build_vcpu(struct vmm *vm, unsigned id)
{
	uint8_t *base = rt_host(vm, PVRT_VCPU_OFF + (uint64_t)id * PVRT_VCPU_SIZE);
	uint64_t *gdt = (uint64_t *)(base + PVRT_VCPU_GDT);
	uint64_t tss = vcpu_va(id, PVRT_VCPU_TSS);
	uint64_t *x = gdt + XEN_FIRST_RESERVED_GDT_ENTRY;
	struct pvrt_vcpu *c = pvrt_state(vm, id);
	uint8_t *t = base + PVRT_VCPU_TSS;
	uint64_t top = vcpu_va(id, PVRT_VCPU_STACK_TOP);
	uint64_t db_top = vcpu_va(id, PVRT_VCPU_DB_STACK_TOP);

	x[1] = 0x00af9b000000ffffull;	/* 0xe008: ring-0 64-bit code */
	x[2] = 0x00cf93000000ffffull;	/* 0xe010: ring-0 data */
	x[4] = 0x00cffb000000ffffull;	/* 0xe023: FLAT_RING3_CS32 */
	x[5] = 0x00cff3000000ffffull;	/* 0xe02b: FLAT_RING3_DS32 / SS64 */
	x[6] = 0x00affb000000ffffull;	/* 0xe033: FLAT_RING3_CS64 */
	x[8] = 0x67 | ((tss & 0xffffff) << 16) | (0x89ull << 40) | (((tss >> 24) & 0xff) << 56);
	x[9] = tss >> 32;
	memcpy(t + 4, &top, 8);		/* rsp0 */
	memcpy(t + 36, &db_top, 8);	/* ist1: #DB (see entry.S) */
	t[0x66] = 0x68;			/* no I/O bitmap */
	c->self = vcpu_va(id, PVRT_VCPU_STATE);
	c->stack_top = top;
	c->id = id;
	c->cr4_shadow = 0x620;	/* OSXMMEXCPT OSFXSR PAE, as the guest first reads it */
	c->xcr0 = XSTATE_INIT;
	pvrt_sync_vcpu_info(vm, id);
}

void pvrt_after_hypercall(struct vmm *vm, uint32_t nr)
{
	/* VCPUOP_register_vcpu_info moves any vCPU's (Linux does them all from one). */
	if (nr == XEN_HC_vcpu_op)
		for (unsigned i = 0; i < vm->opt.vcpus; i++)
			pvrt_sync_vcpu_info(vm, i);
	/* set_iopl, set_iobitmap: the runtime decides cli, sti and port I/O by them. */
	if (nr == XEN_HC_physdev_op)
		for (unsigned i = 0; i < vm->opt.vcpus; i++) {
			if (vm->dom.vcpu[i].iopl_set)
				pvrt_state(vm, i)->iopl = vm->dom.vcpu[i].iopl;
			vm->dom.vcpu[i].iopl_set = false;
			pvrt_state(vm, i)->iobmp = vm->dom.vcpu[i].iobmp;
			pvrt_state(vm, i)->iobmp_limit = vm->dom.vcpu[i].iobmp_limit;
		}
}

void pvrt_sync_vcpu_info(struct vmm *vm, unsigned id)
{
	struct xk_vcpu *v = &vm->dom.vcpu[id];
	uint64_t gpa = v->vcpu_info_gpa ? v->vcpu_info_gpa : PVRT_XPAGES_GPA + (uint64_t)id * 64;

	pvrt_state(vm, id)->vcpu_info = PVRT_DMAP_VA + gpa;
}

int pvrt_setup(struct vmm *vm)
{
	const struct pvrt_header *h = (const void *)pvrt_blob;
	size_t len = (size_t)(pvrt_blob_end - pvrt_blob);
	uint64_t size = PVRT_SIZE + PVRT_M2P_SIZE;
	bool pvm = kvm_host_is_pvm();
	struct pvrt_global *g;
	uint64_t *m2p;
	int fd;

	if (h->magic != PVRT_MAGIC || len > PVRT_IMAGE_MAX) {
		fprintf(stderr, "xenkvm-vmm: the embedded PV runtime is damaged\n");
		return -1;
	}
	fd = memfd_create("xenkvm-pvrt", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return -1;
	vm->pvrt = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (vm->pvrt == MAP_FAILED)
		return -1;
	memcpy(vm->pvrt, pvrt_blob, len);
	g = pvrt_global(vm);
	g->ram_frames = vm->ram_size >> 12;
	g->xpages_first = PVRT_XPAGES_GPA >> 12;
	g->xpages_count = XK_XPAGE_COUNT;
	g->nr_vcpus = vm->opt.vcpus;
	g->tsc_khz = vm->dom.tsc_khz;
	g->xcr0_max = vm->cpu_policy ? cpu_policy_xcr0_max(vm->cpu_policy) : 0;
	/* 1: traps bounced to the guest; 2: every trap (bring-up aids) */
	g->trace_traps = getenv("XENKVM_TRACE_TRAPS") ? (uint32_t)atoi(getenv("XENKVM_TRACE_TRAPS")) : 0;
	m2p = (uint64_t *)rt_host(vm, PVRT_SIZE);
	/* Frames past the boot memory have no guest frame until populated. */
	for (uint64_t i = 0; i < PVRT_M2P_SIZE / 8; i++)
		m2p[i] = i < vm->boot_size >> 12 ? i : ~0ull;
	build_page_tables(vm);
	build_idt(vm, h, pvm);
	pvrt_syscall_targets(h, pvm, g->lstar, g->cstar);
	for (unsigned i = 0; i < vm->opt.vcpus; i++)
		build_vcpu(vm, i);
	if (gmem_add(&vm->dom.mem, PVRT_XPAGES_GPA, (uint64_t)XK_XPAGE_COUNT * 4096,
		     vm->xen_pages, GMEM_XEN_PAGE) ||
	    gmem_add(&vm->dom.mem, PVRT_GPA, size, vm->pvrt, GMEM_XEN_PAGE))
		return -1;
	vm->dom.shared_info_gfn = PVRT_XPAGES_GPA >> 12;
	vm->dom.pv = true;
	vm->dom.m2p_va = PVRT_M2P_VA;
	vm->dom.m2p_entries = PVRT_M2P_SIZE / 8;
	vm->dom.xpages_mfn = PVRT_XPAGES_GPA >> 12;
	return kvm_sync_memslots(vm);
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code64)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = !code64, .s = 1, .l = code64, .g = 1,
	};
}

/*
 * sysenter into the runtime's entry on this vCPU's stack. Only Intel CPUs
 * take sysenter in long mode; a host that refuses the MSRs leaves 32-bit
 * guest programs on int $0x80 and syscall, so that is said, not fatal.
 */
static void set_sysenter_msrs(struct vmm_vcpu *vc)
{
	const struct pvrt_header *h = (const void *)pvrt_blob;
	struct { struct kvm_msrs m; struct kvm_msr_entry e[3]; } msrs = {
		.m = { .nmsrs = 3 },
		.e = {
			{ .index = MSR_SYSENTER_CS, .data = PVRT_CS0 },
			{ .index = MSR_SYSENTER_ESP, .data = vcpu_va(vc->xv->id, PVRT_VCPU_STACK_TOP) },
			{ .index = MSR_SYSENTER_EIP, .data = h->sysenter_native },
		},
	};

	if (ioctl(vc->fd, KVM_SET_MSRS, &msrs) != 3)
		fprintf(stderr, "xenkvm-vmm: this host refused the SYSENTER MSRs: "
			"no sysenter for the guest's 32-bit programs\n");
}

/* The vCPU starts in guest kernel mode: LSTAR and CSTAR for that mode. */
static int set_msrs(struct vmm_vcpu *vc)
{
	const struct pvrt_global *g = pvrt_global(vc->vm);
	struct { struct kvm_msrs m; struct kvm_msr_entry e[5]; } msrs = {
		.m = { .nmsrs = 5 },
		.e = {
			{ .index = MSR_STAR, .data = (uint64_t)PVRT_CS0 << 32 },
			{ .index = MSR_LSTAR, .data = g->lstar[1] },
			{ .index = MSR_CSTAR, .data = g->cstar[1] },
			/* syscall enters with IF, TF, DF, AC and NT clear */
			{ .index = MSR_SFMASK, .data = 0x47700 },
			{ .index = MSR_KERNEL_GS_BASE, .data = 0 },
		},
	};

	if (ioctl(vc->fd, KVM_SET_MSRS, &msrs) != 5) {
		fprintf(stderr, "xenkvm-vmm: PV runtime MSRs refused\n");
		return -1;
	}
	set_sysenter_msrs(vc);
	return 0;
}

int pvrt_set_xcr0(struct vmm_vcpu *vc, uint64_t xcr0)
{
	struct kvm_xcrs x = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = xcr0 } } };

	if (ioctl(vc->fd, KVM_SET_XCRS, &x) < 0) {
		perror("xenkvm-vmm: KVM_SET_XCRS");
		return -1;
	}
	return 0;
}

/* Registers to enter pvrt_start on this vCPU, in ring 0 on its own stack. */
int pvrt_enter(struct vmm_vcpu *vc)
{
	struct vmm *vm = vc->vm;
	const struct pvrt_header *h = (const void *)pvrt_blob;
	struct pvrt_vcpu *c = pvrt_state(vm, vc->xv->id);
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = h->start, .rsp = c->stack_top, .rflags = 2 };

	if (ioctl(vc->fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	seg(&s.cs, PVRT_CS0, 11, true);
	seg(&s.ds, PVRT_DS0, 3, false);
	s.es = s.ss = s.ds;
	seg(&s.fs, 0, 3, false);
	s.gs = s.fs;
	s.gs.base = c->self;
	s.tr = (struct kvm_segment){ .base = vcpu_va(vc->xv->id, PVRT_VCPU_TSS), .limit = 0x67,
				     .selector = PVRT_TSS, .type = 11, .present = 1 };
	s.ldt = (struct kvm_segment){ .type = 2, .unusable = 1 };
	s.gdt.base = vcpu_va(vc->xv->id, PVRT_VCPU_GDT);
	s.gdt.limit = 0xffff;
	s.idt.base = PVRT_VA + PVRT_IDT_OFF;
	s.idt.limit = 0xfff;
	s.cr0 = 0x80050033;	/* PG AM WP NE ET MP PE */
	s.cr3 = c->cr3_kernel;
	s.cr4 = 0x620;		/* OSXMMEXCPT OSFXSR PAE */
	if (pvrt_global(vm)->xcr0_max)
		s.cr4 |= X86_CR4_OSXSAVE;	/* always on, as Xen runs; the guest's is cr4_shadow */
	s.efer = 0xd01;		/* NXE LMA LME SCE */
	if (ioctl(vc->fd, KVM_SET_SREGS, &s) < 0 || ioctl(vc->fd, KVM_SET_REGS, &r) < 0) {
		perror("xenkvm-vmm: enter the PV runtime");
		return -1;
	}
	if (pvrt_global(vm)->xcr0_max && pvrt_set_xcr0(vc, c->xcr0))
		return -1;
	return set_msrs(vc);
}

/* populate_physmap told the guest machine frame mfn now holds its frame pfn. */
void pvrt_m2p_set(struct xk_domain *d, uint64_t mfn, uint64_t pfn)
{
	struct vmm *vm = vmm_of(d);

	if (mfn < PVRT_M2P_SIZE / 8)
		((uint64_t *)rt_host(vm, PVRT_SIZE))[mfn] = pfn;
}
