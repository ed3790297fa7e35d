#include <stdio.h>

int main(void)
{
	fprintf(stderr, "xenkvm-vmm: not yet\n");
	return 1;
}
