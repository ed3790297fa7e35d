#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-hash.h"

#define INITIAL_BUCKETS 64

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

int xs_hash_init(struct xs_hash *h)
{
	h->buckets = calloc(INITIAL_BUCKETS, sizeof(*h->buckets));
	if (!h->buckets)
		return -ENOMEM;
	h->nbuckets = INITIAL_BUCKETS;
	h->count = 0;
	return 0;
}

void xs_hash_destroy(struct xs_hash *h, void (*free_value)(void *))
{
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct xs_hash_entry *e = h->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			if (free_value && e->value)
				free_value(e->value);
			free(e->key);
			free(e);
		}
	}
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = h->count = 0;
}

static struct xs_hash_entry **slot_of(const struct xs_hash *h, const char *key)
{
	struct xs_hash_entry **p = &h->buckets[hash_str(key) & (h->nbuckets - 1)];

	while (*p && strcmp((*p)->key, key))
		p = &(*p)->next;
	return p;
}

void *xs_hash_get(const struct xs_hash *h, const char *key)
{
	struct xs_hash_entry *e = *slot_of(h, key);

	return e ? e->value : NULL;
}

bool xs_hash_has(const struct xs_hash *h, const char *key)
{
	return *slot_of(h, key) != NULL;
}

/* Growing is best effort: a failed resize only makes chains longer. */
static void grow(struct xs_hash *h)
{
	size_t n = h->nbuckets * 2;
	struct xs_hash_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct xs_hash_entry *e = h->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			size_t j = hash_str(e->key) & (n - 1);
			e->next = b[j];
			b[j] = e;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->nbuckets = n;
}

int xs_hash_put(struct xs_hash *h, const char *key, void *value, void **old)
{
	struct xs_hash_entry **p = slot_of(h, key), *e;

	if (*p) {
		if (old)
			*old = (*p)->value;
		(*p)->value = value;
		return 0;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->key = strdup(key);
	if (!e->key) {
		free(e);
		return -ENOMEM;
	}
	e->value = value;
	e->next = NULL;
	*p = e;
	if (old)
		*old = NULL;
	if (++h->count > h->nbuckets * 2)
		grow(h);
	return 0;
}

void *xs_hash_del(struct xs_hash *h, const char *key)
{
	struct xs_hash_entry **p = slot_of(h, key), *e = *p;
	void *v;

	if (!e)
		return NULL;
	*p = e->next;
	v = e->value;
	free(e->key);
	free(e);
	h->count--;
	return v;
}

static struct xs_hash_entry *scan_from(const struct xs_hash *h, size_t *bucket)
{
	for (; *bucket < h->nbuckets; (*bucket)++)
		if (h->buckets[*bucket])
			return h->buckets[*bucket];
	return NULL;
}

struct xs_hash_entry *xs_hash_first(const struct xs_hash *h, size_t *bucket)
{
	*bucket = 0;
	return scan_from(h, bucket);
}

struct xs_hash_entry *xs_hash_next(const struct xs_hash *h,
				   struct xs_hash_entry *e, size_t *bucket)
{
	if (e->next)
		return e->next;
	(*bucket)++;
	return scan_from(h, bucket);
}
