/*
 * libFuzzer target over the xl.cfg parser and the domain-spec reader: no
 * input may crash them. Build: make fuzz; run: build/fuzz-xlcfg -max_total_time=600
 */
#include <stdlib.h>
#include <string.h>
#include "src/dom-spec.h"
#include "src/xlcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text = malloc(size + 1);
	struct dom_spec spec;
	struct xlcfg *cfg;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	cfg = xlcfg_parse("fuzz.cfg", text, size, err, sizeof(err));
	if (cfg) {
		xlcfg_apply_override(cfg, text, err, sizeof(err));
		xlcfg_free(cfg);
	}
	dom_spec_from_config("fuzz.cfg", text, NULL, 0, &spec, err, sizeof(err));
	free(text);
	return 0;
}
