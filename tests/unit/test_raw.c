/* Raw pass-through: the reader offers the bytes of an event it read when
 * they are exactly what the writer would write for it, the writer copies
 * them when its format is theirs, and the runtime does so only for the
 * very event a stage was given: an event changed, made anew, or bound for
 * another format is encoded. */
#include "qts.h"
#include "qts_stage.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct buf {
	char *p;
	size_t n;
} buf;

/* An unnamed file to write to and read back. */
static int scratch_fd(void)
{
	char path[] = "/tmp/qts-raw-out-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		exit(1);
	unlink(path);
	return fd;
}

/* Everything written to fd so far. */
static buf slurp(int fd)
{
	buf b = { NULL, 0 };
	off_t end = lseek(fd, 0, SEEK_END);
	b.p = malloc((size_t)end + 1);
	if (!b.p || pread(fd, b.p, (size_t)end, 0) != end)
		exit(1);
	b.n = (size_t)end;
	return b;
}

static int same(buf a, buf b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static buf encode(const qts_event *evs, size_t n, int fmt)
{
	int fd = scratch_fd();
	qts_writer *w = qts_writer_new(fd, fmt);
	for (size_t i = 0; i < n; i++)
		qts_writer_put(w, &evs[i]);
	qts_writer_close(w);
	buf b = slurp(fd);
	close(fd);
	return b;
}

static char *write_tmp(const void *p, size_t n)
{
	char *path = strdup("/tmp/qts-raw-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		exit(1);
	close(fd);
	return path;
}

static qts_event bar(int64_t day, const char *sym, double close)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, day * QTS_NS_PER_DAY);
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1d");
	ev.bar.open = close - 1, ev.bar.high = close + 1, ev.bar.low = close - 2, ev.bar.close = close;
	ev.bar.volume = 1000;
	return ev;
}

/* The events of every kind the raw path must get right. */
static size_t sample(qts_event *ev)
{
	size_t n = 0;
	ev[n++] = bar(19000, "AAPL", 190.25);
	ev[n++] = bar(19000, "A-SYMBOL-OF-THIRTY-ONE-BYTES-XX", 1e300); /* the longest fixstr */
	ev[n++] = bar(19000, "X", -0.0); /* the shortest symbol (none is refused) */
	qts_event_init(&ev[n], QTS_TARGET, 19001 * QTS_NS_PER_DAY);
	QTS_SET(ev[n].symbol, "AAPL");
	ev[n].target.target = 100;
	QTS_SET(ev[n].target.unit, "qty");
	QTS_SET(ev[n].target.strategy, "sma");
	n++;
	qts_event_init(&ev[n], QTS_ORDER, 19001 * QTS_NS_PER_DAY);
	QTS_SET(ev[n].symbol, "AAPL");
	QTS_SET(ev[n].order.id, "o-1");
	QTS_SET(ev[n].order.side, "buy");
	ev[n].order.qty = 5;
	QTS_SET(ev[n].order.kind, "limit");
	ev[n].order.limit = 189.5; /* stop stays empty: nil */
	QTS_SET(ev[n].order.tif, "day");
	n++;
	qts_event_init(&ev[n], QTS_UPDATE, 19001 * QTS_NS_PER_DAY);
	QTS_SET(ev[n].symbol, "AAPL");
	QTS_SET(ev[n].update.id, "o-1");
	QTS_SET(ev[n].update.status, "rejected");
	QTS_SET(ev[n].update.reason, "a reason longer than thirty-one bytes, so written as str8");
	n++;
	qts_event_init(&ev[n], QTS_SYSTEM, 19001 * QTS_NS_PER_DAY);
	QTS_SET(ev[n].system.source, "qts-test");
	QTS_SET(ev[n].system.level, "info");
	QTS_SET(ev[n].system.message, "hello");
	n++;
	return n;
}

/* A bar as writer.c writes it, then changed by edit: a field encoded in
 * another valid way. */
static buf bar_bytes(void (*edit)(buf *))
{
	qts_event ev = bar(19000, "IBM", 120.5);
	buf b = encode(&ev, 1, QTS_FMT_MSGPACK);
	if (edit)
		edit(&b);
	return b;
}

static void ts_as_uint64(buf *b) { b->p[5] = (char)0xcf; } /* a positive int64: the same value */
static void header_as_array16(buf *b)
{
	char *p = malloc(b->n + 2);
	p[0] = (char)0xdc, p[1] = 0, p[2] = 9;
	memcpy(p + 3, b->p + 1, b->n - 1);
	free(b->p);
	b->p = p;
	b->n += 2;
}
static void symbol_as_str8(buf *b)
{
	/* 99 a3 bar d3 <8> a3 IBM: the symbol's header at 14 */
	char *p = malloc(b->n + 1);
	memcpy(p, b->p, 14);
	p[14] = (char)0xd9, p[15] = 3;
	memcpy(p + 16, b->p + 15, b->n - 15);
	free(b->p);
	b->p = p;
	b->n += 1;
}
static void volume_as_uint(buf *b)
{
	/* the last float64 (1000) as uint16 0xcd 03 e8 */
	b->n -= 9;
	b->p[b->n++] = (char)0xcd, b->p[b->n++] = 0x03, b->p[b->n++] = (char)0xe8;
}

static void check_reader(void)
{
	qts_event evs[16];
	size_t n = sample(evs);
	buf mp = encode(evs, n, QTS_FMT_MSGPACK), csv = encode(evs, n, QTS_FMT_CSV);
	char *path = write_tmp(mp.p, mp.n);
	qts_reader *r = qts_reader_open(path);
	int mpfd = scratch_fd(), csvfd = scratch_fd();
	qts_writer *wm = qts_writer_new(mpfd, QTS_FMT_MSGPACK), *wc = qts_writer_new(csvfd, QTS_FMT_CSV);
	qts_event ev;
	int all_raw = 1, each_exact = 1;
	size_t got = 0;
	while (qts_reader_next(r, &ev) == 1) {
		const void *p;
		size_t len;
		int fmt = qts_reader_raw(r, &p, &len);
		buf one = encode(&ev, 1, QTS_FMT_MSGPACK);
		all_raw &= fmt == QTS_FMT_MSGPACK && len > 0;
		each_exact &= len == one.n && memcmp(p, one.p, len) == 0;
		free(one.p);
		qts_writer_put_raw(wm, &ev, p, len, fmt);
		qts_writer_put_raw(wc, &ev, p, len, fmt);
		got++;
	}
	CHECK(got == n && all_raw, "every event writer.c wrote reads back with its bytes");
	CHECK(each_exact, "the bytes are the event's encoding, exactly");
	qts_writer_close(wm);
	qts_writer_close(wc);
	buf outm = slurp(mpfd), outc = slurp(csvfd);
	CHECK(same(outm, mp), "copied to msgpack: the stream as read");
	CHECK(same(outc, csv), "msgpack raw into a CSV writer: encoded as CSV");
	qts_reader_close(r);
	unlink(path);
	free(path), free(outm.p), free(outc.p), free(mp.p);

	/* CSV: the bytes read are not offered (a date, 190.250 or CRLF would
	 * read the same and write differently). */
	path = write_tmp(csv.p, csv.n);
	r = qts_reader_open(path);
	int none = 1;
	while (qts_reader_next(r, &ev) == 1) {
		const void *p;
		size_t len = 1;
		none &= qts_reader_raw(r, &p, &len) == 0 && len == 0;
	}
	CHECK(none, "CSV offers no raw bytes");
	qts_reader_close(r);
	unlink(path);
	free(path), free(csv.p);

	/* An unknown type is passed on field by field, never raw. */
	const unsigned char unknown[] = { 0x93, 0xa4, 'n', 'o', 't', 'e', 0xd3, 0, 0, 0, 0, 0, 0, 0, 1, 0xa1, 'x' };
	path = write_tmp(unknown, sizeof unknown);
	r = qts_reader_open(path);
	const void *p;
	size_t len = 1;
	CHECK(qts_reader_next(r, &ev) == 1 && ev.type == QTS_UNKNOWN && qts_reader_raw(r, &p, &len) == 0 && len == 0,
	      "an unknown type offers no raw bytes");
	qts_reader_close(r);
	unlink(path);
	free(path);
}

/* A record encoded in another valid way reads as the same event, but its
 * bytes are not offered: they would not be what the writer writes. */
static void check_other_encoding(void (*edit)(buf *), const char *what)
{
	buf canon = bar_bytes(NULL), other = bar_bytes(edit);
	char *path = write_tmp(other.p, other.n);
	qts_reader *r = qts_reader_open(path);
	qts_event ev;
	const void *p = NULL;
	size_t len = 1;
	int ok = qts_reader_next(r, &ev) == 1 && ev.type == QTS_BAR && qts_reader_raw(r, &p, &len) == 0 && len == 0;
	int fd = scratch_fd();
	qts_writer *w = qts_writer_new(fd, QTS_FMT_MSGPACK);
	qts_writer_put_raw(w, &ev, p, len, 0);
	qts_writer_close(w);
	buf out = slurp(fd);
	close(fd);
	char name[128];
	snprintf(name, sizeof name, "%s: read, not offered raw, written as writer.c writes it", what);
	CHECK(ok && same(out, canon) && !same(other, canon), name);
	qts_reader_close(r);
	unlink(path);
	free(path), free(canon.p), free(other.p), free(out.p);
}

/* Two msgpack files merged: each event's raw bytes are its own, from the
 * file it came from. */
static void check_merge(void)
{
	qts_event a[3] = { bar(19000, "A", 1), bar(19001, "A", 2), bar(19003, "A", 3) };
	qts_event b[3] = { bar(19000, "B", 10), bar(19002, "B", 20), bar(19003, "B", 30) };
	buf ma = encode(a, 3, QTS_FMT_MSGPACK), mb = encode(b, 3, QTS_FMT_MSGPACK);
	char *files[2] = { write_tmp(ma.p, ma.n), write_tmp(mb.p, mb.n) };
	char err[256];
	qts_inputs *in = qts_inputs_open(files, 2, NULL, err, sizeof err);
	qts_event ev;
	int exact = 1, n = 0;
	while (qts_inputs_next(in, &ev) == 1) {
		const void *p;
		size_t len;
		int fmt = qts_inputs_raw(in, &p, &len);
		buf one = encode(&ev, 1, QTS_FMT_MSGPACK);
		exact &= fmt == QTS_FMT_MSGPACK && len == one.n && memcmp(p, one.p, len) == 0;
		free(one.p);
		n++;
	}
	CHECK(n == 6 && exact, "a merge offers each event's own bytes");
	qts_inputs_close(in);
	for (int i = 0; i < 2; i++)
		unlink(files[i]), free(files[i]);
	free(ma.p), free(mb.p);
}

/* The writer keeps what it must of an event copied: a system error event
 * ends the stream, and a failure after a bar is dated at the bar's end. */
static void check_writer_notes(void)
{
	qts_event evs[2] = { bar(19000, "A", 1) };
	qts_event_init(&evs[1], QTS_SYSTEM, 19000 * QTS_NS_PER_DAY);
	QTS_SET(evs[1].system.source, "qts-x");
	QTS_SET(evs[1].system.level, "error");
	QTS_SET(evs[1].system.message, "broke");
	buf mp = encode(evs, 2, QTS_FMT_MSGPACK);
	char *path = write_tmp(mp.p, mp.n);
	qts_reader *r = qts_reader_open(path);
	int fd = scratch_fd();
	qts_writer *w = qts_writer_new(fd, QTS_FMT_MSGPACK);
	qts_event ev;
	const void *p;
	size_t len;
	while (qts_reader_next(r, &ev) == 1) {
		int fmt = qts_reader_raw(r, &p, &len);
		qts_writer_put_raw(w, &ev, p, len, fmt);
	}
	qts_writer_fail(w, "again");
	qts_writer_close(w);
	buf out = slurp(fd);
	CHECK(same(out, mp), "a system error event copied ends the stream: no second one");
	free(out.p);
	close(fd);
	qts_reader_close(r);

	/* the bar alone, then a failure: dated at the bar's end */
	r = qts_reader_open(path);
	fd = scratch_fd();
	w = qts_writer_new(fd, QTS_FMT_CSV);
	qts_reader_next(r, &ev);
	int fmt = qts_reader_raw(r, &p, &len);
	qts_writer_put_raw(w, &ev, p, len, fmt);
	qts_writer_fail(w, "broke");
	qts_writer_close(w);
	out = slurp(fd);
	out.p[out.n] = '\0';
	CHECK(strstr(out.p, "system,2022-01-09T00:00:00Z,") != NULL, "a failure after a copied bar is dated at its end");
	free(out.p);
	close(fd);
	qts_reader_close(r);
	unlink(path);
	free(path), free(mp.p);
}

/* ---- the runtime: only the very event given is passed on raw ----------- */

enum mode { PASS, CHANGED_COPY, TWICE, UNCHANGED_COPY };

typedef struct engine {
	enum mode mode;
	qts_emit_fn emit;
	void *arg;
} engine;

static int t_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	qts_event copy = *ev;
	switch (e->mode) {
	case PASS: return e->emit(e->arg, ev);
	case TWICE: return e->emit(e->arg, ev) < 0 ? -1 : e->emit(e->arg, ev);
	case CHANGED_COPY:
		if (copy.type == QTS_BAR)
			copy.bar.close += 1;
		QTS_SET(copy.symbol, "CHANGED");
		return e->emit(e->arg, &copy);
	case UNCHANGED_COPY: return e->emit(e->arg, &copy);
	}
	return -1;
}

static const qts_stage_ops t_ops = { .put = t_put };

/* Run a stage in mode over path in a child, its standard output to a
 * file; returns what it wrote. */
static buf run_stage(const char *path, enum mode mode, int msgpack)
{
	int fd = scratch_fd();
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		unsetenv("QTS_FORMAT");
		engine e = { mode, qts_runtime_emit, NULL };
		qts_runtime *rt = qts_runtime_new();
		e.arg = rt;
		char *files[1] = { (char *)path };
		qts_stage st = { .name = "qts-test", .ops = &t_ops, .eng = &e };
		st.conf.msgpack = msgpack;
		st.conf.files = files;
		st.conf.nfiles = 1;
		_exit(qts_runtime_run(rt, &st));
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("# the stage exited with %d\n", status);
	buf b = slurp(fd);
	close(fd);
	return b;
}

static void check_runtime(void)
{
	qts_event evs[16], want[32];
	size_t n = sample(evs);
	buf mp = encode(evs, n, QTS_FMT_MSGPACK), csv = encode(evs, n, QTS_FMT_CSV);
	char *path = write_tmp(mp.p, mp.n);

	buf out = run_stage(path, PASS, 1);
	CHECK(same(out, mp), "runtime: the events given, passed on, are the stream read");
	free(out.p);

	out = run_stage(path, UNCHANGED_COPY, 1);
	CHECK(same(out, mp), "runtime: a copy the stage made is encoded, to the same bytes");
	free(out.p);

	for (size_t i = 0; i < n; i++) {
		want[i] = evs[i];
		if (want[i].type == QTS_BAR)
			want[i].bar.close += 1;
		QTS_SET(want[i].symbol, "CHANGED");
	}
	buf w = encode(want, n, QTS_FMT_MSGPACK);
	out = run_stage(path, CHANGED_COPY, 1);
	CHECK(same(out, w), "runtime: an event the stage changed in its own copy is written as changed");
	free(out.p), free(w.p);

	for (size_t i = 0; i < n; i++)
		want[2 * i] = want[2 * i + 1] = evs[i];
	w = encode(want, 2 * n, QTS_FMT_MSGPACK);
	out = run_stage(path, TWICE, 1);
	CHECK(same(out, w), "runtime: an event passed on twice is written twice");
	free(out.p), free(w.p);

	out = run_stage(path, PASS, 0);
	CHECK(same(out, csv), "runtime: msgpack in, CSV out: encoded as CSV");
	free(out.p);
	unlink(path);
	free(path);

	/* a bar encoded in another valid way comes out as writer.c writes it */
	buf other = bar_bytes(ts_as_uint64), canon = bar_bytes(NULL);
	path = write_tmp(other.p, other.n);
	out = run_stage(path, PASS, 1);
	CHECK(same(out, canon), "runtime: a record encoded otherwise is passed on encoded as writer.c does");
	free(out.p), free(other.p), free(canon.p);
	unlink(path);
	free(path), free(mp.p), free(csv.p);
}

/* Raw bytes of every length up to 300 are written as they came, each
 * after others so that the copy starts at every alignment (short records
 * are copied as overlapping blocks: writer.c copy_record). */
static void check_copy_lengths(void)
{
	unsigned char src[310];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (unsigned char)(i * 37 + 11);
	qts_event ev = bar(19000, "A", 1);
	int fd = scratch_fd();
	qts_writer *w = qts_writer_new(fd, QTS_FMT_MSGPACK);
	size_t total = 0;
	for (size_t len = 1; len <= 300; len++) {
		qts_writer_put_raw(w, &ev, src + len % 7, len, QTS_FMT_MSGPACK);
		total += len;
	}
	qts_writer_close(w);
	buf out = slurp(fd);
	close(fd);
	int ok = out.n == total;
	size_t at = 0;
	for (size_t len = 1; ok && len <= 300; len++) {
		ok = memcmp(out.p + at, src + len % 7, len) == 0;
		at += len;
	}
	CHECK(ok, "raw records of 1 to 300 bytes are written exactly");
	free(out.p);
}

int main(void)
{
	qts_init("test_raw");
	check_copy_lengths();
	check_reader();
	check_other_encoding(ts_as_uint64, "time as uint64");
	check_other_encoding(header_as_array16, "record as array16");
	check_other_encoding(symbol_as_str8, "symbol as str8");
	check_other_encoding(volume_as_uint, "volume as an integer");
	check_merge();
	check_runtime();
	check_writer_notes(); /* last: it reads a failure upstream, which stays noted */
	return tap_done();
}
