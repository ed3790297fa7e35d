/* A hand-written parser for the xl.cfg syntax (see xlcfg.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xlcfg.h"

#define MAX_SETTINGS 1024
#define MAX_LIST 256
#define MAX_TOKEN 4096

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

/* Skip blanks and comments; newlines too when 'newlines' is set. */
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

static char *parse_ident(struct parser *ps)
{
	const char *start = ps->p;

	if (ps->p >= ps->end || !(isalpha((unsigned char)*ps->p) || *ps->p == '_'))
		return NULL;
	while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '_'))
		ps->p++;
	return strndup(start, (size_t)(ps->p - start));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash; returns the byte or -1. */
static int parse_escape(struct parser *ps)
{
	char c = *ps->p++;

	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '\\': case '"': case '\'': return c;
	case 'x': {
		int hi = ps->p < ps->end ? hexval(ps->p[0]) : -1;
		int lo = ps->p + 1 < ps->end ? hexval(ps->p[1]) : -1;
		if (hi < 0 || lo < 0)
			return -1;
		ps->p += 2;
		return hi * 16 + lo;
	}
	default:
		if (c >= '0' && c <= '7') {
			int v = c - '0';
			for (int i = 0; i < 2 && ps->p < ps->end && *ps->p >= '0' && *ps->p <= '7'; i++)
				v = v * 8 + (*ps->p++ - '0');
			return v > 255 ? -1 : v;
		}
		return -1;
	}
}

static char *parse_string(struct parser *ps)
{
	char quote = *ps->p++, buf[MAX_TOKEN];
	size_t n = 0;

	while (ps->p < ps->end && *ps->p != quote) {
		int c = (unsigned char)*ps->p++;

		if (c == '\n') {
			fail(ps, "unterminated string");
			return NULL;
		}
		if (c == '\\') {
			c = ps->p < ps->end ? parse_escape(ps) : -1;
			if (c <= 0) {
				fail(ps, "bad escape in string");
				return NULL;
			}
		}
		if (n == sizeof(buf) - 1) {
			fail(ps, "string longer than %d bytes", MAX_TOKEN - 1);
			return NULL;
		}
		buf[n++] = (char)c;
	}
	if (ps->p >= ps->end) {
		fail(ps, "unterminated string");
		return NULL;
	}
	ps->p++;
	return strndup(buf, n);
}

static char *parse_number(struct parser *ps)
{
	const char *start = ps->p;

	if (ps->p + 1 < ps->end && ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X')) {
		ps->p += 2;
		if (ps->p >= ps->end || hexval(*ps->p) < 0) {
			fail(ps, "expected hex digits after '0x'");
			return NULL;
		}
		while (ps->p < ps->end && hexval(*ps->p) >= 0)
			ps->p++;
	} else {
		while (ps->p < ps->end && (isdigit((unsigned char)*ps->p) || *ps->p == '.'))
			ps->p++;
	}
	if (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '_')) {
		fail(ps, "bad number '%.*s'", (int)(ps->p - start + 1), start);
		return NULL;
	}
	return strndup(start, (size_t)(ps->p - start));
}

static bool parse_atom(struct parser *ps, struct xlcfg_value *v)
{
	char c = ps->p < ps->end ? *ps->p : 0;

	if (c == '"' || c == '\'') {
		v->type = XLCFG_STRING;
		v->str = parse_string(ps);
	} else if (isdigit((unsigned char)c)) {
		v->type = XLCFG_NUMBER;
		v->str = parse_number(ps);
	} else {
		fail(ps, "expected a string, a number or a list");
		return false;
	}
	return v->str != NULL;
}

static void free_value(struct xlcfg_value *v)
{
	free(v->str);
	for (unsigned i = 0; i < v->n; i++)
		free(v->items[i].str);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static bool parse_list(struct parser *ps, struct xlcfg_value *v)
{
	v->type = XLCFG_LIST;
	v->items = calloc(MAX_LIST, sizeof(*v->items));
	if (!v->items) {
		fail(ps, "out of memory");
		return false;
	}
	ps->p++;	/* '[' */
	for (;;) {
		skip_space(ps, true);
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return true;
		}
		if (v->n == MAX_LIST) {
			fail(ps, "list longer than %d items", MAX_LIST);
			return false;
		}
		if (!parse_atom(ps, &v->items[v->n]))
			return false;
		v->n++;
		skip_space(ps, true);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']')
			continue;
		fail(ps, "expected ',' or ']' in list");
		return false;
	}
}

static bool parse_value(struct parser *ps, struct xlcfg_value *v)
{
	skip_space(ps, false);
	if (ps->p < ps->end && *ps->p == '[')
		return parse_list(ps, v);
	return parse_atom(ps, v);
}

/* `+=`: lists gain the new items, strings the new text. */
static bool append(struct parser *ps, struct xlcfg_value *old, struct xlcfg_value *add)
{
	if (old->type == XLCFG_LIST && add->type == XLCFG_LIST) {
		if (old->n + add->n > MAX_LIST) {
			fail(ps, "list longer than %d items", MAX_LIST);
			return false;
		}
		memcpy(old->items + old->n, add->items, add->n * sizeof(*add->items));
		old->n += add->n;
		add->n = 0;
		free_value(add);
		return true;
	}
	if (old->type == XLCFG_STRING && add->type == XLCFG_STRING) {
		char *s = malloc(strlen(old->str) + strlen(add->str) + 1);
		if (!s) {
			fail(ps, "out of memory");
			return false;
		}
		strcpy(s, old->str);
		strcat(s, add->str);
		free(old->str);
		old->str = s;
		free_value(add);
		return true;
	}
	fail(ps, "'+=' needs a list or string of the same kind as before");
	return false;
}

static struct xlcfg_setting *find(struct xlcfg *cfg, const char *key)
{
	for (unsigned i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->s[i].key, key))
			return &cfg->s[i];
	return NULL;
}

static bool store(struct parser *ps, struct xlcfg *cfg, char *key, bool add,
		  struct xlcfg_value *v, int line)
{
	struct xlcfg_setting *old = find(cfg, key);

	if (old && add) {
		free(key);
		if (append(ps, &old->val, v))
			return true;
		free_value(v);
		return false;
	}
	if (old) {
		free(key);
		free_value(&old->val);
		old->val = *v;
		old->line = line;
		return true;
	}
	if (cfg->n == MAX_SETTINGS) {
		fail(ps, "more than %d settings", MAX_SETTINGS);
		free(key);
		free_value(v);
		return false;
	}
	cfg->s[cfg->n++] = (struct xlcfg_setting){ key, line, *v };
	return true;
}

static bool parse_setting(struct parser *ps, struct xlcfg *cfg)
{
	struct xlcfg_value v = { 0 };
	int line = ps->line;
	bool add = false;
	char *key = parse_ident(ps);

	if (!key) {
		fail(ps, "expected a setting name");
		return false;
	}
	skip_space(ps, false);
	if (ps->p + 1 < ps->end && ps->p[0] == '+' && ps->p[1] == '=') {
		add = true;
		ps->p += 2;
	} else if (ps->p < ps->end && *ps->p == '=') {
		ps->p++;
	} else {
		fail(ps, "expected '=' after '%s'", key);
		free(key);
		return false;
	}
	if (!parse_value(ps, &v)) {
		free(key);
		free_value(&v);
		return false;
	}
	skip_space(ps, false);
	if (ps->p < ps->end && *ps->p != '\n' && *ps->p != ';') {
		fail(ps, "expected end of line after the value of '%s'", key);
		free(key);
		free_value(&v);
		return false;
	}
	if (ps->p < ps->end && *ps->p == ';')
		ps->p++;
	return store(ps, cfg, key, add, &v, line);
}

static bool parse_into(struct parser *ps, struct xlcfg *cfg)
{
	for (;;) {
		skip_space(ps, true);
		if (ps->p >= ps->end)
			return true;
		if (*ps->p == ';') {
			ps->p++;
			continue;
		}
		if (!parse_setting(ps, cfg))
			return false;
	}
}

struct xlcfg *xlcfg_parse(const char *name, const char *text, size_t len,
			  char *err, size_t errlen)
{
	struct parser ps = { name, text, text + len, 1, err, errlen, false };
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg || !(cfg->s = calloc(MAX_SETTINGS, sizeof(*cfg->s))) ||
	    !(cfg->name = strdup(name))) {
		snprintf(err, errlen, "%s: out of memory", name);
		xlcfg_free(cfg);
		return NULL;
	}
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

int xlcfg_apply_override(struct xlcfg *cfg, const char *kv, char *err, size_t errlen)
{
	struct parser ps = { "command line", kv, kv + strlen(kv), 1, err, errlen, false };

	skip_space(&ps, false);
	return parse_setting(&ps, cfg) ? 0 : -1;
}

const struct xlcfg_setting *xlcfg_get(const struct xlcfg *cfg, const char *key)
{
	return find((struct xlcfg *)cfg, key);
}

void xlcfg_free(struct xlcfg *cfg)
{
	if (!cfg)
		return;
	for (unsigned i = 0; cfg->s && i < cfg->n; i++) {
		free(cfg->s[i].key);
		free_value(&cfg->s[i].val);
	}
	free(cfg->s);
	free(cfg->name);
	free(cfg);
}
