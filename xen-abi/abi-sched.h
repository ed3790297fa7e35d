/* sched_op and vcpu_op sub-ops and argument structures. */
#ifndef XENKVM_ABI_SCHED_H
#define XENKVM_ABI_SCHED_H

#include "xen-abi/abi-core.h"

enum {
	SCHEDOP_yield = 0,
	SCHEDOP_block = 1,
	SCHEDOP_shutdown = 2,
	SCHEDOP_poll = 3,
	SCHEDOP_remote_shutdown = 4,
	SCHEDOP_shutdown_code = 5,
	SCHEDOP_watchdog = 6,
	SCHEDOP_pin_override = 7,
};

enum {
	SHUTDOWN_poweroff = 0,
	SHUTDOWN_reboot = 1,
	SHUTDOWN_suspend = 2,
	SHUTDOWN_crash = 3,
	SHUTDOWN_watchdog = 4,
	SHUTDOWN_soft_reset = 5,
	SHUTDOWN_MAX = 5,
};

#define SCHED_POLL_MAX_PORTS 128

/* sched_poll: the handle and nr_ports narrow to 32 bits for 32-bit guests. */
struct sched_poll64 {
	uint64_t ports;
	uint32_t nr_ports;
	uint32_t pad;
	uint64_t timeout;
};
XEN_ABI_ASSERT_SIZE(struct sched_poll64, 24);

struct sched_poll32 {
	uint32_t ports;
	uint32_t nr_ports;
	uint32_t timeout_lo, timeout_hi;
};
XEN_ABI_ASSERT_SIZE(struct sched_poll32, 16);

struct sched_remote_shutdown {
	uint16_t domain_id;
	uint16_t pad;
	uint32_t reason;
};

enum {
	VCPUOP_initialise = 0,
	VCPUOP_up = 1,
	VCPUOP_down = 2,
	VCPUOP_is_up = 3,
	VCPUOP_get_runstate_info = 4,
	VCPUOP_register_runstate_memory_area = 5,
	VCPUOP_set_periodic_timer = 6,
	VCPUOP_stop_periodic_timer = 7,
	VCPUOP_set_singleshot_timer = 8,
	VCPUOP_stop_singleshot_timer = 9,
	VCPUOP_register_vcpu_info = 10,
	VCPUOP_send_nmi = 11,
	VCPUOP_get_physid = 12,
	VCPUOP_register_vcpu_time_memory_area = 13,
};

#define VCPU_SSHOTTMR_future (1u << 0)

/* VCPUOP_initialise for HVM/PVH guests: the vCPU's first register state. */
enum { VCPU_HVM_MODE_32B = 0, VCPU_HVM_MODE_64B = 1 };

struct vcpu_hvm_x86_32 {
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t eip, eflags;
	uint32_t cr0, cr3, cr4;
	uint32_t pad1;
	uint64_t efer;
	uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
	uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
	uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
	uint16_t pad2[3];
} __attribute__((aligned(8)));

struct vcpu_hvm_x86_64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
};

struct vcpu_hvm_context {
	uint32_t mode;
	uint32_t pad;
	union {
		struct vcpu_hvm_x86_32 x86_32;
		struct vcpu_hvm_x86_64 x86_64;
	} cpu_regs;
};
XEN_ABI_ASSERT_SIZE(struct vcpu_hvm_x86_32, 120);
XEN_ABI_ASSERT_OFF(struct vcpu_hvm_x86_32, efer, 56);
XEN_ABI_ASSERT_OFF(struct vcpu_hvm_x86_32, cs_ar, 104);
XEN_ABI_ASSERT_SIZE(struct vcpu_hvm_x86_64, 112);
XEN_ABI_ASSERT_SIZE(struct vcpu_hvm_context, 128);

struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};
XEN_ABI_ASSERT_SIZE(struct vcpu_register_vcpu_info, 16);

enum { RUNSTATE_running = 0, RUNSTATE_runnable = 1, RUNSTATE_blocked = 2,
       RUNSTATE_offline = 3 };

/* vcpu_runstate_info: 64-bit layout; the 32-bit one packs the u64s at 4. */
struct vcpu_runstate_info64 {
	int32_t state;
	uint32_t pad;
	uint64_t state_entry_time;
	uint64_t time[4];
};
XEN_ABI_ASSERT_SIZE(struct vcpu_runstate_info64, 48);
#define VCPU_RUNSTATE_INFO32_SIZE 44

#endif
