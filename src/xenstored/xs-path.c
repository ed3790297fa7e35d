#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/xenstored/xs-path.h"

static bool valid_chars(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz"
				 "0123456789-/_@";

	return s[strspn(s, ok)] == '\0';
}

/* Length of the "/local/domain/<n>/" prefix, which path-max ignores. */
static size_t local_prefix_len(const char *path)
{
	const char *p = "/local/domain/";
	size_t n = strlen(p), digits = 0;

	if (strncmp(path, p, n))
		return 0;
	while (path[n + digits] >= '0' && path[n + digits] <= '9')
		digits++;
	if (!digits || digits > 5 || path[n + digits] != '/')
		return 0;
	return n + digits + 1;
}

int xs_path_canonical(const char *in, uint32_t domid, bool allow_special,
		      uint32_t path_max, char *out)
{
	size_t len;
	int n;

	if (!in || !*in || !valid_chars(in) || (in[0] == '@' && !allow_special))
		return EINVAL;
	if (in[0] == '/' || in[0] == '@')
		n = snprintf(out, XS_PATH_BUF, "%s", in);
	else
		n = snprintf(out, XS_PATH_BUF, "/local/domain/%u/%s", domid, in);
	if (n < 0 || n >= XS_PATH_BUF)
		return EINVAL;
	len = n;
	if ((len > 1 && out[len - 1] == '/') || strstr(out, "//"))
		return EINVAL;
	if (path_max && len - local_prefix_len(out) >= path_max)
		return EINVAL;
	return 0;
}

void xs_path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash && slash != path ? (size_t)(slash - path) : 1;

	memmove(out, path, n);	/* out may be path itself */
	out[n] = '\0';
}

const char *xs_path_leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int xs_path_join(const char *dir, const char *leaf, char *out)
{
	int n = snprintf(out, XS_PATH_BUF, "%s/%s",
			 strcmp(dir, "/") ? dir : "", leaf);

	return n < 0 || n >= XS_PATH_BUF ? EINVAL : 0;
}

bool xs_path_is_child(const char *child, const char *parent, int depth)
{
	size_t len = strlen(parent);
	int levels;

	if (strncmp(child, parent, len))
		return false;
	if (len > 1 && child[len] != '/' && child[len] != '\0')
		return false;
	if (depth < 0 || child[len] == '\0')
		return true;
	/* "/" already ends in a separator, so its children start a level. */
	levels = len == 1 ? 1 : 0;
	for (const char *p = child + len; *p; p++)
		if (*p == '/')
			levels++;
	return levels <= depth;
}
