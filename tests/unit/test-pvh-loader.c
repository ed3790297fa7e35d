/* The PVH loader: which ELF images it takes, and where it starts them. */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/xen-note.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-hvm.h"

#define RAM (4u << 20)
#define LOAD_AT 0x100000u
#define ENTRY 0x100040u

/*
 * An ELF32 image with one loadable segment at 1 MiB and a PHYS32_ENTRY
 * note, for the given e_machine; written to a temporary file whose path
 * is returned (the caller unlinks it).
 */
static char *elf32_image(uint16_t machine)
{
	static char path[64];
	uint8_t img[0x200] = { 0 };
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
	uint32_t entry = ENTRY;
	size_t note_len;
	int fd;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = LOAD_AT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	note_len = put_xen_note(img + 0x100, XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x180, .p_paddr = LOAD_AT,
			      .p_vaddr = LOAD_AT, .p_filesz = 4, .p_memsz = 0x1000 };
	ph[1] = (Elf32_Phdr){ .p_type = PT_NOTE, .p_offset = 0x100, .p_filesz = note_len };
	memcpy(img + 0x180, "\xf4\xf4\xf4\xf4", 4);	/* hlt: what the guest would run */

	snprintf(path, sizeof(path), "/tmp/xenkvm-pvh-loader.XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
	return path;
}

/* Loads the image at path into a VM with RAM but no KVM behind it. */
static int load(const char *path, struct vmm **out, struct kvm_regs *regs)
{
	struct vmm *vm = calloc(1, sizeof(*vm));
	struct kvm_sregs sregs;
	int rc;

	cr_assert_not_null(vm);
	vm->ram = calloc(1, RAM);
	cr_assert_not_null(vm->ram);
	vm->ram_size = vm->boot_size = RAM;
	vm->opt.memory_mb = RAM >> 20;
	vm->opt.kernel = path;
	memset(&sregs, 0, sizeof(sregs));
	rc = pvh_load(vm, regs, &sregs);
	*out = vm;
	return rc;
}

static void drop(struct vmm *vm, const char *path)
{
	free(vm->ram);
	free(vm);
	unlink(path);
}

/* XTF's hvm64 tests are 64-bit code linked, then converted to elf32-x86-64. */
Test(pvh_loader, elf32_with_x86_64_machine_is_loaded_and_started_at_its_note)
{
	char *path = elf32_image(EM_X86_64);
	struct kvm_regs regs;
	struct vmm *vm;
	struct hvm_start_info si;

	cr_assert_eq(load(path, &vm, &regs), 0);
	cr_assert_eq(regs.rip, ENTRY);
	cr_assert_eq(memcmp(vm->ram + LOAD_AT, "\xf4\xf4\xf4\xf4", 4), 0);
	cr_assert_eq(vm->ram[LOAD_AT + 4], 0, "the segment's bss is zeroed");
	cr_assert(regs.rbx > LOAD_AT && regs.rbx < RAM - sizeof(si));
	memcpy(&si, vm->ram + regs.rbx, sizeof(si));
	cr_assert_eq(si.magic, XEN_HVM_START_MAGIC_VALUE);
	drop(vm, path);
}

Test(pvh_loader, elf32_i386_is_loaded)
{
	char *path = elf32_image(EM_386);
	struct kvm_regs regs;
	struct vmm *vm;

	cr_assert_eq(load(path, &vm, &regs), 0);
	cr_assert_eq(regs.rip, ENTRY);
	drop(vm, path);
}

Test(pvh_loader, elf32_for_another_machine_is_refused)
{
	char *path = elf32_image(EM_ARM);
	struct kvm_regs regs;
	struct vmm *vm;

	cr_assert_eq(load(path, &vm, &regs), -1);
	drop(vm, path);
}
