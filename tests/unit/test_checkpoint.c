/* The state file (checkpoint.c): its primitives both ways, the frame
 * written and read back, truncated, corrupt, of another stage or other
 * options; and the engines of qts-sim, qts-resample and qts-risk saved,
 * restored into fresh ones, and run on: the restored engine writes what
 * the saved one writes. */
#include "qts_checkpoint.h"
#include "qts_journal.h"
#include "qts_resample.h"
#include "qts_risk.h"
#include "qts_sim.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* What an engine writes, as msgpack bytes one after the other. */
typedef struct sink {
	char buf[1 << 20];
	size_t len;
} sink;

static int to_sink(void *arg, const qts_event *ev)
{
	sink *s = arg;
	s->len += qts_event_to_msgpack(ev, s->buf + s->len, sizeof s->buf - s->len);
	return 0;
}

static int rs_to_sink(const qts_event *ev, void *arg)
{
	return to_sink(arg, ev);
}

static void bar(qts_event *ev, int64_t ts, const char *sym, double px)
{
	qts_event_init(ev, QTS_BAR, ts);
	QTS_SET(ev->symbol, sym);
	QTS_SET(ev->bar.tf, "1m");
	ev->bar.open = px;
	ev->bar.high = px * 1.01;
	ev->bar.low = px * 0.99;
	ev->bar.close = px * (1 + ((ts / 60) % 7 - 3) * 0.001);
	ev->bar.volume = 1000 + (double)(ts % 977);
}

static void target(qts_event *ev, int64_t ts, const char *sym, double qty)
{
	qts_event_init(ev, QTS_TARGET, ts);
	QTS_SET(ev->symbol, sym);
	ev->target.target = qty;
	QTS_SET(ev->target.unit, "qty");
	QTS_SET(ev->target.strategy, "t");
}

/* The i-th event of a test stream: bars of two symbols, a target now and then. */
static void nth(qts_event *ev, int i)
{
	int64_t ts = ((int64_t)1700000000 + (i / 3) * 60) * QTS_NS_PER_SEC;
	if (i % 3 == 2)
		target(ev, ts + 60 * QTS_NS_PER_SEC, i % 2 ? "AAA" : "BBB", (double)((i * 37) % 200) - 100);
	else
		bar(ev, ts, i % 3 ? "BBB" : "AAA", 100 + (i % 50));
}

static void primitives(void)
{
	qts_ckpt c;
	qts_ck_saving(&c);
	uint64_t u = 0x0102030405060708ull;
	int64_t i = -5;
	double d = NAN, e = -0.0;
	char s[16] = "hello";
	qts_event ev, unk;
	target(&ev, 42, "XYZ", 1.5);
	qts_raw_field f[3] = { { .kind = QTS_RAW_STR, .str = "thing", .len = 5 },
			       { .kind = QTS_RAW_INT, .i = -7 },
			       { .kind = QTS_RAW_FLOAT, .f = 2.5 } };
	qts_event_init(&unk, QTS_UNKNOWN, 9);
	unk.raw.n = 3;
	unk.raw.field = f;
	qts_ck_tag(&c, "sec");
	qts_ck_u64(&c, &u), qts_ck_i64(&c, &i), qts_ck_f64(&c, &d), qts_ck_f64(&c, &e);
	qts_ck_str(&c, s, sizeof s);
	qts_ck_event(&c, &ev), qts_ck_event(&c, &unk);
	CHECK(qts_ck_ok(&c), "saved");
	CHECK(c.len > 8, "bytes written");

	qts_ckpt l;
	qts_ck_loading(&l, c.buf, c.len);
	uint64_t u2 = 0;
	int64_t i2 = 0;
	double d2 = 0, e2 = 1;
	char s2[16];
	qts_event ev2, unk2;
	qts_ck_tag(&l, "sec");
	qts_ck_u64(&l, &u2), qts_ck_i64(&l, &i2), qts_ck_f64(&l, &d2), qts_ck_f64(&l, &e2);
	qts_ck_str(&l, s2, sizeof s2);
	qts_ck_event(&l, &ev2), qts_ck_event(&l, &unk2);
	CHECK(qts_ck_done(&l) == 0, "read back whole");
	CHECK(u2 == u && i2 == i && isnan(d2) && e2 == 0 && signbit(e2), "numbers bit for bit");
	CHECK_STR(s2, "hello", "a string");
	CHECK(ev2.type == QTS_TARGET && ev2.ts == 42 && !strcmp(ev2.symbol, "XYZ") && ev2.target.target == 1.5 &&
		      !strcmp(ev2.target.strategy, "t"),
	      "an event");
	CHECK(unk2.type == QTS_UNKNOWN && unk2.raw.n == 3 && unk2.raw.field[0].len == 5 &&
		      !memcmp(unk2.raw.field[0].str, "thing", 5) && unk2.raw.field[1].i == -7 &&
		      unk2.raw.field[2].f == 2.5,
	      "an unknown event's fields");
	qts_event_free(&unk2);

	/* A short string buffer, a wrong tag, a truncated read. */
	qts_ck_loading(&l, c.buf, c.len);
	char tiny[3];
	qts_ck_str(&l, tiny, sizeof tiny);
	CHECK(!qts_ck_ok(&l) && strstr(l.err, "at most 2"), "a string longer than its field is refused");
	qts_ck_loading(&l, c.buf, c.len);
	qts_ck_tag(&l, "other");
	CHECK(!qts_ck_ok(&l) && strstr(l.err, "section 'sec' where 'other' was expected"), "a wrong section is named");
	qts_ck_loading(&l, c.buf, 5);
	qts_ck_u64(&l, &u2);
	CHECK(!qts_ck_ok(&l) && strstr(l.err, "truncated") && u2 == 0, "a truncated read gives 0 and says so");
	qts_ck_free(&c);
}

static void file_frame(void)
{
	char dir[] = "/tmp/test_checkpoint.XXXXXX", path[64], err[QTS_ERR_MAX];
	CHECK(mkdtemp(dir) != NULL, "a temporary directory");
	snprintf(path, sizeof path, "%s/state", dir);
	qts_state_head h = { .options = 77, .in_n = 5, .in_hash = 99, .nmarks = 3, .out_n = 4 };
	snprintf(h.stage, sizeof h.stage, "qts-sim");
	h.marks[0] = 1, h.marks[1] = 2, h.marks[2] = 3;
	const char engine[] = "engine bytes";
	CHECK(qts_state_write(path, &h, engine, sizeof engine, err, sizeof err) == 0, "written");
	unsigned char *buf;
	qts_state_head r;
	CHECK(qts_state_read(path, &buf, &r, err, sizeof err) == 1, "read back");
	CHECK(r.options == 77 && r.in_n == 5 && r.in_hash == 99 && r.nmarks == 3 && r.marks[2] == 3 && r.out_n == 4 &&
		      r.engine_len == sizeof engine && !memcmp(r.engine, engine, sizeof engine) &&
		      !strcmp(r.stage, "qts-sim") && !strcmp(r.qts_version, QTS_VERSION),
	      "the head and the engine's part as written");
	CHECK(qts_state_match(&r, "qts-sim", 77, err, sizeof err) == 0, "its own stage and options match");
	CHECK(qts_state_match(&r, "qts-risk", 77, err, sizeof err) < 0 && strstr(err, "the state of qts-sim, not of qts-risk"),
	      "another stage is refused");
	CHECK(qts_state_match(&r, "qts-sim", 78, err, sizeof err) < 0 && strstr(err, "other options"),
	      "other options are refused");

	/* Every truncation and every byte changed is refused. */
	size_t n;
	char *whole = qts_read_file(path, &n, err);
	int all_cut = 1, all_flipped = 1;
	for (size_t k = 0; k < n; k++)
		if (qts_state_parse((unsigned char *)whole, k, &r, err, sizeof err) == 0 || !err[0])
			all_cut = 0;
	for (size_t k = 0; k < n; k++) {
		whole[k] ^= 0x20;
		if (qts_state_parse((unsigned char *)whole, n, &r, err, sizeof err) == 0)
			all_flipped = 0;
		whole[k] ^= 0x20;
	}
	CHECK(all_cut, "every truncation is refused, saying why");
	CHECK(all_flipped, "every corrupt byte is refused");
	qts_state_parse((unsigned char *)whole, n - 3, &r, err, sizeof err);
	CHECK(strstr(err, "truncated") != NULL, "a truncated file says so");
	whole[n - 20] ^= 1;
	qts_state_parse((unsigned char *)whole, n, &r, err, sizeof err);
	CHECK(strstr(err, "CRC-32") != NULL, "a corrupt file says so");
	whole[n - 20] ^= 1;
	/* A state of the version before, whole and with its CRC right: the
	 * layout changed, so it is refused, naming both versions. */
	whole[8] = QTS_STATE_VERSION - 1;
	uint32_t crc = (uint32_t)crc32(0L, (unsigned char *)whole, (uInt)(n - 8));
	for (int i = 0; i < 8; i++)
		whole[n - 8 + i] = (char)(i < 4 ? crc >> (8 * i) : 0);
	qts_state_parse((unsigned char *)whole, n, &r, err, sizeof err);
	char want[64];
	snprintf(want, sizeof want, "state file version %d, not %d", QTS_STATE_VERSION - 1, QTS_STATE_VERSION);
	CHECK_STR(err, want, "a state of an older layout names its version and this one");
	whole[8] = QTS_STATE_VERSION;
	crc = (uint32_t)crc32(0L, (unsigned char *)whole, (uInt)(n - 8));
	for (int i = 0; i < 4; i++)
		whole[n - 8 + i] = (char)(crc >> (8 * i));
	CHECK(qts_state_parse((unsigned char *)whole, n, &r, err, sizeof err) == 0, "and the same bytes of this version are read");
	qts_state_parse((const unsigned char *)"hello, world", 12, &r, err, sizeof err);
	CHECK_STR(err, "not a qts state file", "another file says so");
	free(whole);
	free(buf);
	snprintf(path, sizeof path, "%s/none", dir);
	CHECK(qts_state_read(path, &buf, &r, err, sizeof err) == 0, "a state that does not exist: start afresh");
	snprintf(path, sizeof path, "%s/state", dir);
	unlink(path);
	rmdir(dir);
}

/* Engines: run A on events [0, cut), save; restore B fresh; run both on
 * [cut, n): same output, same state. */
static sink sa, sb;

static void sims(int n, int cut)
{
	qts_sim_opts o;
	qts_sim_opts_default(&o);
	o.latency = 30 * QTS_NS_PER_SEC;
	qts_impact_parse("sqrt,k=0.1,window=5", &o.impact, (char[256]){ 0 });
	qts_sim *a = qts_sim_new(&o, to_sink, &sa), *b = qts_sim_new(&o, to_sink, &sb);
	qts_event ev;
	for (int i = 0; i < cut; i++)
		nth(&ev, i), qts_sim_put(a, &ev);
	qts_ckpt c;
	qts_ck_saving(&c);
	CHECK(qts_sim_save(a, &c) == 0, "qts-sim: saved");
	int all_cut = 1;
	for (size_t k = 0; k < c.len; k++) { /* every truncation refused, no crash */
		qts_sim *t = qts_sim_new(&o, to_sink, &sb);
		qts_ckpt l;
		qts_ck_loading(&l, c.buf, k);
		if (qts_sim_restore(t, &l) == 0 && qts_ck_done(&l) == 0)
			all_cut = 0;
		qts_sim_free(t);
	}
	CHECK(all_cut, "qts-sim: every truncated state is refused");
	qts_ckpt l;
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(qts_sim_restore(b, &l) == 0 && qts_ck_done(&l) == 0, "qts-sim: restored");
	sa.len = sb.len = 0;
	for (int i = cut; i < n; i++)
		nth(&ev, i), qts_sim_put(a, &ev), qts_sim_put(b, &ev);
	qts_sim_finish(a), qts_sim_finish(b);
	CHECK(sa.len > 0 && sa.len == sb.len && !memcmp(sa.buf, sb.buf, sa.len), "qts-sim: the restored engine writes the same");
	qts_ck_free(&c);
	qts_sim_free(a), qts_sim_free(b);
}

static void resamplers(int n, int cut)
{
	qts_clock clk;
	qts_clock_init(&clk, NULL);
	qts_tf tf[2];
	qts_tf_parse("5m", &tf[0]), qts_tf_parse("1h", &tf[1]);
	qts_rs_conf ca = { tf, 2, &clk, NULL, 0, rs_to_sink, &sa }, cb = ca;
	cb.arg = &sb;
	qts_resampler *a = qts_rs_new(&ca), *b = qts_rs_new(&cb);
	qts_event ev;
	for (int i = 0; i < cut; i++)
		if (nth(&ev, i), ev.type == QTS_BAR)
			qts_rs_put(a, &ev);
	qts_ckpt c, l;
	qts_ck_saving(&c);
	CHECK(qts_rs_save(a, &c) == 0, "qts-resample: saved");
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(qts_rs_restore(b, &l) == 0 && qts_ck_done(&l) == 0, "qts-resample: restored");
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(qts_rs_restore(b, &l) < 0 && strstr(l.err, "has run"), "qts-resample: not into an engine that has run");
	sa.len = sb.len = 0;
	for (int i = cut; i < n; i++)
		if (nth(&ev, i), ev.type == QTS_BAR)
			qts_rs_put(a, &ev), qts_rs_put(b, &ev);
	int fa, fb;
	qts_rs_finish(a, 1, &fa), qts_rs_finish(b, 1, &fb);
	CHECK(sa.len > 0 && sa.len == sb.len && !memcmp(sa.buf, sb.buf, sa.len),
	      "qts-resample: the restored engine writes the same");
	qts_ck_free(&c);
	qts_rs_free(a), qts_rs_free(b);
}

/* The i-th event of a stream for qts-risk's view without fills: bars of
 * two symbols, limit and stop orders of every time in force that the
 * later bars reach or not, cancels of some, a target now and then. */
static void nth_resting(qts_event *ev, int i)
{
	int64_t ts = ((int64_t)1700000000 + (i / 6) * 600) * QTS_NS_PER_SEC;
	int k = i / 6;
	const char *sym = k % 2 ? "AAA" : "BBB";
	double px = 100 + 5 * sin(k / 7.0);
	static const char *const tifs[] = { "gtc", "day", "ioc", "gtc", "day", "fok" };
	switch (i % 6) {
	case 0:
	case 3:
		bar(ev, ts + (i % 6) * QTS_NS_PER_SEC, i % 6 ? "AAA" : "BBB", px);
		break;
	case 1:
		bar(ev, ts + QTS_NS_PER_SEC, k % 3 ? "BBB" : "CCC", px * 1.002);
		break;
	case 2:
	case 5:
		qts_event_init(ev, QTS_ORDER, ts + 4 * QTS_NS_PER_SEC);
		QTS_SET(ev->symbol, sym);
		snprintf(ev->order.id, sizeof ev->order.id, "r%d", i);
		QTS_SET(ev->order.side, k % 4 < 2 ? "buy" : "sell");
		ev->order.qty = 1 + k % 9;
		QTS_SET(ev->order.kind, (i % 6 == 2) == (k % 3 == 0) ? "stop" : k % 5 ? "limit" : "stop_limit");
		ev->order.limit = ev->order.stop = NAN;
		double f = 0.004 + 0.01 * (k % 3); /* some are reached soon, some late, some never */
		if (strcmp(ev->order.kind, "stop"))
			ev->order.limit = px * (k % 4 < 2 ? 1 - f : 1 + f);
		if (strcmp(ev->order.kind, "limit"))
			ev->order.stop = px * (k % 4 < 2 ? 1 + f : 1 - f);
		if (!strcmp(ev->order.kind, "stop_limit")) /* triggered soon, its limit far: it rests triggered */
			ev->order.limit = px * (k % 4 < 2 ? 0.95 : 1.05), ev->order.stop = px * (k % 4 < 2 ? 1.001 : 0.999);
		QTS_SET(ev->order.tif, tifs[k % 6]);
		QTS_SET(ev->order.strategy, "t");
		break;
	case 4:
		qts_event_init(ev, QTS_CANCEL, ts + 4 * QTS_NS_PER_SEC);
		QTS_SET(ev->symbol, k % 2 ? "" : sym);
		snprintf(ev->cancel.id, sizeof ev->cancel.id, "r%d", i - 14);
		break;
	}
}

/* actions: a --actions file, or NULL. */
static qts_risk *risk_make_with(const char *stop_loss, const char *actions)
{
	qts_risk_config cfg;
	char err[256];
	qts_risk_config_init(&cfg);
	qts_risk_config_set(&cfg, "max-position", "60", err);
	qts_risk_config_set(&cfg, "stop-loss", stop_loss, err);
	if (actions && qts_risk_config_set(&cfg, "actions", actions, err) < 0)
		printf("# %s\n", err);
	qts_risk_config_set(&cfg, "target-vol", "0.5", err);
	qts_risk_config_set(&cfg, "max-orders", "5/1h", err);
	qts_risk *r = qts_risk_new(&cfg, err);
	qts_risk_config_free(&cfg);
	return r;
}

static void risks(void (*event_at)(qts_event *, int), const char *stop_loss, const char *actions, int n, int cut)
{
	qts_risk *a = risk_make_with(stop_loss, actions), *b = risk_make_with(stop_loss, actions);
	qts_event ev;
	for (int i = 0; i < cut; i++)
		event_at(&ev, i), qts_risk_event(a, &ev, to_sink, &sa);
	qts_ckpt c, l;
	qts_ck_saving(&c);
	CHECK(qts_risk_save(a, &c) == 0, "qts-risk: saved");
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(qts_risk_restore(b, &l) == 0 && qts_ck_done(&l) == 0, "qts-risk: restored");
	qts_ckpt again;
	qts_ck_saving(&again);
	qts_risk_save(b, &again);
	CHECK(again.len == c.len && !memcmp(again.buf, c.buf, c.len), "qts-risk: the restored engine saves what was restored");
	qts_ck_free(&again);
	sa.len = sb.len = 0;
	for (int i = cut; i < n; i++)
		event_at(&ev, i), qts_risk_event(a, &ev, to_sink, &sa), qts_risk_event(b, &ev, to_sink, &sb);
	CHECK(sa.len > 0 && sa.len == sb.len && !memcmp(sa.buf, sb.buf, sa.len), "qts-risk: the restored engine writes the same");
	qts_ckpt c2;
	qts_ck_free(&c);
	qts_ck_saving(&c);
	qts_ck_saving(&c2);
	qts_risk_save(a, &c), qts_risk_save(b, &c2);
	CHECK(c.len == c2.len && !memcmp(c.buf, c2.buf, c.len), "qts-risk: and has the same state after");
	qts_ck_free(&c), qts_ck_free(&c2);
	qts_risk_free(a), qts_risk_free(b);
}

/* n bars, from the i-th, into journal j */
static void journal_bars(qts_journal *j, int from, int n)
{
	char rec[512], err[QTS_ERR_MAX];
	for (int i = from; i < from + n; i++) {
		qts_event ev;
		bar(&ev, QTS_NS_PER_DAY * (int64_t)i, "AAA", 100 + i);
		size_t len = qts_event_to_msgpack(&ev, rec, sizeof rec);
		if (qts_journal_add(j, rec, len, &ev, err) < 0)
			CHECK(0, err);
	}
}

/* qts_journal_count_more agrees with qts_journal_count as the journal
 * grows, is cut, and rotates. */
static void journal_counter(void)
{
	char dir[] = "/tmp/qts-jcount-XXXXXX", path[64], err[QTS_ERR_MAX], warn[300];
	CHECK(mkdtemp(dir) != NULL, "journal counter: a directory");
	snprintf(path, sizeof path, "%s/J", dir);
	qts_journal_counter c = { 0 };
	uint64_t k = 99, whole = 0;
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 0, "journal counter: no file, 0");
	qts_journal_opts o = { .block_bytes = 1024 };
	qts_journal *j = qts_journal_open(path, &o, warn, sizeof warn, err);
	CHECK(j != NULL, "journal counter: opened");
	journal_bars(j, 0, 200);
	CHECK(qts_journal_flush(j, 1, err) == 0, "journal counter: flushed");
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 200, "journal counter: 200");
	uint64_t off = c.off;
	journal_bars(j, 200, 100);
	CHECK(qts_journal_close(j, err) == 0, "journal counter: closed");
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 300 && c.off > off,
	      "journal counter: 300, walked on from where it was");
	CHECK(qts_journal_count(path, &whole, err, sizeof err) == 0 && whole == 300, "journal counter: as counted whole");
	/* cut back into its blocks: counted afresh */
	CHECK(truncate(path, (off_t)off) == 0, "journal counter: cut");
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 200, "journal counter: a cut file, 200");
	/* rotated: the old file's records and the new file's */
	qts_journal_opts r = { .block_bytes = 1024, .rotate_bytes = 2048 };
	j = qts_journal_open(path, &r, warn, sizeof warn, err);
	journal_bars(j, 200, 300);
	CHECK(qts_journal_close(j, err) == 0, "journal counter: rotated and closed");
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && qts_journal_count(path, &whole, err, sizeof err) == 0 &&
		      k == 500 && whole == 500,
	      "journal counter: 500 across the rotated files");
	/* a rotated file was synced whole before its rename: its end cut
	 * is corruption, not a crash's torn block, and the count refused */
	char first[80];
	struct stat st;
	snprintf(first, sizeof first, "%s.000001", path);
	CHECK(stat(first, &st) == 0 && truncate(first, st.st_size - 10) == 0, "journal counter: a rotated file cut");
	c = (qts_journal_counter){ 0 };
	err[0] = '\0';
	CHECK(qts_journal_count(path, &whole, err, sizeof err) < 0 && strstr(err, "J.000001: byte ") &&
		      strstr(err, "at the end of a rotated file"),
	      "journal counter: a rotated file's bad end refused");
	err[0] = '\0';
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) < 0 && strstr(err, "at the end of a rotated file"),
	      "journal counter: and walked on too");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "journal counter: removed");
}

/* A failure record goes in a block of its own at the journal's end:
 * not counted, and cut by the next writer, which goes on after the
 * records before it. */
static void journal_failure(void)
{
	char dir[] = "/tmp/qts-jfail-XXXXXX", path[64], err[QTS_ERR_MAX], warn[600], rec[512];
	CHECK(mkdtemp(dir) != NULL, "journal failure: a directory");
	snprintf(path, sizeof path, "%s/J", dir);
	qts_journal_opts o = { .block_bytes = 1 << 20 };
	qts_journal *j = qts_journal_open(path, &o, warn, sizeof warn, err);
	journal_bars(j, 0, 10);
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, QTS_NS_PER_DAY * 10);
	snprintf(ev.system.source, sizeof ev.system.source, "qts-resample");
	snprintf(ev.system.level, sizeof ev.system.level, "error");
	snprintf(ev.system.message, sizeof ev.system.message, "in.csv:12: bad");
	size_t len = qts_event_to_msgpack(&ev, rec, sizeof rec);
	CHECK(qts_journal_add(j, rec, len, &ev, err) == 0, "journal failure: added");
	uint64_t records, blocks, bytes, k = 0;
	qts_journal_counts(j, &records, &blocks, &bytes);
	CHECK(records == 11 && blocks == 2, "journal failure: written at once, after the block before it");
	CHECK(qts_journal_close(j, err) == 0, "journal failure: closed");
	CHECK(qts_journal_count(path, &k, err, sizeof err) == 0 && k == 10, "journal failure: not counted");
	qts_journal_counter c = { 0 };
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 10, "journal failure: nor by the counter");
	j = qts_journal_open(path, &o, warn, sizeof warn, err);
	CHECK(j != NULL && strstr(warn, "the failure that ended its stream (qts-resample failed: in.csv:12: bad) cut from its end"),
	      "journal failure: cut by the next writer, which says so");
	journal_bars(j, 10, 5);
	CHECK(qts_journal_close(j, err) == 0, "journal failure: closed again");
	CHECK(qts_journal_count(path, &k, err, sizeof err) == 0 && k == 15, "journal failure: 15 bars, nothing else");
	CHECK(qts_journal_count_more(path, &c, &k, err, sizeof err) == 0 && k == 15, "journal failure: the counter walks on");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "journal failure: removed");
}

int main(void)
{
	journal_counter();
	journal_failure();
	primitives();
	file_frame();
	sims(3000, 1234);
	resamplers(3000, 1501);
	risks(nth, "0.01", NULL, 3000, 1777);
	/* The resting stream runs 2023-11-14T22:13Z to 2023-11-18, cut on
	 * the 16th at 23:33: a split and a delisting before the cut, a split
	 * after it. */
	char dir[] = "/tmp/test_checkpoint.XXXXXX", actions[64];
	CHECK(mkdtemp(dir) != NULL, "a temporary directory for the actions");
	snprintf(actions, sizeof actions, "%s/actions.csv", dir);
	FILE *f = fopen(actions, "w");
	fputs("2023-11-16,AAA,split,2\n2023-11-16,CCC,delist\n2023-11-17,BBB,split,3\n", f);
	fclose(f);
	risks(nth_resting, "0.05", actions, 3000, 1777);
	unlink(actions);
	rmdir(dir);
	return tap_done();
}
