/*
 * The PV domain builder, laid out as Xen's: from the kernel's virtual base,
 * the kernel image, the initrd, the p2m list, start_info, the xenstore and
 * console pages, the bootstrap page tables (mapped read-only) and a boot
 * stack, all mapped by those tables with at least 512 KiB to spare, rounded
 * to 4 MiB. Machine frames equal guest frames. All of it lies in the
 * memory the domain starts with; frames above (up to maxmem) are its
 * balloon's to take.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "vmm/pv-image.h"
#include "vmm/pv.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/hvm-params.h"

#define PAGE 4096ull
#define PTE_P  1ull
#define PTE_RW 2ull
#define PTE_US 4ull
#define PTE_A  0x20ull
#define PTE_D  0x40ull

struct layout {
	struct vmm *vm;
	uint64_t virt_base;
	uint64_t next;		/* next free guest-physical address */
};

static uint64_t take(struct layout *l, uint64_t bytes)
{
	uint64_t at = l->next;

	l->next += (bytes + PAGE - 1) & ~(PAGE - 1);
	return at;
}

static uint64_t va(const struct layout *l, uint64_t pa)
{
	return l->virt_base + pa;
}

/* The module at the next free guest-physical address: *start is that address. */
static int load_module(struct layout *l, const char *path, uint64_t *start, uint64_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint64_t at;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "xenkvm-vmm: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if ((uint64_t)st.st_size + l->next + (16u << 20) > l->vm->boot_size) {
		fprintf(stderr, "xenkvm-vmm: %s does not fit in the domain's memory\n", path);
		fclose(f);
		return -1;
	}
	at = take(l, (uint64_t)st.st_size);
	if (fread(l->vm->ram + at, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "xenkvm-vmm: %s: short read\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	*start = at;
	*len = (uint64_t)st.st_size;
	return 0;
}

/* Page-table pages needed to map [virt_base, virt_base + span). */
static uint64_t tables_for(uint64_t virt_base, uint64_t span)
{
	uint64_t end = virt_base + span - 1;
	uint64_t l3 = (end >> 39) - (virt_base >> 39) + 1;
	uint64_t l2 = (end >> 30) - (virt_base >> 30) + 1;
	uint64_t l1 = (end >> 21) - (virt_base >> 21) + 1;

	return 1 + l3 + l2 + l1;
}

static uint64_t *table(struct vmm *vm, uint64_t pa)
{
	return (uint64_t *)(vm->ram + pa);
}

/* Point entry 'idx' of the table at pa to a table allocated from *pt. */
static uint64_t child(struct vmm *vm, uint64_t pa, unsigned idx, uint64_t *pt, unsigned level)
{
	uint64_t *t = table(vm, pa);

	if (!(t[idx] & PTE_P)) {
		t[idx] = *pt | PTE_P | PTE_RW | PTE_US | PTE_A;
		pvrt_levels(vm)[*pt >> 12] = (uint8_t)level;
		*pt += PAGE;
	}
	return t[idx] & 0x000ffffffffff000ull;
}

static void map_range(struct layout *l, uint64_t pt_first, uint64_t nr_pt, uint64_t span)
{
	struct vmm *vm = l->vm;
	uint64_t l4 = pt_first, pt = pt_first + PAGE;

	pvrt_levels(vm)[l4 >> 12] = 4;
	for (uint64_t pa = 0; pa < span; pa += PAGE) {
		uint64_t v = va(l, pa);
		uint64_t l3 = child(vm, l4, (v >> 39) & 511, &pt, 3);
		uint64_t l2 = child(vm, l3, (v >> 30) & 511, &pt, 2);
		uint64_t l1 = child(vm, l2, (v >> 21) & 511, &pt, 1);
		bool is_table = pa >= pt_first && pa < pt_first + nr_pt * PAGE;

		table(vm, l1)[(v >> 12) & 511] = pa | PTE_P | PTE_US | PTE_A |
						(is_table ? 0 : PTE_RW | PTE_D);
	}
	/* The runtime's slots, as Xen puts its own into every L4. */
	for (unsigned i = 0; i < PVRT_NR_L4_SLOTS; i++)
		table(vm, l4)[pvrt_l4_slot[i]] = pvrt_global(vm)->rt_l4e[i];
}

static void fill_start_info(struct layout *l, struct xen_start_info *si, uint64_t p2m,
			    uint64_t store, uint64_t console)
{
	struct vmm *vm = l->vm;

	memset(si, 0, sizeof(*si));
	snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
	si->nr_pages = vm->boot_size / PAGE;
	si->shared_info = PVRT_XPAGES_GPA;
	si->store_mfn = store / PAGE;
	si->store_evtchn = vm->store_port;
	si->console_mfn = console / PAGE;
	si->console_evtchn = vm->console_port;
	si->mfn_list = va(l, p2m);
	if (vm->opt.cmdline)
		snprintf(si->cmd_line, sizeof(si->cmd_line), "%s", vm->opt.cmdline);
}

/* XEN_ELFNOTE_HYPERCALL_PAGE: a page of the loaded image that gets Xen's stubs. */
static int fill_hypercall_page(struct vmm *vm, const struct pv_image *img)
{
	uint64_t pa = img->hypercall_page - img->virt_base;

	if (!img->hypercall_page)
		return 0;
	if (img->hypercall_page < img->virt_base || pa & (PAGE - 1) || pa < img->paddr_start ||
	    pa + PAGE > img->paddr_end) {
		fprintf(stderr, "xenkvm-vmm: the kernel's hypercall page %#llx is not a page "
			"of its image\n", (unsigned long long)img->hypercall_page);
		return -1;
	}
	vmm_write_pv_hypercall_page(vm->ram + pa);
	return 0;
}

int pv_build(struct vmm *vm)
{
	struct layout l = { .vm = vm };
	struct pv_image img;
	struct xen_start_info *si;
	struct pvrt_vcpu *c0;
	uint64_t p2m, si_pa, store, console, pt_first, nr_pt, span, stack, mod = 0, mod_len = 0;
	uint64_t entry;
	bool mod_unmapped;
	uint32_t si_flags = 0;
	char err[256];

	if (pv_image_load(vm->opt.kernel, &img, err, sizeof(err))) {
		fprintf(stderr, "xenkvm-vmm: %s\n", err);
		return -1;
	}
	if (img.paddr_end + (8u << 20) > vm->boot_size) {
		fprintf(stderr, "xenkvm-vmm: the kernel needs more than %llu MiB of memory\n",
			(unsigned long long)(vm->boot_size >> 20));
		pv_image_free(&img);
		return -1;
	}
	memcpy(vm->ram + img.paddr_start, img.bytes, img.paddr_end - img.paddr_start);
	if (fill_hypercall_page(vm, &img)) {
		pv_image_free(&img);
		return -1;
	}
	l.virt_base = img.virt_base;
	entry = img.entry;
	l.next = img.paddr_end;
	/*
	 * XEN_ELFNOTE_MOD_START_PFN: the kernel takes its module by frame number,
	 * so Xen's builder leaves it out of the initial mapping, past it (Linux
	 * never unmaps it there: mapped, it stays writable and executable).
	 */
	mod_unmapped = img.mod_start_pfn;
	pv_image_free(&img);
	if (vm->opt.nr_modules && !mod_unmapped) {
		if (load_module(&l, vm->opt.modules[0], &mod, &mod_len))
			return -1;
		mod = va(&l, mod);
	}
	p2m = take(&l, vm->boot_size / PAGE * 8);
	for (uint64_t i = 0; i < vm->boot_size / PAGE; i++)
		((uint64_t *)(vm->ram + p2m))[i] = i;
	si_pa = take(&l, PAGE);
	store = take(&l, PAGE);
	console = take(&l, PAGE);
	pt_first = l.next;
	for (nr_pt = 1;; nr_pt++) {
		span = (pt_first + (nr_pt + 1) * PAGE + (512u << 10) + (4u << 20) - 1) & ~((4ull << 20) - 1);
		if (tables_for(l.virt_base, span) <= nr_pt)
			break;
	}
	take(&l, nr_pt * PAGE);
	stack = take(&l, PAGE);
	if (span > vm->boot_size) {
		fprintf(stderr, "xenkvm-vmm: the boot layout does not fit in the domain's memory\n");
		return -1;
	}
	if (vm->opt.nr_modules && mod_unmapped) {
		l.next = span;
		if (load_module(&l, vm->opt.modules[0], &mod, &mod_len))
			return -1;
		mod /= PAGE;
		si_flags = SIF_MOD_START_PFN;
	}
	map_range(&l, pt_first, nr_pt, span);
	si = (struct xen_start_info *)(vm->ram + si_pa);
	fill_start_info(&l, si, p2m, store, console);
	si->pt_base = va(&l, pt_first);
	si->nr_pt_frames = nr_pt;
	si->mod_start = mod;
	si->mod_len = mod_len;
	si->flags |= si_flags;
	vm->dom.hvm.param[HVM_PARAM_CONSOLE_PFN] = console / PAGE;
	vm->dom.hvm.param[HVM_PARAM_STORE_PFN] = store / PAGE;
	/*
	 * XENMEM_memory_map: one RAM entry up to maxmem, as libxl sets for every
	 * PV domain; Linux keeps what lies past nr_pages for its balloon.
	 */
	vm->dom.e820[0] = (struct xk_e820){ 0, vm->ram_size, 1 };
	vm->dom.nr_e820 = 1;

	c0 = pvrt_state(vm, 0);
	c0->cr3_kernel = pt_first;
	c0->start = (struct pvrt_frame){
		.rip = entry, .cs = XEN_FLAT_KERNEL_CS, .rflags = 0x202,
		.rsp = va(&l, stack + PAGE), .ss = XEN_FLAT_KERNEL_SS, .rsi = va(&l, si_pa),
	};
	/* A PV vCPU starts with event delivery masked. */
	*xk_upcall_mask(&vm->dom.vcpu[0]) = 1;
	return 0;
}
