/* A small vsnprintf: %s %c %d %i %u %x %p with l/ll, width and zero padding. */
#include <stdarg.h>
#include "guest.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* 64-bit division by a small base without libgcc: 16 bits at a time. */
static unsigned divmod(unsigned long long *v, unsigned base)
{
	unsigned long long q = 0;
	uint32_t r = 0;

	for (int shift = 48; shift >= 0; shift -= 16) {
		uint32_t cur = (r << 16) | (uint32_t)((*v >> shift) & 0xffff);
		q |= (unsigned long long)(cur / base) << shift;
		r = cur % base;
	}
	*v = q;
	return r;
}

static void put_num(struct out *o, unsigned long long v, unsigned base, bool neg,
		    int width, char pad)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = "0123456789abcdef"[divmod(&v, base)];
	while (v);
	if (neg)
		width--;
	if (neg && pad == '0')	/* the sign goes before zero padding, after spaces */
		put(o, '-');
	while (width-- > n)
		put(o, pad);
	if (neg && pad == ' ')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
}

static int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		if (*++fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *str = va_arg(ap, const char *);
			int len = (int)strlen(str ? str : "(null)");
			while (width-- > len)
				put(&o, ' ');
			for (str = str ? str : "(null)"; *str; str++)
				put(&o, *str);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': case 'i':
			s = lng > 1 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, 10,
				s < 0, width, pad);
			break;
		case 'u': case 'x':
			u = lng > 1 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			put_num(&o, u, *fmt == 'x' ? 16 : 10, false, width, pad);
			break;
		case 'p':
			put(&o, '0'), put(&o, 'x');
			put_num(&o, (unsigned long)va_arg(ap, void *), 16, false, width, pad);
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int gsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void gprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gputs(buf);
}

bool check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	guest_checks++;
	if (ok) {
		gprintf("PASS %s\n", name);
		return true;
	}
	va_start(ap, fmt);
	vformat(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	guest_failures++;
	gprintf("FAIL %s: %s\n", name, detail);
	return false;
}

bool check_rc(const char *name, long got, long want)
{
	return check(name, got == want, "returned %ld, expected %ld", got, want);
}
