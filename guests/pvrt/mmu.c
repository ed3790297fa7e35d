/*
 * The PV MMU. Guest page tables are the hardware's: entries get Xen's
 * adjustment for a ring-3 kernel (_PAGE_USER), frames are checked against
 * the domain's memory, and every L4 carries the runtime's slots. A byte per
 * RAM frame remembers which level a frame was validated as (0: none), so a
 * table shared by many L4s is walked once, not at every fork.
 */
#include "guests/pvrt/rt.h"

#define FIRST_XEN_SLOT 256
#define LAST_XEN_SLOT  271

static uint8_t *levels(void)
{
	return (uint8_t *)(PVRT_VA + PVRT_BITMAP_PT_OFF);
}

static bool is_ram(uint64_t mfn)
{
	return mfn < rt_global()->ram_frames;
}

static bool mappable(uint64_t mfn)
{
	struct pvrt_global *g = rt_global();

	return is_ram(mfn) || (mfn >= g->xpages_first && mfn < g->xpages_first + g->xpages_count);
}

void rt_install_l4_slots(uint64_t l4_maddr)
{
	volatile uint64_t *l4 = dmap(l4_maddr);
	struct pvrt_global *g = rt_global();

	for (unsigned i = 0; i < PVRT_NR_L4_SLOTS; i++)
		if (l4[pvrt_l4_slot[i]] != g->rt_l4e[i])
			l4[pvrt_l4_slot[i]] = g->rt_l4e[i];
}

static int validate(uint64_t mfn, unsigned level);

/*
 * A frame that stops being a page table must stop being one for KVM too:
 * its shadow MMU keeps a former table write-protected until something
 * zaps the shadow, and the guest's own writes to the page (now data: a
 * cleared page, a TLS block) then fault into KVM's emulation, where on PVM
 * hosts they were seen lost. A one-byte write inside an entry (misaligned,
 * in KVM's terms) makes KVM drop every shadow of the frame; a locked OR of
 * zero changes nothing for the guest.
 */
static void drop_kvm_shadow(uint64_t mfn)
{
	volatile uint8_t *b = (volatile uint8_t *)dmap(mfn << 12) + 1;

	__asm__ volatile("lock orb $0, %0" : "+m"(*b) : : "memory");
}

/* Xen's type change: a table mapped writable is no longer a table. */
static void unvalidate(uint64_t mfn)
{
	if (!levels()[mfn])
		return;
	levels()[mfn] = 0;
	drop_kvm_shadow(mfn);
}

/* Check and adjust one entry of a level-'level' table; 0 or -XEN_EINVAL. */
static int check_entry(unsigned level, uint64_t *e)
{
	uint64_t mfn = (*e & PTE_ADDR) >> 12;

	if (!(*e & PTE_P))
		return 0;
	if (level == 1) {
		if (!mappable(mfn))
			return -XEN_EINVAL;
		/* A page table mapped writable stops being one (Xen: type change). */
		if ((*e & PTE_RW) && is_ram(mfn))
			unvalidate(mfn);
	} else {
		if ((*e & PTE_PS) || !is_ram(mfn))
			return -XEN_EINVAL;
		if (levels()[mfn] != level - 1 && validate(mfn, level - 1))
			return -XEN_EINVAL;
	}
	*e |= PTE_US;
	return 0;
}

/* Walk a table not yet validated at this level, adjusting its entries. */
static int validate(uint64_t mfn, unsigned level)
{
	volatile uint64_t *t;

	if (!is_ram(mfn))
		return -XEN_EINVAL;
	if (levels()[mfn] == level)
		return 0;
	t = dmap(mfn << 12);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (level == 4 && i >= FIRST_XEN_SLOT && i <= LAST_XEN_SLOT)
			continue;
		if (!(e & PTE_P))
			continue;
		if (check_entry(level, &e))
			return -XEN_EINVAL;
		if (e != t[i])
			t[i] = e;
	}
	if (level == 4)
		rt_install_l4_slots(mfn << 12);
	levels()[mfn] = (uint8_t)level;
	return 0;
}

/*
 * A vCPU context's page-table bases (VCPUOP_initialise's ctrlreg[3] and
 * [1]): validated as L4s now, as Xen does; the VMM refuses the context if
 * one is not.
 */
void rt_validate_context_l4s(struct pvrt_vcpu *c, uint64_t ctx)
{
	uint64_t cr[8];

	(void)c;
	if (rt_copy_from_guest(cr, ctx + __builtin_offsetof(struct xen_vcpu_guest_context64,
							      ctrlreg), sizeof(cr)))
		return;
	rt_mmu_lock();
	validate(cr[3] >> 12, 4);
	if (cr[1])
		validate(cr[1] >> 12, 4);
	rt_mmu_unlock();
}

static long write_entry(uint64_t maddr, uint64_t val)
{
	uint64_t mfn = maddr >> 12;
	unsigned level, index = (maddr & 0xfff) / 8;

	if ((maddr & 7) || !is_ram(mfn))
		return -XEN_EINVAL;
	level = levels()[mfn];
	if (level) {
		if (level == 4 && index >= FIRST_XEN_SLOT && index <= LAST_XEN_SLOT)
			return -XEN_EINVAL;
		if (check_entry(level, &val))
			return -XEN_EINVAL;
	}
	*(volatile uint64_t *)dmap(maddr) = val;
	return 0;
}

long rt_write_table_entry(uint64_t maddr, uint64_t val)
{
	return write_entry(maddr, val);
}

/* Where va lands, through the current kernel page tables, if it is a page table. */
bool rt_va_to_table_entry(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr, uint64_t *entry)
{
	uint64_t table = c->cr3_kernel & PTE_ADDR, e = 0;

	for (int shift = 39; shift >= 12; shift -= 9) {
		e = *(volatile uint64_t *)dmap(table + ((va >> shift) & 511) * 8);
		if (!(e & PTE_P) || !is_ram((e & PTE_ADDR) >> 12))
			return false;
		if (e & PTE_PS) {
			if (shift == 39)
				return false;
			table = (e & PTE_ADDR & ~((1ull << shift) - 1)) + (va & ((1ull << shift) - 1) & ~0xfffull);
			break;
		}
		table = e & PTE_ADDR;
	}
	if (!levels()[table >> 12])
		return false;
	*maddr = table + (va & 0xfff);
	*entry = *(volatile uint64_t *)dmap(*maddr & ~7ull);
	return true;
}

long rt_mmu_update(struct pvrt_vcpu *c, uint64_t reqs, uint64_t count, uint64_t pdone,
		   uint64_t domid)
{
	struct xen_mmu_update u;
	uint64_t done = 0;
	long rc = 0;

	(void)c;
	count &= 0x7fffffffu;	/* MMU_UPDATE_PREEMPTED */
	if (domid != XEN_DOMID_SELF)
		return -XEN_EPERM;
	for (; done < count; done++, reqs += sizeof(u)) {
		if (rt_copy_from_guest(&u, reqs, sizeof(u))) {
			rc = -XEN_EFAULT;
			break;
		}
		switch (u.ptr & 3) {
		case MMU_NORMAL_PT_UPDATE:
		case MMU_PT_UPDATE_PRESERVE_AD:
			rc = write_entry(u.ptr & ~3ull, u.val);
			break;
		case MMU_MACHPHYS_UPDATE:
			if (!is_ram(u.ptr >> 12)) {
				rc = -XEN_EINVAL;
				break;
			}
			((volatile uint64_t *)dmap(PVRT_M2P_GPA))[u.ptr >> 12] = u.val;
			break;
		default:
			rc = -XEN_ENOSYS;
		}
		if (rc)
			break;
	}
	if (pdone && rt_copy_to_guest(pdone, &done, sizeof(uint32_t)))
		return -XEN_EFAULT;
	return rc;
}

static void flush_local(void)
{
	write_cr3(read_cr3());
}

static long set_baseptr(struct pvrt_vcpu *c, uint64_t mfn, bool user)
{
	if (user && !mfn) {
		c->cr3_user = 0;
		return 0;
	}
	if (validate(mfn, 4))
		return -XEN_EINVAL;
	rt_install_l4_slots(mfn << 12);
	if (user) {
		c->cr3_user = mfn << 12;
	} else {
		c->cr3_kernel = mfn << 12;
		if (c->in_kernel)
			write_cr3(c->cr3_kernel);
	}
	return 0;
}

long rt_new_baseptr(struct pvrt_vcpu *c, uint64_t mfn)
{
	return set_baseptr(c, mfn, false);
}

static long one_mmuext(struct pvrt_vcpu *c, const struct xen_mmuext_op *op)
{
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return validate(op->arg1, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
	case MMUEXT_UNPIN_TABLE:
		if (!is_ram(op->arg1))
			return -XEN_EINVAL;
		levels()[op->arg1] = 0;
		return 0;
	case MMUEXT_NEW_BASEPTR:
		return set_baseptr(c, op->arg1, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return set_baseptr(c, op->arg1, true);
	/*
	 * Other vCPUs need nothing: every page-table write is made by this
	 * runtime in (emulated) ring 0, so KVM's shadow MMU sees it and drops
	 * the stale translations of every vCPU itself; guest tables are never
	 * writable to the guest, so KVM keeps no unsynced ones to be flushed.
	 */
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_TLB_FLUSH_ALL:
		flush_local();
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_INVLPG_ALL:
		invlpg(op->arg1);
		return 0;
	case MMUEXT_FLUSH_CACHE:
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		return 0;	/* guest memory is coherent here */
	case MMUEXT_SET_LDT:
		return rt_set_ldt(c, op->arg1, op->arg2);
	case MMUEXT_CLEAR_PAGE:
		if (!is_ram(op->arg1))
			return -XEN_EINVAL;
		memset(dmap(op->arg1 << 12), 0, 4096);
		return 0;
	case MMUEXT_COPY_PAGE:
		if (!is_ram(op->arg1) || !is_ram(op->arg2))
			return -XEN_EINVAL;
		memcpy(dmap(op->arg1 << 12), dmap(op->arg2 << 12), 4096);
		return 0;
	}
	return -XEN_ENOSYS;
}

long rt_mmuext_op(struct pvrt_vcpu *c, uint64_t ops, uint64_t count, uint64_t pdone,
		  uint64_t domid)
{
	struct xen_mmuext_op op;
	uint64_t done = 0;
	long rc = 0;

	count &= 0x7fffffffu;
	if (domid != XEN_DOMID_SELF)
		return -XEN_EPERM;
	for (; done < count; done++, ops += sizeof(op)) {
		if (rt_copy_from_guest(&op, ops, sizeof(op))) {
			rc = -XEN_EFAULT;
			break;
		}
		rc = one_mmuext(c, &op);
		if (rc)
			break;
	}
	if (pdone && rt_copy_to_guest(pdone, &done, sizeof(uint32_t)))
		return -XEN_EFAULT;
	return rc;
}

/* The L1 entry mapping va in the current kernel page tables, or NULL. */
static volatile uint64_t *l1_entry(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr)
{
	uint64_t table = c->cr3_kernel & PTE_ADDR;

	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t ea = table + ((va >> shift) & 511) * 8;
		uint64_t e;

		if (shift == 12) {
			*maddr = ea;
			return dmap(ea);
		}
		e = *(volatile uint64_t *)dmap(ea);
		if (!(e & PTE_P) || (e & PTE_PS) || !is_ram((e & PTE_ADDR) >> 12))
			return NULL;
		table = e & PTE_ADDR;
	}
	return NULL;
}

bool rt_kernel_pte(struct pvrt_vcpu *c, uint64_t va, uint64_t *pte)
{
	volatile uint64_t *l1;
	uint64_t ea, e;

	if (!rt_canonical(va) || (va >= XEN_HYPERVISOR_VIRT_START && va < XEN_HYPERVISOR_VIRT_END))
		return false;
	l1 = l1_entry(c, va, &ea);
	if (!l1)
		return false;
	e = *l1;
	if (!(e & PTE_P) || !is_ram((e & PTE_ADDR) >> 12))
		return false;
	*pte = e;
	return true;
}

bool rt_kernel_va_to_maddr(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr)
{
	uint64_t e;

	if (!rt_kernel_pte(c, va, &e))
		return false;
	*maddr = (e & PTE_ADDR) | (va & 0xfff);
	return true;
}

int rt_kernel_read(struct pvrt_vcpu *c, uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = 4096 - (va & 0xfff);
		uint64_t maddr;

		if (n > len)
			n = len;
		if (!rt_kernel_va_to_maddr(c, va, &maddr))
			return -XEN_EFAULT;
		memcpy(out, dmap(maddr), n);
		out += n, va += n, len -= n;
	}
	return 0;
}

long rt_update_va_mapping(struct pvrt_vcpu *c, uint64_t va, uint64_t val, uint64_t flags)
{
	uint64_t maddr;
	long rc;

	if (va >= XEN_HYPERVISOR_VIRT_START && va < XEN_HYPERVISOR_VIRT_END)
		return -XEN_EINVAL;
	if (!l1_entry(c, va, &maddr))
		return -XEN_EINVAL;
	if (levels()[maddr >> 12] != 1) {
		/* Xen requires the L1 be a page table; ours validates it now. */
		if (validate(maddr >> 12, 1))
			return -XEN_EINVAL;
	}
	rc = write_entry(maddr, val);
	if (rc)
		return rc;
	switch (flags & UVMF_FLUSHTYPE_MASK) {
	case UVMF_TLB_FLUSH: flush_local(); break;
	case UVMF_INVLPG: invlpg(va); break;
	}
	return 0;
}
