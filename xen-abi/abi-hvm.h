/* HVM parameters, HVMOP_* and the PVH start-of-day structures. */
#ifndef XENKVM_ABI_HVM_H
#define XENKVM_ABI_HVM_H

#include "xen-abi/abi-core.h"

enum {
	HVMOP_set_param = 0,
	HVMOP_get_param = 1,
	HVMOP_set_evtchn_upcall_vector = 23,
};

enum {
	HVM_PARAM_CALLBACK_IRQ = 0,
	HVM_PARAM_STORE_PFN = 1,
	HVM_PARAM_STORE_EVTCHN = 2,
	HVM_PARAM_PAE_ENABLED = 4,
	HVM_PARAM_IOREQ_PFN = 5,
	HVM_PARAM_BUFIOREQ_PFN = 6,
	HVM_PARAM_VIRIDIAN = 9,
	HVM_PARAM_TIMER_MODE = 10,
	HVM_PARAM_HPET_ENABLED = 11,
	HVM_PARAM_IDENT_PT = 12,
	HVM_PARAM_DM_DOMAIN = 13,
	HVM_PARAM_ACPI_S_STATE = 14,
	HVM_PARAM_VM86_TSS = 15,
	HVM_PARAM_VPT_ALIGN = 16,
	HVM_PARAM_CONSOLE_PFN = 17,
	HVM_PARAM_CONSOLE_EVTCHN = 18,
	HVM_PARAM_ACPI_IOPORTS_LOCATION = 19,
	HVM_PARAM_MEMORY_EVENT_CR0 = 20,
	HVM_PARAM_MEMORY_EVENT_CR3 = 21,
	HVM_PARAM_MEMORY_EVENT_CR4 = 22,
	HVM_PARAM_MEMORY_EVENT_INT3 = 23,
	HVM_PARAM_NESTEDHVM = 24,
	HVM_PARAM_MEMORY_EVENT_SINGLE_STEP = 25,
	HVM_PARAM_BUFIOREQ_EVTCHN = 26,
	HVM_PARAM_MEMORY_EVENT_MSR = 30,
	HVM_PARAM_VM_GENERATION_ID_ADDR = 34,
	HVM_PARAM_ALTP2M = 35,
	HVM_PARAM_X87_FIP_WIDTH = 36,
	HVM_PARAM_VM86_TSS_SIZED = 37,
	HVM_NR_PARAMS = 39,
};

#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56
enum {
	HVM_PARAM_CALLBACK_TYPE_GSI = 0,
	HVM_PARAM_CALLBACK_TYPE_PCI_INTX = 1,
	HVM_PARAM_CALLBACK_TYPE_VECTOR = 2,
};

enum {
	HVMPTM_delay_for_missed_ticks = 0,
	HVMPTM_no_delay_for_missed_ticks = 1,
	HVMPTM_no_missed_ticks_pending = 2,
	HVMPTM_one_missed_tick_pending = 3,
};

struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};
XEN_ABI_ASSERT_SIZE(struct xen_hvm_param, 16);
XEN_ABI_ASSERT_OFF(struct xen_hvm_param, value, 8);

struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
	uint8_t pad[3];
};
XEN_ABI_ASSERT_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);

/* PVH: %ebx points at this at the 32-bit entry point. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;	/* version 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};
XEN_ABI_ASSERT_SIZE(struct hvm_start_info, 56);
XEN_ABI_ASSERT_OFF(struct hvm_start_info, memmap_paddr, 40);

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};
XEN_ABI_ASSERT_SIZE(struct hvm_modlist_entry, 32);

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};
XEN_ABI_ASSERT_SIZE(struct hvm_memmap_table_entry, 24);

#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

/* ELF note carrying the PVH 32-bit entry point. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#endif
