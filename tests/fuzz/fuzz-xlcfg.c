/*
 * libFuzzer target over the xl.cfg reader, the command-line overrides, the
 * settings-to-domain reader (with the disk= and vif= parsers) and the
 * dom_spec adapter: no input may crash them or leak. Build: make fuzz (or
 * the clang line in the README); run: build/fuzz-xlcfg -max_total_time=600
 * tests/data/xlcfg to start from the example configs.
 */
#include <stdlib.h>
#include <string.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xlcfg/xlcfg-domain.h"
#include "src/xlcfg/xlcfg.h"

static void read_domain(struct xlcfg *cfg)
{
	struct domain_config dc;
	char err[512];

	if (domain_config_from_xlcfg(cfg, &dc, err, sizeof(err)) == 0)
		domain_config_free(&dc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text = malloc(size + 1), *nl;
	struct dom_spec spec;
	struct xlcfg *cfg;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	cfg = xlcfg_parse_string("fuzz.cfg", text, size, err, sizeof(err));
	if (cfg) {
		read_domain(cfg);
		/* The first line again, as a command-line override. */
		nl = strchr(text, '\n');
		if (nl)
			*nl = 0;
		if (xlcfg_apply_override(cfg, text, err, sizeof(err)) == 0)
			read_domain(cfg);
		if (nl)
			*nl = '\n';
		xlcfg_free(cfg);
	}
	dom_spec_from_config("fuzz.cfg", text, NULL, 0, &spec, err, sizeof(err));
	free(text);
	return 0;
}
