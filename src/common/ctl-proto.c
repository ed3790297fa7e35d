#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/common/ctl-proto.h"

void ctl_msg_init(struct ctl_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void ctl_msg_free(struct ctl_msg *m)
{
	for (unsigned i = 0; i < m->n; i++)
		free(m->field[i]);
	ctl_msg_init(m);
}

int ctl_msg_add(struct ctl_msg *m, const char *data, size_t len)
{
	char *copy;

	if (m->n == CTL_MAX_FIELDS || len > CTL_MAX_MSG)
		return -1;
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, data, len);
	copy[len] = 0;
	m->field[m->n] = copy;
	m->len[m->n++] = len;
	return 0;
}

int ctl_msg_addf(struct ctl_msg *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return ctl_msg_add(m, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

long ctl_encode(const struct ctl_msg *m, char **out)
{
	size_t cap = 2, pos = 0;
	char *buf;

	for (unsigned i = 0; i < m->n; i++)
		cap += m->len[i] + 24;
	buf = malloc(cap);
	if (!buf)
		return -1;
	for (unsigned i = 0; i < m->n; i++) {
		pos += (size_t)sprintf(buf + pos, "%zu:", m->len[i]);
		memcpy(buf + pos, m->field[i], m->len[i]);
		pos += m->len[i];
		buf[pos++] = ',';
	}
	buf[pos++] = '\n';
	*out = buf;
	return (long)pos;
}

long ctl_decode(const char *buf, size_t len, struct ctl_msg *m)
{
	size_t pos = 0;

	ctl_msg_free(m);
	for (;;) {
		size_t flen = 0, digits = 0;

		if (pos == len)
			return 0;
		if (buf[pos] == '\n')
			return (long)pos + 1;
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9') {
			flen = flen * 10 + (size_t)(buf[pos++] - '0');
			if (++digits > 7 || flen > CTL_MAX_MSG)
				goto bad;
		}
		if (pos == len)
			return 0;
		if (digits == 0 || buf[pos++] != ':')
			goto bad;
		if (len - pos < flen + 1)
			return 0;
		if (buf[pos + flen] != ',' || ctl_msg_add(m, buf + pos, flen))
			goto bad;
		pos += flen + 1;
	}
bad:
	ctl_msg_free(m);
	return -1;
}

int ctl_send(int fd, const struct ctl_msg *m)
{
	char *buf;
	long n = ctl_encode(m, &buf);
	size_t off = 0;

	if (n < 0)
		return -1;
	while (off < (size_t)n) {
		ssize_t w = write(fd, buf + off, (size_t)n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			free(buf);
			return -1;
		}
		off += (size_t)w;
	}
	free(buf);
	return 0;
}

int ctl_recv(int fd, struct ctl_msg *m)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		long used = ctl_decode(buf, len, m);
		ssize_t r;

		if (used > 0) {
			free(buf);
			return 0;
		}
		if (used < 0 || len > CTL_MAX_MSG + 1024)
			break;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		/* One reply per request: a read never takes a later message's bytes. */
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	free(buf);
	return -1;
}
