/* xenkvm-vmm: run one Xen domain on /dev/kvm. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <time.h>
#include <x86intrin.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/reservation.h"
#include "xen-abi/time.h"

#define MSR_IA32_TSC 0x10

static void usage(FILE *f)
{
	fprintf(f, "usage: xenkvm-vmm [--memory MiB] [--maxmem MiB] [--vcpus N] [--cmdline STR] "
		   "[--module FILE]... [--console-log FILE] [--console-input FIFO]\n"
		   "                  [--hv-log FILE]\n"
		   "                  [--domid N] [--type pv|pvh] [--uuid UUID] [--door auto|1|2]\n"
		   "                  [--cpuid LEAF[,SUB]:REG=BITS]... KERNEL\n"
		   "       xenkvm-vmm --probe\n");
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      const char *what, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "xenkvm-vmm: bad %s '%s' (expected %lu..%lu)\n", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: the domain handle XENVER_guest_handle returns */
static int parse_uuid(const char *s, uint8_t out[16])
{
	unsigned n = 0;

	for (; *s && n < 32; s++) {
		int d = isdigit((unsigned char)*s) ? *s - '0' :
			isxdigit((unsigned char)*s) ? (tolower((unsigned char)*s) - 'a' + 10) : -1;

		if (*s == '-' && (n == 8 || n == 12 || n == 16 || n == 20))
			continue;
		if (d < 0)
			return -1;
		out[n / 2] = (uint8_t)((n & 1) ? out[n / 2] | d : d << 4);
		n++;
	}
	return n == 32 && !*s ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct vmm_options *o)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "maxmem", required_argument, NULL, 'X' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "cmdline", required_argument, NULL, 'l' },
		{ "module", required_argument, NULL, 'M' },
		{ "console-log", required_argument, NULL, 'o' },
		{ "console-input", required_argument, NULL, 'i' },
		{ "hv-log", required_argument, NULL, 'H' },
		{ "domid", required_argument, NULL, 'd' },
		{ "dom0-fd", required_argument, NULL, 'f' },
		{ "type", required_argument, NULL, 't' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "cpuid", required_argument, NULL, 'C' },
		{ "door", required_argument, NULL, 'D' },
		{ "probe", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long v;
	char err[256];
	int c;

	*o = (struct vmm_options){ .memory_mb = 16, .vcpus = 1, .domid = 1, .dom0_fd = -1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_uint(optarg, 4, 65536, "memory size", &v))
				return -1;
			o->memory_mb = v;
			break;
		case 'X':
			if (parse_uint(optarg, 4, 65536, "maximum memory size", &v))
				return -1;
			o->maxmem_mb = v;
			break;
		case 'c':
			if (parse_uint(optarg, 1, XK_MAX_VCPUS, "vCPU count", &v))
				return -1;
			o->vcpus = (unsigned)v;
			break;
		case 'd':
			if (parse_uint(optarg, 1, 0x7fef, "domid", &v))
				return -1;
			o->domid = (unsigned)v;
			break;
		case 'f':
			if (parse_uint(optarg, 3, 1023, "xenkvmd link fd", &v))
				return -1;
			o->dom0_fd = (int)v;
			break;
		case 'l': o->cmdline = optarg; break;
		case 't':
			if (strcmp(optarg, "pv") && strcmp(optarg, "pvh")) {
				fprintf(stderr, "xenkvm-vmm: --type must be pv or pvh, not '%s'\n",
					optarg);
				return -1;
			}
			o->pv = !strcmp(optarg, "pv");
			break;
		case 'o': o->console_log = optarg; break;
		case 'i': o->console_input = optarg; break;
		case 'H': o->hv_log = optarg; break;
		case 'u':
			if (parse_uuid(optarg, o->handle)) {
				fprintf(stderr, "xenkvm-vmm: --uuid: '%s' is not a UUID\n", optarg);
				return -1;
			}
			break;
		case 'C':
			if (cpuid_rules_parse_xend(optarg, &o->cpuid_rules, err, sizeof(err))) {
				fprintf(stderr, "xenkvm-vmm: --cpuid: %s\n", err);
				return -1;
			}
			break;
		case 'M':
			if (o->nr_modules == VMM_MAX_MODULES) {
				fprintf(stderr, "xenkvm-vmm: at most %d modules\n", VMM_MAX_MODULES);
				return -1;
			}
			o->modules[o->nr_modules++] = optarg;
			break;
		case 'D':
			if (!strcmp(optarg, "auto"))
				o->door = VMM_DOOR_AUTO;
			else if (!strcmp(optarg, "1"))
				o->door = VMM_DOOR_PAGE;
			else if (!strcmp(optarg, "2"))
				o->door = VMM_DOOR_IN_KERNEL;
			else {
				fprintf(stderr, "xenkvm-vmm: --door must be auto, 1 or 2, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'p': exit(vmm_probe());
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return -1;
	}
	o->kernel = argv[optind];
	if (o->maxmem_mb && o->maxmem_mb < o->memory_mb) {
		fprintf(stderr, "xenkvm-vmm: --maxmem %llu is below --memory %llu\n",
			(unsigned long long)o->maxmem_mb, (unsigned long long)o->memory_mb);
		return -1;
	}
	/* Growing needs a guest that places frames itself: PV only here. */
	if (o->maxmem_mb > o->memory_mb && !o->pv) {
		fprintf(stderr, "xenkvm-vmm: --maxmem above --memory is for PV domains only\n");
		return -1;
	}
	return 0;
}

/*
 * Guest TSC = host TSC + offset; learn the offset KVM gave each vCPU. The
 * host TSC is read after the guest's, so the offset errs low by the
 * ioctl's time and a pvclock record's tsc_timestamp is never ahead of the
 * guest's own TSC: read just after an update, (tsc - tsc_timestamp) stays
 * small and positive instead of wrapping. (Read the other way round, the
 * SVM rig, where the ioctl is slow, showed a test guest's timer "firing"
 * 31 us early and a pvclock read of 8.8e18 ns just after an update.)
 */
static void learn_tsc_offset(struct vmm_vcpu *vc)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h = { .nmsrs = 1 }, .e = { .index = MSR_IA32_TSC },
	};
	bool known = false;

	/* Each try errs low by its own latency: the largest is the closest. */
	for (int i = 0; i < 8; i++) {
		uint64_t off;

		if (ioctl(vc->fd, KVM_GET_MSRS, &m) != 1)
			continue;
		off = m.e.data - __rdtsc();
		if (!known || (int64_t)(off - vc->tsc_offset) > 0)
			vc->tsc_offset = off;
		known = true;
	}
}

/* The console ring and its event channel, as Xen's toolstack sets them up. */
static void setup_rings(struct vmm *vm)
{
	struct xk_domain *d = &vm->dom;
	uint64_t console_pfn = vm->ram_size / XEN_PAGE_SIZE - 1;
	int port = xk_evtchn_alloc_unbound_for(d, 0);

	d->hvm.param[HVM_PARAM_CONSOLE_PFN] = console_pfn;
	if (port > 0)
		d->hvm.param[HVM_PARAM_CONSOLE_EVTCHN] = (uint64_t)port;
	vm->console_port = port > 0 ? (uint32_t)port : 0;
	d->hvm.param[HVM_PARAM_STORE_PFN] = console_pfn - 1;
	port = xk_evtchn_alloc_unbound_for(d, 0);
	if (port > 0)
		d->hvm.param[HVM_PARAM_STORE_EVTCHN] = (uint64_t)port;
	vm->store_port = port > 0 ? (uint32_t)port : 0;
}

static int setup_domain(struct vmm *vm)
{
	struct xk_domain *d = &vm->dom;
	struct timespec ts;
	int khz;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	vm->start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	pthread_mutex_init(&vm->slot_lock, NULL);
	pthread_mutex_init(&vm->exit_lock, NULL);
	pthread_cond_init(&vm->exit_cond, NULL);
	gmem_init(&d->mem);
	if (gmem_add(&d->mem, 0, vm->ram_size, vm->ram, GMEM_RAM))
		return -1;
	d->max_pages = vm->ram_size / XEN_PAGE_SIZE;
	khz = ioctl(vm->vm_fd, KVM_GET_TSC_KHZ, 0);
	d->tsc_khz = khz > 0 ? (uint64_t)khz : 1000000;
	if (xk_domain_init(d, (xen_domid_t)vm->opt.domid, vm->opt.vcpus, vm->xen_pages,
			   &vmm_platform_ops, vm))
		return -1;
	xk_reservation_hold_first(d, vm->boot_size / XEN_PAGE_SIZE);
	memcpy(d->handle, vm->opt.handle, sizeof(d->handle));
	setup_rings(vm);
	return kvm_sync_memslots(vm);
}

static int boot_pv_vcpu0(struct vmm *vm)
{
	if (pvrt_enter(&vm->vcpu[0]))
		return -1;
	xk_time_update_wallclock(&vm->dom);
	return vmm_start_vcpu(&vm->vcpu[0]);
}

static int boot_vcpu0(struct vmm *vm)
{
	struct vmm_vcpu *vc = &vm->vcpu[0];
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vc->fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	if (pvh_load(vm, &regs, &sregs))
		return -1;
	if (ioctl(vc->fd, KVM_SET_SREGS, &sregs) < 0 || ioctl(vc->fd, KVM_SET_REGS, &regs) < 0) {
		perror("xenkvm-vmm: set vCPU 0 registers");
		return -1;
	}
	xk_time_update_wallclock(&vm->dom);
	return vmm_start_vcpu(vc);
}

/*
 * PV guests come through the runtime. A PVH guest gets door 2 where KVM
 * catches Xen hypercall instructions (the only door for guests that call
 * them directly), door 1 otherwise; --door 1 or 2 insists.
 */
static int choose_door(struct vmm *vm)
{
	bool in_kernel = !vm->opt.pv && door2_available(vm);

	if (vm->opt.pv) {
		if (vm->opt.door != VMM_DOOR_AUTO) {
			fprintf(stderr, "xenkvm-vmm: --door is for PVH guests; a PV guest's "
				"hypercalls come through the PV runtime\n");
			return -1;
		}
		vm->door = VMM_DOOR_PV_RUNTIME;
		return 0;
	}
	if (vm->opt.door == VMM_DOOR_IN_KERNEL && !in_kernel) {
		fprintf(stderr, "xenkvm-vmm: --door 2: this host's KVM has no in-kernel Xen "
			"support with a hypercall intercept (KVM_CAP_XEN_HVM)\n");
		return -1;
	}
	vm->door = vm->opt.door == VMM_DOOR_AUTO ? (in_kernel ? VMM_DOOR_IN_KERNEL : VMM_DOOR_PAGE)
						 : vm->opt.door;
	if (vm->door == VMM_DOOR_IN_KERNEL && door2_enable(vm))
		return -1;
	xk_log(&vm->dom, "hypercalls through door %s", vmm_door_name(vm->door));
	return 0;
}

int main(int argc, char **argv)
{
	static struct vmm vm;

	if (parse_args(argc, argv, &vm.opt))
		return 1;
	if (vm.opt.console_log) {
		vm.console = fopen(vm.opt.console_log, "a");
		if (!vm.console) {
			fprintf(stderr, "xenkvm-vmm: %s: %s\n", vm.opt.console_log, strerror(errno));
			return 1;
		}
	}
	if (vmm_open_hv_log(&vm))
		return 1;
	if (kvm_open_vm(&vm) || vmm_alloc_memory(&vm) || setup_domain(&vm) ||
	    vmm_setup_msr_exits(&vm) || choose_door(&vm))
		return 1;
	for (unsigned i = 0; i < vm.opt.vcpus; i++) {
		if (kvm_create_vcpu(&vm, i))
			return 1;
		learn_tsc_offset(&vm.vcpu[i]);
	}
	vm.dom0_fd = vm.opt.dom0_fd;
	if (vm.opt.pv && vm.ram_size > PVRT_MAX_RAM) {
		fprintf(stderr, "xenkvm-vmm: PV domains have at most %llu MiB for now\n",
			PVRT_MAX_RAM >> 20);
		return 1;
	}
	if (vm.opt.pv && vm.opt.vcpus > PVRT_MAX_VCPUS) {
		fprintf(stderr, "xenkvm-vmm: PV domains have at most %d vCPUs for now\n",
			PVRT_MAX_VCPUS);
		return 1;
	}
	/* The PV builder places the xenstore ring: before Dom0 hears where it is. */
	if (vm.opt.pv && (pvrt_setup(&vm) || pv_build(&vm)))
		return 1;
	vmm_trace_start(&vm);	/* before the first vCPU, so its first hypercalls show */
	if (vmm_start_timers(&vm) || vmm_link_start(&vm) ||
	    (vm.opt.pv ? boot_pv_vcpu0(&vm) : boot_vcpu0(&vm)))
		return 1;
	if (vm.opt.console_input && vmm_console_input_start(&vm, vm.opt.console_input))
		return 1;
	pthread_mutex_lock(&vm.exit_lock);
	while (!vm.exiting)
		pthread_cond_wait(&vm.exit_cond, &vm.exit_lock);
	pthread_mutex_unlock(&vm.exit_lock);
	if (vm.console)
		fflush(vm.console);
	fflush(stdout);
	/* vCPU threads may sit in KVM_RUN; the process exit ends them. */
	_exit(vm.exit_code);
}
