/* xl: xl-compatible command line for xenkvm. */
#include <stdio.h>
#include <string.h>
#include "src/xl/xl.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct verb verbs[] = {
	{ "create", xl_cmd_create, "[-c] [-p] [-f] <ConfigFile> [key=value...]  Create a domain" },
	{ "list", xl_cmd_list, "[-l] [-v] [Domain...]  List information about all/some domains" },
	{ "vm-list", xl_cmd_vm_list, "  List guest domains, excluding dom0, stubdoms, etc." },
	{ "destroy", xl_cmd_destroy, "<Domain>  Terminate a domain immediately" },
	{ "shutdown", xl_cmd_shutdown, "[-a] [-w] <Domain>  Issue a shutdown signal to a domain" },
	{ "reboot", xl_cmd_reboot, "[-a] [-w] <Domain>  Issue a reboot signal to a domain" },
	{ "pause", xl_cmd_pause, "<Domain>  Pause execution of a domain" },
	{ "unpause", xl_cmd_unpause, "<Domain>  Unpause a paused domain" },
	{ "rename", xl_cmd_rename, "<Domain> <NewDomainName>  Rename a domain" },
	{ "sysrq", xl_cmd_sysrq, "<Domain> <letter>  Send a sysrq to a domain" },
	{ "mem-set", xl_cmd_mem_set, "<Domain> <MemMB['b'|'k'|'m'|'g'|'t']>  Set the current memory usage for a domain" },
	{ "mem-max", xl_cmd_mem_max, "<Domain> <MemMB['b'|'k'|'m'|'g'|'t']>  Set the maximum amount reservation for a domain" },
	{ "vcpu-pin", xl_cmd_vcpu_pin, "[-f|--force] <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]  Set which CPUs a VCPU can use" },
	{ "vcpu-set", xl_cmd_vcpu_set, "<Domain> <vCPUs>  Set the number of active VCPUs allowed for the domain" },
	{ "console", xl_cmd_console, "[-t <pv|serial>] [-n <number>] <Domain>  Attach to domain's console (Ctrl-] detaches)" },
	{ "top", xl_cmd_top, "[-b] [-d SECONDS] [-i ITERATIONS]  Monitor the host and the domains in real time" },
	{ "info", xl_cmd_info, "  Get information about the host" },
	{ "vcpu-list", xl_cmd_vcpu_list, "[Domain...]  List the VCPUs for all/some domains" },
	{ "domid", xl_cmd_domid, "<DomainName>  Convert a domain name to domain id" },
	{ "domname", xl_cmd_domname, "<DomainId>  Convert a domain id to domain name" },
	{ "uptime", xl_cmd_uptime, "[-s] [Domain...]  Print uptime for all/some domains" },
	{ "block-attach", xl_cmd_block_attach, "<Domain> <disk-spec-component(s)>...  Create a new virtual block device" },
	{ "block-detach", xl_cmd_block_detach, "[-f] <Domain> <DevId>  Destroy a domain's virtual block device" },
	{ "block-list", xl_cmd_block_list, "<Domain(s)>  List virtual block devices for a domain" },
	{ "network-attach", xl_cmd_network_attach, "<Domain> <vif-spec-component(s)>...  Create a new virtual network device" },
	{ "network-detach", xl_cmd_network_detach, "<Domain> <DevId|mac>  Destroy a domain's virtual network device" },
	{ "network-list", xl_cmd_network_list, "<Domain(s)>  List virtual network interfaces for a domain" },
	{ "channel-list", xl_cmd_channel_list, "<Domain(s)>  List virtual channel devices for a domain" },
	{ "sched-credit", xl_cmd_sched_credit, "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s] [-p CPUPOOL]  Get/set credit scheduler parameters (the domain VMM's CPU weight and cap)" },
	{ "sched-credit2", xl_cmd_sched_credit2, "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s] [-p CPUPOOL]  Get/set credit2 scheduler parameters (the same weight and cap)" },
	{ "dump-core", xl_cmd_dump_core, "<Domain> <filename>  Core dump a domain (Xen's ELF core; the domain is paused meanwhile)" },
	{ "debug-keys", xl_cmd_debug_keys, "<Keys>  Send debug keys to Xen (there is no Xen console here)" },
	{ "set-parameters", xl_cmd_set_parameters, "<Params>  Set hypervisor parameters (there are none here)" },
	{ "cpupool-list", xl_cmd_cpupool_list, "[-c|--cpus] [<CPU Pool>]  List CPU pools on host (one: Pool-0)" },
	{ "cpupool-create", xl_cmd_cpupool_unsupported, "[options] [<ConfigFile>] [Variable=value ...]  Create a new CPU pool (not supported)" },
	{ "cpupool-destroy", xl_cmd_cpupool_unsupported, "<CPU Pool>  Deactivates a CPU pool (not supported)" },
	{ "cpupool-rename", xl_cmd_cpupool_unsupported, "<CPU Pool> <new name>  Renames a CPU pool (not supported)" },
	{ "cpupool-cpu-add", xl_cmd_cpupool_unsupported, "<CPU Pool> <CPU nr>|node:<node nr>  Adds a CPU to a CPU pool (not supported)" },
	{ "cpupool-cpu-remove", xl_cmd_cpupool_unsupported, "<CPU Pool> <CPU nr>|node:<node nr>  Removes a CPU from a CPU pool (not supported)" },
	{ "cpupool-migrate", xl_cmd_cpupool_unsupported, "<Domain> <CPU Pool>  Moves a domain into a CPU pool (not supported)" },
	{ "cpupool-numa-split", xl_cmd_cpupool_unsupported, "  Splits up the machine into one CPU pool per NUMA node (not supported)" },
	{ "dmesg", xl_cmd_dmesg, "[-c]  Read the xenkvmd daemon log (-c: then clear it)" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: xl <subcommand> [args]\n\nxl full list of subcommands:\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, " %-12s %s\n", verbs[i].name, verbs[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "command not implemented\n");
	usage(stderr);
	return 1;
}
