/*
 * xl.cfg syntax, as libxlu reads it: `key = value` settings ended by a
 * newline or `;`; keys are [a-z][a-z0-9_.]*; values are strings ("..." or
 * '...', with C escapes), numbers (decimal or 0x hex) or lists [ a, b, ]
 * that may nest and may span lines; `#` starts a comment; `key += value`
 * appends to a list or a string. A later setting of a key replaces an
 * earlier one. Errors read "file:line: what was expected".
 */
#ifndef XENKVM_XLCFG_H
#define XENKVM_XLCFG_H

#include <stddef.h>

enum xlcfg_type { XLCFG_STRING, XLCFG_NUMBER, XLCFG_LIST };

struct xlcfg_value {
	enum xlcfg_type type;
	char *str;			/* string, or a number's text */
	struct xlcfg_value *items;	/* list items */
	unsigned n;
	const char *src;		/* the file's name, or "command line" */
	int line;			/* where the value starts in src */
};

struct xlcfg_setting {
	char *key;
	int line;
	struct xlcfg_value val;
};

struct xlcfg {
	char *name;			/* file name, for messages */
	struct xlcfg_setting *s;	/* in order of first appearance */
	unsigned n, cap;
};

struct xlcfg *xlcfg_parse_string(const char *name, const char *text, size_t len,
				 char *err, size_t errlen);
/* Reads and parses path; messages name the file as given. */
struct xlcfg *xlcfg_parse_file(const char *path, char *err, size_t errlen);
/*
 * "key=value" (or "key+=value") from the command line, in the file's syntax,
 * applied after the file as xl does; 0, or -1 with err.
 */
int xlcfg_apply_override(struct xlcfg *cfg, const char *key_eq_value,
			 char *err, size_t errlen);
const struct xlcfg_value *xlcfg_get(const struct xlcfg *cfg, const char *key);
const struct xlcfg_setting *xlcfg_get_setting(const struct xlcfg *cfg, const char *key);
void xlcfg_free(struct xlcfg *cfg);

#endif
