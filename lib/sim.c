/* sim.c — the simulated broker: targets become orders, orders fill on
 * later market data through the fill model, the portfolio keeps the books
 * and equity is written once per bar close time.  qts-sim(1) documents the
 * rules; this file is their one implementation. */
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "qts_sim.h"
#include "qts_time.h"
#include "streq.h"

#include <stdlib.h>
#include <string.h>

#define EPS QTS_QTY_EPS

typedef struct strat_target {
	char strategy[QTS_NAME_MAX];
	double qty;
} strat_target;

typedef struct sym {
	/* What a bar of a quiet symbol reads and writes, first, within two
	 * lines of the cache (sym_guess prefetches them): name and tf made
	 * ready for the compare each bar makes (streq.h; not in checkpoints:
	 * made again from name and tf), the tf's parse, and the position's
	 * mark. */
	qts_field_key namek, tfk;
	int quiet;   /* a bar of it does nothing but mark it (see is_quiet) */
	int delisted;
	qts_tf tfv;  /* cache: the last bar's tf (below) parsed */
	int64_t tf_ns; /* and qts_tf_ns of it, for bars that overlap (process_bar) */
	qts_pos pos;
	/* The last bar of that tf: its time and its open ... volume, for a
	 * bar again (bar_again); QTS_TS_MIN before one. */
	qts_last_bar bar;
	/* The market data that works its orders (see drives_bar): its kind,
	 * its tf when bars, and the end of the market time it has covered. */
	int drive;      /* DRIVE_NONE, DRIVE_BAR or DRIVE_POINT */
	int tfv_drives; /* drive is DRIVE_BAR of tf tfv: the quick test */
	qts_tf drive_tf;
	int64_t drive_to;
	char name[QTS_SYM_MAX];
	qts_order *ord; /* working orders, in arrival order */
	size_t nord, cord;
	double wq; /* signed quantity the working orders still want */
	strat_target *tgt;
	size_t ntgt;
	qts_roll roll;
	char tf[QTS_WORD_MAX];
	double half_spread;
	long seq; /* generated order ids */
	/* Kept by touch() after every change of the position or of the
	 * working orders, for the quick checks (see refuse): */
	double expo; /* this symbol's term of the exposure sum */
	int big;     /* a term of the books or expo not finite or >= BIG_TERM */
	size_t idx;  /* in order of first appearance */
} sym;

/* The sums of the books: equity, gross and net exposure, P&L. */
typedef struct totals {
	double equity, gross, net, realized, unrealized;
} totals;

/* Recently seen order ids: a fixed window so memory stays flat however
 * long the stream; duplicates of at-least-once delivery arrive close
 * together. */
#define SEEN_IDS (1u << 16)

/* What a run met again and again, for a warning at its end: how many
 * times, and the first's symbol and time.  Kept in checkpoints, so that
 * a restarted run says what the whole run saw. */
typedef struct tally {
	size_t n;
	int64_t ts;
	char sym[QTS_SYM_MAX];
} tally;

static inline void tally_add(tally *t, int64_t ts, const char *symbol)
{
	if (t->n++ == 0) {
		t->ts = ts;
		QTS_SET(t->sym, symbol);
	}
}

static void tally_ck(qts_ckpt *c, tally *t)
{
	uint64_t n = t->n;
	qts_ck_u64(c, &n), qts_ck_i64(c, &t->ts);
	qts_ck_str(c, t->sym, sizeof t->sym);
	t->n = (size_t)n;
}

/* Orders working at the end that never filled, for one cause: how many,
 * of how many symbols, and the symbol to name with a time of it. */
typedef struct unfilled {
	size_t n, syms;
	char sym[QTS_SYM_MAX];
	int64_t at;
} unfilled;

/* n orders of the symbol name (none: nothing); it is the one named when
 * the first, or with earliest when at comes before the named one's. */
static void unfilled_add(unfilled *u, size_t n, const char *name, int64_t at, int earliest)
{
	if (!n)
		return;
	if (u->syms++ == 0 || (earliest && at < u->at)) {
		QTS_SET(u->sym, name);
		u->at = at;
	}
	u->n += n;
}

/* LEAD<k> other symbol[s]CLOSE for the symbols of u but the one named,
 * into buf; "" when none. */
static const char *unfilled_others(char buf[64], const unfilled *u, const char *lead, const char *close)
{
	buf[0] = '\0';
	if (u->syms > 1)
		snprintf(buf, 64, "%s%zu other symbol%s%s", lead, u->syms - 1, u->syms == 2 ? "" : "s", close);
	return buf;
}

struct qts_sim {
	qts_sim_opts o;
	qts_sim_emit emit;
	void *arg;
	qts_portfolio pf;
	qts_symtab *syms; /* in order of first appearance */
	size_t next_action;
	int64_t clock; /* the time the latest market data became known */
	int have_clock, have_group;
	/* The latest time of an event not a bar (a cancel, a system event,
	 * passed on): the equity at the end is dated no earlier, or it would
	 * follow it back in time.  QTS_TS_MIN before any. */
	int64_t other_ts;
	/* The latest time of an event given: any event to come is known no
	 * earlier.  A group's equity dated past it (bars of a day that ends
	 * at 00:07, closed by the next day's, labelled 00:00: a change of
	 * offset) is held until it is reached, or an event given at a time
	 * between would follow it back in time (see hold_or_put). */
	int64_t in_ts;
	int held;
	qts_event held_eq;
	/* The time of the latest equity event written: an event given
	 * after it dated before it (inside the bars it closed) would follow
	 * it back in time, and is refused (see put_other). */
	int64_t eq_out_ts;
	int group_driven; /* a bar of the group drives fills (drives_bar) */
	/* --live: the equity of the open group as a pause wrote it, written
	 * again at the group's end only if it changed (see qts_sim_pause) */
	int paused;
	int64_t paused_ts;
	struct qts_equity_fields paused_eq;
	/* the last equity event written: the same again at its time says
	 * nothing (the end's, after a group a later event closed) and would
	 * go out after what came since, out of time order */
	int have_eq;
	int64_t eq_ts;
	struct qts_equity_fields eq_last;
	/* The books as they started are written (see write_start), or need
	 * not be: an equity event has gone out. */
	int started;
	int64_t group_ts, group_close;
	/* The earliest time from which an event may have more to do first
	 * than itself: QTS_TS_MIN with financing, else the next corporate
	 * action's date (see gate_set). */
	int64_t gate;
	qts_idset *ids;
	qts_fresh_ids fresh; /* whether an id made from a target is new for sure */
	int failed;
	char error[QTS_TEXT_MAX]; /* why the engine stopped on its input */
	qts_event *later; /* what came between bars of one time (see qts_sim_put) */
	size_t nlater, clater;
	/* The books' sums, written exactly as books_with sums them, while
	 * no position and no cash changed (touch() clears books_ok). */
	totals cached;
	int books_ok;
	/* A running sum of every symbol's expo, off the sum in order by at
	 * most expo_err, and the count of symbols whose flag big is set:
	 * what refuse and fill_fits need to decide most orders and fills
	 * without a pass over all the symbols (see refuse). */
	double expo_sum, expo_err;
	size_t nbig;
	sym **all; /* the symbols in order of first appearance */
	size_t nall, call, last; /* last: the index of the latest looked up */
	/* What the warnings at the end count (qts_sim_warn_unpriced): */
	tally unpriced; /* prices of shares at 0 or below, not marked at (see mark) */
	/* market data of no volume (or size) that an order working on it
	 * could take nothing of under --max-participation */
	tally dry;
	/* the same for market data whose F x volume came to less than one
	 * whole unit (without --fractional): some volume, nothing to fill */
	tally thin;
	/* fills on bars or ticks under --slippage spread before any quote
	 * of their symbol, which paid no spread */
	tally unspread;
	/* fills under --impact after bars of no volume (adv 0: a file with
	 * a column of zeros), which paid no impact */
	tally noadv;
	/* market and stop orders rejected under --slippage ticks for want
	 * of a tick size of their symbol: said in the stream alone, a run
	 * of no trades */
	tally notick;
	/* sells of shares canceled unfilled because their slippage and
	 * impact took the price to zero or below: said in the stream alone,
	 * an exit so canceled left its position held with exit 0 */
	tally unsold;
	/* orders rejected for want of cash (past --leverage x equity): said
	 * in the stream alone, a strategy sized past the account traded
	 * nothing with exit 0 */
	tally poor;
	/* targets not understood (a unit not qty or weight, a quantity past
	 * any double: weight 1e308): a strategy's mistake, said in the stream
	 * alone */
	tally badtarget;
	char badtarget_why[QTS_TEXT_MAX];
	/* weight targets no quantity could be made of (no price of the
	 * symbol yet: a target file merged before the bars it needs; the
	 * equity not above 0): said in the stream alone, a run of no trades
	 * with exit 0; and the first's reason */
	tally unsized;
	char unsized_why[QTS_TEXT_MAX];
	/* orders rejected as not well formed (a limit order without its
	 * price, a quantity of 0, no id): a program's bug, said in the stream
	 * alone, a run of no trades; and the first's reason */
	tally malformed;
	char malformed_why[QTS_TEXT_MAX];
	/* At the end (qts_sim_finish), orders working that never filled.
	 * Not in checkpoints: counted once, at the end.  stranded: of
	 * symbols of no market data at all, which nothing could ever fill
	 * (the first such symbol named); ended: of a symbol whose market
	 * data ended before the stream's (a delisting without --actions, a
	 * file that stops early), eligible after its last data, never
	 * offered to any, while the data of others went on (the first such
	 * symbol and its end); late: those --latency made eligible only
	 * after the last market data of their symbol, given before that
	 * data, which without the latency it would have worked (the
	 * earliest given and its symbol). */
	unfilled stranded, ended, late;
	/* The index of the latest bar's symbol: the bars of a wide book
	 * cycle over the symbols, and the events between them (targets of a
	 * few) do not move this guess off its cycle.  Not in checkpoints
	 * (a guess: last is as good after a restore). */
	size_t bar_last;
	/* The end of the latest bar's interval, for the bars of the other
	 * symbols at the same time. */
	qts_tf end_tf;
	int64_t end_ts, end;
	int have_end;
	qts_fin_state fin; /* financing accrued (sim_financing.c), o.fin.on only */
	int margined; /* an instrument has a margin: positions may settle */
	qts_event tpl[4]; /* qts_event_init of each type qts-sim makes (out_event) */
	qts_trade_days days; /* --tz, --session: the trading day of day orders */
};

/* ---- small helpers ------------------------------------------------------- */

static void touch(qts_sim *s, sym *y);
static void gate_set(qts_sim *s);

static sym *sym_add(qts_sim *s, const char *name);

/* The symbol named name (an event's field), made when new: the one after
 * *guess (an index) first, then the table. */
static inline __attribute__((always_inline)) sym *sym_guess(qts_sim *s, const char *name, size_t *guess)
{
	/* Interleaved streams repeat one order of symbols: the one after
	 * the latest is tried before the table. */
	if (__builtin_expect(s->nall != 0, 1)) {
		size_t i = *guess + 1;
		if (__builtin_expect(i >= s->nall, 0))
			i = 0;
		sym *y = s->all[i];
		if (__builtin_expect(qts_field_key_eq(&y->namek, y->name, name), 1)) {
			s->last = *guess = i;
			/* the next event's symbol, most likely: on its way in */
			if (i + 1 < s->nall) {
				__builtin_prefetch(s->all[i + 1]);
				__builtin_prefetch((char *)s->all[i + 1] + 64);
			}
			return y;
		}
	}
	sym *y = sym_add(s, name);
	*guess = y->idx;
	return y;
}

/* The symbol of any event. */
static inline sym *sym_get(qts_sim *s, const char *name)
{
	return sym_guess(s, name, &s->last);
}

/* The table's part of sym_get: name is a field of QTS_SYM_MAX bytes. */
static __attribute__((noinline)) sym *sym_add(qts_sim *s, const char *name)
{
	size_t before = qts_symtab_count(s->syms);
	sym *y = qts_symtab_get_field(s->syms, name);
	if (!y)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (qts_symtab_count(s->syms) != before) { /* new */
		if (s->nall == s->call) {
			s->call = s->call ? 2 * s->call : 64;
			s->all = realloc(s->all, s->call * sizeof *s->all);
			if (!s->all)
				qts_die(QTS_EXIT_FAIL, "out of memory");
		}
		y->idx = s->nall;
		s->all[s->nall++] = y;
		if (s->o.impact.on && qts_roll_init(&y->roll, s->o.impact.window) < 0)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		QTS_SET(y->name, name);
		qts_field_key_set(&y->namek, y->name);
		y->pos.mark = NAN;
		y->half_spread = NAN; /* no quote yet (--slippage spread) */
		y->bar.ts = QTS_TS_MIN;
		/* nothing worked yet, even before 1970 (0 would be 1970) */
		y->drive_to = QTS_TS_MIN;
		y->pos.ins = qts_instrument_find(s->o.instruments, s->o.ninstruments, name);
		touch(s, y);
	}
	s->last = y->idx;
	return y;
}

/* The i-th symbol, in order of first appearance. */
static sym *sym_at(const qts_sim *s, size_t i)
{
	return s->all[i];
}

/* The field of an event qts-sim made that holds a number not finite
 * (an overflow), or NULL.  An empty average price (NaN) is allowed. */
static const char *not_finite(const qts_event *ev)
{
#define F(field, name) \
	if (!isfinite(field)) \
		return name
	switch (ev->type) {
	case QTS_FILL:
		F(ev->fill.qty, "qty");
		F(ev->fill.price, "price");
		F(ev->fill.commission, "commission");
		F(ev->fill.slippage, "slippage");
		break;
	case QTS_UPDATE:
		F(ev->update.filled, "filled");
		if (isinf(ev->update.avg_price))
			return "avg_price";
		break;
	case QTS_POSITION:
		F(ev->position.qty, "qty");
		F(ev->position.avg_price, "avg_price");
		F(ev->position.market_value, "market_value");
		F(ev->position.unrealized_pnl, "unrealized_pnl");
		F(ev->position.realized_pnl, "realized_pnl");
		break;
	case QTS_EQUITY:
		F(ev->equity.cash, "cash");
		F(ev->equity.equity, "equity");
		F(ev->equity.gross, "gross");
		F(ev->equity.net, "net");
		F(ev->equity.realized_pnl, "realized_pnl");
		F(ev->equity.unrealized_pnl, "unrealized_pnl");
		if (isinf(ev->equity.interest) || isinf(ev->equity.borrow) || isinf(ev->equity.margin_interest))
			return "interest";
		break;
	default:
		break;
	}
	return NULL;
#undef F
}

static int put_held(qts_sim *s);

static int put(qts_sim *s, const qts_event *ev)
{
	if (s->failed)
		return -1;
	if (__builtin_expect(s->held, 0) && ev->ts >= s->held_eq.ts && put_held(s) < 0)
		return -1;
	/* The last guard: no event leaves with a number a reader would
	 * refuse.  The books cannot go on from an overflow, so the engine
	 * stops; fills that would overflow are refused before this. */
	const char *field = not_finite(ev);
	if (field) {
		char t[40];
		qts_time_format(ev->ts, t);
		snprintf(s->error, sizeof s->error, "%s%s%s at %s: %s is not finite (overflow)",
			 qts_type_name(ev->type), *ev->symbol ? " " : "", ev->symbol, t, field);
		s->failed = 1;
		return -1;
	}
	if (s->emit(s->arg, ev) < 0)
		s->failed = 1;
	if (ev->type == QTS_EQUITY && ev->ts > s->eq_out_ts)
		s->eq_out_ts = ev->ts;
	return s->failed ? -1 : 0;
}

/* Signed quantity of the working orders of y, kept as orders come and
 * go so a long book costs nothing per order. */
static double working(const sym *y)
{
	return y->nord ? y->wq : 0;
}

/* qts_pos_value, qts_pos_unrealized and qts_pos_equity of p, which is
 * not flat: the same numbers, and a share's (no instrument) without the
 * calls, its multiplier being 1 (x * 1 is x). */
static inline void pos_terms(const qts_pos *p, double *value, double *unrealized, double *equity)
{
	if (!p->ins) {
		*value = *equity = p->qty * p->mark;
		*unrealized = p->qty * (p->mark - p->avg);
		return;
	}
	*value = qts_pos_value(p);
	*unrealized = qts_pos_unrealized(p);
	*equity = qts_pos_equity(p);
}

/* Gross and net are of market values (notional for contracts); equity is
 * cash plus what each position adds to it (qts_pos_equity).  y's position
 * is taken to be *py (NULL: every symbol's own). */
static inline __attribute__((always_inline)) totals books_sum(const qts_sim *s, double cash, const sym *y,
							     const qts_pos *py)
{
	totals t = { 0 };
	t.equity = cash;
	sym *const *all = s->all; /* in locals: the calls below might change s, for all the compiler knows */
	size_t n = s->nall;
	for (size_t i = 0; i < n; i++) {
		const sym *z = all[i];
		const qts_pos *p = y && z == y ? py : &z->pos;
		if (p->qty == 0) {
			/* Flat: value, unrealized P&L and equity are exactly 0,
			 * and adding 0 changes no sum; only its realized P&L
			 * counts.  Most of a wide book is flat. */
			t.realized += p->realized;
			continue;
		}
		double v, u, e;
		pos_terms(p, &v, &u, &e);
		t.gross += fabs(v);
		t.net += v;
		t.realized += p->realized;
		t.unrealized += u;
		t.equity += e;
	}
	return t;
}

static totals books_with(const qts_sim *s, double cash, const sym *y, const qts_pos *py)
{
	return books_sum(s, cash, y, py);
}

/* The books now: summed once, then kept while nothing in them changes
 * (touch clears books_ok), so the orders of one time, which change no
 * position, share one pass over the symbols. */
static totals books(qts_sim *s)
{
	if (!s->books_ok) {
		s->cached = books_sum(s, s->pf.cash, NULL, NULL); /* every position its own */
		s->books_ok = 1;
	}
	return s->cached;
}

/* ---- quick checks --------------------------------------------------------
 * An order's exposure check and a fill's overflow check are sums over
 * every symbol in order of first appearance, and the numbers they write
 * (a reason's exposure) must stay those of that sum, to the last bit.
 * Most orders and fills are decided far from any limit, though: a
 * running sum of the same terms, with a bound on how far it may be from
 * the sum in order, decides those, and the pass in order is made only
 * when the bound cannot.  Counts are exact: no drift. */

/* Terms at or beyond BIG_TERM (or not finite) send every check the long way:
 * below it, a million of them cannot add up past a double. */
#define BIG_TERM 1e290
#define MAX_QUICK_SYMBOLS 1000000
/* 2u: the largest relative rounding error of one operation, doubled. */
#define ULP2 0x1p-52

/* What y takes of the buying power per unit of quantity (refuse). */
static double unit_of(const sym *y)
{
	if (!y->pos.ins) /* a share: the same number, without the calls */
		return y->pos.mark > 0 ? y->pos.mark : 0;
	return qts_pos_margined(&y->pos) ? y->pos.ins->margin
					 : (y->pos.mark > 0 ? y->pos.mark : 0) * qts_pos_mult(&y->pos);
}

/* y's term of the exposure sum, as refuse computes it. */
static double expo_of(const sym *y)
{
	return fabs((y->pos.qty + working(y)) * unit_of(y));
}

static int is_big(const sym *y)
{
	if (y->pos.qty == 0) /* value, unrealized P&L and equity are 0 */
		return !(fabs(y->pos.realized) < BIG_TERM) || !(y->expo < BIG_TERM);
	double v, u, e;
	pos_terms(&y->pos, &v, &u, &e);
	return !(fabs(v) < BIG_TERM) || !(fabs(u) < BIG_TERM) || !(fabs(e) < BIG_TERM) ||
	       !(fabs(y->pos.realized) < BIG_TERM) || !(fabs(y->expo) < BIG_TERM);
}

/* Whether a bar of y does nothing but set its mark: y is a share, not
 * delisted, with nothing held, nothing working and no exposure term, and
 * no impact model wants its bars.  Most symbols of a wide book are so, and
 * on_bar then takes its quick way.  Kept in y->quiet by touch_working. */
static int is_quiet(const qts_sim *s, const sym *y)
{
	return y->pos.qty == 0 && !y->nord && !y->delisted && !y->pos.ins && y->expo == 0 && !s->o.impact.on;
}

/* y's working orders changed: its exposure term and flags follow. */
static void touch_working(qts_sim *s, sym *y)
{
	double e = expo_of(y);
	if (e != y->expo) {
		double a = s->expo_sum - y->expo, b = a + e;
		s->expo_err += ULP2 * (fabs(a) + fabs(b));
		s->expo_sum = b;
		y->expo = e;
	}
	int big = is_big(y);
	s->nbig += big - y->big;
	y->big = big;
	y->quiet = is_quiet(s, y);
}

/* y's position (or the cash with it) changed. */
static void touch(qts_sim *s, sym *y)
{
	touch_working(s, y);
	s->books_ok = 0;
}

/* The exposure sum afresh, in order, and how far that may be from the
 * exact sum: (n + 2) roundings of at most 2u of it (terms are >= 0). */
static void expo_resync(qts_sim *s)
{
	size_t n = s->nall;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += sym_at(s, i)->expo;
	s->expo_sum = sum;
	s->expo_err = (double)(n + 2) * ULP2 * sum;
}

#ifdef QTS_SIM_SELFCHECK
/* Checks of the kept values against the values afresh, for tests of
 * the quick checks: any difference aborts. */
static void selfcheck_kept(const qts_sim *s)
{
	size_t nbig = 0;
	for (size_t i = 0; i < s->nall; i++) {
		const sym *z = sym_at(s, i);
		double e = expo_of(z);
		if (memcmp(&e, &z->expo, sizeof e) != 0 || is_big(z) != z->big || is_quiet(s, z) != z->quiet)
			qts_die(QTS_EXIT_FAIL, "selfcheck: %s kept stale", z->name);
		nbig += z->big;
	}
	if (nbig != s->nbig)
		qts_die(QTS_EXIT_FAIL, "selfcheck: nbig %zu, not %zu", s->nbig, nbig);
	if (s->books_ok) {
		totals t = books_with(s, s->pf.cash, NULL, NULL);
		if (memcmp(&t, &s->cached, sizeof t) != 0)
			qts_die(QTS_EXIT_FAIL, "selfcheck: books kept stale");
	}
}
#endif

/* ---- output events -------------------------------------------------------- */

/* The types qts-sim makes, each one's place in s->tpl. */
static const qts_type out_types[] = { QTS_UPDATE, QTS_FILL, QTS_POSITION, QTS_EQUITY };
enum { OUT_UPDATE, OUT_FILL, OUT_POSITION, OUT_EQUITY };

static void out_types_init(qts_sim *s)
{
	for (size_t i = 0; i < sizeof out_types / sizeof *out_types; i++)
		qts_event_init(&s->tpl[i], out_types[i], 0);
}

/* An event of s->tpl[k]'s type at ts, as qts_event_init makes it: a copy
 * of the one it made at qts_sim_new, without its pass over the schema
 * (every update of every order pays it). */
static inline void out_event(const qts_sim *s, qts_event *ev, int k, int64_t ts)
{
	*ev = s->tpl[k];
	ev->ts = ts;
}

/* QTS_SET into a field of an event just made by out_event, which holds
 * zeros: the bytes of src alone (a literal's length is a constant),
 * without qts_strlcpy's calls; text too long (a reason naming a long id)
 * cut between characters as QTS_SET_TEXT cuts it. */
#define OUT_SET(field, src) out_set((field), (src), sizeof(field))
static inline void out_set(char *field, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (__builtin_expect(n < size, 1))
		memcpy(field, src, n);
	else
		qts_text_set(field, size, src);
}

/* The symbol field of an event just made: y->name is zeros after its
 * end (sym_add sets it once in a zeroed block), so its whole array is
 * what QTS_SET would leave there. */
static inline void out_symbol(qts_event *ev, const sym *y)
{
	_Static_assert(sizeof ev->symbol == sizeof y->name, "a symbol's field and a name are one size");
	memcpy(ev->symbol, y->name, sizeof ev->symbol);
}

static inline void update_fields(qts_event *ev, const qts_order *o, int status, const char *reason)
{
	OUT_SET(ev->update.id, o->id);
	OUT_SET(ev->update.status, qts_status_name(status));
	ev->update.filled = o->filled;
	ev->update.avg_price = o->filled > 0 ? o->notional / o->filled : QTS_EMPTY;
	OUT_SET(ev->update.reason, reason);
}

/* An update of o, of y's (sym_update) or of a symbol not made one of the
 * books (update: a rejected order's). */
static int sym_update(qts_sim *s, int64_t ts, const sym *y, const qts_order *o, int status, const char *reason)
{
	qts_event ev;
	out_event(s, &ev, OUT_UPDATE, ts);
	out_symbol(&ev, y);
	update_fields(&ev, o, status, reason);
	return put(s, &ev);
}

static int update(qts_sim *s, int64_t ts, const char *symbol, const qts_order *o,
		  int status, const char *reason)
{
	qts_event ev;
	out_event(s, &ev, OUT_UPDATE, ts);
	OUT_SET(ev.symbol, symbol);
	update_fields(&ev, o, status, reason);
	return put(s, &ev);
}

/* No negative zero in the output: -0 and 0 print differently. */
static double nz(double v)
{
	return v == 0 ? 0 : v;
}

static int position(qts_sim *s, int64_t ts, const sym *y)
{
	qts_event ev;
	out_event(s, &ev, OUT_POSITION, ts);
	out_symbol(&ev, y);
	ev.position.qty = nz(y->pos.qty);
	ev.position.avg_price = nz(y->pos.avg);
	ev.position.market_value = nz(qts_pos_value(&y->pos));
	ev.position.unrealized_pnl = nz(qts_pos_unrealized(&y->pos));
	ev.position.realized_pnl = nz(y->pos.realized);
	return put(s, &ev);
}

/* Would a fill of qty at price with commission keep y's books finite?
 * Tried on copies, so a refused fill leaves nothing behind. */
static int fill_fits(const qts_sim *s, const sym *y, int side, double qty, double price,
		     double slip, double commission)
{
	qts_portfolio pf = s->pf;
	qts_pos p = y->pos;
	qts_pf_fill(&pf, &p, side, qty, price, commission);
	p.mark = price;
	double v[] = { price, commission, qty * slip * qts_pos_mult(&p), pf.cash, p.qty, p.avg,
		       p.realized, p.base, qts_pos_value(&p), qts_pos_unrealized(&p),
		       qts_pos_equity(&p) };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (!isfinite(v[i]))
			return 0;
#ifdef QTS_SIM_SELFCHECK
	selfcheck_kept(s);
#endif
	/* Every term of the sums below BIG_TERM, and not a million of
	 * them: no sum can overflow, whatever its order. */
	double w[] = { pf.cash, p.realized, qts_pos_value(&p), qts_pos_unrealized(&p), qts_pos_equity(&p) };
	int quick = s->nbig - (size_t)y->big == 0 && s->nall < MAX_QUICK_SYMBOLS;
	for (size_t i = 0; quick && i < sizeof w / sizeof *w; i++)
		quick = fabs(w[i]) < BIG_TERM;
#ifndef QTS_SIM_SELFCHECK
	if (quick)
		return 1;
#endif
	totals t = books_with(s, pf.cash, y, &p);
	double u[] = { t.equity, t.gross, t.net, t.realized, t.unrealized };
	for (size_t i = 0; i < sizeof u / sizeof *u; i++)
		if (!isfinite(u[i])) {
#ifdef QTS_SIM_SELFCHECK
			if (quick)
				qts_die(QTS_EXIT_FAIL, "selfcheck: a fill quick-checked overflows");
#endif
			return 0;
		}
	return 1;
}

static inline int write_start(qts_sim *s, int64_t ts);

static int fill(qts_sim *s, int64_t ts, sym *y, const char *id, int side, double qty,
		double ref, double slip, double commission)
{
	if (__builtin_expect(!s->started, 0) && write_start(s, ts) < 0)
		return -1;
	double price = ref + side * slip;
	qts_pf_fill(&s->pf, &y->pos, side, qty, price, commission);
	y->pos.mark = ref;
	touch(s, y);
	qts_event ev;
	out_event(s, &ev, OUT_FILL, ts);
	out_symbol(&ev, y);
	OUT_SET(ev.fill.id, id);
	OUT_SET(ev.fill.side, qts_side_name(side));
	ev.fill.qty = qty;
	ev.fill.price = price;
	ev.fill.commission = commission;
	ev.fill.slippage = qty * slip * qts_pos_mult(&y->pos);
	return put(s, &ev);
}

/* Financing for the calendar days up to ts's, on the books as they stood
 * at the end of the day before: once a day, not per bar. */
static void finance(qts_sim *s, int64_t ts)
{
	int64_t days = qts_fin_days(&s->fin, ts);
	if (!days)
		return;
	double borrow_day = 0; /* a day's fee of the short shares */
	if (s->o.fin.borrow_rate > 0 || s->o.fin.nborrow)
		for (size_t i = 0; i < s->nall; i++) {
			const sym *y = sym_at(s, i);
			double v = qts_pos_value(&y->pos);
			if (y->pos.qty < 0 && !qts_pos_margined(&y->pos) && isfinite(v))
				borrow_day += -v * qts_fin_borrow_rate(&s->o.fin, y->name) / s->o.fin.days_a_year;
		}
	qts_fin_accrue(&s->o.fin, &s->fin, &s->pf.cash, borrow_day, days);
	s->books_ok = 0;
}

/* The equity held (see in_ts), out now: what goes out next is of its
 * time or later, or a bar (whose end is). */
static int put_held(qts_sim *s)
{
	s->held = 0;
	return put(s, &s->held_eq);
}

/* An equity event out, or held when it is dated past every event given
 * so far and may_hold: out before the first event of its time or later
 * that goes out after it, or at the end (an event given at a time before
 * it may still come, and what it causes would follow it back in time).
 * One held before it is earlier: out first. */
static int hold_or_put(qts_sim *s, const qts_event *ev, int may_hold)
{
	if (s->held && put_held(s) < 0)
		return -1;
	if (may_hold && ev->ts > s->in_ts) {
		s->held_eq = *ev;
		s->held = 1;
		return 0;
	}
	return put(s, ev);
}

/* How an equity event goes out (write_books): held as hold_or_put says;
 * not at all when the same as the last written, whatever its time (the
 * end's, dated late: end_equity). */
enum { EQ_MAY_HOLD = 1, EQ_SAME_SAYS_NOTHING = 2 };

/* The books as an equity event at ts, written unless it says again what
 * went out last at that time (the end's, after a group a later event
 * closed: it would go out after what came since, out of time order) or
 * what a pause wrote; how: EQ_* flags. */
static int write_books(qts_sim *s, int64_t ts, int how)
{
	totals t = books(s);
	qts_event ev;
	out_event(s, &ev, OUT_EQUITY, ts);
	ev.equity.cash = nz(s->pf.cash);
	ev.equity.equity = nz(t.equity);
	ev.equity.gross = nz(t.gross);
	ev.equity.net = nz(t.net);
	ev.equity.realized_pnl = nz(t.realized);
	ev.equity.unrealized_pnl = nz(t.unrealized);
	if (s->o.fin.on) {
		ev.equity.interest = nz(s->fin.interest);
		ev.equity.borrow = nz(s->fin.borrow);
		ev.equity.margin_interest = nz(s->fin.margin_interest);
	}
	if (s->paused && ts == s->paused_ts && memcmp(&ev.equity, &s->paused_eq, sizeof ev.equity) == 0)
		return 0; /* what the pause wrote, unchanged */
	if (s->have_eq && (ts == s->eq_ts || (how & EQ_SAME_SAYS_NOTHING)) &&
	    memcmp(&ev.equity, &s->eq_last, sizeof ev.equity) == 0)
		return 0;
	if (s->paused) {
		s->paused_ts = ts;
		s->paused_eq = ev.equity;
	}
	s->have_eq = 1;
	s->started = 1;
	s->eq_ts = ts;
	s->eq_last = ev.equity;
	return hold_or_put(s, &ev, how & EQ_MAY_HOLD);
}

/* The books as they started, at ts, before the first thing that changes
 * them (a fill, a day's financing) when that comes before the first
 * equity event: equity is written at the end of a bar, so the first one
 * already holds what its bar made, and a report that starts from it
 * (qts-report) would leave out the first day's P&L. */
static inline int write_start(qts_sim *s, int64_t ts)
{
	return s->started ? 0 : write_books(s, ts, 0);
}

static int equity(qts_sim *s, int64_t ts, int how)
{
	if (s->o.fin.on)
		finance(s, ts);
	/* Margined positions settle their P&L into cash at each equity
	 * time: daily for daily bars, as exchanges mark to market. */
	for (size_t i = 0; s->margined && i < s->nall; i++) {
		sym *y = sym_at(s, i);
		if (qts_pos_margined(&y->pos)) {
			qts_pf_settle(&s->pf, &y->pos);
			touch(s, y);
		}
	}
#ifdef QTS_SIM_SELFCHECK
	selfcheck_kept(s);
#endif
	return write_books(s, ts, how);
}

static void remove_order(qts_sim *s, sym *y, size_t i)
{
	y->wq -= y->ord[i].side * (y->ord[i].qty - y->ord[i].filled);
	memmove(&y->ord[i], &y->ord[i + 1], (y->nord - i - 1) * sizeof *y->ord);
	y->nord--;
	touch_working(s, y);
}

/* ---- orders in -------------------------------------------------------------- */

static const char *exposure_in_order(qts_sim *s, const sym *y, const qts_order *o, double px,
				     double limit, char *why, size_t max, int *poor);

/* "00" to "99": two digits a division. */
static const char two_digits[] = "0001020304050607080910111213141516171819"
				 "2021222324252627282930313233343536373839"
				 "4041424344454647484950515253545556575859"
				 "6061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

/* The decimal digits of n at p (room for 20 bytes), as %lu writes them:
 * the end of them, no NUL.  Counted first (from the bit length: 1233 /
 * 4096 is just above log10(2)), then written in place two at a time from
 * the last. */
static char *put_digits(char *p, unsigned long n)
{
	static const unsigned long p10[20] = {
		1UL, 10UL, 100UL, 1000UL, 10000UL, 100000UL, 1000000UL, 10000000UL, 100000000UL,
		1000000000UL, 10000000000UL, 100000000000UL, 1000000000000UL, 10000000000000UL,
		100000000000000UL, 1000000000000000UL, 10000000000000000UL, 100000000000000000UL,
		1000000000000000000UL, 10000000000000000000UL,
	};
	_Static_assert(sizeof(unsigned long) == 8, "unsigned long of 64 bits");
	size_t k = 1;
	if (n >= 10) {
		size_t t = (size_t)(64 - __builtin_clzl(n)) * 1233 >> 12;
		k = t - (n < p10[t]) + 1;
	}
	char *q = p + k;
	while (n >= 100) {
		q -= 2;
		memcpy(q, two_digits + 2 * (n % 100), 2);
		n /= 100;
	}
	if (n >= 10)
		memcpy(q - 2, two_digits + 2 * n, 2);
	else
		q[-1] = (char)('0' + n);
	return p + k;
}

/* %.2f of v at p (room for 16 bytes) when |v| < 1e9 and 100 v is not
 * within 1e-4 of halfway between two whole numbers: the end of what
 * was written, or NULL (then printf must).  fma gives the rounding
 * error of 100 |v| exactly, so the cents are those of the exact value,
 * as printf rounds it; a negative v rounding to 0 prints -0.00, as
 * printf prints it. */
static char *put_cents(char *p, double v)
{
	if (!(fabs(v) < 1e9))
		return NULL;
	double a = fabs(v) * 100, e = fma(fabs(v), 100, -a);
	double n = floor(a + 0.5); /* exact: a < 2^37 */
	if (!(fabs(a - n) < 0.5 - 1e-4) || !(fabs(e) < 1e-4))
		return NULL;
	unsigned long c = (unsigned long)n;
	if (signbit(v))
		*p++ = '-';
	p = put_digits(p, c / 100);
	*p++ = '.';
	memcpy(p, two_digits + 2 * (c % 100), 2);
	p[2] = '\0';
	return p + 2;
}

/* %g of v into buf (at least 32 bytes): a whole number below 1e6 in
 * magnitude prints as its digits, as %g prints it, without printf's
 * cost; anything else through printf.  The end of what was written. */
static char *put_g(char *buf, double v)
{
	if (v > -1e6 && v < 1e6 && v == (double)(long)v && !(v == 0 && signbit(v))) {
		long n = (long)v;
		char *p = buf;
		if (n < 0)
			*p++ = '-';
		p = put_digits(p, n < 0 ? -(unsigned long)n : (unsigned long)n);
		*p = '\0';
		return p;
	}
	int n = snprintf(buf, 32, "%g", v);
	return buf + (n < 32 ? n : 31);
}

/* The reason of a refusal for gross exposure: the same words whatever
 * the buffer, cut to max as the caller's buffer would cut them. */
static void exposure_why(char *why, size_t max, double gross, double leverage, double limit)
{
	if (fabs(gross) < 1e15 && fabs(limit / leverage) < 1e15) {
		/* The common case without printf's cost: refusals are many
		 * in a wide book with little cash. */
		char buf[160];
		/* Straight into why when it has the room (it always has in
		 * qts-sim); the words are far shorter than buf. */
		char *out = max >= sizeof buf ? why : buf, *p = out;
		static const char a[] = "insufficient cash: exposure ", b[] = " > ", c[] = " x equity ";
		memcpy(p, a, sizeof a - 1);
		p = put_cents(p + sizeof a - 1, gross);
		if (p) {
			memcpy(p, b, sizeof b - 1);
			p = put_g(p + sizeof b - 1, leverage);
			memcpy(p, c, sizeof c - 1);
			p = put_cents(p + sizeof c - 1, limit / leverage);
		}
		if (p) {
			if (out == buf)
				qts_strlcpy(why, buf, max);
#ifdef QTS_SIM_SELFCHECK
			char r[512];
			snprintf(r, sizeof r, "insufficient cash: exposure %.2f > %g x equity %.2f", gross,
				 leverage, limit / leverage);
			if (strncmp(r, why, max - 1) != 0)
				qts_die(QTS_EXIT_FAIL, "selfcheck: reason '%s', not '%s'", why, r);
#endif
			return;
		}
	}
	/* Cents while they fit the reason; past that, significant
	 * digits, so the whole sentence survives the field's limit. */
	const char *fmt = fabs(gross) < 1e15 && fabs(limit / leverage) < 1e15
			  ? "insufficient cash: exposure %.2f > %g x equity %.2f"
			  : "insufficient cash: exposure %.6g > %g x equity %.6g";
	snprintf(why, max, fmt, gross, leverage, limit / leverage);
}

/* Do all numbers in [lo, hi] (0 <= lo <= hi < 1e13) print the same with
 * %.2f?  They do when no halfway point between cents lies in [100 lo,
 * 100 hi].  The products and sums here round by far less than m, so
 * a halfway point within m of the ends is taken as in (the caller then
 * prints both ends). */
static int same_cents(double lo, double hi)
{
	if (!(lo >= 0 && lo <= hi && hi < 1e13))
		return 0;
	double a = lo * 100, b = hi * 100, m = (b + 1) * 0x1p-48;
	return floor(a - m + 0.5) == floor(b + m + 0.5);
}

/* The exposure check of refuse from the running sum: 0 when o fits, 1
 * when it is refused (the reason in why), -1 when the running sum cannot
 * tell what the sum in order would (then exposure_in_order must).
 *
 * The sum in order of n terms >= 0 is within (n - 1)u of their exact sum
 * (u = 2^-53); the running sum within expo_err of it.  It is monotonic
 * in each term, so o fits when its symbol's term does not grow; it
 * fits when the largest the sum could be is at most the limit; it is
 * refused when the least is above the limit and above the sum without
 * o, and then the reason is written when the least and the largest
 * print the same (printing is monotonic too). */
static int quick_exposure(qts_sim *s, const sym *y, const qts_order *o, double px,
			  double limit, char *why, size_t max)
{
	size_t n = s->nall;
	if (s->nbig || n >= MAX_QUICK_SYMBOLS || !isfinite(limit))
		return -1;
#ifdef QTS_SIM_SELFCHECK
	selfcheck_kept(s);
#endif
	double q = y->pos.qty + working(y), unit = unit_of(y);
	double ounit = qts_pos_margined(&y->pos) ? unit : px * qts_pos_mult(&y->pos);
	double old = fabs(q * unit), now = fabs(q * unit + o->side * o->qty * ounit);
	if (old != y->expo || !(now < BIG_TERM))
		return -1;
	if (!(now > old))
		return 0;
	if (!isfinite(s->expo_sum))
		expo_resync(s);
	double cap = limit + EPS, g = (double)(n + 8) * ULP2;
	for (int pass = 0;; pass++) {
		double sum = s->expo_sum, err = s->expo_err;
		double base = sum - old + now, slack = err + (sum + err + old + now) * g;
		double hi = base + slack, lo = base - slack;
		if (hi <= cap)
			return 0;
		if (lo > cap && lo > sum + err + (sum + err) * g) {
			if (same_cents(lo, hi) && fabs(limit / s->o.leverage) < 1e15) {
				exposure_why(why, max, hi, s->o.leverage, limit);
				return 1;
			}
			char a[512], b[512];
			exposure_why(a, sizeof a, lo, s->o.leverage, limit);
			exposure_why(b, sizeof b, hi, s->o.leverage, limit);
			if (strcmp(a, b) != 0)
				return -1;
			qts_strlcpy(why, a, max);
			return 1;
		}
		/* Undecided: once more from a sum afresh if the running one
		 * has drifted (its bound is then wider than a fresh one's). */
		if (pass > 0 || !(err > 2 * (double)(n + 2) * ULP2 * sum))
			return -1;
		expo_resync(s);
	}
}

/* Why o may not be worked, or NULL; *poor set when it is for want of
 * cash (the exposure past --leverage x equity). */
static const char *refuse(qts_sim *s, sym *y, int64_t ts, const qts_order *o, char *why, size_t max, int *poor)
{
	if (y->delisted) {
		snprintf(why, max, "%s is delisted", y->name);
		return why;
	}
	double after = y->pos.qty + working(y) + o->side * o->qty;
	if (s->o.no_short && after < -EPS) {
		snprintf(why, max, "no-short: would leave %s short %g", y->name, -after);
		return why;
	}
	if ((o->kind == QTS_MARKET || o->kind == QTS_STOP) && s->o.slippage.kind == QTS_SLIP_TICKS &&
	    !(s->o.slippage.tick > 0) && !(y->pos.ins && y->pos.ins->tick > 0)) {
		snprintf(why, max, "slippage ticks: no tick size for %s (--instrument %s,tick=T)",
			 y->name, y->name);
		tally_add(&s->notick, ts, y->name);
		return why;
	}
	double px = o->kind == QTS_LIMIT || o->kind == QTS_STOP_LIMIT ? o->limit
		    : o->kind == QTS_STOP ? o->stop : y->pos.mark;
	if (!(px > 0) && !qts_pos_margined(&y->pos))
		return NULL; /* nothing to value it with yet */
	double limit = s->o.leverage * books(s).equity;
	int quick = quick_exposure(s, y, o, px, limit, why, max);
#ifndef QTS_SIM_SELFCHECK
	if (quick >= 0)
		return (*poor = quick) ? why : NULL;
#else
	char quick_why[QTS_TEXT_MAX];
	snprintf(quick_why, sizeof quick_why, "%s", quick > 0 ? why : "");
	const char *slow = exposure_in_order(s, y, o, px, limit, why, max, poor);
	if (quick >= 0 && (quick != (slow != NULL) || (slow && strcmp(quick_why, why) != 0)))
		qts_die(QTS_EXIT_FAIL, "selfcheck: quick exposure check %d '%s', in order '%s'", quick,
			quick_why, slow ? why : "");
	return slow;
#endif
	return exposure_in_order(s, y, o, px, limit, why, max, poor);
}

/* The reason an order at px over y's working orders and positions goes
 * past the limit, or NULL: the sum over every symbol in order. */
static const char *exposure_in_order(qts_sim *s, const sym *y, const qts_order *o, double px,
				     double limit, char *why, size_t max, int *poor)
{
	/* Gross exposure with every working order filled at its symbol's
	 * mark, this one at its price, against leverage x equity.  A
	 * margined contract takes its margin, a share its value. */
	double before = 0, gross = 0;
	for (size_t i = 0; i < s->nall; i++) {
		const sym *z = sym_at(s, i);
		double q = z->pos.qty + working(z);
		/* Nothing held or working in shares at a finite mark adds
		 * fabs(0 * unit), exactly 0: skipped. */
		if (q == 0 && z != y && !z->pos.ins && isfinite(z->pos.mark))
			continue;
		double unit = qts_pos_margined(&z->pos) ? z->pos.ins->margin
			      : (z->pos.mark > 0 ? z->pos.mark : 0) * qts_pos_mult(&z->pos);
		double ounit = qts_pos_margined(&z->pos) ? unit : px * qts_pos_mult(&z->pos);
		before += fabs(q * unit);
		gross += z == y ? fabs(q * unit + o->side * o->qty * ounit) : fabs(q * unit);
	}
	if (!isfinite(gross) || !isfinite(limit)) {
		snprintf(why, max, "exposure or equity is not finite (overflow)");
		return why;
	}
	if (gross > before && gross > limit + EPS) {
		exposure_why(why, max, gross, s->o.leverage, limit);
		*poor = 1;
		return why;
	}
	return NULL;
}

/* Work o on y, or reject it. */
static int accept(qts_sim *s, sym *y, int64_t ts, qts_order *o)
{
	char why[QTS_TEXT_MAX];
	int poor = 0;
	if (refuse(s, y, ts, o, why, sizeof why, &poor)) {
		if (poor)
			tally_add(&s->poor, ts, y->name);
		return sym_update(s, ts, y, o, QTS_STATUS_REJECTED, why);
	}
	int64_t t = s->have_clock && s->clock > ts ? s->clock : ts;
	if (qts_time_add(t, s->o.latency, &o->eligible) != 0) {
		/* It could never fill: say so rather than wrap into the past. */
		char lat[QTS_DURATION_MAX], what[QTS_DURATION_MAX + 16];
		qts_duration_format(s->o.latency, lat);
		snprintf(what, sizeof what, "+ latency %s", lat);
		return sym_update(s, ts, y, o, QTS_STATUS_REJECTED, qts_time_range_why(t, what, 1, why));
	}
	/* A day order's day is that of the first market data it can work on,
	 * not of the time it became eligible: one given after a day's last
	 * bar (a Friday's daily bar, an evening past the session) works the
	 * next day that has data, as a broker queues a day order given after
	 * the close, rather than expire there unworked. */
	o->day = INT64_MIN;
	if (y->nord == y->cord) {
		y->cord = y->cord ? 2 * y->cord : 4;
		y->ord = realloc(y->ord, y->cord * sizeof *y->ord);
		if (!y->ord)
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	y->wq = working(y) + o->side * o->qty;
	y->ord[y->nord++] = *o;
	touch_working(s, y);
	return sym_update(s, ts, y, o, QTS_STATUS_ACCEPTED, "");
}

static int on_order(qts_sim *s, const qts_event *ev)
{
	uint64_t h = qts_hash64(ev->order.id);
	if (qts_idset_has_hash(s->ids, h))
		return 0; /* a repeat: acted on once already */
	qts_idset_add_hash(s->ids, h);
	qts_fresh_ids_unsure(&s->fresh);
	qts_order o = { 0 };
	QTS_SET(o.id, ev->order.id);
	QTS_SET(o.strategy, ev->order.strategy);
	o.side = qts_side_parse(ev->order.side);
	o.kind = qts_kind_parse(ev->order.kind);
	o.tif = *ev->order.tif ? qts_tif_parse(ev->order.tif) : QTS_GTC;
	o.qty = ev->order.qty;
	o.limit = ev->order.limit;
	o.stop = ev->order.stop;
	char why[QTS_TEXT_MAX] = "";
	if (!*ev->symbol)
		snprintf(why, sizeof why, "no symbol");
	else if (!*o.id)
		snprintf(why, sizeof why, "no order id");
	else /* a contract's limit and stop may be 0 or below: it trades there */
		qts_order_fault(ev, qts_instrument_find(s->o.instruments, s->o.ninstruments, ev->symbol) != NULL, why,
				sizeof why);
	if (*why) {
		o.side = QTS_BUY;
		if (s->malformed.n == 0)
			QTS_SET(s->malformed_why, why);
		tally_add(&s->malformed, ev->ts, ev->symbol);
		return update(s, ev->ts, ev->symbol, &o, QTS_STATUS_REJECTED, why);
	}
	return accept(s, sym_get(s, ev->symbol), ev->ts, &o);
}

/* Cancel the order of y with id, if it works: 1 when found (rc in *rc). */
static int cancel_in(qts_sim *s, sym *y, const qts_event *ev, const char *why, int *rc)
{
	for (size_t i = 0; i < y->nord; i++)
		if (strcmp(y->ord[i].id, ev->cancel.id) == 0) {
			*rc = sym_update(s, ev->ts, y, &y->ord[i], QTS_STATUS_CANCELED, why);
			remove_order(s, y, i);
			return 1;
		}
	return 0;
}

/* A cancel names its order's symbol, or none (qts-events(5)): then the
 * order is found by its id among every symbol's. */
static int on_cancel(qts_sim *s, const qts_event *ev, const char *why)
{
	int rc = 0;
	if (ev->symbol[0]) {
		cancel_in(s, sym_get(s, ev->symbol), ev, why, &rc);
		return rc;
	}
	for (size_t k = 0; k < s->nall; k++)
		if (cancel_in(s, s->all[k], ev, why, &rc))
			break;
	return rc;
}

static int cancel_all(qts_sim *s, sym *y, int64_t ts, const char *why);

/* A target for strategy `*` sets the whole position of the symbol: the
 * targets of every strategy are forgotten and its working orders
 * canceled, so the order made from it is the difference from the position
 * alone.  A risk exit (`*` 0) so flattens what is really held. */
static int every_strategy(qts_sim *s, sym *y, int64_t ts)
{
	y->ntgt = 0;
	return cancel_all(s, y, ts, "replaced by a target for every strategy");
}

/* The ids seen, and the hash of the latest id asked about: the id a
 * target's order gets is hashed once, for the question and the adding.
 * fresh: the id is new for sure (qts_fresh_id), and is not asked about. */
typedef struct seen {
	qts_idset *ids;
	uint64_t hash;
	int fresh;
} seen;

static int id_seen(void *arg, const char *id)
{
	seen *k = arg;
	k->hash = qts_hash64(id);
	return !k->fresh && qts_idset_has_hash(k->ids, k->hash);
}

/* Remember the id of a target's order. */
static void id_add(qts_sim *s, const seen *id)
{
	if (id->fresh)
		qts_idset_add_fresh(s->ids, id->hash);
	else
		qts_idset_add_hash(s->ids, id->hash);
}

/* "target WANT: SIDE QTY market", as "target %g: %s %g market". */
static void target_reason(char *reason, size_t max, double want, int side, double qty)
{
	char buf[128];
	/* Straight into reason when it has the room (it always has in
	 * qts-sim); the words are far shorter than buf. */
	char *out = max >= sizeof buf ? reason : buf, *p = out;
	const char *sd = qts_side_name(side);
	if (!sd)
		sd = "(null)"; /* as printf writes it */
	size_t n = strlen(sd);
	memcpy(p, "target ", 7);
	p = put_g(p + 7, want);
	memcpy(p, ": ", 2);
	p += 2;
	memcpy(p, sd, n);
	p += n;
	*p++ = ' ';
	p = put_g(p, qty);
	memcpy(p, " market", 8);
	if (out == buf)
		qts_strlcpy(reason, buf, max);
#ifdef QTS_SIM_SELFCHECK
	char r[QTS_TEXT_MAX];
	snprintf(r, sizeof r, "target %g: %s %g market", want, qts_side_name(side), qty);
	if (strncmp(r, reason, max - 1) != 0)
		qts_die(QTS_EXIT_FAIL, "selfcheck: reason '%s', not '%s'", reason, r);
#endif
}

static int on_target(qts_sim *s, const qts_event *ev)
{
	sym *y = sym_get(s, ev->symbol);
	qts_order o = { .side = QTS_BUY, .kind = QTS_MARKET, .tif = QTS_GTC, .limit = NAN, .stop = NAN };
	QTS_SET(o.strategy, ev->target.strategy);
	/* Deterministic ids: strategy, symbol and a per-symbol count; a
	 * clash with an id already seen moves on to the next count. */
	seen id = { s->ids, 0, qts_fresh_id(&s->fresh, qts_target_order_prefix(o.strategy), y->name) };
	qts_target_order_id(o.id, o.strategy, y->name, &y->seq, id_seen, &id);

	double q = NAN;
	char why[QTS_TEXT_MAX];
	why[0] = '\0';
	int bad = 0; /* a unit or a quantity not understood: the strategy's mistake */
	int unit = *ev->target.unit ? qts_unit_parse(ev->target.unit) : QTS_UNIT_QTY;
	if (unit == QTS_UNIT_WEIGHT && !(y->pos.mark > 0))
		snprintf(why, sizeof why, "weight target: no price for %s yet", y->name);
	else if (unit == QTS_UNIT_WEIGHT && qts_weight_no_equity(ev->target.target, books(s).equity))
		snprintf(why, sizeof why, "weight target: equity %.10g is not above 0: no weight of it to hold",
			 books(s).equity);
	else if (unit < 0) {
		snprintf(why, sizeof why, "bad target unit '%s' (qty, weight)", ev->target.unit);
		bad = 1;
	} else
		q = qts_target_position(ev->target.target, unit,
					unit == QTS_UNIT_WEIGHT ? books(s).equity : 0, /* all the books: weights only */
					y->pos.mark, qts_pos_mult(&y->pos), s->o.fractional);
	if (!*why && !isfinite(q)) {
		snprintf(why, sizeof why, "bad target %g", ev->target.target);
		bad = 1;
	}
	if (bad) {
		if (!s->badtarget.n)
			QTS_SET(s->badtarget_why, why);
		tally_add(&s->badtarget, ev->ts, y->name);
	} else if (*why) {
		if (!s->unsized.n)
			QTS_SET(s->unsized_why, why);
		tally_add(&s->unsized, ev->ts, y->name);
	}
	if (*why) {
		id_add(s, &id);
		return sym_update(s, ev->ts, y, &o, QTS_STATUS_REJECTED, why);
	}
	if (strcmp(o.strategy, "*") == 0 && every_strategy(s, y, ev->ts) < 0)
		return -1;

	size_t i;
	for (i = 0; i < y->ntgt; i++)
		if (strcmp(y->tgt[i].strategy, o.strategy) == 0)
			break;
	if (i == y->ntgt) {
		y->tgt = realloc(y->tgt, (y->ntgt + 1) * sizeof *y->tgt);
		if (!y->tgt)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		QTS_SET(y->tgt[y->ntgt++].strategy, o.strategy);
	}
	y->tgt[i].qty = q;
	double want = 0;
	for (size_t k = 0; k < y->ntgt; k++)
		want += y->tgt[k].qty;
	double diff = want - y->pos.qty - working(y);
	if (!isfinite(diff)) {
		/* Several strategies' targets can add up past any double. */
		id_add(s, &id);
		snprintf(why, sizeof why, "targets for %s add up to %g: not a quantity", y->name, want);
		return sym_update(s, ev->ts, y, &o, QTS_STATUS_REJECTED, why);
	}
	if (!qts_target_order(want, y->pos.qty + working(y), &o.side, &o.qty)) {
		y->seq--; /* no order: the count is not used */
		return 0;
	}
	id_add(s, &id);
	char reason[QTS_TEXT_MAX];
	target_reason(reason, sizeof reason, want, o.side, o.qty);
	if (sym_update(s, ev->ts, y, &o, QTS_STATUS_NEW, reason) < 0)
		return -1;
	return accept(s, y, ev->ts, &o);
}

/* ---- market data -------------------------------------------------------- */

/* Each stretch of a symbol's market time works its orders once.  A
 * stream may hold several timeframes of a symbol (qts-resample -k), or
 * ticks and the bars made of them; a coarser bar then comes after the
 * data it is made of, and its open, path and volume are ones orders
 * have already traded on (and its fills would go back in time).  So a
 * bar works orders when it is of the timeframe that last did, or starts
 * at or after the end of the time that data covered; a tick or quote
 * when ticks and quotes last did, or it comes after that time.  Data
 * that does not drive still marks the position. */
enum { DRIVE_NONE, DRIVE_BAR, DRIVE_POINT };

/* Bars of tf are the ones that drive y's fills. */
static int tf_is_drive(const sym *y, qts_tf tf)
{
	return y->drive == DRIVE_BAR && y->drive_tf.n == tf.n && y->drive_tf.unit == tf.unit;
}

/* Whether a bar of tf starting at ts would drive y's fills. */
static int bar_drives(const sym *y, qts_tf tf, int64_t ts)
{
	return y->drive == DRIVE_NONE || tf_is_drive(y, tf) || ts >= y->drive_to;
}

static __attribute__((noinline)) int drives_bar_other(sym *y, const qts_event *ev, int64_t end)
{
	if (bar_drives(y, y->tfv, ev->ts)) {
		y->drive = DRIVE_BAR;
		y->drive_tf = y->tfv;
		y->tfv_drives = 1;
		if (end > y->drive_to)
			y->drive_to = end;
		return 1;
	}
	return 0;
}

/* Whether y's bar ev, ending at end, works its orders; taken as the data
 * that drives them when it does. */
static inline int drives_bar(sym *y, const qts_event *ev, int64_t end)
{
	if (__builtin_expect(y->tfv_drives, 1)) { /* nearly every bar */
		if (end > y->drive_to)
			y->drive_to = end;
		return 1;
	}
	return drives_bar_other(y, ev, end);
}

static inline int drives_point(sym *y, int64_t ts)
{
	if (y->drive == DRIVE_POINT || y->drive == DRIVE_NONE || ts >= y->drive_to) {
		y->drive = DRIVE_POINT;
		y->tfv_drives = 0;
		/* a tick at ts is in the bar that starts at ts */
		int64_t to = ts < INT64_MAX ? ts + 1 : ts;
		if (to > y->drive_to)
			y->drive_to = to;
		return 1;
	}
	return 0;
}

/* y's bar of another timeframe than its last (or its first bar). */
static __attribute__((noinline)) void bar_tf(sym *y, const qts_event *ev)
{
	if (qts_tf_parse(ev->bar.tf, &y->tfv) < 0)
		y->tfv = (qts_tf){ 0, 0 };
	y->tf_ns = qts_tf_ns(y->tfv);
	QTS_SET(y->tf, ev->bar.tf);
	qts_field_key_set(&y->tfk, y->tf);
	y->bar.ts = QTS_TS_MIN;
	y->tfv_drives = tf_is_drive(y, y->tfv);
}

static inline int64_t bar_end(qts_sim *s, sym *y, const qts_event *ev)
{
	if (y->tfv.n == 0)
		return ev->ts;
	/* The bars of every symbol of one time end together. */
	if (s->end_ts != ev->ts || s->end_tf.n != y->tfv.n || s->end_tf.unit != y->tfv.unit || !s->have_end) {
		s->end = qts_tf_end(y->tfv, ev->ts);
		s->end_ts = ev->ts;
		s->end_tf = y->tfv;
		s->have_end = 1;
	}
	return s->end;
}

/* Work y's orders on one market data event at ts. */
static int work_orders(qts_sim *s, sym *y, const qts_mkt *m, int64_t ts);

/* An insertion sort (a symbol works a few orders): by where a bar's path
 * fills them when by_path, else by arrival alone; arrival order among
 * equals. */
static void sort_orders(qts_order *a, size_t n, int by_path)
{
	for (size_t i = 1; i < n; i++) {
		qts_order t = a[i];
		size_t j = i;
		for (; j > 0; j--) {
			const qts_order *p = &a[j - 1];
			int after = by_path && p->path_at != t.path_at ? p->path_at > t.path_at : p->rank > t.rank;
			if (!after)
				break;
			a[j] = *p;
		}
		a[j] = t;
	}
}

/* Put y's orders in the order m's path fills them (qts-sim(1): the fill
 * model), so that the fills, and what each one realizes, come as the
 * prices would have come: a sell limit above the open fills after a buy
 * stop below it on a bar that visits its low first.  1 when the order
 * changed (sort_orders puts it back after the bar). */
static int path_order(sym *y, const qts_mkt *m, int64_t ts)
{
	int moved = 0;
	for (size_t i = 0; i < y->nord; i++) {
		qts_order *o = &y->ord[i];
		double ref;
		int triggered = o->triggered; /* worked for real in a moment */
		o->rank = i;
		o->path_at = ts >= o->eligible && qts_fill_at(o, m, &ref, &o->path_at) ? o->path_at : INFINITY;
		o->triggered = triggered;
		moved |= i > 0 && o->path_at < y->ord[i - 1].path_at;
	}
	if (moved)
		sort_orders(y->ord, y->nord, 1);
	return moved;
}

static int work(qts_sim *s, sym *y, const qts_mkt *m, int64_t ts)
{
	int moved = m->type == QTS_BAR && y->nord > 1 && path_order(y, m, ts);
	int rc = work_orders(s, y, m, ts);
	if (moved)
		sort_orders(y->ord, y->nord, 0);
	return rc;
}

static int work_orders(qts_sim *s, sym *y, const qts_mkt *m, int64_t ts)
{
	int64_t day = qts_trade_day(&s->days, ts);
	double used[2] = { 0, 0 };
	double sigma = NAN, adv = NAN;
	int dry = 0; /* an order was there to fill, the data had no volume for it */
	int thin = 0; /* ... or less than a whole unit of it under the cap */
	if (s->o.impact.on) {
		sigma = qts_roll_sigma(&y->roll);
		adv = qts_roll_adv(&y->roll);
	}
	for (size_t i = 0; i < y->nord;) {
		qts_order *o = &y->ord[i];
		double ref;
		/* A share's price of zero or below is no price to trade at;
		 * a contract's is (a spread, a future in a glut). */
		switch (qts_order_step(o, m, ts, day, y->pos.ins != NULL, &ref)) {
		case QTS_STEP_WAIT:
			i++;
			continue;
		case QTS_STEP_EXPIRED:
			if (sym_update(s, ts, y, o, QTS_STATUS_EXPIRED, "day order: end of day") < 0)
				return -1;
			remove_order(s, y, i);
			continue;
		case QTS_STEP_MISSED:
			if (sym_update(s, ts, y, o, QTS_STATUS_CANCELED,
				       o->tif == QTS_IOC ? "ioc: not marketable" : "fok: not marketable") < 0)
				return -1;
			remove_order(s, y, i);
			continue;
		case QTS_STEP_REACHED:
			break;
		}
		double remaining = o->qty - o->filled;
		double *u = &used[o->side > 0];
		double cap = qts_fill_capacity(m, o->side, s->o.participation);
		if (!(cap > 0))
			dry = 1;
		else if (!s->o.fractional && isfinite(cap) && !((cap = floor(cap + EPS)) > 0))
			thin = 1;
		double q = cap - *u < remaining ? cap - *u : remaining;
		if (q < 0)
			q = 0;
		if (o->tif == QTS_FOK && q < remaining - EPS) {
			char why[QTS_TEXT_MAX];
			snprintf(why, sizeof why, "fok: only %g of %g available", q, remaining);
			if (sym_update(s, ts, y, o, QTS_STATUS_CANCELED, why) < 0)
				return -1;
			remove_order(s, y, i);
			continue;
		}
		if (q > EPS) {
			double slip = 0;
			/* Limit prices are honoured: only market and stop
			 * orders pay slippage and impact. */
			if ((o->kind == QTS_MARKET || o->kind == QTS_STOP) && s->o.slippage.kind == QTS_SLIP_SPREAD &&
			    m->type != QTS_QUOTE && isnan(y->half_spread))
				tally_add(&s->unspread, ts, y->name);
			if ((o->kind == QTS_MARKET || o->kind == QTS_STOP) && s->o.impact.on && sigma >= 0 && adv == 0)
				tally_add(&s->noadv, ts, y->name);
			if (o->kind == QTS_MARKET || o->kind == QTS_STOP)
				slip = qts_slippage_per_share(&s->o.slippage, ref,
							      m->type == QTS_QUOTE ? 0 : y->half_spread,
							      y->pos.ins ? y->pos.ins->tick : 0) +
				       qts_impact_per_share(&s->o.impact, ref, q, sigma, adv);
			double price = ref + o->side * slip;
			double mult = qts_pos_mult(&y->pos);
			double fee = qts_commission_of(&s->o.commission, q, price, mult);
			/* A fill the books cannot hold is refused, not
			 * written: the order ends with the reason. */
			char why[QTS_TEXT_MAX] = "";
			if (!(price > 0) && !y->pos.ins) {
				snprintf(why, sizeof why, "slippage %.10g takes the %s price below zero (reference %.10g)",
					 slip, qts_side_name(o->side), ref);
				tally_add(&s->unsold, ts, y->name);
			} else if (!isfinite(o->notional + q * price) ||
				 !fill_fits(s, y, o->side, q, price, slip, fee))
				snprintf(why, sizeof why, "a fill of %.10g at %.10g is too large to account for (overflow)",
					 q, price);
			if (*why) {
				if (sym_update(s, ts, y, o, QTS_STATUS_CANCELED, why) < 0)
					return -1;
				remove_order(s, y, i);
				continue;
			}
			*u += q;
			if (fill(s, ts, y, o->id, o->side, q, ref, slip, fee) < 0)
				return -1;
			o->filled += q;
			o->notional += q * price;
			y->wq -= o->side * q;
			touch_working(s, y);
			remaining = o->qty - o->filled;
			int done = qts_qty_same(o->filled, o->qty);
			if (sym_update(s, ts, y, o, done ? QTS_STATUS_FILLED : QTS_STATUS_PARTIAL, "") < 0 ||
			    position(s, ts, y) < 0)
				return -1;
			if (done) {
				remove_order(s, y, i);
				continue;
			}
		}
		if (o->tif == QTS_IOC) {
			if (sym_update(s, ts, y, o, QTS_STATUS_CANCELED, "ioc: remainder canceled") < 0)
				return -1;
			remove_order(s, y, i);
			continue;
		}
		i++;
	}
	if (__builtin_expect(dry, 0))
		tally_add(&s->dry, ts, y->name);
	if (__builtin_expect(thin, 0))
		tally_add(&s->thin, ts, y->name);
	return 0;
}

/* Mark y at price from ev: -1, with the event named in s->error, when the
 * position's value at that price is beyond a double (the run stops: the
 * books cannot go on from it). */
static __attribute__((noinline, cold)) int unpriced(qts_sim *s, const sym *y, const qts_event *ev)
{
	tally_add(&s->unpriced, ev->ts, y->name);
	return 0;
}

static inline __attribute__((always_inline)) int mark(qts_sim *s, sym *y, const qts_event *ev, double price)
{
	/* A share is worth something or it is not traded: a price of 0 or
	 * below (a vendor's bar of zeros) is no price to value it at, as
	 * qts-risk holds and no fill is made at.  Its position keeps its last
	 * mark: marked at 0, equity fell by the whole position and came back
	 * a bar later, a drawdown that never was.  A contract may be quoted
	 * at 0 or below (a spread, a future in a glut): marked there. */
	if (__builtin_expect(!(price > 0), 0) && !y->pos.ins)
		return unpriced(s, y, ev);
	/* A flat share with no working order and no exposure stays at 0
	 * exposure at any finite price, and its books at its realized
	 * P&L: nothing kept changes (most of a wide book is flat). */
	int same = y->pos.qty == 0 && !y->nord && !y->pos.ins && y->expo == 0 && isfinite(price);
	y->pos.mark = price;
	if (!same)
		touch(s, y);
	/* Held and touched: y->big is fresh, and clear only when value,
	 * unrealized P&L and equity are all below BIG_TERM, so finite. */
	if (y->pos.qty == 0 || !y->big)
		return 0;
	double v, u, e;
	pos_terms(&y->pos, &v, &u, &e);
	if (isfinite(v) && isfinite(u) && isfinite(e))
		return 0;
	snprintf(s->error, sizeof s->error, "%s %s at %.10g: the value of a position of %.10g is not finite (overflow)",
		 qts_type_name(ev->type), y->name, price, y->pos.qty);
	s->failed = 1;
	return -1;
}

static void tick_clock(qts_sim *s, int64_t t)
{
	if (t > s->clock || !s->have_clock)
		s->clock = t;
	s->have_clock = 1;
}

/* The rest of on_bar for a symbol that is not quiet, or a close that is
 * not finite: orders worked, the mark with its checks, the impact model. */
static __attribute__((noinline)) int bar_work(qts_sim *s, sym *y, const qts_event *ev, int64_t end, int drives,
					      int64_t opens)
{
	if (y->delisted)
		return 0;
	if (y->nord && drives) { /* most symbols of a wide book have no order working */
		qts_mkt m = { .type = QTS_BAR, .open = ev->bar.open, .high = ev->bar.high,
			      .low = ev->bar.low, .close = ev->bar.close, .volume = ev->bar.volume };
		if (work(s, y, &m, opens) < 0)
			return -1;
	}
	if (mark(s, y, ev, ev->bar.close) < 0)
		return -1;
	if (s->o.impact.on && drives)
		qts_roll_push(&y->roll, ev->bar.close, ev->bar.volume);
	tick_clock(s, end);
	return 0;
}

static inline __attribute__((always_inline)) int on_bar(qts_sim *s, sym *y, const qts_event *ev)
{
	int64_t end = bar_end(s, y, ev), was_to = y->drive_to;
	int drives = drives_bar(y, ev, end);
	if (end > s->group_close || !s->have_group)
		s->group_close = end;
	/* a bar that drives no fills joins the group (qts_sim_put) */
	if (__builtin_expect(drives, 1)) {
		s->group_ts = ev->ts;
		s->group_driven = 1;
	} else if (!s->have_group) {
		s->group_ts = ev->ts;
		s->group_driven = 0;
	}
	s->have_group = 1;
	/* Most bars of a wide book: a mark, and the time (what bar_work
	 * does then, without its checks). */
	if (__builtin_expect(y->quiet && ev->bar.close > 0 && isfinite(ev->bar.close), 1)) {
		y->pos.mark = ev->bar.close;
		tick_clock(s, end);
		return 0;
	}
	/* When the bar opens, for its fills: its start, or the end of the
	 * symbol's bar before it of its timeframe when that is later.  Days,
	 * weeks and months of a zone across a change of daylight saving time
	 * are 23 hours (or 167) long, a day (a week) by the stream's
	 * reckoning: the next starts before the last ended, when orders
	 * placed on the last are known and may fill, after what it caused.
	 * (tfv_drives set by this bar, the first of its timeframe to drive:
	 * it drives only from was_to on, so opens at its start.) */
	return bar_work(s, y, ev, end, drives, y->tfv_drives && was_to > ev->ts ? was_to : ev->ts);
}

static int on_tick(qts_sim *s, const qts_event *ev)
{
	sym *y = sym_get(s, ev->symbol);
	if (!y->delisted) {
		qts_mkt m = { .type = QTS_TICK, .price = ev->tick.price, .size = ev->tick.size };
		if (drives_point(y, ev->ts) && work(s, y, &m, ev->ts) < 0)
			return -1;
		if (mark(s, y, ev, ev->tick.price) < 0)
			return -1;
	}
	tick_clock(s, ev->ts);
	return 0;
}

static int on_quote(qts_sim *s, const qts_event *ev)
{
	sym *y = sym_get(s, ev->symbol);
	if (!y->delisted) {
		double bid = ev->quote.bid, ask = ev->quote.ask;
		if (bid > 0 && ask >= bid)
			y->half_spread = (ask - bid) / 2;
		qts_mkt m = { .type = QTS_QUOTE, .bid = bid, .ask = ask, .bid_size = ev->quote.bid_size,
			      .ask_size = ev->quote.ask_size };
		if (drives_point(y, ev->ts) && work(s, y, &m, ev->ts) < 0)
			return -1;
		double mid = qts_quote_mid(ev);
		if (mid > 0 && mark(s, y, ev, mid) < 0)
			return -1;
	}
	tick_clock(s, ev->ts);
	return 0;
}

/* ---- corporate actions ------------------------------------------------------ */

static int cancel_all(qts_sim *s, sym *y, int64_t ts, const char *why)
{
	for (size_t i = 0; i < y->nord; i++)
		if (sym_update(s, ts, y, &y->ord[i], QTS_STATUS_CANCELED, why) < 0)
			return -1;
	y->nord = 0;
	touch_working(s, y);
	return 0;
}

/* Close y at its last price (no slippage; commission as any fill). */
static int liquidate(qts_sim *s, sym *y, int64_t ts, const char *prefix)
{
	if (y->pos.qty == 0 || !(y->pos.mark > 0 || (y->pos.ins && isfinite(y->pos.mark))))
		return 0;
	char id[QTS_ID_MAX];
	snprintf(id, sizeof id, "%s-%s", prefix, y->name);
	int side = y->pos.qty > 0 ? QTS_SELL : QTS_BUY;
	double q = fabs(y->pos.qty), px = y->pos.mark;
	double fee = qts_commission_of(&s->o.commission, q, px, qts_pos_mult(&y->pos));
	if (fill(s, ts, y, id, side, q, px, 0, fee) < 0)
		return -1;
	return position(s, ts, y);
}

/* a, taking effect at at (qts_trade_day_at). */
static int apply_action(qts_sim *s, const qts_action *a, int64_t at)
{
	sym *y = sym_get(s, a->symbol);
	if (y->delisted)
		return 0;
	switch (a->kind) {
	case QTS_ACT_SPLIT:
		qts_pf_split(&y->pos, a->value);
		y->wq *= a->value;
		for (size_t i = 0; i < y->nord; i++) {
			qts_order *o = &y->ord[i];
			o->qty *= a->value;
			o->filled *= a->value;
			o->limit /= a->value;
			o->stop /= a->value;
		}
		for (size_t i = 0; i < y->ntgt; i++)
			y->tgt[i].qty *= a->value;
		if (s->o.impact.on && y->roll.last_close > 0)
			y->roll.last_close /= a->value;
		touch(s, y);
		return y->pos.qty != 0 ? position(s, at, y) : 0;
	case QTS_ACT_DIVIDEND:
		if (y->pos.qty == 0)
			return 0;
		qts_pf_dividend(&s->pf, &y->pos, a->value);
		touch(s, y);
		return position(s, at, y);
	default:
		y->ntgt = 0;
		if (cancel_all(s, y, at, "delisted") < 0 || liquidate(s, y, at, "delist") < 0)
			return -1;
		y->delisted = 1;
		y->quiet = 0;
		return 0;
	}
}

/* ---- the engine ------------------------------------------------------------- */

void qts_sim_opts_default(qts_sim_opts *o)
{
	memset(o, 0, sizeof *o);
	o->cash = 100000;
	o->leverage = 1;
	o->fin.days_a_year = 360;
}

qts_sim *qts_sim_new(const qts_sim_opts *o, qts_sim_emit emit, void *arg)
{
	qts_sim *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->o = *o;
	s->emit = emit;
	s->arg = arg;
	s->other_ts = QTS_TS_MIN;
	s->in_ts = QTS_TS_MIN;
	s->group_ts = QTS_TS_MIN; /* no bar's time: the first bar moves in_ts */
	s->eq_out_ts = QTS_TS_MIN;
	/* the zone was checked with the option: installed */
	qts_trade_days_init(&s->days, o->tz, o->day_roll); /* the zone was checked as parsed */
	for (size_t i = 0; i < o->ninstruments; i++)
		s->margined |= !isnan(o->instruments[i].margin);
	qts_pf_init(&s->pf, o->cash);
	gate_set(s);
	out_types_init(s);
	s->syms = qts_symtab_new(sizeof(sym));
	s->ids = qts_idset_new(SEEN_IDS);
	if (!s->syms || !s->ids) {
		qts_sim_free(s);
		return NULL;
	}
	return s;
}

/* s->gate after financing was set or the next action moved. */
static void gate_set(qts_sim *s)
{
	s->gate = s->o.fin.on ? QTS_TS_MIN
		  : s->next_action < s->o.nactions ? qts_trade_day_gate(&s->days, s->o.actions[s->next_action].ts)
						     : INT64_MAX;
}

/* What comes before an event at ts (tf: a bar's timeframe, else NULL):
 * the corporate actions of its trading date or before
 * (qts_trade_day_due), and for market data (market) financing up to its
 * day.  The books move with the market: an order, target or report at ts
 * may come before bars that started earlier (weeks, known at their end
 * after the event of that end), whose fills, dated at their start, must
 * find the books of that start.  An action is of its date whatever the
 * event: an order placed on a split's day is in the new shares; the days
 * before it accrue on the books before it.  0, or -1 as qts_sim_put. */
static __attribute__((noinline)) int before(qts_sim *s, int64_t ts, int market, const char *tf)
{
	if (s->o.fin.on && market) {
		/* financing is reckoned from here: the books before it */
		if (write_start(s, ts) < 0)
			return -1;
		finance(s, ts);
	}
	int64_t place = s->next_action < s->o.nactions ? qts_trade_day_place(&s->days, ts, tf) : ts;
	while (s->next_action < s->o.nactions && qts_trade_day_due(&s->days, s->o.actions[s->next_action].ts, place)) {
		int64_t at = qts_trade_day_at(&s->days, s->o.actions[s->next_action].ts, ts);
		if (s->o.fin.on)
			finance(s, at);
		int rc = apply_action(s, &s->o.actions[s->next_action++], at);
		gate_set(s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int close_group(qts_sim *s);

/* Whether a bar ending at end, driving its symbol's fills or not, closes
 * the open group, the bar being of the group's time (same_ts) or of a new
 * one.  A bar of a new time does, unless it drives nothing and ends with
 * the group (a coarser bar over time its symbol's finer bars have
 * worked): it joins it, so that the fills of the bars after it in the
 * group still come before what was held.  A bar of the group's time that
 * drives nothing and ends after the group closes it first: the group's
 * equity comes before it.  The one rule of both callers. */
static inline int closes_group(const qts_sim *s, int same_ts, int drives, int64_t end)
{
	return s->have_group && (drives ? !same_ts : end > s->group_close);
}

/* A bar that starts before y's last of its timeframe ends: its orders
 * would be worked twice on the time the two share. */
static __attribute__((noinline, cold)) int bar_overlaps(qts_sim *s, const sym *y, const qts_event *ev)
{
	qts_bar_overlap_why(ev, y->bar.ts, s->error, sizeof s->error);
	return -1;
}

/* A bar in: passed on (it holds no number qts-sim made, so put's checks
 * are not needed), then acted on. */
static inline __attribute__((always_inline)) int process_bar(qts_sim *s, const qts_event *ev)
{
	if (__builtin_expect(ev->ts >= s->gate, 0) && before(s, ev->ts, 1, ev->bar.tf) < 0)
		return -1;
	if (__builtin_expect(s->failed, 0))
		return -1;
	sym *y = sym_guess(s, ev->symbol, &s->bar_last);
	int again = 0;
	if (__builtin_expect(!qts_field_key_eq(&y->tfk, y->tf, ev->bar.tf), 0))
		bar_tf(y, ev);
	else if (__builtin_expect(ev->ts <= y->bar.ts, 0) &&
		 /* that bar again: passed on, not acted on; another: its
		  * orders would be worked on two versions of one interval */
		 (again = qts_last_bar_again(&y->bar, ev, "work its orders twice", s->error, sizeof s->error)) < 0)
		return -1;
	else if (__builtin_expect(qts_bar_overlaps_fast(y->tfv, y->tf_ns, y->bar.ts, ev->ts), 0))
		return bar_overlaps(s, y, ev);
	/* as a bar of the group's time: one of a new time came through
	 * new_group_bar, which closed the group, or let the bar join it */
	if (__builtin_expect(!y->tfv_drives, 0) &&
	    closes_group(s, 1, bar_drives(y, y->tfv, ev->ts), bar_end(s, y, ev)) && close_group(s) < 0)
		return -1;
	/* The equity held goes out before a bar of its time or later, and
	 * before one that drives no fills: such a bar closed the group
	 * (closes_group), whose equity goes out first, as without it. */
	if (__builtin_expect(s->held, 0) && (ev->ts >= s->held_eq.ts || !bar_drives(y, y->tfv, ev->ts)) &&
	    put_held(s) < 0)
		return -1;
	if (__builtin_expect(s->emit(s->arg, ev) < 0, 0)) {
		s->failed = 1;
		return -1;
	}
	if (__builtin_expect(again, 0))
		return 0;
	qts_last_bar_keep(&y->bar, ev);
	return on_bar(s, y, ev);
}

/* An event in its turn; a cancel's update says why (a cancel event of
 * the stream: on request; the broker stage names its own reasons). */
static int process_why(qts_sim *s, const qts_event *ev, const char *cancel_why)
{
	if (ev->type == QTS_BAR)
		return process_bar(s, ev);
	if (ev->ts >= s->gate && before(s, ev->ts, ev->type == QTS_TICK || ev->type == QTS_QUOTE, NULL) < 0)
		return -1;
	if (put(s, ev) < 0)
		return -1;
	switch (ev->type) {
	case QTS_TICK: return on_tick(s, ev);
	case QTS_QUOTE: return on_quote(s, ev);
	case QTS_ORDER: return on_order(s, ev);
	case QTS_CANCEL: return on_cancel(s, ev, cancel_why);
	case QTS_TARGET: return on_target(s, ev);
	default: return 0;
	}
}

static int process(qts_sim *s, const qts_event *ev) { return process_why(s, ev, "canceled on request"); }

/* Every bar of the open group has filled: the books are known to its
 * end, and what was held after them (a weight target, an order's cash
 * check) sees the financing up to there. */
static void held_books(qts_sim *s)
{
	if (s->o.fin.on && s->have_group)
		finance(s, s->group_close);
}

/* The events held back while bars of one time came in, in their order. */
static int run_later(qts_sim *s)
{
	int r = 0;
	for (size_t i = 0; i < s->nlater; i++) {
		if (r == 0)
			r = process(s, &s->later[i]);
		qts_event_free(&s->later[i]);
	}
	s->nlater = 0;
	return r;
}

/* The group of bars of one time is over: what was held after its bars,
 * then its equity, dated at their end. */
static int close_group(qts_sim *s)
{
	held_books(s);
	/* A group of bars that drive nothing (coarser bars over time the
	 * finer ones have closed) changes no price: the equity of the group
	 * before stands, so a stream with them reports as one without. */
	if (run_later(s) < 0 || (s->group_driven && equity(s, s->group_close, EQ_MAY_HOLD) < 0))
		return -1;
	s->have_group = 0;
	s->paused = 0;
	return 0;
}

/* Whether bar ev would drive its symbol's fills (drives_bar), and when
 * it ends, without taking it. */
static int bar_would_drive(qts_sim *s, const qts_event *ev, int64_t *end)
{
	sym *y = sym_get(s, ev->symbol);
	qts_tf tf;
	if (qts_tf_parse(ev->bar.tf, &tf) < 0)
		tf = (qts_tf){ 0, 0 };
	*end = tf.n ? qts_tf_end(tf, ev->ts) : ev->ts;
	return bar_drives(y, tf, ev->ts);
}

/* A bar of a new time: the previous group closed as closes_group says,
 * then the bar processed. */
static __attribute__((noinline)) int new_group_bar(qts_sim *s, const qts_event *ev)
{
	int64_t end;
	int drives = bar_would_drive(s, ev, &end);
	if (closes_group(s, 0, drives, end) && close_group(s) < 0)
		return -1;
	return process_bar(s, ev);
}

/* Any event but a bar.  Bars of one time (one per symbol) fill at their
 * open, dated by their start; an event after one of them (a target, known
 * at the bars' end) waits for the last, so that no fill dated earlier
 * follows it and the stream stays in time order.  An event dated after
 * the bars' end (a tick of the next day, an order for next Monday) cannot
 * come before one of them: it closes the group, whose equity comes first. */
static __attribute__((noinline)) int put_other(qts_sim *s, const qts_event *ev)
{
	/* An event dated inside bars whose equity went out at their end
	 * (a tick at a daily bar's noon after a weekly bar closed its day,
	 * or a pause): refused, as qts-strategy refuses one inside a bar it
	 * has acted on; a system event goes out dated at that end. */
	qts_event late;
	if (qts_inside_own(ev, s->eq_out_ts)) {
		qts_after_own_why(ev, s->eq_out_ts, s->error, sizeof s->error);
		return -1;
	}
	ev = qts_system_not_before(ev, s->eq_out_ts, &late);
	if (ev->ts > s->other_ts)
		s->other_ts = ev->ts;
	if (ev->ts > s->in_ts)
		s->in_ts = ev->ts;
	if (s->have_group && ev->ts > s->group_close && close_group(s) < 0)
		return -1;
	if (s->have_group) {
		if (s->nlater == s->clater) {
			size_t cap = s->clater ? 2 * s->clater : 16;
			qts_event *l = realloc(s->later, cap * sizeof *l);
			if (!l)
				qts_die(QTS_EXIT_FAIL, "out of memory");
			s->later = l;
			s->clater = cap;
		}
		qts_event_copy(&s->later[s->nlater++], ev);
		return 0;
	}
	return process(s, ev);
}

int qts_sim_put(qts_sim *s, const qts_event *ev)
{
	if (__builtin_expect(ev->type != QTS_BAR, 0))
		return put_other(s, ev);
	/* bars of one time share it: the time given moves on only here */
	if (__builtin_expect(ev->ts != s->group_ts, 0)) {
		if (ev->ts > s->in_ts)
			s->in_ts = ev->ts;
		if (s->have_group)
			return new_group_bar(s, ev);
	}
	/* The bars of one time, one after another: most of the input. */
	return process_bar(s, ev);
}

/* ev now, after what was held (the caller held it, as close_group runs
 * what was held). */
static int put_now_why(qts_sim *s, const qts_event *ev, const char *cancel_why)
{
	if (ev->ts > s->in_ts)
		s->in_ts = ev->ts;
	held_books(s);
	if (run_later(s) < 0)
		return -1;
	return process_why(s, ev, cancel_why);
}

int qts_sim_put_now(qts_sim *s, const qts_event *ev) { return put_now_why(s, ev, "canceled on request"); }

int qts_sim_closes(qts_sim *s, const qts_event *ev)
{
	if (!s->have_group)
		return 0;
	if (ev->type != QTS_BAR)
		return ev->ts > s->group_close;
	int64_t end;
	int drives = bar_would_drive(s, ev, &end);
	return closes_group(s, ev->ts == s->group_ts, drives, end);
}

void qts_sim_books_of(qts_sim *s, const char *symbol, qts_sim_books *b)
{
	held_books(s); /* as a target held after the open group's bars sees them */
	const sym *y = qts_symtab_find(s->syms, symbol);
	*b = (qts_sim_books){ .price = NAN, .mult = 1, .equity = books(s).equity };
	if (y) {
		b->pos = y->pos.qty;
		b->working = working(y);
		b->price = y->pos.mark > 0 ? y->pos.mark : NAN;
		b->mult = qts_pos_mult(&y->pos);
	}
}

int qts_sim_cancel(qts_sim *s, const qts_event *ev, const char *why)
{
	return put_now_why(s, ev, why ? why : "canceled on request");
}

int qts_sim_advance(qts_sim *s, int64_t ts)
{
	if (ts > s->in_ts)
		s->in_ts = ts;
	if (s->have_group && ts > s->group_close && close_group(s) < 0)
		return -1;
	held_books(s); /* a group still open: the caller held it, as close_group runs it */
	return ts >= s->gate ? before(s, ts, 0, NULL) : 0;
}

int qts_sim_pause(qts_sim *s)
{
	/* nothing is in the pipe: the equity held goes out now, as it would
	 * without holding (an event dated before it, given later, is refused) */
	if (s->held && put_held(s) < 0)
		return -1;
	if (!s->have_group || !s->group_driven) /* close_group says why */
		return 0;
	/* The group stays open, and what came after its bars stays held: a
	 * pause says only that nothing is in the pipe now, and a bar of this
	 * time still to come (a stage upstream was slow) would fill at its
	 * open, dated before what they would report. */
	if (!s->paused) {
		s->paused = 1;
		s->paused_ts = QTS_TS_MIN;
	}
	return equity(s, s->group_close, 0);
}

/* The equity at the end, of the market's time t, dated no earlier than
 * an event of another kind that went out before it (a cancel, a system
 * event passed on), or it would follow it back in time; the same as the
 * last written, it says nothing new then either. */
static int end_equity(qts_sim *s, int64_t t)
{
	if (s->other_ts > t)
		return equity(s, s->other_ts, EQ_SAME_SAYS_NOTHING);
	return equity(s, t, 0);
}

int qts_sim_finish(qts_sim *s)
{
	held_books(s);
	if (run_later(s) < 0 || (s->held && put_held(s) < 0))
		return -1;
	/* Before --close-at-end cancels them: orders for a symbol the stream
	 * never priced (a symbol mistyped, its data left out) worked on
	 * nothing, and the run would look like a strategy that traded less. */
	for (size_t i = 0; i < s->nall; i++) {
		sym *y = sym_at(s, i);
		if (y->nord == 0)
			continue;
		if (y->drive == DRIVE_NONE) {
			unfilled_add(&s->stranded, y->nord, y->name, 0, 0);
			continue;
		}
		/* An order no data of its symbol was offered to since it became
		 * eligible (its day still unset), while the stream's went on
		 * after that and after the symbol's last data: an exit decided
		 * on the symbol's last bar, which would otherwise stay working
		 * and its position held at a stale price, without a word.  (An
		 * order whose --latency outlasts the last bar of every symbol
		 * is not of it: no data ended early.) */
		int64_t end = y->drive == DRIVE_POINT ? y->drive_to - 1 : y->drive_to; /* its last data known */
		size_t n = 0, late = 0;
		int64_t first_given = INT64_MAX;
		for (size_t k = 0; k < y->nord; k++) {
			const qts_order *o = &y->ord[k];
			if (o->day != INT64_MIN)
				continue; /* offered to data: a limit not reached, say */
			if (end < s->clock && o->eligible < s->clock) {
				n++;
				continue;
			}
			/* Given before the symbol's last data was known (a tick:
			 * at or before its time), which would have worked it but
			 * for the latency; one given after it would not have
			 * filled either, and is no word. */
			int64_t given = o->eligible - s->o.latency;
			if (s->o.latency > 0 && (y->drive == DRIVE_POINT ? given <= end : given < end)) {
				late++;
				first_given = given < first_given ? given : first_given;
			}
		}
		unfilled_add(&s->late, late, y->name, first_given, 1);
		unfilled_add(&s->ended, n, y->name, end, 0);
	}
	/* Nothing is to come: the books are known to the last time, and the
	 * days up to it accrue before the positions are closed there. */
	if (s->o.fin.on && s->have_clock)
		finance(s, s->clock);
	if (s->o.close_at_end && s->have_clock)
		for (size_t i = 0; i < s->nall; i++) {
			sym *y = sym_at(s, i);
			if (cancel_all(s, y, s->clock, "end of input") < 0 ||
			    liquidate(s, y, s->clock, "close") < 0)
				return -1;
		}
	if (s->have_group && (s->group_driven || s->o.close_at_end))
		return end_equity(s, s->group_close);
	if (s->have_clock && !s->have_group)
		return end_equity(s, s->clock);
	return s->failed ? -1 : 0;
}

static int sim_has_price(void *arg, const char *symbol)
{
	sym *y = qts_symtab_find(arg, symbol);
	return y && isfinite(y->pos.mark);
}

static int sim_has_symbol(void *arg, const char *symbol)
{
	return qts_symtab_find(arg, symbol) != NULL;
}

/* A rate of 1 or more is 100% a year or more: a borrow fee of a stock
 * hard to borrow can be, a rate meant as a percentage (--cash-rate 5 for
 * 5%) is much likelier, and it compounds into every equity event. */
static void warn_rate(const char *flag, const char *symbol, double rate)
{
	if (rate >= 1)
		qts_warn("--%s %s%s%g is %g%% a year (a rate is a fraction: 0.05 for 5%%)", flag, symbol ? symbol : "",
			 symbol ? "=" : "", rate, rate * 100);
}

void qts_sim_warn_options(qts_sim *s, const char *actions_file)
{
	const qts_financing *f = &s->o.fin;
	warn_rate("cash-rate", NULL, f->cash_rate);
	warn_rate("margin-rate", NULL, f->margin_rate);
	warn_rate("borrow-rate", NULL, f->borrow_rate);
	for (size_t i = 0; i < f->nborrow; i++)
		warn_rate("borrow-rate", f->borrow[i].symbol, f->borrow[i].rate);

	qts_actions_check_used(actions_file, s->o.actions, s->o.nactions, sim_has_price, s->syms);
	qts_instruments_check_used(s->o.instruments, s->o.ninstruments, qts_symtab_count(s->syms), sim_has_symbol,
				   s->syms);
	/* A rate of a symbol the stream has not (GME=0.5 for bars of GME.US)
	 * is charged on nothing, the default rate on its shorts: as for
	 * contracts, one of them matched is enough. */
	if (!f->nborrow || !qts_symtab_count(s->syms))
		return;
	for (size_t i = 0; i < f->nborrow; i++)
		if (sim_has_symbol(s->syms, f->borrow[i].symbol))
			return;
	qts_warn("--borrow-rate: no symbol given a rate of its own is a symbol of the stream (%s is not): "
		 "every short was charged the default rate, %g", f->borrow[0].symbol, f->borrow_rate);
}

/* A tally's warning: "PREFIX<n> NOUN[s] WHAT, the first of SYM at TIME<tail>". */
static void tally_warn(const tally *t, const char *prefix, const char *noun, const char *what, const char *tail)
{
	if (!t->n)
		return;
	char when[40];
	qts_time_format(t->ts, when);
	qts_warn("%s%zu %s%s %s, the first of %s at %s%s", prefix, t->n, noun, t->n == 1 ? "" : "s", what, t->sym, when,
		 tail);
}

void qts_sim_warn_unpriced(const qts_sim *s)
{
	tally_warn(&s->unpriced, "", "price", "of a share at 0 or below",
		   ": no price to value it at, its position kept at its last price");
	/* Bars of a file without volume (a column of zeros) fill nothing
	 * under a participation cap: the run would end with its orders
	 * working and not a word of why; likewise a thin market or a small
	 * F, whose share rounded down to whole units comes to 0. */
	tally_warn(&s->dry, "--max-participation: ", "market event", "of no volume filled nothing of the orders working",
		   "");
	tally_warn(&s->thin, "--max-participation: ", "market event",
		   "offered less than a whole unit under the cap (F x volume) and filled nothing of the orders working",
		   " (--fractional keeps the fraction)");
	/* Bars alone, or quotes that come later than the fills: the spread
	 * the run was asked to pay was not paid. */
	tally_warn(&s->unspread, "--slippage spread: ", "fill",
		   "on bars or ticks before any quote of the symbol paid no spread", "");
	tally_warn(&s->noadv, "--impact: ", "fill",
		   "after bars of no volume paid no impact (no average volume to take a share of)", "");
	tally_warn(&s->notick, "--slippage ticks: ", "order", "rejected for want of a tick size of the symbol",
		   " (--instrument SYM,tick=T, or ticks=N,tick=X)");
	/* A sell refused so (an exit among them) keeps what it was to
	 * sell, which the stream alone would say. */
	tally_warn(&s->unsold, "", "sell", "canceled, its slippage taking the price to zero or below",
		   ": not sold, the position kept");
	tally_warn(&s->poor, "", "order", "rejected for want of cash (gross exposure past --leverage x equity)",
		   "");
	if (s->badtarget.n) {
		char why[QTS_TEXT_MAX + 8];
		snprintf(why, sizeof why, ": %s", s->badtarget_why);
		tally_warn(&s->badtarget, "", "target", "rejected as not well formed", why);
	}
	if (s->malformed.n) {
		char why[QTS_TEXT_MAX + 8];
		snprintf(why, sizeof why, ": %s", s->malformed_why);
		tally_warn(&s->malformed, "", "order", "rejected as not well formed", why);
	}
	if (s->unsized.n) {
		char why[QTS_TEXT_MAX + 8];
		snprintf(why, sizeof why, ": %s", s->unsized_why);
		tally_warn(&s->unsized, "", "target", "rejected", why);
	}
	char others[64], at[40], end[40], lat[QTS_DURATION_MAX];
	const unfilled *u = &s->stranded;
	if (u->n)
		qts_warn("%zu order%s working at the end never filled: no market data of %s%s in the stream", u->n,
			 u->n == 1 ? "" : "s", u->sym, unfilled_others(others, u, " nor of ", ""));
	if ((u = &s->ended)->n) {
		qts_time_format(u->at, at);
		qts_time_format(s->clock, end);
		qts_warn("%zu order%s working at the end never filled: the market data of %s%s ended at %s, "
			 "before the stream's at %s (delisted? give its --actions, or --close-at-end)",
			 u->n, u->n == 1 ? "" : "s", u->sym, unfilled_others(others, u, " (and of ", ")"), at, end);
	}
	if ((u = &s->late)->n) {
		qts_duration_format(s->o.latency, lat);
		qts_time_format(u->at, at);
		qts_warn("%zu order%s working at the end never filled: --latency %s outlasted the market data of %s%s "
			 "after %s, the first given at %s",
			 u->n, u->n == 1 ? "" : "s", lat, u->sym, unfilled_others(others, u, " (and of ", ")"),
			 u->n == 1 ? "it" : "them", at);
	}
}

const char *qts_sim_error(const qts_sim *s)
{
	return *s->error ? s->error : NULL;
}

void qts_sim_free(qts_sim *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->syms && i < s->nall; i++) {
		sym *y = sym_at(s, i);
		qts_roll_free(&y->roll);
		free(y->ord);
		free(y->tgt);
	}
	qts_symtab_free(s->syms);
	free(s->all);
	qts_idset_free(s->ids);
	for (size_t i = 0; i < s->nlater; i++)
		qts_event_free(&s->later[i]);
	free(s->later);
	free(s);
}

/* ---- checkpoints ---------------------------------------------------------- */

static void order_ck(qts_ckpt *c, qts_order *o)
{
	qts_ck_str(c, o->id, sizeof o->id);
	qts_ck_str(c, o->strategy, sizeof o->strategy);
	qts_ck_int(c, &o->side), qts_ck_int(c, &o->kind), qts_ck_int(c, &o->tif);
	qts_ck_f64(c, &o->qty), qts_ck_f64(c, &o->filled), qts_ck_f64(c, &o->notional);
	qts_ck_f64(c, &o->limit), qts_ck_f64(c, &o->stop);
	qts_ck_int(c, &o->triggered);
	qts_ck_i64(c, &o->eligible), qts_ck_i64(c, &o->day);
}

static void roll_ck(qts_ckpt *c, qts_roll *r)
{
	int window = r->window;
	qts_ck_int(c, &window);
	if (c->loading && !c->bad && window != r->window) {
		qts_ck_fail(c, "an impact window of %d bars, not %d", window, r->window);
		return;
	}
	qts_ck_int(c, &r->nret), qts_ck_int(c, &r->nvol), qts_ck_int(c, &r->iret), qts_ck_int(c, &r->ivol);
	if (c->loading && (r->nret < 0 || r->nret > window || r->nvol < 0 || r->nvol > window || r->iret < 0 ||
			   r->iret >= window || r->ivol < 0 || r->ivol >= window)) {
		qts_ck_fail(c, "an impact window's counts out of range");
		return;
	}
	qts_ck_f64(c, &r->last_close);
	for (int i = 0; i < window; i++)
		qts_ck_f64(c, &r->ret[i]), qts_ck_f64(c, &r->vol[i]);
	qts_ck_moments(c, &r->mret);
	qts_ck_sum(c, &r->svol);
}

/* The whole engine, both ways: loading, into one just made from the
 * same options. */
static int sim_ck(qts_sim *s, qts_ckpt *c)
{
	qts_ck_tag(c, "qts-sim");
	qts_ck_f64(c, &s->pf.cash), qts_ck_f64(c, &s->pf.initial);
	qts_ck_int(c, &s->started); /* a checkpoint may come before the books as they started */
	size_t nall = s->nall;
	qts_ck_size(c, &nall, c->loading ? c->len / 8 : nall);
	for (size_t i = 0; i < nall && qts_ck_ok(c); i++) {
		char name[QTS_SYM_MAX];
		if (!c->loading)
			QTS_SET(name, sym_at(s, i)->name);
		qts_ck_str(c, name, sizeof name);
		if (!qts_ck_ok(c))
			break;
		if (c->loading && qts_symtab_find(s->syms, name)) {
			qts_ck_fail(c, "symbol %s twice", name);
			break;
		}
		sym *y = c->loading ? sym_get(s, name) : sym_at(s, i);
		qts_ck_f64(c, &y->pos.qty), qts_ck_f64(c, &y->pos.avg), qts_ck_f64(c, &y->pos.realized);
		qts_ck_f64(c, &y->pos.mark), qts_ck_f64(c, &y->pos.base);
		size_t nord = y->nord;
		qts_ck_size(c, &nord, c->loading ? c->len / 8 : nord);
		if (c->loading && nord && qts_ck_room(c, nord, 64)) {
			if (!(y->ord = malloc(nord * sizeof *y->ord)))
				qts_die(QTS_EXIT_FAIL, "out of memory");
			y->nord = y->cord = nord;
		}
		for (size_t k = 0; k < y->nord && qts_ck_ok(c); k++)
			order_ck(c, &y->ord[k]);
		qts_ck_f64(c, &y->wq);
		size_t ntgt = y->ntgt;
		qts_ck_size(c, &ntgt, c->loading ? c->len / 8 : ntgt);
		if (c->loading && ntgt && qts_ck_room(c, ntgt, 16)) {
			if (!(y->tgt = calloc(ntgt, sizeof *y->tgt)))
				qts_die(QTS_EXIT_FAIL, "out of memory");
			y->ntgt = ntgt;
		}
		for (size_t k = 0; k < y->ntgt && qts_ck_ok(c); k++) {
			qts_ck_str(c, y->tgt[k].strategy, sizeof y->tgt[k].strategy);
			qts_ck_f64(c, &y->tgt[k].qty);
		}
		if (s->o.impact.on)
			roll_ck(c, &y->roll);
		qts_ck_str(c, y->tf, sizeof y->tf);
		qts_ck_tf(c, &y->tfv);
		y->tf_ns = qts_tf_ns(y->tfv);
		qts_ck_int(c, &y->drive), qts_ck_tf(c, &y->drive_tf), qts_ck_i64(c, &y->drive_to);
		y->tfv_drives = tf_is_drive(y, y->tfv);
		qts_ck_i64(c, &y->bar.ts);
		qts_ck_bytes(c, y->bar.v, sizeof y->bar.v);
		qts_ck_f64(c, &y->half_spread);
		qts_ck_long(c, &y->seq);
		qts_ck_int(c, &y->delisted);
		qts_ck_f64(c, &y->expo);
		qts_ck_int(c, &y->big);
		if (c->loading) { /* what is kept of the fields just read */
			qts_field_key_set(&y->tfk, y->tf);
			y->quiet = is_quiet(s, y);
		}
	}
	qts_ck_size(c, &s->next_action, s->o.nactions);
	qts_ck_i64(c, &s->clock), qts_ck_i64(c, &s->other_ts), qts_ck_i64(c, &s->in_ts);
	qts_ck_int(c, &s->held);
	if (s->held)
		qts_ck_event(c, &s->held_eq);
	qts_ck_i64(c, &s->eq_out_ts);
	qts_ck_int(c, &s->have_clock), qts_ck_int(c, &s->have_group), qts_ck_int(c, &s->paused);
	qts_ck_i64(c, &s->paused_ts);
	qts_ck_bytes(c, &s->paused_eq, sizeof s->paused_eq);
	qts_ck_int(c, &s->have_eq), qts_ck_i64(c, &s->eq_ts);
	qts_ck_bytes(c, &s->eq_last, sizeof s->eq_last);
	qts_ck_i64(c, &s->group_ts), qts_ck_i64(c, &s->group_close), qts_ck_int(c, &s->group_driven);
	/* What the warnings at the end count: a restarted run says what the
	 * whole run saw, as the run uninterrupted does. */
	tally_ck(c, &s->unpriced), tally_ck(c, &s->dry), tally_ck(c, &s->thin);
	tally_ck(c, &s->unspread), tally_ck(c, &s->noadv), tally_ck(c, &s->notick);
	tally_ck(c, &s->unsold), tally_ck(c, &s->poor);
	tally_ck(c, &s->badtarget), qts_ck_str(c, s->badtarget_why, sizeof s->badtarget_why);
	tally_ck(c, &s->malformed), qts_ck_str(c, s->malformed_why, sizeof s->malformed_why);
	tally_ck(c, &s->unsized), qts_ck_str(c, s->unsized_why, sizeof s->unsized_why);
	qts_idset_ck(s->ids, c);
	if (c->loading)
		qts_fresh_ids_unsure(&s->fresh); /* the ids restored are of any kind */
	size_t nlater = s->nlater;
	qts_ck_size(c, &nlater, c->loading ? c->len / 8 : nlater);
	if (c->loading && nlater && qts_ck_room(c, nlater, 24)) {
		if (!(s->later = calloc(nlater, sizeof *s->later)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		s->clater = nlater;
		for (size_t k = 0; k < nlater && qts_ck_ok(c); k++) {
			qts_ck_event(c, &s->later[k]);
			s->nlater = k + 1;
		}
	} else if (!c->loading)
		for (size_t k = 0; k < nlater; k++)
			qts_ck_event(c, &s->later[k]);
	qts_ck_f64(c, &s->expo_sum), qts_ck_f64(c, &s->expo_err);
	qts_ck_size(c, &s->nbig, s->nall);
	qts_ck_size(c, &s->last, s->nall ? s->nall - 1 : 0);
	s->bar_last = s->last;
	qts_ck_tf(c, &s->end_tf);
	qts_ck_i64(c, &s->end_ts), qts_ck_i64(c, &s->end);
	qts_ck_int(c, &s->have_end);
	if (s->o.fin.on) {
		qts_ck_f64(c, &s->fin.interest), qts_ck_f64(c, &s->fin.borrow);
		qts_ck_f64(c, &s->fin.margin_interest);
		qts_ck_i64(c, &s->fin.day), qts_ck_int(c, &s->fin.have_day);
	}
	s->books_ok = 0; /* summed afresh, exactly as before */
	gate_set(s);
	return qts_ck_ok(c) ? 0 : -1;
}

int qts_sim_save(qts_sim *s, qts_ckpt *c)
{
	return sim_ck(s, c);
}

int qts_sim_restore(qts_sim *s, qts_ckpt *c)
{
	if (s->nall) {
		qts_ck_fail(c, "restored into an engine that has run");
		return -1;
	}
	return sim_ck(s, c);
}
