/*
 * The Dom0 end of a PV console ring over ring pages a hostile guest wrote:
 * any bytes as the page (indices included), then peeks, takes and puts as
 * the backend's thread makes them. Nothing may be read or written outside
 * the page (ASan), and a broken ring is always reported as one.
 */
#include <stdint.h>
#include <string.h>
#include "devices/cons-ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xencons_interface ring;
	char buf[XENCONS_OUT_SIZE];

	if (size < sizeof(ring))
		return 0;
	memcpy(&ring, data, sizeof(ring));
	for (size_t i = sizeof(ring); i < size; i++) {
		ssize_t n = cons_ring_out_peek(&ring, buf, data[i] % sizeof(buf) + 1);
		ssize_t room = cons_ring_in_room(&ring);

		if (n > 0)
			cons_ring_out_take(&ring, (size_t)n / 2 + 1 > (size_t)n ? (size_t)n
										 : (size_t)n / 2 + 1);
		if (room > 0)
			cons_ring_in_put(&ring, (const char *)data, (size_t)room < size ? (size_t)room
											: size);
		if (data[i] & 1)
			ring.in_cons += data[i];
	}
	return 0;
}
