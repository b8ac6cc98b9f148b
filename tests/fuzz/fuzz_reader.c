/* fuzz_reader — any bytes through the event reader (CSV or msgpack, plain
 * or gzip), then the codecs' round trips:
 *   - what was read from CSV, written as CSV and read again, is the same
 *     CSV; written as msgpack and read back, it is still the same CSV;
 *   - what was read from msgpack, written as msgpack and read again, gives
 *     the same msgpack bytes;
 *   - the bytes the reader offers as an event's own (qts_reader_raw),
 *     copied by qts_writer_put_raw, are what qts_writer_put writes;
 *   - CSV lines (msgpack bars) decoded in one pass give what splitting
 *     them into fields first (the generic decoder) gives: the same events,
 *     or the same error after them;
 *   - a merge of two readers of the input yields every event of both.
 * Reading may fail (bad input) but must never crash, leak or overrun. */
#include "fuzz.h"

#include "csv_priv.h"

#include <stdio.h>

/* The error the last copy_events ended on, if any. */
static char copy_error[1024];

/* Bytes on stderr, the unprintable ones as \ooo. */
static void show(const char *p, size_t n)
{
	for (size_t i = 0; i < n && i < 2000; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n' || (c >= ' ' && c < 127 && c != '\\'))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\%03o", c);
	}
	fputc('\n', stderr);
}

static void same(const char *what, const char *a, size_t na, const char *b, size_t nb)
{
	if (na == nb && memcmp(a, b, na) == 0)
		return;
	fprintf(stderr, "%s differ:\n--- first (%zu bytes)\n", what, na);
	show(a, na);
	fprintf(stderr, "--- second (%zu bytes)\n", nb);
	show(b, nb);
	abort();
}

/* Read every event of fd; write each as CSV to csv_fd and msgpack to
 * mp_fd; split: every CSV line split into fields first, every msgpack
 * record through the generic decoder.  Returns the reader's format;
 * *failed tells whether it ended on an error (in copy_error), *count how
 * many events it gave. */
static int copy_events(int fd, int csv_fd, int mp_fd, int split, int *failed, size_t *count)
{
	qts_reader *r = qts_reader_fdopen(fd, "fuzz");
	qts_writer *wc = qts_writer_new(csv_fd, QTS_FMT_CSV);
	qts_writer *wm = qts_writer_new(mp_fd, QTS_FMT_MSGPACK);
	int raw_fd = memfd_create("raw", 0);
	qts_writer *wr = qts_writer_new(raw_fd, QTS_FMT_MSGPACK);
	if (!r || !wc || !wm || !wr)
		abort();
	if (split)
		qts_reader_split_only(r);
	copy_error[0] = '\0';
	qts_event ev;
	int got;
	*count = 0;
	while ((got = qts_reader_next(r, &ev)) > 0) {
		(*count)++;
		const void *raw;
		size_t raw_len;
		int raw_fmt = qts_reader_raw(r, &raw, &raw_len);
		if ((raw_fmt != 0) != (raw_len != 0) || (raw_fmt && raw_fmt != qts_reader_format(r)))
			abort();
		if (qts_writer_put(wc, &ev) < 0 || qts_writer_put(wm, &ev) < 0 ||
		    qts_writer_put_raw(wr, &ev, raw, raw_len, raw_fmt) < 0)
			abort();
		(void)qts_event_known(&ev);
		if (strlen(qts_reader_where(r)) == 0)
			abort();
		char line[512];
		size_t need = qts_event_to_csv(&ev, line, sizeof line);
		(void)need;
	}
	*failed = got < 0;
	if (got < 0 && strlen(qts_reader_error(r)) == 0)
		abort(); /* an error must say what */
	if (got < 0)
		snprintf(copy_error, sizeof copy_error, "%s", qts_reader_error(r));
	int fmt = qts_reader_format(r);
	qts_reader_close(r);
	if (qts_writer_close(wc) < 0 || qts_writer_close(wm) < 0 || qts_writer_close(wr) < 0)
		abort();
	size_t nmp, nraw;
	char *mp = fuzz_slurp(mp_fd, &nmp), *copied = fuzz_slurp(raw_fd, &nraw);
	same("msgpack encoded, and copied where the reader offered the bytes", mp, nmp, copied, nraw);
	free(mp), free(copied);
	close(raw_fd);
	return fmt;
}

static int merge_next(void *ctx, size_t i, qts_event *ev)
{
	return qts_reader_next(((qts_reader **)ctx)[i], ev);
}

static const char *merge_error(void *ctx, size_t i)
{
	return qts_reader_error(((qts_reader **)ctx)[i]);
}

static void check_merge(const unsigned char *data, size_t size, size_t count, int failed)
{
	qts_reader *rs[2];
	int fds[2];
	for (int i = 0; i < 2; i++) {
		fds[i] = fuzz_fd(data, size);
		if (!(rs[i] = qts_reader_fdopen(fds[i], "fuzz")))
			abort();
	}
	qts_merge *m = qts_merge_new_sources(2, merge_next, merge_error, rs);
	if (!m)
		abort();
	qts_event ev;
	size_t n = 0, src;
	int got;
	while ((got = qts_merge_next(m, &ev, &src)) > 0)
		n++;
	if (!failed && (got < 0 || n != 2 * count)) {
		fprintf(stderr, "merge gave %zu events of %zu (%s)\n", n, 2 * count, got < 0 ? qts_merge_error(m) : "");
		abort();
	}
	qts_merge_free(m);
	for (int i = 0; i < 2; i++) {
		qts_reader_close(rs[i]);
		close(fds[i]);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	fuzz_pick_read_size(&data, &size);
	int in = fuzz_fd(data, size);
	int csv1 = memfd_create("csv1", 0), mp1 = memfd_create("mp1", 0);
	int failed;
	size_t count;
	int fmt = copy_events(in, csv1, mp1, 0, &failed, &count);
	close(in);
	size_t ncsv, nmp;
	char *csv = fuzz_slurp(csv1, &ncsv), *mp = fuzz_slurp(mp1, &nmp);
	close(csv1);
	close(mp1);

	/* Read in one pass where it can be, and split into fields (CSV) or
	 * through the generic decoder (msgpack). */
	if (fmt == QTS_FMT_CSV || fmt == QTS_FMT_MSGPACK) {
		char error[sizeof copy_error];
		memcpy(error, copy_error, sizeof error);
		int ins = fuzz_fd(data, size), csvs = memfd_create("csvs", 0), mps = memfd_create("mps", 0);
		int faileds;
		size_t counts, ncsvs;
		copy_events(ins, csvs, mps, 1, &faileds, &counts);
		char *csvsplit = fuzz_slurp(csvs, &ncsvs);
		same("read in one pass, and split first", csv, ncsv, csvsplit, ncsvs);
		same("the errors of a read in one pass, and split first", error, strlen(error), copy_error,
		     strlen(copy_error));
		if (faileds != failed || counts != count)
			abort();
		close(ins), close(csvs), close(mps);
		free(csvsplit);
	}

	/* The msgpack written reads back: as CSV, it is the CSV written. */
	int in2 = fuzz_fd(mp, nmp), csv2 = memfd_create("csv2", 0), mp2 = memfd_create("mp2", 0);
	int failed2;
	size_t count2;
	copy_events(in2, csv2, mp2, 0, &failed2, &count2);
	size_t ncsv2, nmp2;
	char *csvb = fuzz_slurp(csv2, &ncsv2), *mpb = fuzz_slurp(mp2, &nmp2);
	if (failed2 || count2 != count)
		abort();
	if (fmt == QTS_FMT_CSV)
		same("CSV read, and CSV through msgpack", csv, ncsv, csvb, ncsv2);
	same("msgpack written, and msgpack read back and written", mp, nmp, mpb, nmp2);
	close(in2), close(csv2), close(mp2);
	free(csvb), free(mpb);

	/* The CSV written reads back to itself. */
	if (fmt == QTS_FMT_CSV) {
		int in3 = fuzz_fd(csv, ncsv), csv3 = memfd_create("csv3", 0), mp3 = memfd_create("mp3", 0);
		int failed3;
		size_t count3;
		copy_events(in3, csv3, mp3, 0, &failed3, &count3);
		size_t ncsv3, nmp3;
		char *csvc = fuzz_slurp(csv3, &ncsv3), *mpc = fuzz_slurp(mp3, &nmp3);
		if (failed3 || count3 != count) {
			fprintf(stderr, "CSV written reads back %zu events of %zu%s\n", count3, count,
				failed3 ? " and fails" : "");
			abort();
		}
		same("CSV written, and CSV read back and written", csv, ncsv, csvc, ncsv3);
		same("msgpack, and msgpack through CSV", mp, nmp, mpc, nmp3);
		close(in3), close(csv3), close(mp3);
		free(csvc), free(mpc);
	}
	free(csv), free(mp);

	check_merge(data, size, count, failed);
	return 0;
}
