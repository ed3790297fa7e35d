/*
 * The PV domain builder over Debian's cloud kernel (when scripts/fetch-assets.sh
 * has cached it): Xen's start_info, the p2m, and a domain whose maxmem is
 * above its memory - all laid out in the memory it starts with, its memory
 * map reaching maxmem.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vmm/pv.h"
#include "xen-abi/abi-pv.h"

static struct vmm vm;
static uint8_t vcpu_info[64];
static char kernel[512];

static void build_vm(uint64_t memory_mb, uint64_t maxmem_mb)
{
	const char *home = getenv("HOME");

	snprintf(kernel, sizeof(kernel), "%s/.cache/xenkvm/vmlinuz", home ? home : "/root");
	if (access(kernel, R_OK))
		cr_skip_test("no Debian kernel in %s (scripts/fetch-assets.sh fetches it)", kernel);
	memset(&vm, 0, sizeof(vm));
	vm.opt.kernel = kernel;
	vm.opt.vcpus = 1;
	vm.opt.cmdline = "console=hvc0";
	vm.boot_size = memory_mb << 20;
	vm.ram_size = (maxmem_mb > memory_mb ? maxmem_mb : memory_mb) << 20;
	vm.ram = calloc(1, vm.ram_size);
	vm.pvrt = calloc(1, PVRT_SIZE + PVRT_M2P_SIZE);
	cr_assert(vm.ram && vm.pvrt);
	vm.dom.vcpu[0].vcpu_info = vcpu_info;
}

static void free_vm(void)
{
	free(vm.ram);
	free(vm.pvrt);
}

static struct xen_start_info *start_info(void)
{
	uint64_t va = pvrt_state(&vm, 0)->start.rsi;

	return (struct xen_start_info *)(vm.ram + (va - 0xffffffff80000000ull));
}

Test(pv_builder, a_domain_that_may_grow_starts_with_its_memory)
{
	struct xen_start_info *si;
	uint64_t *p2m;

	build_vm(128, 192);
	cr_assert_eq(pv_build(&vm), 0);
	si = start_info();
	cr_assert_str_eq(si->magic, "xen-3.0-x86_64");
	cr_assert_eq(si->nr_pages, (128u << 20) >> 12, "maxmem is the balloon's, not start_info's");
	cr_assert_str_eq(si->cmd_line, "console=hvc0");
	p2m = (uint64_t *)(vm.ram + (si->mfn_list - 0xffffffff80000000ull));
	cr_assert_eq(p2m[0], 0);
	cr_assert_eq(p2m[si->nr_pages - 1], si->nr_pages - 1, "machine frames are guest frames");
	cr_assert_lt(si->pt_base - 0xffffffff80000000ull + si->nr_pt_frames * 4096, 128u << 20);
	cr_assert_eq(vm.dom.nr_e820, 1, "libxl's one-entry map for PV domains");
	cr_assert_eq(vm.dom.e820[0].addr, 0);
	cr_assert_eq(vm.dom.e820[0].size, 192u << 20, "the map reaches maxmem");
	cr_assert_eq(vm.dom.e820[0].type, 1);
	cr_assert_eq(*xk_upcall_mask(&vm.dom.vcpu[0]), 1, "events masked at start");
	free_vm();
}

Test(pv_builder, the_kernel_must_fit_in_the_memory_it_starts_with)
{
	build_vm(32, 512);
	cr_assert_eq(pv_build(&vm), -1, "Debian's kernel needs more than 32 MiB");
	free_vm();
}

Test(pv_builder, without_maxmem_the_map_is_the_memory)
{
	build_vm(128, 0);
	cr_assert_eq(pv_build(&vm), 0);
	cr_assert_eq(start_info()->nr_pages, (128u << 20) >> 12);
	cr_assert_eq(vm.dom.e820[0].size, 128u << 20);
	free_vm();
}

/*
 * XEN_ELFNOTE_HYPERCALL_PAGE: the stubs Xen's builder writes for a 64-bit PV
 * guest. A guest that calls through a page left empty (XTF's PV tests do)
 * gets nothing done and no error.
 */
Test(pv_hypercall_page, each_stub_keeps_rcx_and_r11_around_syscall)
{
	static const uint8_t console_io[] = { 0x51, 0x41, 0x53, 0xb8, XEN_HC_console_io, 0, 0, 0,
					      0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
	uint8_t page[4096];

	vmm_write_pv_hypercall_page(page);
	cr_assert_arr_eq(page + XEN_HC_console_io * 32, console_io, sizeof(console_io));
	cr_assert_eq(page[XEN_HC_console_io * 32 + sizeof(console_io)], 0xcc);
	cr_assert_eq(page[127 * 32 + 4], 127);
}

Test(pv_hypercall_page, the_iret_stub_leaves_rcx_r11_rax_pushed_and_does_not_return)
{
	static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, XEN_HC_iret, 0, 0, 0,
					0x0f, 0x05 };
	uint8_t page[4096];

	vmm_write_pv_hypercall_page(page);
	cr_assert_arr_eq(page + XEN_HC_iret * 32, iret, sizeof(iret));
	for (unsigned i = sizeof(iret); i < 32; i++)
		cr_assert_eq(page[XEN_HC_iret * 32 + i], 0xcc, "byte %u after the syscall", i);
}

/* Guest-physical address that va maps to in the boot page tables, or ~0 if none. */
static uint64_t boot_walk(const struct xen_start_info *si, uint64_t va)
{
	uint64_t t = si->pt_base - 0xffffffff80000000ull;

	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = ((uint64_t *)(vm.ram + t))[(va >> shift) & 511];

		if (!(e & 1))
			return ~0ull;
		t = e & 0x000ffffffffff000ull;
	}
	return t;
}

/*
 * Debian's kernel says XEN_ELFNOTE_MOD_START_PFN: its initrd goes past the
 * initial mapping, by frame number, as Xen's builder puts it. Mapped there,
 * Linux never unmapped it and warned of hundreds of W+X pages.
 */
Test(pv_builder, a_module_taken_by_frame_number_is_left_unmapped)
{
	char path[] = "/tmp/xenkvm-module.XXXXXX";
	static uint8_t bytes[100000];
	struct xen_start_info *si;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	memset(bytes, 0xab, sizeof(bytes));
	cr_assert_eq(write(fd, bytes, sizeof(bytes)), (ssize_t)sizeof(bytes));
	close(fd);
	build_vm(128, 128);
	vm.opt.modules[0] = path;
	vm.opt.nr_modules = 1;
	cr_assert_eq(pv_build(&vm), 0);
	unlink(path);
	si = start_info();
	cr_assert(si->flags & SIF_MOD_START_PFN);
	cr_assert_eq(si->mod_len, sizeof(bytes));
	cr_assert_arr_eq(vm.ram + si->mod_start * 4096, bytes, sizeof(bytes));
	cr_assert_eq(boot_walk(si, 0xffffffff80000000ull + si->mod_start * 4096), ~0ull,
		     "the module is not in the initial mapping");
	cr_assert_eq(boot_walk(si, si->pt_base), si->pt_base - 0xffffffff80000000ull,
		     "the walk itself works");
	cr_assert_leq(si->mod_start * 4096 + si->mod_len, 128u << 20);
	free_vm();
}
