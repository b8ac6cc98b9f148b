/* qts-broker's order journal: records written and read back, ids and
 * escapes kept whole, a torn last record cut on reopen and nothing else,
 * every bad record named by line. */
#include "qts_broker_journal.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static qts_broker_order order(const char *id, const char *sym, int side, int kind, double qty, double limit)
{
	qts_broker_order o = { 0 };
	QTS_SET(o.id, id);
	QTS_SET(o.symbol, sym);
	QTS_SET(o.strategy, "sma-cross");
	o.side = side;
	o.kind = kind;
	o.tif = QTS_GTC;
	o.qty = qty;
	o.limit = limit;
	o.stop = NAN;
	o.ts = 1388707200000000000LL;
	return o;
}

static char *slurp(const char *path, size_t *len)
{
	char err[QTS_ERR_MAX];
	return qts_read_file(path, len, err);
}

static void spit(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, s, n) != (ssize_t)n)
		abort();
	close(fd);
}

/* Parse text and expect an error naming line. */
static void bad(const char *text, const char *want, const char *what)
{
	char err[QTS_ERR_MAX] = "";
	size_t torn;
	qts_broker_journal *j = qts_bj_parse(text, strlen(text), "J", &torn, err);
	CHECK(!j && strstr(err, want), what);
	if (j || !strstr(err, want))
		printf("#   got \"%s\"\n#   want \"%s\"\n", err, want);
	qts_bj_close(j);
}

int main(void)
{
	char dir[] = "/tmp/test_broker_journal.XXXXXX", path[128], err[QTS_ERR_MAX];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);

	qts_broker_journal *j = qts_bj_open(path, err);
	CHECK(j && qts_bj_count(j) == 0, "a new journal is empty");
	qts_broker_order a = order("o1", "ORCL", QTS_BUY, QTS_MARKET, 10, NAN);
	qts_broker_order b = order("odd\tid\\\n", "BRK.B", QTS_SELL, QTS_LIMIT, 2.5, 401.25);
	qts_broker_order c = order("o3", "NVDA", QTS_BUY, QTS_MARKET, 1, NAN);
	CHECK(qts_bj_intent(j, &a, err) == 0 && qts_bj_sent(j, "o1", err) == 0 &&
	      qts_bj_fill(j, "o1", 4, 4 * 37.5, err) == 0 && qts_bj_fill(j, "o1", 10, 4 * 37.5 + 6 * 37.75, err) == 0 &&
	      qts_bj_end(j, "o1", QTS_STATUS_FILLED, err) == 0, "an order's life written");
	CHECK(qts_bj_intent(j, &b, err) == 0 && qts_bj_sent(j, b.id, err) == 0, "an id with a tab, a backslash and a newline");
	CHECK(qts_bj_intent(j, &c, err) == 0, "an intent with no outcome");
	qts_broker_order d = order("o4", "NVDA", QTS_BUY, QTS_MARKET, 1, NAN), x = order("o5", "NVDA", QTS_SELL, QTS_MARKET, 3, NAN);
	d.event = 44;
	CHECK(qts_bj_decided(j, &d, QTS_STATUS_REJECTED, err) == 0 && qts_bj_decided(j, &x, QTS_BJ_DRY, err) == 0,
	      "orders decided on, never sent: one record each");
	CHECK(qts_bj_decided(j, &d, QTS_STATUS_REJECTED, err) < 0, "a decided id is journaled once too");
	CHECK(qts_bj_intent(j, &a, err) < 0 && strstr(err, "journaled already"), "an id is journaled once");
	CHECK(qts_bj_sent(j, "nope", err) < 0 && strstr(err, "not journaled"), "a record of an unknown id is refused");
	qts_bj_entry *e = qts_bj_find(j, "o1");
	CHECK(e && e->state == QTS_BJ_ENDED && e->status == QTS_STATUS_FILLED && e->reported == 10, "state in memory");
	qts_bj_close(j);

	j = qts_bj_open(path, err);
	CHECK(j && qts_bj_count(j) == 5, "read back: five orders");
	e = qts_bj_find(j, "o4");
	CHECK(e && e->state == QTS_BJ_ENDED && e->status == QTS_STATUS_REJECTED, "o4 ended rejected, never sent");
	e = qts_bj_find(j, "o5");
	CHECK(e && e->state == QTS_BJ_ENDED && e->status == QTS_BJ_DRY && e->o.qty == 3, "o5 a dry run's");
	e = qts_bj_find(j, "o1");
	CHECK(e && e->state == QTS_BJ_ENDED && e->status == QTS_STATUS_FILLED, "o1 ended filled");
	CHECK(e && e->reported == 10 && e->reported_notional == 4 * 37.5 + 6 * 37.75, "o1's fills: the last cumulative figures");
	CHECK(e && isnan(e->o.limit) && isnan(e->o.stop) && e->o.qty == 10 && e->o.ts == 1388707200000000000LL,
	      "no prices read back as NaN; qty and time exact");
	e = qts_bj_find(j, b.id);
	CHECK(e && e->state == QTS_BJ_SENT && e->o.side == QTS_SELL && e->o.kind == QTS_LIMIT && e->o.limit == 401.25 &&
	      e->o.qty == 2.5 && !strcmp(e->o.symbol, "BRK.B") && !strcmp(e->o.strategy, "sma-cross"),
	      "the escaped id found, its order whole");
	e = qts_bj_find(j, "o3");
	CHECK(e && e->state == QTS_BJ_INTENT, "o3: journaled, no outcome");
	CHECK(qts_bj_at(j, 2) == e, "entries in the order written");
	CHECK(qts_bj_find(j, "o4")->o.event == 44 && qts_bj_find(j, "o1")->o.event == 0,
	      "the input event an order was decided at read back; none written: 0");
	qts_bj_close(j);
	/* A journal written before the input event was journaled: read, events 0. */
	size_t t0;
	j = qts_bj_parse("qts-broker-journal\t1\no\tq1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\n"
			 "x\tq2\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\trejected\n"
			 "x\tq3\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\tdry-run\t18446744073709551\n",
			 146, "J", &t0, err);
	CHECK(j && qts_bj_count(j) == 3 && qts_bj_find(j, "q1")->o.event == 0 && qts_bj_find(j, "q2")->o.event == 0 &&
	      qts_bj_find(j, "q3")->o.event == 18446744073709551ULL,
	      "records with and without the input event");
	qts_bj_close(j);

	/* A torn last record: cut, and the journal goes on after it. */
	size_t len, len2;
	char *whole = slurp(path, &len);
	const char torn[] = "o\tx1\tORCL\ts\tbuy\tmar";
	char *buf = malloc(len + sizeof torn);
	memcpy(buf, whole, len);
	memcpy(buf + len, torn, sizeof torn - 1);
	spit(path, buf, len + sizeof torn - 1);
	j = qts_bj_open(path, err);
	CHECK(j && qts_bj_count(j) == 5 && !qts_bj_find(j, "x1"), "a torn last record is not read");
	char *after = slurp(path, &len2);
	CHECK(len2 == len && !memcmp(after, whole, len), "and is cut off the file");
	free(after);
	CHECK(qts_bj_intent(j, &(qts_broker_order){ .id = "x1", .symbol = "A", .side = QTS_BUY, .qty = 1, .limit = NAN, .stop = NAN },
			    err) == 0,
	      "the journal goes on after the cut");
	qts_bj_close(j);
	j = qts_bj_open(path, err);
	CHECK(j && qts_bj_count(j) == 6 && qts_bj_find(j, "x1"), "what came after the cut is read");
	qts_bj_close(j);

	size_t t;
	j = qts_bj_parse(buf, len + sizeof torn - 1, "J", &t, err);
	CHECK(j && t == sizeof torn - 1, "parse: the torn bytes counted");
	qts_bj_close(j);
	j = qts_bj_parse("qts-broker-jou", 14, "J", &t, err);
	CHECK(j && t == 14 && qts_bj_count(j) == 0, "a torn header: an empty journal");
	qts_bj_close(j);
	free(buf);
	free(whole);

	bad("something else\n", "J:1: not a qts-broker journal", "another file is refused");
	bad("qts-broker-journal\t1\nz\to1\n", "J:2: not a record", "an unknown record");
	bad("qts-broker-journal\t1\ns\to1\n", "J:2: a record of an order not journaled before", "a sent record first");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\n",
	    "J:3: order id journaled twice", "an id twice");
	bad("qts-broker-journal\t1\no\to1\tA\ts\thold\tmarket\tgtc\t1\t\t\t5\n", "J:2: bad side, kind or tif", "a bad side");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t-1\t\t\t5\n", "J:2: bad qty, price or time", "a bad qty");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\n", "J:2: an order record has 11 or 12 fields", "too few fields");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\ne\to1\tnew\n",
	    "J:3: bad end record", "an end that is not final");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\nf\to1\tx\t1\n", "J:3: bad fill record", "a bad fill");
	bad("qts-broker-journal\t1\no\to\\q\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\n", "J:2: bad order id", "a bad escape");
	bad("qts-broker-journal\t1\nx\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\tnew\n", "J:2: bad decided record",
	    "a decided record that is not final");
	bad("qts-broker-journal\t1\nx\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\n", "J:2: a decided record has 12 or 13 fields",
	    "a decided record without its status");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\t0\n", "J:2: bad input event number",
	    "an input event 0");
	bad("qts-broker-journal\t1\nx\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\trejected\t7x\n", "J:2: bad input event number",
	    "an input event not a number");
	bad("qts-broker-journal\t1\no\to1\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t5\t7\t8\n", "J:2: an order record has 11 or 12 fields",
	    "too many fields");

	j = qts_bj_open(NULL, err);
	CHECK(j && qts_bj_intent(j, &a, err) == 0 && qts_bj_find(j, "o1"), "in memory: ids kept, nothing written");
	qts_bj_close(j);
	/* Many ids: the table grows and finds each. */
	j = qts_bj_open(NULL, err);
	int ok = 1;
	for (int i = 0; i < 5000 && ok; i++) {
		qts_broker_order o = order("", "A", QTS_BUY, QTS_MARKET, 1, NAN);
		snprintf(o.id, sizeof o.id, "id-%d", i);
		ok = qts_bj_intent(j, &o, err) == 0;
	}
	for (int i = 0; i < 5000 && ok; i++) {
		char id[32];
		snprintf(id, sizeof id, "id-%d", i);
		ok = qts_bj_find(j, id) && !strcmp(qts_bj_find(j, id)->o.id, id);
	}
	CHECK(ok && !qts_bj_find(j, "id-5000"), "5000 ids found, one more not");
	qts_bj_close(j);

	/* Every byte of a journal written changed, each of several ways:
	 * refused, never read as another book (a crash only cuts a torn
	 * end, so nothing else a change makes is a crash's). */
	{
		size_t wl;
		char *w = slurp(path, &wl);
		int refused = 1, cut = 1;
		for (size_t i = 0; i < wl; i++) {
			const int ways[] = { 0x01, 0x20, 0x80, -'\0', -0xff, -'\n', -'\t', -'#', -'0' };
			for (size_t k = 0; k < sizeof ways / sizeof *ways; k++) {
				char v = ways[k] > 0 ? (char)(w[i] ^ ways[k]) : (char)-ways[k];
				if (v == w[i])
					continue;
				char *m = malloc(wl);
				memcpy(m, w, wl);
				m[i] = v;
				size_t tn;
				qts_broker_journal *mj = qts_bj_parse(m, wl, "J", &tn, err);
				if (mj) {
					refused = 0;
					printf("#   byte %zu made %d: read\n", i, (unsigned char)v);
				}
				qts_bj_close(mj);
				free(m);
			}
		}
		CHECK(refused, "any byte of a written journal changed: refused");
		/* cut at any byte: the whole records before it read, the rest
		 * a torn end */
		for (size_t i = 1; i < wl; i++) {
			size_t tn;
			qts_broker_journal *mj = qts_bj_parse(w, i, "J", &tn, err);
			cut &= mj && tn <= i && (tn == i || w[i - tn - 1] == '\n');
			qts_bj_close(mj);
		}
		CHECK(cut, "cut at any byte: read, the torn end counted");
		free(w);
	}

	/* In memory, ended orders forgotten but the newest 1000, looked at
	 * between events: a long stream's memory stays flat; the orders not
	 * over, and the newest ended, are all still there. */
	j = qts_bj_open(NULL, err);
	size_t most = 0;
	ok = 1;
	for (int i = 0; i < 200000 && ok; i++) {
		qts_bj_forget(j, 1000);
		qts_broker_order o = order("", "A", QTS_BUY, QTS_MARKET, 1, NAN);
		snprintf(o.id, sizeof o.id, "m-%d", i);
		ok = qts_bj_intent(j, &o, err) == 0 && (i % 1000 == 0 || qts_bj_end(j, o.id, QTS_STATUS_FILLED, err) == 0);
		if (qts_bj_count(j) > most)
			most = qts_bj_count(j);
	}
	CHECK(ok && most <= 200 + 1000 + 125 + 1, "200000 orders, 200 working: at most 1326 kept at once");
	for (int i = 0; i < 200000 && ok; i += 1000) {
		char id[32];
		snprintf(id, sizeof id, "m-%d", i);
		ok = qts_bj_find(j, id) && qts_bj_find(j, id)->state != QTS_BJ_ENDED;
	}
	CHECK(ok && qts_bj_find(j, "m-199999") && !qts_bj_find(j, "m-1"), "the working kept, the newest ended too, the oldest forgotten");
	qts_bj_close(j);
	/* with a file: every order kept (its ids are never sent again) */
	j = qts_bj_open(path, err);
	size_t had = qts_bj_count(j);
	qts_bj_forget(j, 0);
	CHECK(j && qts_bj_count(j) == had && had > 0, "a journal with a file forgets nothing");
	qts_bj_close(j);

	unlink(path);
	rmdir(dir);
	return tap_done();
}
