/* fuzz_vendor — any bytes as a vendor file (the header line names the
 * columns, or --columns does), with the options of qts-fetch chosen by the
 * first two bytes: symbol, stamp, adjust, epoch unit, timeframe; field
 * separator, date format and column names, either of the last two fixed
 * or read from the input's first lines.  Every event it gives, written as
 * CSV, reads back through the event reader as the same line; a row that
 * does not parse says why and where, and reading goes on after it. */
#include "fuzz.h"
#include "qts_fetch.h"

#include <stdio.h>

static void check_event(const qts_event *ev)
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
		fprintf(stderr, "event '%.*s' does not read back: %s\n", (int)n, line, qts_reader_error(r));
		abort();
	}
	char again[1024];
	size_t m = qts_event_to_csv(&back, again, sizeof again);
	if (m != n || memcmp(line, again, n) != 0) {
		fprintf(stderr, "event '%.*s' reads back as '%.*s'\n", (int)n, line, (int)m, again);
		abort();
	}
	qts_reader_close(r);
	close(fd);
}

/* The input's next line (without its newline) into buf, or NULL when
 * there is none or it is too long to be an option. */
static const char *take_line(const unsigned char **data, size_t *size, char *buf, size_t cap)
{
	const unsigned char *nl = memchr(*data, '\n', *size);
	if (!nl || (size_t)(nl - *data) >= cap)
		return NULL;
	size_t n = (size_t)(nl - *data);
	memcpy(buf, *data, n);
	buf[n] = '\0';
	*data += n + 1, *size -= n + 1;
	return buf;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned o = data[0], p = data[1];
	data += 2, size -= 2;
	fuzz_pick_read_size(&data, &size);
	static const int64_t epochs[4] = { 0, QTS_NS_PER_SEC, 1000000, 1 };
	static const qts_tf tfs[4] = { { 0, 0 }, { 1, 'd' }, { 1, 'M' }, { 5, 'm' } };
	static const char delims[4] = { 0, ';', '\t', '|' };
	static const char *const formats[7] = {
		NULL, "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d.%m.%Y", "%d-%b-%Y %I:%M:%S %p", "%Y%m%d",
		"%m/%d/%Y %H:%M:%S|%f" };
	static const char *const columns[3] = {
		NULL, "date,time,open,high,low,close,volume,oi", "date,time,symbol,status,,price,,size" };
	static char format_line[128], columns_line[256];
	qts_vendor_opts opts = {
		.symbol = o & 1 ? "SYM" : NULL,
		.stamp_end = !!(o & 2),
		.adjust = !!(o & 4),
		.epoch_unit = epochs[(o >> 3) & 3],
		.tf = tfs[(o >> 5) & 3],
		.delimiter = delims[p & 3],
	};
	unsigned f = (p >> 2) & 7, c = (p >> 5) & 3;
	if (f == 7) { /* a format of the input's own, if it is one */
		opts.date_format = take_line(&data, &size, format_line, sizeof format_line);
		if (!opts.date_format || qts_date_format_check(opts.date_format))
			return 0;
	} else
		opts.date_format = formats[f];
	if (c == 3) { /* column names of the input's own, checked as qts-fetch does */
		opts.columns = take_line(&data, &size, columns_line, sizeof columns_line);
		if (!opts.columns || strspn(opts.columns, ", \t") == strlen(opts.columns))
			return 0;
	} else
		opts.columns = columns[c];
	int fd = fuzz_fd(data, size);
	qts_input *in = qts_input_fdopen(fd, "fuzz");
	if (!in)
		abort();
	const unsigned char *peek;
	long n = qts_input_peek(in, &peek, 4096);
	if (n > 0) {
		(void)qts_vendor_is_header((const char *)peek, (size_t)n);
		(void)qts_vendor_is_header_sep((const char *)peek, (size_t)n, opts.delimiter ? opts.delimiter : ',');
	}
	char err[512] = "";
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
	long bad = 0;
	while ((r = qts_vendor_next(v, &ev)) != 0) {
		if (r == -1) /* the message names the place */
			break;
		if (!qts_vendor_where(v)[0])
			abort();
		if (r == QTS_VENDOR_BAD || r == QTS_VENDOR_NO_DATA) { /* --on-bad skip */
			if (!qts_vendor_error(v)[0] || ++bad > qts_vendor_rows(v))
				abort();
			continue;
		}
		if (r != 1)
			abort();
		check_event(&ev);
	}
	if (r < 0 && !qts_vendor_error(v)[0])
		abort();
	qts_vendor_close(v);
	close(fd);
	return 0;
}
