/* A string-keyed hash map: node paths to nodes, transaction overlays. */
#ifndef XS_HASH_H
#define XS_HASH_H

#include <stdbool.h>
#include <stddef.h>

struct xs_hash_entry {
	struct xs_hash_entry *next;
	char *key;
	void *value;
};

struct xs_hash {
	struct xs_hash_entry **buckets;
	size_t nbuckets;	/* a power of two */
	size_t count;
};

int xs_hash_init(struct xs_hash *h);
/* Frees the map; each value is passed to free_value when it is not NULL. */
void xs_hash_destroy(struct xs_hash *h, void (*free_value)(void *));
void *xs_hash_get(const struct xs_hash *h, const char *key);
bool xs_hash_has(const struct xs_hash *h, const char *key);
/* Inserts or replaces; the old value goes to *old (NULL when new).
 * Returns 0 or -ENOMEM. */
int xs_hash_put(struct xs_hash *h, const char *key, void *value, void **old);
/* Removes key and returns its value (NULL when absent). */
void *xs_hash_del(struct xs_hash *h, const char *key);

/* Iteration: for (e = xs_hash_first(h, &i); e; e = xs_hash_next(h, e, &i)) */
struct xs_hash_entry *xs_hash_first(const struct xs_hash *h, size_t *bucket);
struct xs_hash_entry *xs_hash_next(const struct xs_hash *h,
				   struct xs_hash_entry *e, size_t *bucket);

#endif
