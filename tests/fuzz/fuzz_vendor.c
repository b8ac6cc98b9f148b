/* fuzz_vendor — any bytes as a vendor bar file (the header line names the
 * columns), with the options of qts-fetch chosen by the first byte.  Every
 * bar it gives, written as CSV, reads back through the event reader as
 * the same line; errors say where. */
#include "fuzz.h"
#include "qts_fetch.h"

#include <stdio.h>

static void check_bar(const qts_event *ev)
{
	char line[1024];
	size_t n = qts_event_to_csv(ev, line, sizeof line);
	if (n > sizeof line)
		abort();
	(void)qts_event_known(ev);
	int fd = fuzz_fd(line, n);
	qts_reader *r = qts_reader_fdopen(fd, "bar");
	qts_event back;
	if (!r)
		abort();
	if (qts_reader_next(r, &back) != 1) {
		fprintf(stderr, "bar '%.*s' does not read back: %s\n", (int)n, line, qts_reader_error(r));
		abort();
	}
	char again[1024];
	size_t m = qts_event_to_csv(&back, again, sizeof again);
	if (m != n || memcmp(line, again, n) != 0) {
		fprintf(stderr, "bar '%.*s' reads back as '%.*s'\n", (int)n, line, (int)m, again);
		abort();
	}
	qts_reader_close(r);
	close(fd);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned o = data[0];
	data++, size--;
	fuzz_pick_read_size(&data, &size);
	static const int64_t epochs[4] = { 0, QTS_NS_PER_SEC, 1000000, 1 };
	static const qts_tf tfs[4] = { { 0, 0 }, { 1, 'd' }, { 1, 'M' }, { 5, 'm' } };
	qts_vendor_opts opts = {
		.symbol = o & 1 ? "SYM" : NULL,
		.stamp_end = !!(o & 2),
		.adjust = !!(o & 4),
		.epoch_unit = epochs[(o >> 3) & 3],
		.tf = tfs[(o >> 5) & 3],
	};
	int fd = fuzz_fd(data, size);
	qts_input *in = qts_input_fdopen(fd, "fuzz");
	if (!in)
		abort();
	const unsigned char *p;
	long n = qts_input_peek(in, &p, 4096);
	if (n > 0)
		(void)qts_vendor_is_header((const char *)p, (size_t)n);
	char err[512];
	qts_vendor *v = qts_vendor_open(in, &opts, err);
	if (!v) {
		if (!err[0])
			abort();
		qts_input_close(in);
		close(fd);
		return 0;
	}
	(void)qts_vendor_layout(v);
	qts_event ev;
	int r;
	while ((r = qts_vendor_next(v, &ev)) > 0) {
		if (!qts_vendor_where(v)[0])
			abort();
		check_bar(&ev);
	}
	if (r < 0 && !qts_vendor_error(v)[0])
		abort();
	qts_vendor_close(v);
	close(fd);
	return 0;
}
