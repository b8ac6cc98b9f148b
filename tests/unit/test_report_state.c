/* qts-report's checkpoints (qts_perf_ck, qts_trades_ck, qts_book_ck): the
 * curve, the round trips and the tearsheet's book saved halfway, restored
 * into fresh ones, and fed the rest: they end bit for bit as the ones fed
 * everything.  A truncated state, and one restored into parts that have
 * run, are refused. */
#include "qts_checkpoint.h"
#include "qts_metrics.h"
#include "tap.h"

#include <stdlib.h>

typedef struct parts {
	qts_perf *perf;
	qts_trades *trades;
	qts_book *book;
} parts;

static void make(parts *p)
{
	p->perf = qts_perf_new(NULL);
	p->trades = qts_trades_new(1);
	p->book = qts_book_new();
}

static void drop(parts *p)
{
	qts_perf_free(p->perf);
	qts_trades_free(p->trades);
	qts_book_free(p->book);
}

/* Day i: a benchmark bar, a fill now and then, the day's equity. */
static int feed(parts *p, int i)
{
	int64_t day = (int64_t)i * QTS_NS_PER_DAY + (int64_t)19000 * QTS_NS_PER_DAY;
	double px = 100 + (i % 17) - (i % 5) * 0.5;
	int rc = qts_perf_bench(p->perf, day, day + QTS_NS_PER_DAY, px, px);
	if (i % 3 == 0) {
		const char *sym = i % 2 ? "AAA" : "BBB";
		int dir = (i / 3) % 3 == 1 ? -1 : 1;
		double qty = 1 + i % 4;
		rc |= qts_trades_fill(p->trades, day, sym, dir, qty, px, 1, 0.25, 0.1) < 0;
		rc |= qts_book_fill(p->book, sym, dir, qty, px, 1, 0.25);
		rc |= qts_perf_holding(p->perf, day, i % 9 != 0);
	}
	rc |= qts_perf_equity(p->perf, day + QTS_NS_PER_DAY, 1e5 + i * 3.5 - (i % 11) * 20);
	rc |= qts_book_exposure(p->book, qts_perf_count(p->perf) - 1, px * 3, px * (i % 2 ? 1 : -1));
	return rc;
}

static int save(parts *p, qts_ckpt *c)
{
	qts_ck_saving(c);
	return qts_perf_ck(p->perf, c) | qts_trades_ck(p->trades, c) | qts_book_ck(p->book, c);
}

static int restore(parts *p, const qts_ckpt *from, size_t len, qts_ckpt *c)
{
	qts_ck_loading(c, from->buf, len);
	if (qts_perf_ck(p->perf, c) < 0 || qts_trades_ck(p->trades, c) < 0 || qts_book_ck(p->book, c) < 0)
		return -1;
	return qts_ck_done(c);
}

static int same_run(parts *a, parts *b)
{
	size_t na, nb;
	const qts_point *pa = qts_perf_points(a->perf, &na), *pb = qts_perf_points(b->perf, &nb);
	if (na != nb || memcmp(pa, pb, na * sizeof *pa) != 0)
		return 0;
	const qts_trip *ta = qts_trades_list(a->trades, &na), *tb = qts_trades_list(b->trades, &nb);
	if (na != nb || memcmp(ta, tb, na * sizeof *ta) != 0)
		return 0;
	if (memcmp(qts_trades_stats(a->trades), qts_trades_stats(b->trades), sizeof(qts_trade_stats)) != 0)
		return 0;
	size_t n = qts_perf_count(a->perf);
	if (memcmp(qts_book_gross(a->book, n), qts_book_gross(b->book, n), n * sizeof(double)) != 0 ||
	    memcmp(qts_book_net(a->book, n), qts_book_net(b->book, n), n * sizeof(double)) != 0)
		return 0;
	qts_sym_pnl *sa = qts_book_pnl(a->book, NULL, NULL, &na), *sb = qts_book_pnl(b->book, NULL, NULL, &nb);
	int same = na == nb && memcmp(sa, sb, na * sizeof *sa) == 0;
	free(sa);
	free(sb);
	return same;
}

int main(void)
{
	parts a, b, c;
	make(&a), make(&b), make(&c);
	int rc = 0;
	for (int i = 0; i < 400; i++)
		rc |= feed(&a, i);
	qts_ckpt s, l;
	CHECK(save(&a, &s) == 0 && qts_ck_ok(&s), "saved halfway");
	CHECK(restore(&b, &s, s.len, &l) == 0, "restored into fresh parts");
	CHECK(same_run(&a, &b), "the restored parts are the saved ones");
	for (int i = 400; i < 1000; i++)
		rc |= feed(&a, i) | feed(&b, i);
	CHECK(rc == 0, "fed");
	CHECK(same_run(&a, &b), "fed the rest, the restored parts end as the ones fed everything");
	size_t n;
	qts_trades_list(a.trades, &n);
	CHECK(n > 100, "with round trips");

	qts_ckpt l2;
	CHECK(restore(&c, &s, s.len - 9, &l2) < 0 && strstr(l2.err, "truncated"), "a truncated state is refused");
	qts_ckpt l3;
	qts_ck_loading(&l3, s.buf, s.len);
	CHECK(qts_perf_ck(a.perf, &l3) < 0 && strstr(l3.err, "has points"), "a state restored into a curve that has run is refused");
	qts_ck_free(&s);
	drop(&a), drop(&b), drop(&c);
	return tap_done();
}
