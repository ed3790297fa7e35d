/* A hand-written reader for the xl.cfg syntax (see xlcfg.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/xlcfg/xlcfg.h"

/* Bounds that keep a hostile file from costing more than a real one could. */
#define MAX_DEPTH 8
#define MAX_FILE_SIZE (1u << 20)
#define MAX_SETTINGS 4096	/* keys are looked up linearly */

static const char COMMAND_LINE[] = "command line";

struct parser {
	const char *name;
	const char *p, *end;
	int line;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ps->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->name, ps->line, msg);
	ps->failed = true;
}

static bool at(const struct parser *ps, char c)
{
	return ps->p < ps->end && *ps->p == c;
}

/* The text at p up to the next blank, for "found '...'" in messages. */
static int found_len(const struct parser *ps)
{
	const char *q = ps->p;

	while (q < ps->end && q - ps->p < 24 && !isspace((unsigned char)*q))
		q++;
	return (int)(q - ps->p);
}

static void fail_expected(struct parser *ps, const char *what)
{
	if (ps->p >= ps->end || *ps->p == '\n')
		fail(ps, "expected %s, found the end of the %s", what,
		     ps->p >= ps->end ? "file" : "line");
	else
		fail(ps, "expected %s, found '%.*s'", what, found_len(ps), ps->p);
}

/* Blanks and comments; newlines too (counted) when 'newlines' is set. */
static void skip_space(struct parser *ps, bool newlines)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else if (c == '\n' && newlines) {
			ps->line++;
			ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			ps->p++;
		} else {
			return;
		}
	}
}

static bool key_start(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool key_char(char c)
{
	return key_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

static char *parse_key(struct parser *ps)
{
	const char *start = ps->p;
	char *key;

	if (ps->p >= ps->end || !key_start(*ps->p)) {
		fail_expected(ps, "a setting name (a-z, then a-z, 0-9, '_' or '.')");
		return NULL;
	}
	while (ps->p < ps->end && key_char(*ps->p))
		ps->p++;
	key = strndup(start, (size_t)(ps->p - start));
	if (!key)
		fail(ps, "out of memory");
	return key;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash, s < end; the byte, or -1. */
static int decode_escape(const char **s, const char *end)
{
	static const char plain[] = "\"\"''\\\\a\ab\bf\fn\nr\rt\tv\v";
	char c = *(*s)++;
	int v;

	for (const char *q = plain; *q; q += 2)
		if (c == q[0])
			return (unsigned char)q[1];
	if (c == 'x') {
		if (end - *s < 2 || hexval((*s)[0]) < 0 || hexval((*s)[1]) < 0)
			return -1;
		v = hexval((*s)[0]) * 16 + hexval((*s)[1]);
		*s += 2;
		return v;
	}
	if (c >= '0' && c <= '7') {
		v = c - '0';
		for (int i = 0; i < 2 && *s < end && **s >= '0' && **s <= '7'; i++)
			v = v * 8 + (*(*s)++ - '0');
		return v > 255 ? -1 : v;
	}
	return -1;
}

/* The closing quote of the string at ps->p, or NULL (with the error). */
static const char *string_end(struct parser *ps)
{
	char quote = *ps->p;

	for (const char *q = ps->p + 1; q < ps->end; q++) {
		if (*q == '\n')
			break;
		if (*q == quote)
			return q;
		if (*q == '\\' && q + 1 < ps->end && q[1] != '\n')
			q++;
	}
	fail(ps, "unterminated string: expected a closing %c on the same line", quote);
	return NULL;
}

static char *parse_string(struct parser *ps)
{
	const char *close = string_end(ps), *s;
	char *out;
	size_t n = 0;

	if (!close)
		return NULL;
	out = malloc((size_t)(close - ps->p));
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	for (s = ps->p + 1; s < close;) {
		int c = (unsigned char)*s++;

		/* \0 would cut the string short where xl would not: refuse it. */
		if (c == '\\' && (c = decode_escape(&s, close)) <= 0) {
			fail(ps, "bad escape in string: expected \\\\, \\\", \\', \\a, \\b, "
			     "\\f, \\n, \\r, \\t, \\v, \\xHH or \\OOO (not 0)");
			free(out);
			return NULL;
		}
		out[n++] = (char)c;
	}
	out[n] = 0;
	ps->p = close + 1;
	return out;
}

static bool all_digits(const char *s, const char *end, int base)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (base == 16 ? hexval(*s) < 0 : !isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Decimal or 0x hex; the text is kept for the reader to convert. */
static char *parse_number(struct parser *ps)
{
	const char *start = ps->p;
	bool ok;
	char *num;

	while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '_' ||
				   *ps->p == '.'))
		ps->p++;
	if (ps->p - start > 2 && start[0] == '0' && (start[1] == 'x' || start[1] == 'X'))
		ok = all_digits(start + 2, ps->p, 16);
	else
		ok = all_digits(start, ps->p, 10);
	if (!ok) {
		ps->p = start;
		fail(ps, "bad number '%.*s': expected decimal digits or 0x and hex digits",
		     found_len(ps), start);
		return NULL;
	}
	num = strndup(start, (size_t)(ps->p - start));
	if (!num)
		fail(ps, "out of memory");
	return num;
}

static void free_value(struct xlcfg_value *v)
{
	free(v->str);
	for (unsigned i = 0; i < v->n; i++)
		free_value(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static unsigned capacity_for(unsigned n)
{
	unsigned cap = 4;

	while (cap < n)
		cap *= 2;
	return cap;
}

/*
 * Room for 'more' further items in list v. A list's allocation is always
 * capacity_for(n), so it need not be stored.
 */
static bool reserve(struct parser *ps, struct xlcfg_value *v, unsigned more)
{
	struct xlcfg_value *items;
	unsigned cap;

	if (more > (1u << 24) - v->n) {
		fail(ps, "list too long");
		return false;
	}
	if (v->items && capacity_for(v->n) >= v->n + more)
		return true;
	cap = capacity_for(v->n + more);
	items = realloc(v->items, cap * sizeof(*items));
	if (!items) {
		fail(ps, "out of memory");
		return false;
	}
	v->items = items;
	return true;
}

static bool parse_value(struct parser *ps, struct xlcfg_value *v, int depth);

static bool parse_list(struct parser *ps, struct xlcfg_value *v, int depth)
{
	v->type = XLCFG_LIST;
	if (depth >= MAX_DEPTH) {
		fail(ps, "lists nested more than %d deep", MAX_DEPTH);
		return false;
	}
	ps->p++;	/* '[' */
	for (;;) {
		skip_space(ps, true);
		if (at(ps, ']')) {
			ps->p++;
			return true;
		}
		if (!reserve(ps, v, 1))
			return false;
		v->items[v->n] = (struct xlcfg_value){ 0 };
		if (!parse_value(ps, &v->items[v->n++], depth + 1))
			return false;
		skip_space(ps, true);
		if (at(ps, ','))
			ps->p++;
		else if (!at(ps, ']')) {
			fail_expected(ps, "',' or ']' in the list");
			return false;
		}
	}
}

static bool parse_value(struct parser *ps, struct xlcfg_value *v, int depth)
{
	char c = ps->p < ps->end ? *ps->p : 0;

	v->src = ps->name;
	v->line = ps->line;
	if (c == '[')
		return parse_list(ps, v, depth);
	if (c == '"' || c == '\'') {
		v->type = XLCFG_STRING;
		v->str = parse_string(ps);
	} else if (isdigit((unsigned char)c)) {
		v->type = XLCFG_NUMBER;
		v->str = parse_number(ps);
	} else {
		fail_expected(ps, "a string, a number or a list");
		return false;
	}
	return v->str != NULL;
}

static bool concat_strings(struct parser *ps, struct xlcfg_value *old, struct xlcfg_value *add)
{
	size_t a = strlen(old->str), b = strlen(add->str);
	char *s = realloc(old->str, a + b + 1);

	if (!s) {
		fail(ps, "out of memory");
		return false;
	}
	memcpy(s + a, add->str, b + 1);
	old->str = s;
	return true;
}

/* `+=`: a list gains the new items, a string the new text; add is consumed. */
static bool append(struct parser *ps, struct xlcfg_value *old, struct xlcfg_value *add)
{
	bool ok = false;

	if (old->type == XLCFG_LIST && add->type == XLCFG_LIST) {
		if (reserve(ps, old, add->n)) {
			if (add->n)	/* an empty list has no items array */
				memcpy(old->items + old->n, add->items,
				       add->n * sizeof(*add->items));
			old->n += add->n;
			add->n = 0;
			ok = true;
		}
	} else if (old->type == XLCFG_STRING && add->type == XLCFG_STRING) {
		ok = concat_strings(ps, old, add);
	} else if (old->type == XLCFG_NUMBER || add->type == XLCFG_NUMBER) {
		fail(ps, "'+=' cannot add to or with a number");
	} else {
		fail(ps, "'+=' cannot add a list to a string or a string to a list");
	}
	free_value(add);
	return ok;
}

static struct xlcfg_setting *find(const struct xlcfg *cfg, const char *key)
{
	for (unsigned i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->s[i].key, key))
			return &cfg->s[i];
	return NULL;
}

static bool add_setting(struct parser *ps, struct xlcfg *cfg, char *key,
			struct xlcfg_value *v, int line)
{
	if (cfg->n == cfg->cap) {
		unsigned cap = cfg->cap ? cfg->cap * 2 : 32;
		struct xlcfg_setting *s = NULL;

		if (cap > MAX_SETTINGS)
			fail(ps, "more than %d settings", MAX_SETTINGS);
		else if (!(s = realloc(cfg->s, cap * sizeof(*s))))
			fail(ps, "out of memory");
		if (!s) {
			free(key);
			free_value(v);
			return false;
		}
		cfg->s = s;
		cfg->cap = cap;
	}
	cfg->s[cfg->n++] = (struct xlcfg_setting){ key, line, *v };
	return true;
}

/* Takes ownership of key and v whatever happens. */
static bool store(struct parser *ps, struct xlcfg *cfg, char *key, bool add,
		  struct xlcfg_value *v, int line)
{
	struct xlcfg_setting *old = find(cfg, key);

	if (!old)
		return add_setting(ps, cfg, key, v, line);
	free(key);
	old->line = line;
	if (add)
		return append(ps, &old->val, v);
	free_value(&old->val);
	old->val = *v;
	return true;
}

/* '=' or '+=' after a key; sets *add for the latter. */
static bool parse_operator(struct parser *ps, const char *key, bool *add)
{
	*add = false;
	if (ps->end - ps->p >= 2 && ps->p[0] == '+' && ps->p[1] == '=') {
		*add = true;
		ps->p += 2;
		return true;
	}
	if (at(ps, '=')) {
		ps->p++;
		return true;
	}
	fail(ps, "expected '=' after '%s'", key);
	return false;
}

static bool parse_setting(struct parser *ps, struct xlcfg *cfg)
{
	struct xlcfg_value v = { 0 };
	int line = ps->line;
	bool add;
	char *key = parse_key(ps);

	if (!key)
		return false;
	skip_space(ps, false);
	if (!parse_operator(ps, key, &add))
		goto bad;
	skip_space(ps, false);
	if (!parse_value(ps, &v, 0))
		goto bad;
	skip_space(ps, false);
	if (ps->p < ps->end && *ps->p != '\n' && *ps->p != ';') {
		fail_expected(ps, "a newline or ';' after the value");
		goto bad;
	}
	if (at(ps, ';'))
		ps->p++;
	return store(ps, cfg, key, add, &v, line);
bad:
	free(key);
	free_value(&v);
	return false;
}

static bool parse_into(struct parser *ps, struct xlcfg *cfg)
{
	for (;;) {
		skip_space(ps, true);
		if (ps->p >= ps->end)
			return true;
		if (at(ps, ';')) {
			ps->p++;
			continue;
		}
		if (!parse_setting(ps, cfg))
			return false;
	}
}

struct xlcfg *xlcfg_parse_string(const char *name, const char *text, size_t len,
				 char *err, size_t errlen)
{
	struct parser ps = { name, text, text + len, 1, err, errlen, false };
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg || !(cfg->name = strdup(name))) {
		snprintf(err, errlen, "%s: out of memory", name);
		xlcfg_free(cfg);
		return NULL;
	}
	ps.name = cfg->name;	/* values point at it for their messages */
	if (memchr(text, 0, len)) {
		snprintf(err, errlen, "%s: contains a NUL byte: not a config file", name);
		xlcfg_free(cfg);
		return NULL;
	}
	if (!parse_into(&ps, cfg)) {
		xlcfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE_SIZE) {
		snprintf(err, errlen, "%s: %s", path, S_ISREG(st.st_mode) ?
			 "too large for a config file" : "not a regular file");
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		snprintf(err, errlen, "%s: out of memory", path);
	} else if ((n = read(fd, buf, (size_t)st.st_size + 1)) < 0 || n > st.st_size) {
		snprintf(err, errlen, "%s: %s", path, n < 0 ? strerror(errno) :
			 "changed while being read");
		free(buf);
		buf = NULL;
	} else {
		*len = (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

struct xlcfg *xlcfg_parse_file(const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = read_file(path, &len, err, errlen);
	struct xlcfg *cfg;

	if (!text)
		return NULL;
	cfg = xlcfg_parse_string(path, text, len, err, errlen);
	free(text);
	return cfg;
}

int xlcfg_apply_override(struct xlcfg *cfg, const char *kv, char *err, size_t errlen)
{
	struct parser ps = { COMMAND_LINE, kv, kv + strlen(kv), 1, err, errlen, false };

	skip_space(&ps, true);
	if (ps.p == ps.end) {
		fail(&ps, "expected key=value");
		return -1;
	}
	return parse_into(&ps, cfg) ? 0 : -1;
}

const struct xlcfg_setting *xlcfg_get_setting(const struct xlcfg *cfg, const char *key)
{
	return find(cfg, key);
}

const struct xlcfg_value *xlcfg_get(const struct xlcfg *cfg, const char *key)
{
	const struct xlcfg_setting *s = find(cfg, key);

	return s ? &s->val : NULL;
}

void xlcfg_free(struct xlcfg *cfg)
{
	if (!cfg)
		return;
	for (unsigned i = 0; i < cfg->n; i++) {
		free(cfg->s[i].key);
		free_value(&cfg->s[i].val);
	}
	free(cfg->s);
	free(cfg->name);
	free(cfg);
}
