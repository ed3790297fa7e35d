/* CONSOLEIO_write's way to the hypervisor's log (vmm/hv-console.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vmm/vmm.h"

static struct vmm vm;
static char path[] = "/tmp/xenkvm-hv-log.XXXXXX";

static void setup(void)
{
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	close(fd);
	memset(&vm, 0, sizeof(vm));
	vm.dom.plat = &vm;
	vm.dom.domid = 3;
	vm.opt.hv_log = path;
	cr_assert_eq(vmm_open_hv_log(&vm), 0);
}

static void teardown(void)
{
	close(vm.hv_log_fd);
	unlink(path);
}

TestSuite(hv_console, .init = setup, .fini = teardown);

static char *log_text(size_t *len)
{
	static char buf[1 << 21];
	FILE *f = fopen(path, "r");

	cr_assert(f);
	*len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

Test(hv_console, whole_lines_marked_with_the_domain)
{
	size_t len;

	vmm_hv_console_out(&vm.dom, "first li", 8);
	vmm_hv_console_out(&vm.dom, "ne\nsecond\x01\x1b[31m\tx\r\n", 20);
	vmm_hv_console_out(&vm.dom, "no newline yet", 14);
	cr_assert_str_eq(log_text(&len), "(d3) first line\n(d3) second[31m\tx\n",
			 "control characters dropped, a partial line held back");
}

Test(hv_console, an_overlong_line_is_cut_not_lost)
{
	char big[600];
	size_t len;
	char *text;

	memset(big, 'a', sizeof(big));
	vmm_hv_console_out(&vm.dom, big, sizeof(big));
	vmm_hv_console_out(&vm.dom, "\n", 1);
	text = log_text(&len);
	cr_assert_eq(len, 3 * 5 + sizeof(big) + 3, "three lines of 256, 256 and 88: %zu", len);
	cr_assert_eq(strncmp(text, "(d3) aaa", 8), 0);
}

/* A guest may not fill Dom0's disk through console_io. */
Test(hv_console, a_flood_stops_at_one_mebibyte)
{
	static char flood[4096];
	size_t len;
	char *text;

	memset(flood, 'x', sizeof(flood));
	for (unsigned i = 0; i < sizeof(flood); i += 64)
		flood[i] = '\n';
	for (unsigned i = 0; i < 1024; i++)	/* 4 MiB */
		vmm_hv_console_out(&vm.dom, flood, sizeof(flood));
	text = log_text(&len);
	cr_assert(len < (1u << 20) + 4096, "%zu bytes written", len);
	cr_assert(strstr(text, "the rest is dropped]\n"));
	cr_assert_eq(strstr(text, "the rest is dropped]\n") + strlen("the rest is dropped]\n"),
		     text + len, "nothing after it");
}
