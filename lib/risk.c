/* risk.c — the risk engine: a view of positions, cash and equity built
 * from what it approved (or, once fills come back, from fills) and the
 * prices it sees, plus the orders still working downstream; limits applied
 * to each target and order; exits generated from prices.  Everything is a
 * function of the input, so the output is deterministic. */
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "qts_risk.h"
#include "qts_sum.h"
#include "qts_time.h"
#include "streq.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Messages go into a caller's buffer of 256 bytes, cut if longer. */
static void seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, 256, fmt, ap);
	va_end(ap);
}

/* Quantities within this of each other are equal, as in qts-sim. */
#define EPS QTS_QTY_EPS

/* No negative zero in what is written: -0 and 0 print differently. */
static double nz(double v)
{
	return v == 0 ? 0 : v;
}

struct sym {
	/* What a bar reads and writes first: its symbol's and tf's keys
	 * (qts_field_key_eq), the tf's length, the position and the prices. */
	qts_field_key nkey, tkey;
	int64_t tf_ns;
	qts_tf tfv; /* the tf parsed, for bars that overlap (bar_new) */
	double pos, avg, last; /* last is NaN until a price is seen */
	double mult;           /* money per point per unit: 1 for a share */
	int contract;          /* an instrument's: priced at 0 and below too (see has_price) */
	double best;           /* best price since the position was opened */
	double wq;             /* signed quantity the working orders still want */
	/* The part of wq that trades at the next price: market orders (a
	 * target's, an exit's).  A position that this takes to flat is on
	 * its way out; a resting limit or stop of the same size is not. */
	double wq_mkt;
	long nlive;            /* orders of the symbol not yet ended */
	uint32_t nmkt;         /* market events of the symbol seen (wraps): did one follow an order? */
	int delisted;          /* by --actions: its prices move nothing, its orders are rejected */
	int64_t delisted_at;
	/* The side (+1, -1) of the position an exit here last took to flat,
	 * while the strategy may not know of it (no fills come back): until
	 * a target (it says where to be) or an order back to that side; +-2
	 * once an order past flat after it was counted. */
	int exited;
	/* Limit and stop orders the view without fills waits to see reached
	 * (struct rest), in the order they came, and market orders given
	 * before the symbol had a price, which wait for its first. */
	struct rest *rest;
	uint32_t nrest, crest;
	long seq;              /* qts-sim's count of orders made from targets */
	int sector;            /* index into sector names, -1 when none */
	char name[QTS_SYM_MAX];
	char tf[QTS_WORD_MAX]; /* the last bar's tf, and its length tf_ns (0: months) */
	/* The prefix of the ids of orders made from targets last seen, and
	 * its part of their hash (target_order_hash); "" none yet. */
	char hprefix[QTS_NAME_MAX];
	uint64_t hstart;
	int hplain; /* the ids are PREFIX-SYMBOL-N: hstart is their start */
	double prev_close;     /* for bar returns */
	/* The last bar of tf: its time and its open ... volume (bar_again);
	 * QTS_TS_MIN before one.  The returns are of one timeframe, the one
	 * of the first bar they were taken from (vtf; "" none yet). */
	qts_last_bar bar;
	char vtf[QTS_WORD_MAX];
	double *ret;           /* ring of vol_window returns */
	long nret, iret;
	qts_moments mret;      /* exact sums of the ring's returns (qts_sum.h) */
};

/* An order approved or generated here, remembered by the 64-bit hash of
 * its id (as qts-sim remembers ids) until it ends.  Only the last ORD_RING
 * orders are kept, so memory stays flat however long the stream; a working
 * order older than that is forgotten. */
#define ORD_RING (1u << 16)
#define ORD_TAB (1u << 17)
struct ord {
	uint64_t h;
	uint32_t sym;
	uint32_t mseen;        /* its symbol's nmkt when approved */
	signed char side;      /* +1 buy, -1 sell */
	unsigned char live;    /* not yet filled, canceled, rejected or expired */
	unsigned char assumed; /* taken into the view as filled (when approved, or when reached) */
	unsigned char rests;   /* a limit, stop or stop-limit order: not part of wq_mkt */
	unsigned char resting; /* one of its symbol's rest[]: the view waits for its price */
	double qty, filled, fills, px;
	uint64_t what; /* an order of the input: order_what of it as it came; 0 for a target's */
};

/* A limit, stop or stop-limit order approved while no fills have come
 * back: qts-sim works it on each later price of its symbol, so the view
 * does the same with qts-sim's fill model (qts_fill_price), and takes it
 * as filled where that model fills it, not before.  So too a market order
 * given before its symbol had a price: filled at the first (an open). */
struct rest {
	uint32_t slot;     /* its struct ord in the ring */
	int kind, tif, triggered;
	double limit, stop;
	int64_t ts;        /* approved: prices from then on work it */
	int64_t day;       /* tif day: the trading day of the first price that worked it; INT64_MIN before */
};

struct sector_map {
	char symbol[QTS_SYM_MAX];
	int sector;
	long line; /* in the --sectors file */
};

/* Requests rejected of a kind said at the end: how many, how many of
 * them targets, and the first's symbol, time and reason. */
struct told {
	uint64_t n, targets;
	char first[QTS_SYM_MAX + QTS_ID_MAX + 256];
};

struct qts_risk {
	qts_risk_config c;
	struct sym *sym;
	size_t nsym, capsym;
	unsigned *hash; /* index + 1, 0 for an empty slot */
	size_t hcap;
	size_t lastsym;
	/* A bit a symbol, in their order: set while its position or its
	 * working quantity is not 0.  The sums over every symbol in limits()
	 * visit these alone: the others add nothing to them. */
	uint64_t *active;
	size_t nactive; /* words */
	/* A symbol's market value, pos * last * mult, in their order; 0
	 * without a position or a price.  limits() sums the market value of
	 * the active ones afresh before each check: a sum of these is the
	 * same sum (an added 0 changes none, the sum starting at +0), at a
	 * load and an add a symbol. */
	double *val;
	struct sector_map *smap;
	size_t nsmap;
	char (*sector)[QTS_NAME_MAX];
	size_t nsector;
	qts_instrument *ins; /* the config's contracts, a copy */
	qts_action *acts;    /* the config's actions, a copy */
	size_t next_action;  /* the first not applied yet */
	qts_trade_days days; /* tz, session: the trading day of day orders and of the daily loss */
	int64_t gate;        /* its date: an event at or after it applies it first; INT64_MAX none */
	double cash, mv; /* mv: sum of pos * last * mult, kept incrementally */
	double peak, day_start;
	int64_t day, now;
	int64_t out_ts; /* the latest time of what the engine wrote itself (an exit at a bar's end) */
	int64_t dd_at; /* when the drawdown breach began */
	int clocked, have_day, dd_breached, daily_breached, halted, fill_mode;
	int feedback;       /* positions and equity from qts_risk_feedback alone */
	uint64_t nfeedback; /* feedback events applied */
	/* Exits after which orders were approved that take the position past
	 * flat to the other side (exited), and the first such order, said at
	 * the end. */
	uint64_t past_flat;
	char past_flat_first[QTS_SYM_MAX + QTS_ID_MAX + 64];
	/* Targets and orders of whole units rejected from flat by a limit of
	 * the symbol alone (max-position, -notional, -pct) that allowed less
	 * than one unit (--max-position 0.5 meant as a weight; a price above
	 * the notional): that symbol could never be held.  The first's rule,
	 * bound, symbol and time, said at the end. */
	uint64_t subunit;
	char subunit_first[QTS_SYM_MAX + QTS_WORD_MAX + 160];
	/* Orders rejected as not well formed (a limit order without its
	 * price, a quantity of 0, no id): a program's bug, said in risk
	 * events alone.  The first's symbol, time and reason, said at the
	 * end. */
	struct told malformed;
	/* Targets and orders rejected for want of a price of their symbol
	 * (a target file merged before the bars it needs), or a weight for
	 * want of equity: said in risk events alone, a run of no trades
	 * with exit 0.  The first's symbol, time and reason, said at the
	 * end. */
	struct told priceless;
	int64_t *rate; /* ring of the last max_orders approval times */
	long nrate, irate;
	struct ord *ord;   /* ring of the last ORD_RING orders */
	uint32_t *otab;    /* ring index + 1 by id hash, 0 empty */
	size_t ohead, nord;
	/* The newest opend orders of the ring are not in otab yet: they go
	 * in when an order is next looked up by id (otab_settle).  A backtest
	 * of targets looks up none, and never touches the table, whose every
	 * use is a miss of the cache. */
	size_t opend;
	qts_fresh_ids fresh; /* whether the id of a target's order is new for sure */
	uint64_t probed; /* the hash of the id id_taken looked at last */
	int stops, vol, portfolio_checks;
	int sums; /* a rule reads the gross, the net, the count or a sector's gross */
	/* No rule looks at a bar (stops, volatility, drawdown, daily loss):
	 * a bar only marks its symbol's price, decided once in qts_risk_new.
	 * plain_type is QTS_BAR then, else no type: one compare an event. */
	int plain_type;
	qts_risk_emit emit;
	void *arg;
	char error[QTS_ERR_MAX]; /* why the last -1, when not emit's */
};

/* ---- symbols ----------------------------------------------------------- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int by_symbol(const void *a, const void *b)
{
	return strcmp(((const struct sector_map *)a)->symbol, ((const struct sector_map *)b)->symbol);
}

static int rehash(qts_risk *r, size_t cap)
{
	unsigned *h = calloc(cap, sizeof *h);
	if (!h)
		return -1;
	for (size_t i = 0; i < r->nsym; i++) {
		size_t j = hash_str(r->sym[i].name) & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = (unsigned)i + 1;
	}
	free(r->hash);
	r->hash = h;
	r->hcap = cap;
	return 0;
}

/* s's position or working quantity may have changed: its bit follows. */
static void note_active(qts_risk *r, const struct sym *s)
{
	size_t i = (size_t)(s - r->sym);
	uint64_t bit = 1ULL << (i & 63);
	if (s->pos != 0 || s->wq != 0)
		r->active[i >> 6] |= bit;
	else
		r->active[i >> 6] &= ~bit;
}

/* s's position, price or multiplier changed: its value follows. */
static inline void revalue(qts_risk *r, const struct sym *s)
{
	r->val[s - r->sym] = s->pos != 0 && !isnan(s->last) ? s->pos * s->last * s->mult : 0;
}

/* The value of the positions at the view's last prices, summed afresh
 * in the order of the symbols.  The inactive ones hold none: a word of
 * them mostly active is summed whole (its zeros change nothing: the sum
 * starts at +0, so is never -0), a word of a few by its bits. */
static double market_value(const qts_risk *r)
{
	double mv = 0;
	for (size_t w = 0; w < r->nactive; w++) {
		uint64_t bits = r->active[w];
		if (w * 64 + 64 <= r->nsym && __builtin_popcountll(bits) >= 12) {
			const double *v = r->val + w * 64;
#pragma GCC unroll 8
			for (size_t i = 0; i < 64; i++)
				mv += v[i];
		} else
			for (; bits; bits &= bits - 1)
				mv += r->val[w * 64 + (size_t)__builtin_ctzll(bits)];
	}
	return mv;
}

static struct sym *sym_add(qts_risk *r, const char *name);

/* The symbol named name (an event's field), made when new.  The latest
 * is tried first (what a bar triggers is of its symbol), then the one
 * after it (interleaved streams repeat one order of symbols), then the
 * table. */
static inline struct sym *sym_get(qts_risk *r, const char *name)
{
	if (__builtin_expect(r->nsym != 0, 1)) {
		struct sym *s = &r->sym[r->lastsym];
		if (qts_field_key_eq(&s->nkey, s->name, name))
			return s;
		size_t next = r->lastsym + 1 < r->nsym ? r->lastsym + 1 : 0;
		if (qts_field_key_eq(&r->sym[next].nkey, r->sym[next].name, name))
			return &r->sym[r->lastsym = next];
	}
	return sym_add(r, name);
}

/* Whether px is a price to value s at: a finite one above 0 for a share
 * (a vendor's bar of zeros is none, as qts-sim holds), any finite one
 * for a contract, which trades at 0 and below (a spread, a future in a
 * glut), as qts-sim marks it. */
static inline int has_price(const struct sym *s, double px)
{
	return isfinite(px) && (px > 0 || s->contract);
}

/* Whether name is a contract's (--instrument), without adding it. */
static int is_contract(const qts_risk *r, const char *name)
{
	return qts_instrument_find(r->ins, r->c.ninstruments, name) != NULL;
}

/* A bar's symbol: the one after the latest first. */
static inline struct sym *bar_sym(qts_risk *r, const char *name)
{
	size_t next = r->lastsym + 1 < r->nsym ? r->lastsym + 1 : 0;
	if (__builtin_expect(r->nsym != 0, 1) && qts_field_key_eq(&r->sym[next].nkey, r->sym[next].name, name))
		return &r->sym[r->lastsym = next];
	return sym_get(r, name);
}

/* The table's part of sym_get: the symbol found by its hash, or made. */
static __attribute__((noinline)) struct sym *sym_add(qts_risk *r, const char *name)
{
	size_t j = hash_str(name) & (r->hcap - 1);
	for (; r->hash[j]; j = (j + 1) & (r->hcap - 1))
		if (qts_field_eq(r->sym[r->hash[j] - 1].name, name)) {
			r->lastsym = r->hash[j] - 1;
			return &r->sym[r->lastsym];
		}
	if (r->nsym == r->capsym) {
		size_t cap = r->capsym ? 2 * r->capsym : 16;
		struct sym *s = realloc(r->sym, cap * sizeof *s);
		double *v = s ? realloc(r->val, cap * sizeof *v) : NULL;
		if (!v)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		r->sym = s;
		r->val = v;
		r->capsym = cap;
	}
	if (r->nsym / 64 >= r->nactive) {
		size_t n = r->nactive ? 2 * r->nactive : 1;
		uint64_t *a = realloc(r->active, n * sizeof *a);
		if (!a)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		memset(a + r->nactive, 0, (n - r->nactive) * sizeof *a);
		r->active = a;
		r->nactive = n;
	}
	struct sym *s = &r->sym[r->nsym];
	memset(s, 0, sizeof *s);
	QTS_SET(s->name, name);
	qts_field_key_set(&s->nkey, s->name);
	qts_field_key_set(&s->tkey, s->tf);
	r->val[r->nsym] = 0;
	s->last = s->prev_close = NAN;
	s->bar.ts = QTS_TS_MIN;
	s->sector = -1;
	const qts_instrument *ins = qts_instrument_find(r->ins, r->c.ninstruments, name);
	s->mult = ins ? ins->multiplier : 1; /* a share, unless an instrument says otherwise */
	s->contract = ins != NULL;
	if (r->nsmap) {
		struct sector_map key, *m;
		QTS_SET(key.symbol, name);
		m = bsearch(&key, r->smap, r->nsmap, sizeof *m, by_symbol);
		if (m)
			s->sector = m->sector;
	}
	if (r->vol && !(s->ret = calloc((size_t)r->c.vol_window, sizeof *s->ret)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	r->hash[j] = (unsigned)r->nsym + 1;
	r->lastsym = r->nsym++;
	if (2 * r->nsym > r->hcap && rehash(r, 2 * r->hcap) < 0)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return &r->sym[r->lastsym];
}

static struct sym *sym_find(const qts_risk *r, const char *name)
{
	for (size_t i = 0; i < r->nsym; i++)
		if (strcmp(r->sym[i].name, name) == 0)
			return &r->sym[i];
	return NULL;
}

/* ---- orders by id --------------------------------------------------------- */

static void otab_settle(qts_risk *r);

static struct ord *ord_find_h(qts_risk *r, uint64_t h)
{
	if (!r->nord)
		return NULL;
	if (r->opend)
		otab_settle(r);
	for (size_t i = h & (ORD_TAB - 1); r->otab[i]; i = (i + 1) & (ORD_TAB - 1)) {
		struct ord *o = &r->ord[r->otab[i] - 1];
		if (o->h == h)
			return o;
	}
	return NULL;
}

static struct ord *ord_find(qts_risk *r, const char *id)
{
	return ord_find_h(r, qts_hash64(id));
}

static void otab_put(qts_risk *r, uint32_t slot)
{
	size_t i = r->ord[slot].h & (ORD_TAB - 1);
	while (r->otab[i])
		i = (i + 1) & (ORD_TAB - 1);
	r->otab[i] = slot + 1;
}

static void otab_settle(qts_risk *r)
{
	for (; r->opend; r->opend--)
		otab_put(r, (uint32_t)((r->ohead + ORD_RING - r->opend) % ORD_RING));
}

static void otab_del(qts_risk *r, uint32_t slot)
{
	size_t i = r->ord[slot].h & (ORD_TAB - 1);
	while (r->otab[i] != slot + 1)
		i = (i + 1) & (ORD_TAB - 1);
	r->otab[i] = 0;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	for (size_t j = (i + 1) & (ORD_TAB - 1); r->otab[j]; j = (j + 1) & (ORD_TAB - 1)) {
		size_t k = r->ord[r->otab[j] - 1].h & (ORD_TAB - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			r->otab[i] = r->otab[j];
			r->otab[j] = 0;
			i = j;
		}
	}
}

static void trade(qts_risk *r, struct sym *s, double q, double px);

/* dq more (or less) working for o's symbol: in wq, and in wq_mkt for an
 * order that trades at the next price. */
static void working_add(struct sym *s, const struct ord *o, double dq)
{
	s->wq += dq;
	if (!o->rests)
		s->wq_mkt += dq;
}

/* o is no longer waited for: out of its symbol's rest[], order kept. */
static void rest_drop(qts_risk *r, struct sym *s, struct ord *o)
{
	uint32_t slot = (uint32_t)(o - r->ord);
	for (uint32_t i = 0; i < s->nrest; i++)
		if (s->rest[i].slot == slot) {
			memmove(&s->rest[i], &s->rest[i + 1], (s->nrest - i - 1) * sizeof *s->rest);
			s->nrest--;
			break;
		}
	o->resting = 0;
}

/* Bring o to filled (never less than before); end it when done or told
 * to.  An order taken as filled on approval gives back its unfilled part
 * when it ends unfilled (undo); a working one stops counting. */
static void settle(qts_risk *r, struct ord *o, double filled, int end, int undo)
{
	if (!o->live)
		return;
	struct sym *s = &r->sym[o->sym];
	double before = o->qty - o->filled;
	if (filled > o->qty)
		filled = o->qty;
	if (filled > o->filled)
		o->filled = filled;
	double rest = o->qty - o->filled;
	if (qts_qty_same(o->filled, o->qty)) /* filled is at most qty (above) */
		end = 1;
	if (o->assumed) {
		if (end && undo && rest > 0)
			trade(r, s, s->pos - o->side * rest, o->px);
	} else
		working_add(s, o, -o->side * (before - (end ? 0 : rest)));
	if (end) {
		o->live = 0;
		if (o->resting)
			rest_drop(r, s, o);
		/* No drift: a symbol with nothing working wants nothing. */
		if (--s->nlive == 0)
			s->wq = s->wq_mkt = 0;
	}
	note_active(r, s);
}

/* Wait for o to be reached: a limit or stop order (its event ev), or a
 * market order given before its symbol had a price (kind and tif of ev,
 * market gtc for a target's, ev NULL), which qts-sim fills at the first
 * price of its symbol. */
static void rest_add(qts_risk *r, struct sym *s, struct ord *o, const qts_event *ev)
{
	if (s->nrest == s->crest) {
		s->crest = s->crest ? 2 * s->crest : 4;
		s->rest = realloc(s->rest, s->crest * sizeof *s->rest);
		if (!s->rest)
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	struct rest *e = &s->rest[s->nrest++];
	e->slot = (uint32_t)(o - r->ord);
	e->kind = ev ? qts_kind_parse(ev->order.kind) : QTS_MARKET;
	e->tif = ev && *ev->order.tif ? qts_tif_parse(ev->order.tif) : QTS_GTC; /* as qts-sim */
	e->triggered = 0;
	e->limit = ev ? ev->order.limit : NAN;
	e->stop = ev ? ev->order.stop : NAN;
	e->ts = r->now;
	e->day = INT64_MIN;
	o->resting = 1;
}

/* Remember an approved order, by the hash h of its id: the view takes it
 * as filled at px (no fills seen yet, and a price to value it at), waits
 * for its price (a limit or stop order of ev, or a market order before
 * its symbol's first price, no fills seen yet) or takes it as working.
 * ev: the order event, NULL for a target's order. */
static struct ord *ord_add(qts_risk *r, struct sym *s, uint64_t h, int side, double qty, double px,
			   const qts_event *ev)
{
	if (!r->nord)
		qts_table_fault_in(r->ord, ORD_RING * sizeof *r->ord);
	uint32_t slot = (uint32_t)r->ohead;
	struct ord *o = &r->ord[slot];
	if (r->nord == ORD_RING) {
		settle(r, o, o->filled, 1, 0);
		if (r->opend == r->nord) /* the oldest is not in the table */
			r->opend--;
		else
			otab_del(r, slot);
	} else
		r->nord++;
	r->ohead = (r->ohead + 1) % ORD_RING;
	memset(o, 0, sizeof *o);
	o->h = h;
	o->sym = (uint32_t)(s - r->sym);
	o->side = (signed char)side;
	o->qty = qty;
	o->px = px;
	o->live = 1;
	o->mseen = s->nmkt;
	o->rests = ev && qts_kind_parse(ev->order.kind) != QTS_MARKET;
	s->nlive++;
	if (!r->fill_mode && o->rests) {
		rest_add(r, s, o, ev);
		working_add(s, o, side * qty);
	} else if (!r->fill_mode && has_price(s, px)) {
		o->assumed = 1;
		trade(r, s, s->pos + side * qty, px);
	} else if (!r->fill_mode) {
		/* No price yet: qts-sim fills it at the first price of its
		 * symbol (a bar's open), and so does the view, where it would
		 * otherwise count as working for ever and no stop would ever
		 * see the position it is. */
		rest_add(r, s, o, ev);
		working_add(s, o, side * qty);
	} else
		working_add(s, o, side * qty);
	note_active(r, s);
	r->opend++;
	return o;
}

/* An id qts-sim would not give again: one of an order remembered here.
 * The hash of the id is kept (probed): the last id qts_target_order_id
 * asks about is the one it gives, and ord_add takes its hash. */
static int id_taken(void *arg, const char *id)
{
	qts_risk *r = arg;
	return ord_find_h(r, r->probed = qts_hash64(id)) != NULL;
}

/* The hash of the id qts-sim gives the order it makes from a target of
 * strategy on s (qts_target_order_id), moving s's count on as it does.
 * The id itself is never written here: its hash goes on from the one of
 * its PREFIX-SYMBOL- part, kept with s for the strategy last seen. */
static uint64_t target_order_hash(qts_risk *r, struct sym *s, const char *strategy)
{
	const char *prefix = qts_target_order_prefix(strategy);
	int fresh = qts_fresh_id(&r->fresh, prefix, s->name);
	if (strcmp(s->hprefix, prefix) != 0) { /* prefix may be a literal shorter than a word */
		QTS_SET(s->hprefix, prefix);
		s->hplain = qts_order_id_hash_start(&s->hstart, prefix, s->name);
	}
	if (!s->hplain) { /* a long symbol gives way to its hash: the id is needed */
		char id[QTS_ID_MAX];
		qts_target_order_id(id, strategy, s->name, &s->seq, id_taken, r);
		return r->probed;
	}
	if (fresh)
		return qts_order_id_hash(s->hstart, (unsigned long)++s->seq);
	uint64_t h;
	do
		h = qts_order_id_hash(s->hstart, (unsigned long)++s->seq);
	while (ord_find_h(r, h));
	return h;
}

/* ---- sectors ------------------------------------------------------------ */

/* s without the spaces and tabs around it (cut in place). */
static char *trim_blanks(char *s)
{
	s += strspn(s, " \t");
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* -1 with err; *unreadable set to errno when the file could not be read. */
static int load_sectors(qts_risk *r, const char *path, char *err, int *unreadable)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*unreadable = errno;
		seterr(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Lines of any length: a long comment is skipped whole, not read
	 * on as lines of its tail. */
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	long lineno = 0;
	size_t cap = 0;
	while ((len = getline(&line, &linecap, f)) >= 0) {
		if (lineno++ == 0 && qts_bom_len(line, (size_t)len))
			memmove(line, line + 3, (size_t)(len -= 3) + 1);
		if (memchr(line, '\0', (size_t)len)) {
			seterr(err, "%s:%ld: a NUL byte", path, lineno);
			goto bad;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		/* a symbol of the stream holds none: such a line would match nothing */
		for (const unsigned char *c = (const unsigned char *)line; *c; c++)
			if (*c < ' ' || *c == 0x7f) {
				seterr(err, "%s:%ld: a control character (byte 0x%02x)", path, lineno, *c);
				goto bad;
			}
		char *comma = strchr(line, ',');
		if (!comma || strchr(comma + 1, ',')) {
			seterr(err, "%s:%ld: expected symbol,sector", path, lineno);
			goto bad;
		}
		*comma = '\0';
		/* "A, tech" is A in tech: a blank around a field (a file
		 * written by hand) would make a sector of its own */
		char *symbol = trim_blanks(line), *name = trim_blanks(comma + 1);
		if (!symbol[0] || !name[0] || strlen(symbol) >= QTS_SYM_MAX || strlen(name) >= QTS_NAME_MAX) {
			seterr(err, "%s:%ld: expected symbol,sector", path, lineno);
			goto bad;
		}
		if (lineno == 1 && strcmp(symbol, "symbol") == 0)
			continue; /* a header line */
		size_t k;
		for (k = 0; k < r->nsector; k++)
			if (strcmp(r->sector[k], name) == 0)
				break;
		if (k == r->nsector) {
			void *p = realloc(r->sector, (k + 1) * sizeof *r->sector);
			if (!p) {
				seterr(err, "%s: out of memory", path);
				goto bad;
			}
			r->sector = p;
			QTS_SET(r->sector[r->nsector++], name);
		}
		if (r->nsmap == cap) {
			cap = cap ? 2 * cap : 64;
			void *p = realloc(r->smap, cap * sizeof *r->smap);
			if (!p) {
				seterr(err, "%s: out of memory", path);
				goto bad;
			}
			r->smap = p;
		}
		QTS_SET(r->smap[r->nsmap].symbol, symbol);
		r->smap[r->nsmap].line = lineno;
		r->smap[r->nsmap++].sector = (int)k;
	}
	if (ferror(f)) {
		*unreadable = errno ? errno : EIO;
		seterr(err, "%s: %s", path, strerror(*unreadable));
		goto bad;
	}
	free(line);
	fclose(f);
	if (r->nsmap)
		qsort(r->smap, r->nsmap, sizeof *r->smap, by_symbol);
	for (size_t i = 1; i < r->nsmap; i++)
		if (strcmp(r->smap[i - 1].symbol, r->smap[i].symbol) == 0) {
			const struct sector_map *a = &r->smap[i - 1], *b = &r->smap[i];
			seterr(err, "%s:%ld: symbol '%s' is listed twice (line %ld too)", path,
			       a->line > b->line ? a->line : b->line, b->symbol, a->line < b->line ? a->line : b->line);
			return -1;
		}
	return 0;
bad:
	free(line);
	fclose(f);
	return -1;
}

/* ---- life cycle ---------------------------------------------------------- */

static void *copy_of(const void *p, size_t size)
{
	void *q = malloc(size);
	return q ? memcpy(q, p, size) : NULL;
}

qts_risk *qts_risk_new(const qts_risk_config *c, char *err)
{
	qts_risk *r = calloc(1, sizeof *r);
	if (!r) {
		seterr(err, "out of memory");
		return NULL;
	}
	r->c = *c;
	/* The engine keeps its own copies: the caller frees its config. */
	if ((c->ninstruments && !(r->ins = copy_of(c->instruments, c->ninstruments * sizeof *r->ins))) ||
	    (c->nactions && !(r->acts = copy_of(c->actions, c->nactions * sizeof *r->acts))))
		goto no_memory;
	r->c.instruments = r->ins;
	r->c.actions = r->acts;
	/* the zone was checked with the rule: installed */
	qts_trade_days_init(&r->days, c->tz[0] ? c->tz : NULL, c->day_roll); /* the zone was checked as read */
	r->gate = c->nactions ? qts_trade_day_gate(&r->days, r->acts[0].ts) : INT64_MAX;
	r->cash = r->peak = r->day_start = c->cash;
	r->out_ts = QTS_TS_MIN;
	r->stops = !isnan(c->stop_loss) || !isnan(c->take_profit) || !isnan(c->trailing_stop);
	r->vol = !isnan(c->target_vol);
	r->portfolio_checks = !isnan(c->max_drawdown) || !isnan(c->daily_loss);
	r->sums = !isnan(c->max_gross) || !isnan(c->max_net) || c->max_positions >= 0 || !isnan(c->max_sector);
	r->plain_type = !r->stops && !r->vol && !r->portfolio_checks ? (int)QTS_BAR : -1;
	if (rehash(r, 64) < 0)
		goto no_memory;
	r->ord = qts_calloc_table(ORD_RING * sizeof *r->ord); /* faulted in by the first ord_add */
	r->otab = qts_calloc_table(ORD_TAB * sizeof *r->otab);
	if (!r->ord || !r->otab)
		goto no_memory;
	if (c->max_orders > 0 && !(r->rate = calloc((size_t)c->max_orders, sizeof *r->rate)))
		goto no_memory;
	if (!isnan(c->max_sector) && !c->sectors[0]) {
		seterr(err, "max-sector needs a sectors file");
		qts_risk_free(r);
		errno = 0;
		return NULL;
	}
	/* A setting that only tunes a rule not asked for would do nothing:
	 * refused, so a rule left out by mistake is not taken for one on. */
	static const char *const needs[][2] = {
		{ "drawdown-cooldown", "max-drawdown" }, { "drawdown-resume", "max-drawdown" },
		{ "on-drawdown", "max-drawdown" },       { "vol-window", "target-vol" },
		{ "vol-periods", "target-vol" },
	};
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		if (qts_risk_config_given(c, needs[i][0]) && !qts_risk_config_given(c, needs[i][1])) {
			seterr(err, "%s needs %s", needs[i][0], needs[i][1]);
			qts_risk_free(r);
			errno = 0;
			return NULL;
		}
	if (!isnan(c->drawdown_resume) && !(c->drawdown_resume < c->max_drawdown)) {
		seterr(err, "drawdown-resume %.10g must be below max-drawdown %.10g", c->drawdown_resume,
		       c->max_drawdown);
		qts_risk_free(r);
		errno = 0;
		return NULL;
	}
	int unreadable = 0;
	if (c->sectors[0] && load_sectors(r, c->sectors, err, &unreadable) < 0) {
		qts_risk_free(r);
		errno = unreadable;
		return NULL;
	}
	if (c->sectors[0] && isnan(c->max_sector)) {
		seterr(err, "sectors needs max-sector: the file is read for it alone");
		qts_risk_free(r);
		errno = 0;
		return NULL;
	}
	/* A file of no symbol limits nothing, as one of no symbol of the
	 * stream does (qts_risk_sectors_unmatched, said at the end): said,
	 * not taken for a limit. */
	if (c->sectors[0] && !r->nsmap)
		qts_warn("--sectors %s: no symbol in it (it is empty, or comments and a header): --max-sector limits "
			 "nothing", c->sectors);
	return r;
no_memory:
	seterr(err, "out of memory");
	qts_risk_free(r);
	return NULL;
}

void qts_risk_free(qts_risk *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsym; i++) {
		free(r->sym[i].ret);
		free(r->sym[i].rest);
	}
	free(r->sym);
	free(r->hash);
	free(r->active);
	free(r->val);
	free(r->smap);
	free(r->sector);
	free(r->rate);
	qts_free_table(r->ord, ORD_RING * sizeof *r->ord);
	qts_free_table(r->otab, ORD_TAB * sizeof *r->otab);
	free(r->ins);
	free(r->acts);
	free(r);
}

const char *qts_risk_error(const qts_risk *r)
{
	return r->error[0] ? r->error : NULL;
}

int qts_risk_halted(const qts_risk *r) { return r->halted; }
int64_t qts_risk_now(const qts_risk *r) { return r->now; }

void qts_risk_clock(qts_risk *r, int64_t ts)
{
	if (ts >= r->now || !r->clocked) { /* >=: a bar of the same end costs no more */
		r->now = ts;
		r->clocked = 1;
	}
}
double qts_risk_cash(const qts_risk *r) { return r->cash; }
double qts_risk_equity(const qts_risk *r) { return r->cash + r->mv; }

double qts_risk_position(const qts_risk *r, const char *symbol)
{
	const struct sym *s = sym_find(r, symbol);
	return s ? s->pos : 0;
}

double qts_risk_working(const qts_risk *r, const char *symbol)
{
	const struct sym *s = sym_find(r, symbol);
	return s ? s->wq : 0;
}

/* ---- output ------------------------------------------------------------- */

static int put(qts_risk *r, const qts_event *ev)
{
	return r->emit(r->arg, ev);
}

/* An event the engine makes (a risk event, an exit's target), dated now. */
static int put_own(qts_risk *r, const qts_event *ev)
{
	if (ev->ts > r->out_ts)
		r->out_ts = ev->ts;
	return put(r, ev);
}

static int risk_event(qts_risk *r, const char *symbol, const char *rule, const char *action,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int risk_event_at(qts_risk *r, int64_t ts, const char *symbol, const char *rule, const char *action,
			 const char *fmt, va_list ap)
{
	qts_event ev;
	qts_event_init(&ev, QTS_RISK, ts);
	QTS_SET(ev.symbol, symbol);
	QTS_SET(ev.risk.rule, rule);
	QTS_SET(ev.risk.action, action);
	qts_text_vformat(ev.risk.detail, sizeof ev.risk.detail, fmt, ap);
	return put_own(r, &ev);
}

static int risk_event(qts_risk *r, const char *symbol, const char *rule, const char *action,
		      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = risk_event_at(r, r->now, symbol, rule, action, fmt, ap);
	va_end(ap);
	return rc;
}

static int risk_event_on(qts_risk *r, const qts_event *about, const char *rule, const char *action,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A risk event about an order or target of the input (reduced, refused),
 * dated no later than it: one dated at a bar's end it came after, known
 * later than it though in order by its own time (an order at a day bar's
 * start), would put the order written next back in time, and the next
 * stage would refuse it.  Never before an event of the engine's own
 * written already. */
static int risk_event_on(qts_risk *r, const qts_event *about, const char *rule, const char *action,
			 const char *fmt, ...)
{
	int64_t ts = about->ts >= r->now ? r->now : about->ts > r->out_ts ? about->ts : r->out_ts;
	va_list ap;
	va_start(ap, fmt);
	int rc = risk_event_at(r, ts, about->symbol, rule, action, fmt, ap);
	va_end(ap);
	return rc;
}

/* Move the view's position to q at price px, as if the trade filled. */
static void trade(qts_risk *r, struct sym *s, double q, double px)
{
	double dq = q - s->pos;
	if (dq == 0)
		return;
	if (isnan(s->last))
		s->last = px;
	if (q == 0)
		s->avg = 0;
	else if (s->pos == 0 || (s->pos > 0) != (q > 0)) {
		s->avg = px;
		s->best = px;
	} else if (fabs(q) > fabs(s->pos))
		s->avg = (s->avg * s->pos + px * dq) / q;
	r->cash -= dq * px * s->mult;
	r->mv += dq * s->last * s->mult;
	s->pos = q;
	note_active(r, s);
	revalue(r, s);
}

/* o was taken as filled when approved, and no price of its symbol has
 * followed: qts-sim has not filled it yet (a market order fills at the
 * next price), so a cancel there ends it unfilled. */
static int taken_unpriced(const qts_risk *r, const struct sym *s, const struct ord *o)
{
	return !r->fill_mode && o->live && o->assumed && s->nmkt == o->mseen;
}

/* The signed quantity of s's orders taken_unpriced: what a target for
 * every strategy takes out of the position before it resolves. */
static double unpriced_qty(const qts_risk *r, const struct sym *s)
{
	double q = 0;
	if (s->nlive && !r->fill_mode)
		for (size_t i = 0; i < r->nord; i++) {
			const struct ord *o = &r->ord[i];
			if (&r->sym[o->sym] == s && taken_unpriced(r, s, o))
				q += o->side * (o->qty - o->filled);
		}
	return q;
}

/* A target for every strategy (`*`) makes qts-sim cancel the symbol's
 * working orders: they end here too, giving nothing back of those it
 * filled, and giving back those taken as filled that no price has
 * followed, which it cancels unfilled; else the view would flatten a
 * position qts-sim never took, with an order (and an id of its count)
 * qts-sim never makes. */
static void end_working(qts_risk *r, struct sym *s)
{
	if (s->nlive)
		for (size_t i = 0; i < r->nord; i++) {
			struct ord *o = &r->ord[i];
			if (!o->live || &r->sym[o->sym] != s)
				continue;
			if (taken_unpriced(r, s, o) && o->qty - o->filled > 0)
				trade(r, s, s->pos - o->side * (o->qty - o->filled), o->px);
			o->live = o->resting = 0;
		}
	s->nlive = 0;
	s->nrest = 0;
	s->wq = s->wq_mkt = 0;
	note_active(r, s);
}

/* An exit is a target of 0 for every strategy (`*`): qts-sim cancels the
 * symbol's working orders and sells or buys what it really holds, so an
 * estimate here can never over-sell (a long-only strategy never ends up
 * short through an exit).  The view ends every order of the symbol still
 * working, as qts-sim cancels them, and takes the position to flat through
 * the order qts-sim makes (when the view holds something). */
static int exit_position(qts_risk *r, struct sym *s, const char *rule, const char *detail)
{
	if (s->delisted)
		return 0; /* qts-sim closed it, or will say so in its fill */
	if (fabs(s->pos + s->wq_mkt) <= EPS && fabs(s->wq - s->wq_mkt) <= EPS)
		return 0; /* flat at the next price, nothing resting: an exit is working */
	if (risk_event(r, s->name, rule, "flatten", "%s", detail) < 0)
		return -1;
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, r->now);
	QTS_SET(ev.symbol, s->name);
	ev.target.target = 0;
	QTS_SET(ev.target.unit, qts_unit_name(QTS_UNIT_QTY));
	QTS_SET(ev.target.strategy, "*");
	if (put_own(r, &ev) < 0)
		return -1;
	/* the side the strategy presumes, its orders taken as filled too */
	double held = s->pos;
	end_working(r, s);
	s->exited = held > 0 ? 1 : held < 0 ? -1 : s->exited;
	int side;
	double qty;
	if (qts_target_order(0, s->pos, &side, &qty))
		ord_add(r, s, target_order_hash(r, s, "*"), side, qty, s->last, NULL);
	else
		trade(r, s, 0, s->last);
	return 0;
}

static int flatten_all(qts_risk *r, const char *rule, const char *detail)
{
	for (size_t i = 0; i < r->nsym; i++)
		if (exit_position(r, &r->sym[i], rule, detail) < 0)
			return -1;
	return 0;
}

/* ---- prices -------------------------------------------------------------- */

static void vol_push(qts_risk *r, struct sym *s, double close)
{
	if (!s->vtf[0])
		QTS_SET(s->vtf, s->tf);
	else if (strcmp(s->vtf, s->tf) != 0)
		return; /* a bar of another timeframe (qts-resample -k): a return of it is not one of these */
	double prev = s->prev_close;
	s->prev_close = close;
	if (!(prev > 0) || !(close > 0))
		return;
	double x = log(close / prev);
	long n = r->c.vol_window;
	if (s->nret == n)
		qts_moments_sub(&s->mret, s->ret[s->iret]);
	else
		s->nret++;
	s->ret[s->iret] = x;
	s->iret = (s->iret + 1) % n;
	qts_moments_add(&s->mret, x);
}

/* Annualised sample standard deviation of the window (as empyrical's
 * annual_volatility: std with ddof=1 times sqrt(periods)); NaN until the
 * window is full. */
static double realised_vol(const qts_risk *r, const struct sym *s)
{
	long n = s->nret;
	if (n < r->c.vol_window || n < 2)
		return NAN;
	return sqrt(qts_moments_ss(&s->mret, (double)n) / (double)(n - 1)) * sqrt(r->c.vol_periods);
}

/* Thresholds are met within a relative 1e-12, so that a 10% take-profit
 * from 100 triggers at 110 despite 100 * 1.1 rounding above it. */
static int at_or_below(double px, double level) { return px <= level + 1e-12 * fabs(level); }
static int at_or_above(double px, double level) { return px >= level - 1e-12 * fabs(level); }

static int check_stops(qts_risk *r, struct sym *s)
{
	double px = s->last, p = s->pos, a = s->avg, b = s->best;
	const qts_risk_config *c = &r->c;
	char d[QTS_TEXT_MAX];
	if (p == 0 || fabs(p + s->wq_mkt) <= EPS)
		return 0; /* flat, or flat at the next price (an exit is working) */
	/* Market orders working that take it past flat (a strategy turning
	 * a long short) close it at the next price: at the open of this
	 * very bar in qts-sim, whose fill comes back after the bar.  The
	 * side held then is the other one, of an average not known yet: a
	 * stop of this side would flatten that. */
	if ((p + s->wq_mkt) * p < 0)
		return 0;
	int lng = p > 0;
	/* F of the price's size: a contract's average or best may be 0 or
	 * below, where a fraction of it would point the wrong way */
	double f = c->stop_loss;
	if (!isnan(f) && (lng ? at_or_below(px, a - f * fabs(a)) : at_or_above(px, a + f * fabs(a)))) {
		snprintf(d, sizeof d, "price %.10g vs average %.10g: loss beyond %.10g", px, a, f);
		return exit_position(r, s, "stop-loss", d);
	}
	f = c->trailing_stop;
	if (!isnan(f) && (lng ? at_or_below(px, b - f * fabs(b)) : at_or_above(px, b + f * fabs(b)))) {
		snprintf(d, sizeof d, "price %.10g vs best %.10g: retreat beyond %.10g", px, b, f);
		return exit_position(r, s, "trailing-stop", d);
	}
	f = c->take_profit;
	if (!isnan(f) && (lng ? at_or_above(px, a + f * fabs(a)) : at_or_below(px, a - f * fabs(a)))) {
		snprintf(d, sizeof d, "price %.10g vs average %.10g: gain beyond %.10g", px, a, f);
		return exit_position(r, s, "take-profit", d);
	}
	return 0;
}

/* A drawdown breach lasts until the cool-down is over (the peak then
 * restarts at the equity: a new high-water mark) or the drawdown is back
 * within drawdown-resume of the peak, whichever comes first. */
static int drawdown_resume(qts_risk *r, double eq)
{
	const qts_risk_config *c = &r->c;
	double dd = 1 - eq / r->peak;
	if (c->drawdown_cooldown > 0 && r->now - r->dd_at >= c->drawdown_cooldown) {
		char at[40];
		qts_time_format(r->dd_at, at);
		r->dd_breached = 0;
		r->peak = eq;
		return risk_event(r, "", "max-drawdown", "resume",
				  "cool-down over (breach at %s): peak restarts at equity %.10g", at, eq);
	}
	if (!isnan(c->drawdown_resume) && at_or_above(eq, r->peak * (1 - c->drawdown_resume))) {
		r->dd_breached = 0;
		return risk_event(r, "", "max-drawdown", "resume",
				  "drawdown %.6g back within %.10g (equity %.10g; peak %.10g)", nz(dd),
				  c->drawdown_resume, eq, r->peak);
	}
	return 0;
}

static int check_portfolio(qts_risk *r)
{
	const qts_risk_config *c = &r->c;
	double eq = r->cash + r->mv;
	if (eq > r->peak)
		r->peak = eq;
	if (!isnan(c->max_drawdown) && r->dd_breached && r->peak > 0 && drawdown_resume(r, eq) < 0)
		return -1;
	if (!isnan(c->max_drawdown) && !r->dd_breached && r->peak > 0) {
		double dd = 1 - eq / r->peak;
		if (dd > c->max_drawdown) {
			r->dd_breached = 1;
			r->dd_at = r->now;
			if (risk_event(r, "", "max-drawdown", "breach",
				       "drawdown %.6g beyond %.10g (equity %.10g; peak %.10g)", dd,
				       c->max_drawdown, eq, r->peak) < 0)
				return -1;
			if (c->on_drawdown == QTS_RISK_ON_DD_FLATTEN &&
			    flatten_all(r, "max-drawdown", "drawdown breach") < 0)
				return -1;
		}
	}
	if (!isnan(c->daily_loss) && !r->daily_breached && r->day_start - eq > c->daily_loss) {
		r->daily_breached = 1;
		if (risk_event(r, "", "daily-loss", "breach", "lost %.10g today; limit %.10g (equity %.10g)",
			       r->day_start - eq, c->daily_loss, eq) < 0)
			return -1;
	}
	return 0;
}

/* A new trading day (the UTC date, or the date in tz with an overnight
 * session's evening on the next, as day orders end) restarts the daily
 * loss limit. */
static int new_day(qts_risk *r, int64_t ts)
{
	int64_t day = qts_trade_day(&r->days, ts);
	if (r->have_day && day == r->day)
		return 0;
	int was = r->have_day && r->daily_breached;
	r->have_day = 1;
	r->day = day;
	r->day_start = r->cash + r->mv;
	r->daily_breached = 0;
	return was ? risk_event(r, "", "daily-loss", "resume", "new day") : 0;
}

/* s's new price px (has_price): the view's value moves with it. */
static inline void mark(qts_risk *r, struct sym *s, double px)
{
	if (s->pos != 0) {
		r->mv += s->pos * (px - s->last) * s->mult;
		if (s->pos > 0 ? px > s->best : px < s->best)
			s->best = px;
		s->last = px;
		r->val[s - r->sym] = s->pos * px * s->mult; /* revalue(), knowing both */
	} else
		s->last = px;
}

/* The resting order o is reached at px: taken as filled there, what it
 * had left moves from working into the position. */
static void reach(qts_risk *r, struct sym *s, struct ord *o, double px)
{
	double left = o->qty - o->filled;
	rest_drop(r, s, o);
	working_add(s, o, -o->side * left);
	o->assumed = 1;
	o->px = px;
	trade(r, s, s->pos + o->side * left, px);
}

/* What a market event offers an order, in qts-sim's terms. */
static qts_mkt mkt_of(const qts_event *ev)
{
	qts_mkt m = { .type = ev->type };
	if (ev->type == QTS_BAR) {
		m.open = ev->bar.open, m.high = ev->bar.high, m.low = ev->bar.low, m.close = ev->bar.close;
		m.volume = ev->bar.volume;
	} else if (ev->type == QTS_TICK) {
		m.price = ev->tick.price, m.size = ev->tick.size;
	} else {
		m.bid = ev->quote.bid, m.ask = ev->quote.ask;
		m.bid_size = ev->quote.bid_size, m.ask_size = ev->quote.ask_size;
	}
	return m;
}

/* s's market event ev works its resting orders by qts-sim's own rules
 * (qts_order_step, without latency or participation): one reached is
 * taken as filled at qts-sim's price before costs, a day order ends at
 * the trading day's change (tz, session), an ioc or fok order on the
 * first price that does not reach it.  Before the mark: qts-sim fills,
 * then marks the close. */
static __attribute__((noinline)) void work_resting(qts_risk *r, struct sym *s, const qts_event *ev)
{
	qts_mkt m = mkt_of(ev);
	int64_t day = qts_trade_day(&r->days, ev->ts);
	for (uint32_t i = 0; i < s->nrest;) {
		struct rest *e = &s->rest[i];
		struct ord *o = &r->ord[e->slot];
		qts_order q = { .side = o->side, .kind = e->kind, .tif = e->tif, .limit = e->limit, .stop = e->stop,
				.triggered = e->triggered, .eligible = e->ts, .day = e->day };
		double ref;
		qts_step step = qts_order_step(&q, &m, ev->ts, day, s->contract, &ref);
		e->triggered = q.triggered, e->day = q.day;
		if (step == QTS_STEP_REACHED)
			reach(r, s, o, ref); /* drops e */
		else if (step != QTS_STEP_WAIT)
			settle(r, o, o->filled, 1, 0); /* ended: drops e */
		else
			i++;
	}
}

/* s: the event's symbol when already looked up (a bar's), or NULL. */
static int on_price(qts_risk *r, struct sym *s, const qts_event *ev, double px, int is_bar)
{
	if (__builtin_expect(!(px > 0 && isfinite(px)), 0) &&
	    !(isfinite(px) && (s ? s->contract : is_contract(r, ev->symbol))))
		return put(r, ev); /* nothing usable to value positions at */
	if (!s)
		s = sym_get(r, ev->symbol);
	if (__builtin_expect(s->delisted, 0))
		return put(r, ev);
	if (is_bar && r->vol)
		vol_push(r, s, px);
	s->nmkt++;
	if (__builtin_expect(s->nrest != 0, 0))
		work_resting(r, s, ev);
	mark(r, s, px);
	/* The market event goes out first: what it triggers comes after it. */
	if (put(r, ev) < 0)
		return -1;
	if (r->stops && check_stops(r, s) < 0)
		return -1;
	return r->portfolio_checks ? check_portfolio(r) : 0;
}

/* ---- fills ------------------------------------------------------------------ */

/* Fills are the truth once they come back: the view restarts from them,
 * and every order not yet ended is working from then on. */
static void fill_mode(qts_risk *r)
{
	r->fill_mode = 1;
	for (size_t i = 0; i < r->nsym; i++) {
		r->sym[i].pos = r->sym[i].avg = r->sym[i].wq = r->sym[i].wq_mkt = 0;
		r->sym[i].nrest = 0;
		r->val[i] = 0;
	}
	r->cash = r->c.cash;
	r->mv = 0;
	for (size_t i = 0; i < r->nord; i++) {
		struct ord *o = &r->ord[i];
		if (o->live) {
			o->assumed = o->resting = 0;
			working_add(&r->sym[o->sym], o, o->side * (o->qty - o->filled));
		}
	}
	for (size_t i = 0; i < r->nsym; i++)
		note_active(r, &r->sym[i]);
}

static void apply_fill(qts_risk *r, const qts_event *ev)
{
	double sign = qts_side_parse(ev->fill.side);
	if (sign == 0 || !(ev->fill.qty > 0) || !isfinite(ev->fill.price))
		return;
	struct sym *s = sym_get(r, ev->symbol);
	if (!has_price(s, ev->fill.price))
		return;
	trade(r, s, s->pos + sign * ev->fill.qty, ev->fill.price);
	if (!isnan(ev->fill.commission))
		r->cash -= ev->fill.commission;
	struct ord *o = ord_find(r, ev->fill.id);
	if (o && o->live) {
		o->fills += ev->fill.qty;
		settle(r, o, o->fills, 0, 0);
	}
}

static int on_fill(qts_risk *r, const qts_event *ev)
{
	/* With feedback the fills come from there: one in the input is
	 * passed on, not counted twice. */
	if (r->feedback)
		return put(r, ev);
	if (!r->fill_mode)
		fill_mode(r);
	apply_fill(r, ev);
	if (put(r, ev) < 0)
		return -1;
	return r->portfolio_checks ? check_portfolio(r) : 0;
}

/* An update ends an order (filled, canceled, rejected, expired) or says
 * how much of it filled (partial); an order taken as filled gives back
 * what did not fill, a working one stops counting what it had left. */
static void apply_update(qts_risk *r, const qts_event *ev)
{
	struct ord *o = ord_find(r, ev->update.id);
	if (!o || !o->live)
		return;
	int st = qts_status_parse(ev->update.status);
	int done = st == QTS_STATUS_FILLED;
	int gone = qts_status_final(st) && !done;
	double f = ev->update.filled > 0 && isfinite(ev->update.filled) ? ev->update.filled : 0;
	/* A resting order said to fill was reached, where the view had not
	 * seen it: at the average price said, else its own. */
	if (o->resting && (done || (st == QTS_STATUS_PARTIAL && f > o->filled))) {
		struct sym *s = &r->sym[o->sym];
		const struct rest *e = s->rest;
		while (e->slot != (uint32_t)(o - r->ord))
			e++;
		double avg = ev->update.avg_price;
		double at = e->kind == QTS_LIMIT || e->kind == QTS_STOP_LIMIT ? e->limit
			    : e->kind == QTS_STOP ? e->stop : s->last; /* a market order's: none of its own */
		if (has_price(s, avg) || e->kind != QTS_MARKET || has_price(s, at))
			reach(r, s, o, has_price(s, avg) ? avg : at);
	}
	if (done || gone || st == QTS_STATUS_PARTIAL)
		settle(r, o, done && !r->fill_mode ? o->qty : f, done || gone, gone);
}

/* A cancel ends an order in qts-sim if it still works there: in the view
 * without fills, one waiting for its price or working unpriced, or one
 * taken as filled that no price of its symbol has followed yet (qts-sim
 * fills a market order at the next).  It names the order's symbol or
 * none, as qts-sim reads it.  Once fills come back the view waits for
 * the update that says what became of it. */
static void apply_cancel(qts_risk *r, const qts_event *ev)
{
	if (r->fill_mode)
		return;
	struct ord *o = ord_find(r, ev->cancel.id);
	if (!o || !o->live)
		return;
	struct sym *s = &r->sym[o->sym];
	if (*ev->symbol && strcmp(ev->symbol, s->name) != 0)
		return;
	if (!o->assumed || s->nmkt == o->mseen)
		settle(r, o, o->filled, 1, o->assumed);
}

static int on_update(qts_risk *r, const qts_event *ev)
{
	if (!r->feedback)
		apply_update(r, ev);
	return put(r, ev);
}

/* ---- feedback ------------------------------------------------------------ */

void qts_risk_use_feedback(qts_risk *r)
{
	if (!r->fill_mode)
		fill_mode(r);
	r->feedback = 1;
}


/* The executing stage's position is the position: the difference from
 * the view goes in at the last price, so it moves no equity (an equity
 * event says what the equity is); its average price is the real one. */
static void apply_position(qts_risk *r, const qts_event *ev)
{
	double q = ev->position.qty, avg = ev->position.avg_price;
	if (!isfinite(q))
		return;
	struct sym *s = sym_get(r, ev->symbol);
	/* a contract's average may be 0 or below (a future in a glut) */
	double px = !isnan(s->last) ? s->last : has_price(s, avg) ? avg : NAN;
	if (!qts_qty_same(q, s->pos)) {
		if (isnan(px))
			return; /* nothing to value it at: the fills will say */
		trade(r, s, q, px);
	}
	if (q != 0 && has_price(s, avg))
		s->avg = avg;
}

int qts_risk_feedback(qts_risk *r, const qts_event *ev, qts_risk_emit emit, void *arg)
{
	if (!r->feedback)
		qts_risk_use_feedback(r);
	r->emit = emit;
	r->arg = arg;
	r->nfeedback++;
	switch (ev->type) {
	case QTS_FILL:
		apply_fill(r, ev);
		break;
	case QTS_UPDATE:
		apply_update(r, ev);
		return 0;
	case QTS_POSITION:
		apply_position(r, ev);
		return 0;
	case QTS_EQUITY:
		if (!isfinite(ev->equity.equity))
			return 0;
		r->mv = market_value(r);
		r->cash = ev->equity.equity - r->mv;
		break;
	default:
		r->nfeedback--;
		return 0; /* bars, targets, risk events: not the executing stage's word */
	}
	/* Equity moved: a drawdown or a day's loss may be breached now, and
	 * acted on at once (dated at the view's clock, never ahead of the
	 * input). */
	return r->portfolio_checks && r->clocked ? check_portfolio(r) : 0;
}

uint64_t qts_risk_feedback_count(const qts_risk *r) { return r->nfeedback; }

size_t qts_risk_positions(const qts_risk *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nsym; i++)
		n += fabs(r->sym[i].pos) > EPS;
	return n;
}

/* ---- targets and orders -------------------------------------------------- */

struct bound {
	double lo, hi;
	const char *lo_rule, *hi_rule;
};

static void limit(struct bound *b, double lo, double hi, const char *rule)
{
	if (lo > b->lo) {
		b->lo = lo;
		b->lo_rule = rule;
	}
	if (hi < b->hi) {
		b->hi = hi;
		b->hi_rule = rule;
	}
}

/* A limit on value, [lo, hi] in units: with no unit worth a number to
 * divide a cap by (a contract at 0 or below: valueless), the position
 * p may shrink, not grow. */
static void value_limit(struct bound *b, int valueless, double p, double lo, double hi, const char *rule)
{
	if (valueless)
		limit(b, fmin(p, 0), fmax(p, 0), rule);
	else
		limit(b, lo, hi, rule);
}

static int needs_price(const qts_risk_config *c)
{
	return !isnan(c->max_position_notional) || !isnan(c->max_position_pct) || !isnan(c->max_gross) ||
	       !isnan(c->max_net) || !isnan(c->max_sector);
}

/* The interval of positions in s the limits allow, at price px.  Exposure
 * counts working orders as filled, as qts-sim's cash check does; equity
 * counts fills (or approvals taken as filled) alone. */
static void limits(qts_risk *r, struct sym *s, double px, struct bound *b)
{
	const qts_risk_config *c = &r->c;
	double p = s->pos + s->wq, gross = 0, net = 0, sector = 0;
	long open = 0;
#if defined(QTS_RISK_SELFCHECK) || defined(__SANITIZE_ADDRESS__)
	for (size_t i = 0; i < r->nsym; i++) {
		const struct sym *o = &r->sym[i];
		if ((o->pos != 0 || o->wq != 0) != !!(r->active[i >> 6] & (1ULL << (i & 63))))
			qts_die(QTS_EXIT_FAIL, "selfcheck: %s: active bit stale", o->name);
		double v = o->pos != 0 && !isnan(o->last) ? o->pos * o->last * o->mult : 0;
		if (memcmp(&v, &r->val[i], sizeof v) != 0)
			qts_die(QTS_EXIT_FAIL, "selfcheck: %s: value stale", o->name);
	}
#endif
	/* In the order of the symbols, as a pass over all of them; the
	 * market value alone when no rule reads the other sums. */
	r->mv = market_value(r);
	for (size_t w = 0; w < r->nactive && r->sums; w++) {
		for (uint64_t bits = r->active[w]; bits; bits &= bits - 1) {
			const struct sym *o = &r->sym[w * 64 + (size_t)__builtin_ctzll(bits)];
			double e = o->pos + o->wq;
			if (fabs(e) <= EPS || isnan(o->last))
				continue;
			double v = e * o->last * o->mult;
			gross += fabs(v);
			net += v;
			open++;
			if (o->sector >= 0 && o->sector == s->sector)
				sector += fabs(v);
		}
	}
	double eq = r->cash + r->mv, cap, own = fabs(p) > EPS && !isnan(s->last) ? p * s->last * s->mult : 0;
	double unit = px * s->mult; /* the value of one unit of s */
	int valueless = !(unit > 0); /* see value_limit */
	if (r->dd_breached)
		limit(b, fmin(p, 0), fmax(p, 0), "max-drawdown");
	if (r->daily_breached)
		limit(b, fmin(p, 0), fmax(p, 0), "daily-loss");
	if (!isnan(c->max_position))
		limit(b, -c->max_position, c->max_position, "max-position");
	if (!isnan(c->max_position_notional)) {
		cap = c->max_position_notional / unit;
		value_limit(b, valueless, p, -cap, cap, "max-position-notional");
	}
	if (!isnan(c->max_position_pct)) {
		cap = fmax(0, c->max_position_pct * eq) / unit;
		value_limit(b, valueless, p, -cap, cap, "max-position-pct");
	}
	if (!isnan(c->max_gross)) {
		cap = fmax(0, c->max_gross - (gross - fabs(own))) / unit;
		value_limit(b, valueless, p, -cap, cap, "max-gross");
	}
	if (!isnan(c->max_net)) {
		double other = net - own;
		value_limit(b, valueless, p, (-c->max_net - other) / unit, (c->max_net - other) / unit, "max-net");
	}
	if (c->max_positions >= 0 && fabs(p) <= EPS && open >= c->max_positions)
		limit(b, 0, 0, "max-positions");
	if (!isnan(c->max_sector) && s->sector >= 0) {
		cap = fmax(0, c->max_sector * eq - (sector - fabs(own))) / unit;
		value_limit(b, valueless, p, -cap, cap, "max-sector");
	}
}

/* A move of a position from p to q toward flat, not beyond it. */
static inline int less_risk(double p, double q)
{
	return fabs(q) <= fabs(p) && q * p >= 0;
}

static int rate_full(const qts_risk *r)
{
	if (r->c.max_orders <= 0 || r->nrate < r->c.max_orders)
		return 0;
	/* The oldest of the last N approvals is the one about to be replaced. */
	int64_t since;
	return qts_time_sub(r->now, r->rate[r->irate], &since) == 0 && since < r->c.order_window;
}

static void rate_note(qts_risk *r)
{
	if (r->c.max_orders <= 0)
		return;
	r->rate[r->irate] = r->now;
	r->irate = (r->irate + 1) % r->c.max_orders;
	if (r->nrate < r->c.max_orders)
		r->nrate++;
}

static int reject(qts_risk *r, const qts_event *ev, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct told;
static void note_told(struct told *t, const qts_event *ev, const char *why);

static int reject(qts_risk *r, const qts_event *ev, const char *rule, const char *fmt, ...)
{
	char d[QTS_TEXT_MAX];
	int n = ev->type == QTS_ORDER ? snprintf(d, sizeof d, "order %s: ", ev->order.id)
				      : snprintf(d, sizeof d, "target %.10g %s: ", nz(ev->target.target), ev->target.unit);
	if (n < 0 || (size_t)n >= sizeof d)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d + n, sizeof d - (size_t)n, fmt, ap);
	va_end(ap);
	if (strcmp(rule, "no-price") == 0)
		note_told(&r->priceless, ev, d + n);
	return risk_event_on(r, ev, rule, "reject", "%s", d);
}

static int is_whole(double x)
{
	/* x == floor(x) for the finite ones, without a call to floor.  From
	 * 2^52 up every double is whole: a target of 1e20 units is whole,
	 * and a limit must cut it to whole units, not to a fraction. */
	if (!(fabs(x) < 0x1p52))
		return isfinite(x);
	return x == (double)(int64_t)x;
}

/* What an order of the input asks, all but its id and time: a repeat of
 * its id must ask the same.  Never 0. */
static uint64_t order_what(const qts_event *ev)
{
	char b[512];
	snprintf(b, sizeof b, "%s|%s|%.17g|%s|%.17g|%.17g|%s|%s", ev->symbol, ev->order.side, ev->order.qty,
		 ev->order.kind, ev->order.limit, ev->order.stop, ev->order.tif, ev->order.strategy);
	return qts_hash64(b);
}

/* An order id seen before is a repeat (at-least-once delivery, a replay):
 * it goes out as approved the first time, and counts once.  Another order
 * under an id taken (another symbol, side, kind, price...) is no repeat:
 * refused, as sending it would make two orders of one id. */
static int repeat(qts_risk *r, const qts_event *ev, const struct ord *o)
{
	/* (a target's order, what 0, was never an order of the input to
	 * compare with: its id is one qts-sim gives, and passes as before) */
	if (o->what && o->what != order_what(ev))
		return reject(r, ev, "order", "its id was approved before for another order");
	qts_event out = *ev;
	out.order.qty = o->qty;
	return put(r, &out);
}

/* A target or order rejected from flat by a limit that allowed less than
 * one unit, counted to be said at the end (qts_risk_subunit). */
static __attribute__((noinline)) void note_subunit(qts_risk *r, const qts_event *ev, const char *rule,
							  double bound)
{
	if (r->subunit++ == 0) {
		char at[40];
		qts_time_format(ev->ts, at);
		/* a number of units, where a weight was meant most likely */
		snprintf(r->subunit_first, sizeof r->subunit_first, "--%s allowed %.4g units of %s at %s%s", rule,
			 fabs(bound), ev->symbol, at,
			 strcmp(rule, "max-position") == 0 ? ", a weight's limit is --max-position-pct" : "");
	}
}

/* A request rejected of a kind told at the end (not well formed; for
 * want of a price or of equity), counted. */
static __attribute__((noinline)) void note_told(struct told *t, const qts_event *ev, const char *why)
{
	if (t->n++ == 0) {
		char at[40];
		qts_time_format(ev->ts, at);
		if (ev->type == QTS_ORDER)
			snprintf(t->first, sizeof t->first, "order %s of %s at %s: %s",
				 *ev->order.id ? ev->order.id : "(no id)", ev->symbol, at, why);
		else
			snprintf(t->first, sizeof t->first, "target %.10g %s of %s at %s: %s", ev->target.target,
				 ev->target.unit, ev->symbol, at, why);
	}
	t->targets += ev->type == QTS_TARGET;
}

/* After an exit here, a strategy not fed its fills still presumes the
 * position it had: its orders go on from it, and the one that was to
 * close it (a protective stop, an exit on its own signal) opens the other
 * side instead.  Such an order, approved while no fills come back, is
 * counted to be said at the end, once an exit (exited turns to +-2).  A
 * target (it says where to be) or an order back on the exited side ends
 * the watch.  q: the position once every working order and this one
 * fill. */
static __attribute__((noinline)) void note_past_flat(qts_risk *r, struct sym *s, const qts_event *ev, double q)
{
	if (ev->type != QTS_ORDER || q * s->exited > 0) {
		s->exited = 0;
		return;
	}
	if (r->fill_mode || !(q * s->exited < 0) || s->exited * s->exited > 1)
		return;
	s->exited *= 2; /* said once an exit: a stop re-placed each bar is one mistake */
	if (r->past_flat++ == 0) {
		char at[40];
		qts_time_format(ev->ts, at);
		snprintf(r->past_flat_first, sizeof r->past_flat_first, "%s's order %s at %s", s->name, ev->order.id,
			 at);
	}
}

static int on_intent(qts_risk *r, const qts_event *ev)
{
	const qts_risk_config *c = &r->c;
	int order = ev->type == QTS_ORDER, weight = 0, unit;
	if (r->halted)
		return reject(r, ev, "kill", "emergency stop");
	struct sym *s = sym_get(r, ev->symbol);
	const struct ord *seen;
	if (order && *ev->order.id && (seen = ord_find(r, ev->order.id)))
		return repeat(r, ev, seen);
	if (s->delisted) {
		char at[40];
		qts_time_format(s->delisted_at, at);
		return reject(r, ev, "actions", "%s was delisted at %s", ev->symbol, at);
	}
	/* What the position comes to once every working order fills; a target
	 * for every strategy cancels them in qts-sim: the position alone. */
	int every = !order && ev->target.strategy[0] == '*' && ev->target.strategy[1] == '\0';
	double px = s->last, p = every ? s->pos - unpriced_qty(r, s) : s->pos + s->wq, q, sign = 0;
	if (order) {
		/* one qts-sim would reject takes no place in the limits */
		char why[128] = "no order id";
		if (!*ev->order.id || qts_order_fault(ev, s->contract, why, sizeof why)) {
			note_told(&r->malformed, ev, why);
			return reject(r, ev, "order", "%s", why);
		}
		sign = qts_side_parse(ev->order.side);
		if (isnan(px))
			px = !isnan(ev->order.limit) ? ev->order.limit : ev->order.stop;
		if (!isnan(c->price_band) && !isnan(s->last)) {
			double lim[2] = { ev->order.limit, ev->order.stop };
			for (int i = 0; i < 2; i++)
				if (!isnan(lim[i]) && fabs(lim[i] - s->last) > c->price_band * fabs(s->last))
					return reject(r, ev, "price-band", "%s %.10g is more than %.10g from last %.10g",
						      i ? "stop" : "limit", lim[i], c->price_band, s->last);
		}
		q = p + sign * ev->order.qty;
	} else if ((unit = qts_unit_parse(ev->target.unit)) == QTS_UNIT_WEIGHT) {
		/* a contract at 0 or below: no weight of equity is a number
		 * of it (qts-sim says so too) */
		if (isnan(px))
			return reject(r, ev, "no-price", "no price for %s yet", ev->symbol);
		if (!(px > 0))
			return reject(r, ev, "no-price", "%s's price %.10g is not above 0: no weight of equity is a number of it",
				      ev->symbol, px);
		if (qts_weight_no_equity(ev->target.target, r->cash + r->mv)) {
			char why[96];
			snprintf(why, sizeof why, "equity %.10g is not above 0: no weight of it to hold", r->cash + r->mv);
			note_told(&r->priceless, ev, why);
			return reject(r, ev, "target", "%s", why);
		}
		/* As qts-sim converts it: weight x equity / (last price x
		 * multiplier), in that order of operations. */
		q = qts_target_position(ev->target.target, QTS_UNIT_WEIGHT, r->cash + r->mv, px, s->mult,
					r->c.fractional);
		weight = 1;
	} else if (unit == QTS_UNIT_QTY)
		q = qts_whole_units(ev->target.target, r->c.fractional);
	else {
		note_told(&r->malformed, ev, "unit not understood");
		return reject(r, ev, "target", "unit '%s' not understood", ev->target.unit);
	}
	if (!isfinite(q)) {
		/* a weight or a number of units past any double: a strategy's
		 * mistake the stream alone would tell */
		if (!order)
			note_told(&r->malformed, ev, "quantity not understood");
		return reject(r, ev, order ? "order" : "target", "quantity %.10g not understood", q);
	}
	if (!has_price(s, px) && needs_price(c))
		return reject(r, ev, "no-price", "no price for %s yet", ev->symbol);
	/* Less risk (toward flat, not beyond): the limits below never refuse
	 * it, and nor does the rate, which is there to stop a strategy adding
	 * risk in a loop: a strategy sends its exit once (targets go out on
	 * a change), so an exit refused here would leave the position held.
	 * It still counts against the rate. */
	if (!less_risk(p, q) && rate_full(r))
		return reject(r, ev, "max-orders", "more than %ld in %.10gs", c->max_orders,
			      (double)c->order_window / QTS_NS_PER_SEC);

	double want = q;
	int whole = is_whole(p) && is_whole(q);
	if (!order && r->vol && q != 0) {
		double rv = realised_vol(r, s);
		if (rv > c->target_vol) {
			q *= c->target_vol / rv;
			if (whole)
				q = trunc(q);
			if (risk_event_on(r, ev, "target-vol", "reduce",
				       "target %.10g scaled to %.10g: volatility %.6g; target %.10g", nz(want), nz(q), rv,
				       c->target_vol) < 0)
				return -1;
		}
	}

	double qf = q;
	if (!less_risk(p, q)) { /* again: scaled, a target may have become so */
		struct bound b = { -INFINITY, INFINITY, NULL, NULL };
		limits(r, s, px, &b);
		qf = fmin(fmax(q, b.lo), b.hi);
		if (whole && qf != q)
			qf = qf > p ? p + floor(qf - p) : p - floor(p - qf);
		const char *rule = qf > q ? b.lo_rule : b.hi_rule;
		if ((qf - p) * (q - p) <= 0 && q != p) {
			double bound = q > p ? b.hi : b.lo;
			if (whole && p == 0 && bound != 0 && fabs(bound) < 1 && rule && strncmp(rule, "max-position", 12) == 0)
				note_subunit(r, ev, rule, bound);
			return reject(r, ev, rule, "position %.10g; allowed %s to %.10g", nz(p), q > p ? "up" : "down",
				      nz(bound));
		}
		if (qf != q) {
			if (order) {
				if (risk_event_on(r, ev, rule, "reduce", "order %s: qty %.10g reduced to %.10g",
					       ev->order.id, ev->order.qty, fabs(qf - p)) < 0)
					return -1;
			} else if (risk_event_on(r, ev, rule, "reduce", "target %.10g reduced to %.10g",
					      nz(want), nz(qf)) < 0)
				return -1;
		}
	}

	rate_note(r);
	/* The event itself when approved as it is (its bytes may be passed
	 * on as read), a changed copy when not. */
	double oqty = order ? ev->order.qty : 0;
	if (qf != want) {
		/* A reduced weight target goes on in units: qts-sim would
		 * convert a weight with its own equity, not the view's. */
		qts_event out = *ev;
		if (order)
			out.order.qty = oqty = fabs(qf - p);
		else {
			out.target.target = nz(qf);
			if (weight)
				QTS_SET(out.target.unit, qts_unit_name(QTS_UNIT_QTY));
		}
		if (put(r, &out) < 0)
			return -1;
	} else if (put(r, ev) < 0)
		return -1;
	if (__builtin_expect(s->exited != 0, 0))
		note_past_flat(r, s, ev, qf);
	double at = isnan(s->last) ? px : s->last;
	if (order) {
		if (oqty > 0) {
			qts_fresh_ids_unsure(&r->fresh);
			ord_add(r, s, qts_hash64(ev->order.id), (int)sign, oqty, at, ev)->what = order_what(ev);
		}
	} else {
		if (every)
			end_working(r, s);
		int side;
		double qty;
		if (qts_target_order(qf, p, &side, &qty))
			ord_add(r, s, target_order_hash(r, s, ev->target.strategy), side, qty, at, NULL);
	}
	return 0;
}

/* ---- corporate actions ------------------------------------------------- */

/* An action as qts-sim applies it (apply_action in sim.c), to the view:
 * a split scales the position, its prices and what works by the ratio
 * (the value, the stops' distances and the returns stay as they were); a
 * dividend is cash; a delisting ends the symbol's working orders and
 * closes the position at its last price (once fills come back, qts-sim's
 * fill for it does), and after it the symbol's prices move nothing and
 * its orders and targets are rejected, as qts-sim rejects them. */
static void apply_action(qts_risk *r, const qts_action *a, int64_t at)
{
	struct sym *s = sym_get(r, a->symbol);
	if (s->delisted)
		return;
	size_t i = (size_t)(s - r->sym);
	double x = a->value, before = r->val[i];
	switch (a->kind) {
	case QTS_ACT_SPLIT:
		s->pos *= x;
		s->avg /= x, s->best /= x, s->last /= x, s->prev_close /= x;
		s->wq *= x, s->wq_mkt *= x;
		if (s->nlive)
			for (size_t k = 0; k < r->nord; k++) {
				struct ord *o = &r->ord[k];
				if (o->live && o->sym == i)
					o->qty *= x, o->filled *= x, o->fills *= x, o->px /= x;
			}
		for (uint32_t k = 0; k < s->nrest; k++)
			s->rest[k].limit /= x, s->rest[k].stop /= x;
		revalue(r, s);
		r->mv += r->val[i] - before;
		break;
	case QTS_ACT_DIVIDEND:
		r->cash += s->pos * x * s->mult;
		break;
	default:
		end_working(r, s);
		/* qts-sim closes at the last price: a share's above 0, a
		 * contract's at any finite one (a future in a glut) */
		if (!r->fill_mode && s->pos != 0 && has_price(s, s->last))
			trade(r, s, 0, s->last);
		s->delisted = 1;
		s->delisted_at = at;
		note_active(r, s);
	}
}

/* The actions of the trading date of an event at ts (tf: a bar's
 * timeframe, else NULL) or before, as qts-sim applies them
 * (qts_trade_day_due). */
static __attribute__((noinline)) void actions_before(qts_risk *r, int64_t ts, const char *tf)
{
	int64_t place = qts_trade_day_place(&r->days, ts, tf);
	while (r->next_action < r->c.nactions && qts_trade_day_due(&r->days, r->acts[r->next_action].ts, place)) {
		const qts_action *a = &r->acts[r->next_action++];
		apply_action(r, a, qts_trade_day_at(&r->days, a->ts, ts));
	}
	r->gate = r->next_action < r->c.nactions ? qts_trade_day_gate(&r->days, r->acts[r->next_action].ts) : INT64_MAX;
}

static int risk_has_symbol(void *arg, const char *symbol)
{
	return sym_find(arg, symbol) != NULL;
}

static int risk_has_price(void *arg, const char *symbol)
{
	const struct sym *s = sym_find(arg, symbol);
	return s && !isnan(s->last);
}

void qts_risk_warn_unmatched(const qts_risk *r, const char *actions_file)
{
	qts_actions_check_used(actions_file, r->acts, r->c.nactions, risk_has_price, (void *)r);
	qts_instruments_check_used(r->c.instruments, r->c.ninstruments, r->nsym, risk_has_symbol, (void *)r);
}

const char *qts_risk_sectors_unmatched(const qts_risk *r)
{
	if (isnan(r->c.max_sector) || !r->nsmap || !r->nsym)
		return NULL;
	for (size_t i = 0; i < r->nsym; i++)
		if (r->sym[i].sector >= 0)
			return NULL;
	return r->sym[0].name;
}

uint64_t qts_risk_subunit(const qts_risk *r, const char **first, int *fractional)
{
	*first = r->subunit_first;
	*fractional = r->c.fractional;
	return r->subunit;
}

static uint64_t told(const struct told *t, const char **first, uint64_t *targets)
{
	*first = t->first;
	*targets = t->targets;
	return t->n;
}

uint64_t qts_risk_priceless(const qts_risk *r, const char **first, uint64_t *targets)
{
	return told(&r->priceless, first, targets);
}

uint64_t qts_risk_malformed(const qts_risk *r, const char **first, uint64_t *targets)
{
	return told(&r->malformed, first, targets);
}

uint64_t qts_risk_past_flat(const qts_risk *r, const char **first)
{
	*first = r->past_flat_first;
	return r->past_flat;
}

/* ---- the entry points --------------------------------------------------- */

/* qts_event_known, with the bar length kept per symbol: parsing the tf of
 * every bar would cost more than the rest of the work on it. */
static inline __attribute__((always_inline)) int64_t bar_known(struct sym *s, const qts_event *ev)
{
	if (__builtin_expect(!qts_field_key_eq(&s->tkey, s->tf, ev->bar.tf), 0)) {
		qts_tf tf;
		QTS_SET(s->tf, ev->bar.tf);
		qts_field_key_set(&s->tkey, s->tf);
		if (qts_tf_parse(ev->bar.tf, &tf) != 0)
			tf = (qts_tf){ 0, 0 };
		s->tf_ns = qts_tf_ns(tf);
		s->tfv = tf;
		s->bar.ts = QTS_TS_MIN;
	}
	int64_t end;
	if (s->tf_ns > 0)
		return qts_time_add(ev->ts, s->tf_ns, &end) == 0 ? end : INT64_MAX; /* as qts_tf_end */
	return qts_event_known(ev);
}

/* s's bar ev (bar_known has seen it) is new (0: it goes on), the same
 * again (1: passed on, not acted on again) or another for a time had, or
 * one that starts before the last ends (-1, as in qts-strategy and
 * qts-sim: its return would count twice in the volatility, its close
 * move a stop twice). */
static inline int bar_new(qts_risk *r, struct sym *s, const qts_event *ev)
{
	if (__builtin_expect(ev->ts <= s->bar.ts, 0))
		return qts_last_bar_again(&s->bar, ev, "count twice", r->error, sizeof r->error);
	if (__builtin_expect(qts_bar_overlaps_fast(s->tfv, s->tf_ns, s->bar.ts, ev->ts), 0)) {
		qts_bar_overlap_why(ev, s->bar.ts, r->error, sizeof r->error);
		return -1;
	}
	qts_last_bar_keep(&s->bar, ev);
	return 0;
}

/* A bar when no rule looks at bars (plain_type): its price goes into
 * the view, its end moves the clock, and it goes on. */
static __attribute__((noinline)) int plain_bar(qts_risk *r, const qts_event *ev)
{
	struct sym *s = bar_sym(r, ev->symbol);
	qts_risk_clock(r, bar_known(s, ev));
	int again = bar_new(r, s, ev);
	if (again)
		return again < 0 ? -1 : put(r, ev);
	double px = ev->bar.close;
	if (!s->delisted && ((px > 0 && px <= DBL_MAX) || has_price(s, px))) { /* as on_price */
		s->nmkt++;
		if (s->nrest)
			work_resting(r, s, ev);
		mark(r, s, px);
	}
	return put(r, ev);
}

/* plain_bar for the bar of the symbol after the latest, of the tf seen
 * last for it, a tf of fixed length: an interleaved stream's every bar.
 * No call but the tail call out, so that it costs no frame. */
static inline int plain_next_bar(qts_risk *r, const qts_event *ev)
{
	size_t next = r->lastsym + 1;
	if (next >= r->nsym) {
		if (__builtin_expect(r->nsym == 0, 0))
			return plain_bar(r, ev);
		next = 0;
	}
	struct sym *s = r->sym + next;
	int64_t end;
	if (__builtin_expect(!qts_field_key_eq(&s->nkey, s->name, ev->symbol) || !qts_field_key_eq(&s->tkey, s->tf, ev->bar.tf) ||
				     s->tf_ns <= 0 || ev->ts <= s->bar.ts || s->nrest || s->delisted ||
				     /* starts before the last ends: bar_new refuses it */
				     (uint64_t)ev->ts - (uint64_t)s->bar.ts < (uint64_t)s->tf_ns,
			     0))
		return plain_bar(r, ev);
	r->lastsym = next;
	qts_last_bar_keep(&s->bar, ev);
	/* the next bar's symbol, most likely: the two lines its fields read
	 * here span on their way in (symbols are visited in turn, further
	 * apart than the processor's prefetch looks) */
	__builtin_prefetch(s + 1);
	__builtin_prefetch((const char *)(s + 1) + 64);
	qts_risk_clock(r, qts_time_add(ev->ts, s->tf_ns, &end) == 0 ? end : INT64_MAX); /* bar_known */
	double px = ev->bar.close;
	if (__builtin_expect(px > 0 && px <= DBL_MAX, 1) || has_price(s, px)) {
		s->nmkt++;
		mark(r, s, px);
	}
	return put(r, ev);
}

static __attribute__((noinline)) int any_event(qts_risk *r, const qts_event *ev);

int qts_risk_event(qts_risk *r, const qts_event *ev, qts_risk_emit emit, void *arg)
{
	r->emit = emit;
	r->arg = arg;
	if (__builtin_expect(ev->ts >= r->gate, 0))
		actions_before(r, ev->ts, ev->type == QTS_BAR ? ev->bar.tf : NULL);
	if ((int)ev->type == r->plain_type)
		return plain_next_bar(r, ev);
	return any_event(r, ev);
}

static int any_event(qts_risk *r, const qts_event *ev)
{
	/* What an event triggers is dated when the event became known: a
	 * bar at its end, as qts-strategy dates the targets it makes.  A
	 * bar's symbol is looked up once, for both. */
	struct sym *bs = NULL;
	if (ev->type == QTS_BAR) {
		bs = bar_sym(r, ev->symbol);
		qts_risk_clock(r, bar_known(bs, ev));
		int again = bar_new(r, bs, ev);
		if (again)
			return again < 0 ? -1 : put(r, ev);
	} else {
		/* after what the engine made of a bar, dated at its end */
		if (qts_inside_own(ev, r->out_ts)) {
			qts_after_own_why(ev, r->out_ts, r->error, sizeof r->error);
			return -1;
		}
		qts_risk_clock(r, ev->ts);
	}
	if (r->portfolio_checks && new_day(r, r->now) < 0)
		return -1;
	switch (ev->type) {
	case QTS_BAR:
		return on_price(r, bs, ev, ev->bar.close, 1);
	case QTS_TICK:
		return on_price(r, NULL, ev, ev->tick.price, 0);
	case QTS_QUOTE:
		return on_price(r, NULL, ev, qts_quote_mid(ev), 0);
	case QTS_TARGET:
	case QTS_ORDER:
		return on_intent(r, ev);
	case QTS_FILL:
		return on_fill(r, ev);
	case QTS_UPDATE:
		return on_update(r, ev);
	case QTS_CANCEL:
		apply_cancel(r, ev);
		__attribute__((fallthrough)); /* it goes on as every other event */
	default: {
		qts_event late;
		return put(r, qts_system_not_before(ev, r->out_ts, &late));
	}
	}
}

int qts_risk_halt(qts_risk *r, const char *why, qts_risk_emit emit, void *arg)
{
	if (r->halted)
		return 0;
	r->emit = emit;
	r->arg = arg;
	r->halted = 1;
	if (risk_event(r, "", "kill", "breach", "emergency stop: %s", why) < 0)
		return -1;
	return flatten_all(r, "kill", "emergency stop");
}

int qts_risk_resume(qts_risk *r, const char *why, qts_risk_emit emit, void *arg)
{
	if (!r->halted)
		return 0;
	r->emit = emit;
	r->arg = arg;
	r->halted = 0;
	return risk_event(r, "", "kill", "resume", "emergency stop lifted: %s", why);
}

/* ---- checkpoints ---------------------------------------------------------- */

/* The whole view, both ways: loading, into an engine just made from the
 * same settings.  The orders' table is kept as it is laid out (its
 * occupied slots only), so that a restored engine finds, forgets and
 * evicts exactly as the one saved would have. */
static int risk_ck(qts_risk *r, qts_ckpt *c)
{
	if (c->loading)
		qts_fresh_ids_unsure(&r->fresh); /* the orders restored have ids of any kind */
	else
		otab_settle(r); /* the table is saved whole */
	qts_ck_tag(c, "qts-risk");
	size_t nsym = r->nsym;
	qts_ck_size(c, &nsym, c->loading ? c->len / 8 : nsym);
	for (size_t i = 0; i < nsym && qts_ck_ok(c); i++) {
		char name[QTS_SYM_MAX];
		if (!c->loading)
			QTS_SET(name, r->sym[i].name);
		qts_ck_str(c, name, sizeof name);
		if (!qts_ck_ok(c))
			break;
		if (c->loading && sym_find(r, name)) {
			qts_ck_fail(c, "symbol %s twice", name);
			break;
		}
		struct sym *s = c->loading ? sym_get(r, name) : &r->sym[i];
		qts_ck_f64(c, &s->pos), qts_ck_f64(c, &s->avg), qts_ck_f64(c, &s->last), qts_ck_f64(c, &s->mult);
		qts_ck_f64(c, &s->best), qts_ck_f64(c, &s->wq), qts_ck_f64(c, &s->wq_mkt);
		uint64_t nmkt = s->nmkt;
		qts_ck_u64(c, &nmkt);
		s->nmkt = (uint32_t)nmkt;
		qts_ck_int(c, &s->delisted), qts_ck_i64(c, &s->delisted_at);
		qts_ck_int(c, &s->exited);
		if (c->loading && (s->exited < -2 || s->exited > 2))
			qts_ck_fail(c, "%s: the side of an exit out of range", name);
		size_t nrest = s->nrest;
		qts_ck_size(c, &nrest, ORD_RING);
		if (c->loading && qts_ck_ok(c)) {
			s->crest = s->nrest = (uint32_t)nrest;
			if (nrest && !(s->rest = malloc(nrest * sizeof *s->rest)))
				qts_die(QTS_EXIT_FAIL, "out of memory");
		}
		for (uint32_t k = 0; k < s->nrest && qts_ck_ok(c); k++) {
			struct rest *e = &s->rest[k];
			uint64_t slot = e->slot;
			qts_ck_u64(c, &slot);
			e->slot = (uint32_t)slot;
			qts_ck_int(c, &e->kind), qts_ck_int(c, &e->tif), qts_ck_int(c, &e->triggered);
			qts_ck_f64(c, &e->limit), qts_ck_f64(c, &e->stop);
			qts_ck_i64(c, &e->ts), qts_ck_i64(c, &e->day);
			if (c->loading && (slot >= ORD_RING || e->kind < QTS_MARKET || e->kind > QTS_STOP_LIMIT ||
					   e->tif < QTS_DAY || e->tif > QTS_FOK))
				qts_ck_fail(c, "%s: a resting order out of range", name);
		}
		note_active(r, s);
		revalue(r, s);
		qts_ck_long(c, &s->nlive), qts_ck_long(c, &s->seq);
		qts_ck_int(c, &s->sector);
		if (c->loading && (s->sector < -1 || s->sector >= (int)r->nsector))
			qts_ck_fail(c, "%s: sector %d", name, s->sector);
		qts_ck_str(c, s->tf, sizeof s->tf);
		qts_field_key_set(&s->tkey, s->tf);
		if (c->loading && qts_tf_parse(s->tf, &s->tfv) != 0)
			s->tfv = (qts_tf){ 0, 0 };
		qts_ck_i64(c, &s->tf_ns);
		qts_ck_f64(c, &s->prev_close);
		qts_ck_i64(c, &s->bar.ts);
		qts_ck_bytes(c, s->bar.v, sizeof s->bar.v);
		qts_ck_str(c, s->vtf, sizeof s->vtf);
		if (r->vol) {
			for (long k = 0; k < r->c.vol_window; k++)
				qts_ck_f64(c, &s->ret[k]);
			qts_ck_long(c, &s->nret), qts_ck_long(c, &s->iret);
			if (c->loading && (s->nret < 0 || s->nret > r->c.vol_window || s->iret < 0 ||
					   s->iret >= r->c.vol_window))
				qts_ck_fail(c, "%s: a returns window out of range", name);
			qts_ck_moments(c, &s->mret);
		}
	}
	qts_ck_size(c, &r->lastsym, r->nsym ? r->nsym - 1 : 0);
	qts_ck_f64(c, &r->cash), qts_ck_f64(c, &r->mv), qts_ck_f64(c, &r->peak), qts_ck_f64(c, &r->day_start);
	qts_ck_i64(c, &r->day), qts_ck_i64(c, &r->now), qts_ck_i64(c, &r->dd_at);
	qts_ck_int(c, &r->clocked), qts_ck_int(c, &r->have_day), qts_ck_int(c, &r->dd_breached);
	qts_ck_int(c, &r->daily_breached), qts_ck_int(c, &r->halted), qts_ck_int(c, &r->fill_mode);
	qts_ck_int(c, &r->feedback);
	qts_ck_u64(c, &r->nfeedback);
	qts_ck_u64(c, &r->past_flat);
	qts_ck_str(c, r->past_flat_first, sizeof r->past_flat_first);
	qts_ck_u64(c, &r->subunit);
	qts_ck_str(c, r->subunit_first, sizeof r->subunit_first);
	struct told *t[] = { &r->malformed, &r->priceless };
	for (size_t k = 0; k < 2; k++)
		qts_ck_u64(c, &t[k]->n), qts_ck_u64(c, &t[k]->targets), qts_ck_str(c, t[k]->first, sizeof t[k]->first);
	qts_ck_size(c, &r->next_action, r->c.nactions);
	r->gate = r->next_action < r->c.nactions ? qts_trade_day_gate(&r->days, r->acts[r->next_action].ts) : INT64_MAX;
	if (r->c.max_orders > 0) {
		for (long k = 0; k < r->c.max_orders; k++)
			qts_ck_i64(c, &r->rate[k]);
		qts_ck_long(c, &r->nrate), qts_ck_long(c, &r->irate);
		if (c->loading && (r->nrate < 0 || r->nrate > r->c.max_orders || r->irate < 0 ||
				   r->irate >= r->c.max_orders))
			qts_ck_fail(c, "the order rate's ring out of range");
	}
	qts_ck_size(c, &r->nord, ORD_RING);
	qts_ck_size(c, &r->ohead, ORD_RING - 1);
	if (c->loading && r->nord < ORD_RING && r->ohead != r->nord)
		qts_ck_fail(c, "the orders' ring out of range");
	for (size_t k = 0; k < r->nord && qts_ck_ok(c); k++) {
		struct ord *o = &r->ord[k];
		int side = o->side, live = o->live, assumed = o->assumed, rests = o->rests, resting = o->resting;
		uint64_t sym = o->sym, mseen = o->mseen;
		qts_ck_u64(c, &o->h), qts_ck_u64(c, &sym), qts_ck_u64(c, &o->what), qts_ck_u64(c, &mseen);
		qts_ck_int(c, &side), qts_ck_int(c, &live), qts_ck_int(c, &assumed);
		qts_ck_int(c, &rests), qts_ck_int(c, &resting);
		qts_ck_f64(c, &o->qty), qts_ck_f64(c, &o->filled), qts_ck_f64(c, &o->fills), qts_ck_f64(c, &o->px);
		if (c->loading && (sym >= r->nsym || (side != 1 && side != -1 && side != 0)))
			qts_ck_fail(c, "an order out of range");
		o->sym = (uint32_t)sym;
		o->side = (signed char)side;
		o->live = (unsigned char)(live != 0);
		o->assumed = (unsigned char)(assumed != 0);
		o->rests = (unsigned char)(rests != 0);
		o->resting = (unsigned char)(resting != 0);
		o->mseen = (uint32_t)mseen;
	}
	/* Each resting order is one of its symbol's rest[], once. */
	size_t resting = 0;
	for (size_t k = 0; k < r->nord; k++)
		resting += r->ord[k].resting;
	for (size_t i = 0; i < r->nsym && c->loading && qts_ck_ok(c); i++)
		for (uint32_t k = 0; k < r->sym[i].nrest; k++) {
			const struct rest *e = &r->sym[i].rest[k];
			if (e->slot >= r->nord || !r->ord[e->slot].resting || r->ord[e->slot].sym != i) {
				qts_ck_fail(c, "a resting order out of range");
				break;
			}
			resting--;
		}
	if (c->loading && qts_ck_ok(c) && resting != 0)
		qts_ck_fail(c, "a resting order out of range");
	/* The table's occupied slots: as many as the orders. */
	uint64_t at = 0;
	for (size_t k = 0, n = 0; n < r->nord && qts_ck_ok(c); k++) {
		if (!c->loading) {
			if (!r->otab[k])
				continue;
			at = k;
		}
		uint64_t v = c->loading ? 0 : r->otab[at];
		qts_ck_u64(c, &at), qts_ck_u64(c, &v);
		if (c->loading) {
			if (at >= ORD_TAB || !v || v > r->nord || r->otab[at]) {
				qts_ck_fail(c, "the orders' table out of range");
				break;
			}
			r->otab[at] = (uint32_t)v;
		}
		n++;
	}
	return qts_ck_ok(c) ? 0 : -1;
}

int qts_risk_save(qts_risk *r, qts_ckpt *c)
{
	return risk_ck(r, c);
}

int qts_risk_restore(qts_risk *r, qts_ckpt *c)
{
	if (r->nsym || r->nord) {
		qts_ck_fail(c, "restored into an engine that has run");
		return -1;
	}
	return risk_ck(r, c);
}
