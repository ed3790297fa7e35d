/*
 * xl.cfg syntax: `key = value` settings, values being strings ("..." or
 * '...'), numbers, or one-level lists [ a, b, ]; `#` comments; `;` or a
 * newline ends a setting; `key += value` appends to a list or string. A later
 * setting of the same key replaces an earlier one, as in libxlu.
 */
#ifndef XENKVM_XLCFG_H
#define XENKVM_XLCFG_H

#include <stddef.h>

enum xlcfg_type { XLCFG_STRING, XLCFG_NUMBER, XLCFG_LIST };

struct xlcfg_value {
	enum xlcfg_type type;
	char *str;			/* string or number text */
	struct xlcfg_value *items;	/* list items (strings or numbers) */
	unsigned n;
};

struct xlcfg_setting {
	char *key;
	int line;
	struct xlcfg_value val;
};

struct xlcfg {
	char *name;
	struct xlcfg_setting *s;
	unsigned n;
};

/* Parse text (name is used in messages); NULL with "name:line: what" in err. */
struct xlcfg *xlcfg_parse(const char *name, const char *text, size_t len,
			  char *err, size_t errlen);
/* Apply "key=value" as a setting after the file's; 0 or -1 with err. */
int xlcfg_apply_override(struct xlcfg *cfg, const char *key_eq_value,
			 char *err, size_t errlen);
const struct xlcfg_setting *xlcfg_get(const struct xlcfg *cfg, const char *key);
void xlcfg_free(struct xlcfg *cfg);

#endif
