/* xenstore path rules: characters, relative paths, parents, watch matching. */
#ifndef XS_PATH_H
#define XS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for any canonical path plus its nul. */
#define XS_PATH_BUF (XS_PATH_ABS_LIMIT + 1)
#define XS_PATH_ABS_LIMIT 3072

/* Turns a client path into an absolute one in out (XS_PATH_BUF bytes).
 * Relative paths hang under /local/domain/<domid>. A length below
 * /local/domain/<n>/ reaching path_max is refused, as in Xen (0: no
 * limit). Returns 0 or EINVAL. */
int xs_path_canonical(const char *in, uint32_t domid, bool allow_special,
		      uint32_t path_max, char *out);

/* The parent of an absolute path other than "/" into out. */
void xs_path_parent(const char *path, char *out);
/* The last component of an absolute path other than "/". */
const char *xs_path_leaf(const char *path);
/* child/leaf into out; returns EINVAL if it would be too long. */
int xs_path_join(const char *dir, const char *leaf, char *out);

/* Is child equal to parent or below it, within depth levels (-1: any)? */
bool xs_path_is_child(const char *child, const char *parent, int depth);

#endif
