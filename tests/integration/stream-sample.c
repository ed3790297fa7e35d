/*
 * Sample migration streams for tests/integration/t-stream-verify.sh, which
 * holds them to Xen's own checker (verify-stream-v2), and our reader run on
 * any file.
 *
 *   stream-sample write DIR
 *       DIR/pv.libxc, pv.libxl, pv.xl, hvm.libxc, hvm.libxl, hvm.xl: a
 *       64-bit PV domain and a PVH (HVM-stream) one, each in the three formats
 *   stream-sample read xl|libxl|libxc FILE [MAX_PFN [MAX_VCPUS]]
 *       reads FILE with src/common/stream-read.c (the domain's limits default
 *       to the samples'); lists each record with its offset, then "ok", or
 *       "refused: WHY" on stderr and exit 1
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/stream-samples.h"

static int usage(void)
{
	fprintf(stderr, "usage: stream-sample write DIR\n"
			"       stream-sample read xl|libxl|libxc FILE [MAX_PFN [MAX_VCPUS]]\n");
	return 2;
}

static int write_one(const char *dir, const char *kind_name, enum sample_kind kind,
		     const char *format_name, enum stream_format format)
{
	struct stream_writer w;
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, kind_name, format_name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "stream-sample: %s: %s\n", path, strerror(errno));
		return -1;
	}
	stream_writer_init(&w, fd);
	if (sample_write(&w, kind, format) || close(fd)) {
		fprintf(stderr, "stream-sample: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("%s: %llu bytes\n", path, (unsigned long long)w.offset);
	return 0;
}

static int write_all(const char *dir)
{
	static const struct {
		const char *name;
		enum stream_format format;
	} formats[] = { { "libxc", STREAM_LIBXC }, { "libxl", STREAM_LIBXL }, { "xl", STREAM_XL } };

	for (unsigned f = 0; f < 3; f++)
		if (write_one(dir, "pv", SAMPLE_PV, formats[f].name, formats[f].format) ||
		    write_one(dir, "hvm", SAMPLE_HVM, formats[f].name, formats[f].format))
			return 1;
	return 0;
}

struct tally {
	unsigned records, pages;
};

static int list_record(struct stream_reader *r, const struct stream_record *rec, void *opaque)
{
	struct tally *t = opaque;

	(void)r;
	t->records++;
	t->pages += rec->count;
	printf("%s %u %s at %llu, length %u\n", rec->layer == STREAM_LAYER_LIBXC ? "libxc" : "libxl",
	       rec->index, stream_record_name(rec->layer, rec->type),
	       (unsigned long long)rec->offset, rec->length);
	return 0;
}

static int read_file(int argc, char **argv)
{
	struct stream_limits lim;
	struct stream_reader r;
	struct tally t = { 0, 0 };
	enum stream_format format;
	int fd, rc;

	if (strcmp(argv[2], "xl") == 0)
		format = STREAM_XL;
	else if (strcmp(argv[2], "libxl") == 0)
		format = STREAM_LIBXL;
	else if (strcmp(argv[2], "libxc") == 0)
		format = STREAM_LIBXC;
	else
		return usage();
	stream_limits_default(&lim, SAMPLE_PAGES - 1, SAMPLE_VCPUS);
	if (argc > 4)
		lim.max_pfn = strtoull(argv[4], NULL, 0);
	if (argc > 5)
		lim.max_vcpus = (uint32_t)strtoul(argv[5], NULL, 0);
	fd = open(argv[3], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "stream-sample: %s: %s\n", argv[3], strerror(errno));
		return 2;
	}
	stream_reader_init_fd(&r, fd, &lim, list_record, &t);
	rc = stream_read(&r, format);
	if (rc == 0 && r.config)
		printf("config: %u bytes of JSON\n", r.config_len);
	if (rc)
		fprintf(stderr, "refused: %s\n", r.err);
	else
		printf("ok: %u records, %u pfns, %llu bytes\n", t.records, t.pages,
		       (unsigned long long)r.offset);
	stream_reader_free(&r);
	close(fd);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return write_all(argv[2]);
	if (argc >= 4 && argc <= 6 && strcmp(argv[1], "read") == 0)
		return read_file(argc, argv);
	return usage();
}
