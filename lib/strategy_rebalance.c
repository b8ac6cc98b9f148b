/* strategy_rebalance.c — the built-in `rebalance`: fixed or streamed
 * target weights, set again for every symbol at the first bar of each
 * calendar period (every=) and/or when a held weight drifts past a band
 * (band=).  Unlike the other built-ins it looks at the whole portfolio,
 * not one symbol: the registry reaches it through qts_strat_portfolio.
 *
 * The weights held between rebalances are modelled, as qts-sim holds
 * them with --fractional: at a rebalance each symbol gets units = weight
 * x equity / close, the rest is cash, and both ride on the closes that
 * follow.  With --feedback the executing stage's positions and cash are
 * used instead.  All of a run's state is the one struct below, so that it
 * can be saved and restored whole. */
#include "qts_resample.h"
#include "qts_strat.h"

#include "qts_checkpoint.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 4096 /* symbols in a weights list */

struct rb_sym {
	double weight; /* the weight wanted now: 0 when not listed */
	int listed;    /* named by the weights (even at 0) */
	double price;  /* last close; NaN before its first bar */
	double units;  /* model: held, from the last target written */
	double qty;    /* --feedback: the position */
	int owed;      /* a rebalance passed while it had no price: its target is due at its first bar */
	int cut;       /* in the rebalance under way: its weight moves toward 0 */
	int pending;   /* its target was written at the time of r->pending */
	double asked;  /* the weight of its last target: what settle holds, as a
			* from= event may change weight before the bars of that time are in */
	int64_t set_at; /* when its last target was written (known time) */
};

struct rebalance {
	/* parameters */
	double band, leverage;
	int shorts, feedback, have_every;
	qts_tf every;
	qts_clock clock;
	char from[QTS_WORD_MAX]; /* the type of the events that carry weights, or "" */
	/* the first type of its own of the input that is not from's, named
	 * when no event of from came (a from= misspelt); not in checkpoints:
	 * a hint */
	char other[QTS_WORD_MAX];
	/* state */
	qts_symtab *syms; /* struct rb_sym, in the order first named */
	double cash;      /* model: cash, in the units of the model's equity */
	double fb_cash;   /* --feedback: the last equity event's cash; NaN before one */
	int64_t period;   /* start of the period of the last bar; INT64_MIN before any */
	int64_t pending;  /* targets were written at this time, its bars still coming; else INT64_MIN */
	int started;
	unsigned long rebalances;
};

static int fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, QTS_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *quoted(const char *s, size_t n, char *buf, size_t size)
{
	qts_quote(buf, size, s, n);
	return buf;
}

static struct rb_sym *sym(struct rebalance *r, const char *name)
{
	struct rb_sym *s = qts_symtab_find(r->syms, name);
	if (s)
		return s;
	if (!(s = qts_symtab_get(r->syms, name)))
		return NULL;
	s->price = NAN;
	s->set_at = INT64_MIN;
	return s;
}

/* ---- the weights ------------------------------------------------------------ */

/* A weight: a number, at least 0 unless short=1, at most leverage. */
static int check_weight(const struct rebalance *r, const char *text, double *w, char *err)
{
	char why[QTS_ERR_MAX], q[96];
	if (qts_parse_double(text, -r->leverage, r->leverage, w, why) < 0)
		return fail(err, "%s", why);
	if (*w < 0 && !r->shorts)
		return fail(err, "weight '%s' is negative (short=1 allows it)",
			    quoted(text, strlen(text), q, sizeof q));
	return 0;
}

/* One SYMBOL and WEIGHT: a new symbol of the list. */
static int add_weight(struct rebalance *r, const char *name, size_t n, const char *wtext,
		      char *err)
{
	char s[QTS_SYM_MAX], q[96];
	if (n == 0)
		return fail(err, "no symbol before the weight");
	if (n >= QTS_SYM_MAX)
		return fail(err, "symbol '%s' is longer than %d bytes", quoted(name, n, q, sizeof q),
			    QTS_SYM_MAX - 1);
	memcpy(s, name, n);
	s[n] = '\0';
	if (qts_symbol_fault(QTS_BAR, s, n)) /* as the stream refuses it: the weight would never apply */
		return fail(err, "symbol '%s' holds a control character", quoted(name, n, q, sizeof q));
	if (qts_symtab_count(r->syms) >= MAXW)
		return fail(err, "more than %d symbols", MAXW);
	if (qts_symtab_find(r->syms, s))
		return fail(err, "'%s' named twice", quoted(s, n, q, sizeof q));
	double w;
	if (check_weight(r, wtext, &w, err) < 0)
		return -1;
	struct rb_sym *y = sym(r, s);
	if (!y)
		return fail(err, "out of memory");
	y->weight = w;
	y->listed = 1;
	return 0;
}

/* weights=SYM:W,SYM:W,...  The weight follows the last colon, so a
 * symbol may hold one; a symbol with a comma goes in a file. */
static int parse_list(struct rebalance *r, const char *list, char *err)
{
	char item[128], why[QTS_ERR_MAX], q[160];
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof item)
			return fail(err, "weights: '%s' is too long", quoted(p, n, q, sizeof q));
		memcpy(item, p, n);
		item[n] = '\0';
		char *colon = strrchr(item, ':');
		if (!colon)
			return fail(err, "weights: '%s' is not SYMBOL:WEIGHT", quoted(item, n, q, sizeof q));
		*colon = '\0';
		if (add_weight(r, item, (size_t)(colon - item), colon + 1, why) < 0) {
			*colon = ':';
			return fail(err, "weights: '%s': %s", quoted(item, n, q, sizeof q), why);
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* weights=@FILE: SYMBOL,WEIGHT a line; blank lines and # comments
 * skipped.  -1 with *status 2 for a bad line, 1 for a file not read. */
static int parse_file(struct rebalance *r, const char *path, char *err, int *status)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*status = QTS_EXIT_FAIL;
		return fail(err, "weights: %s: %s", path, strerror(errno));
	}
	char *line = NULL, why[QTS_ERR_MAX], q[160];
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	unsigned long no = 0;
	*status = QTS_EXIT_USAGE;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		size_t n = (size_t)len;
		if (no++ == 0 && qts_bom_len(line, n))
			memmove(line, line + 3, (n -= 3) + 1);
		if (memchr(line, '\0', n)) {
			rc = fail(err, "weights: %s:%lu: a NUL byte", path, no);
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		const char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		char *comma = strrchr(line, ',');
		if (!comma) {
			rc = fail(err, "weights: %s:%lu: '%s' is not SYMBOL,WEIGHT", path, no,
				  quoted(p, strlen(p), q, sizeof q));
			break;
		}
		*comma = '\0';
		if (add_weight(r, p, strlen(p), comma + 1, why) < 0)
			rc = fail(err, "weights: %s:%lu: %s", path, no, why);
	}
	free(line);
	if (rc == 0 && ferror(f)) {
		*status = QTS_EXIT_FAIL;
		rc = fail(err, "weights: %s: %s", path, strerror(errno));
	}
	if (rc == 0 && qts_symtab_count(r->syms) == 0)
		rc = fail(err, "weights: %s: no SYMBOL,WEIGHT line", path);
	fclose(f);
	return rc;
}

static double gross(struct rebalance *r)
{
	double g = 0;
	struct rb_sym *s;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, NULL)); i++)
		g += fabs(s->weight);
	return g;
}

/* ---- the parameters ------------------------------------------------------- */

/* The value of text parameter key among kv, or NULL. */
static const char *text(char *const *kv, int n, const char *key)
{
	size_t len = strlen(key);
	for (int i = 0; i < n; i++)
		if (!strncmp(kv[i], key, len) && kv[i][len] == '=')
			return kv[i] + len + 1;
	return NULL;
}

static void rb_close(void *st)
{
	struct rebalance *r = st;
	if (!r)
		return;
	qts_symtab_free(r->syms);
	free(r);
}

static void *rb_open(const qts_strat_info *info, const double *p, char *const *kv, int n,
		     int feedback, char *err, int *status)
{
	char why[QTS_ERR_MAX], q[160];
	const char *weights = text(kv, n, "weights"), *every = text(kv, n, "every");
	const char *tz = text(kv, n, "tz"), *from = text(kv, n, "from");
	struct rebalance *r = calloc(1, sizeof *r);
	*status = QTS_EXIT_USAGE;
	if (!r || !(r->syms = qts_symtab_new(sizeof(struct rb_sym)))) {
		*status = QTS_EXIT_FAIL;
		fail(err, "out of memory");
		goto bad;
	}
	r->band = p[qts_strat_param_index(info, "band")];
	r->leverage = p[qts_strat_param_index(info, "leverage")];
	r->shorts = p[qts_strat_param_index(info, "short")] == 1;
	r->feedback = feedback;
	r->fb_cash = NAN;
	r->period = INT64_MIN;
	r->pending = INT64_MIN;
	if (!weights == !from) {
		fail(err, "rebalance: %s", weights ? "weights= and from= exclude each other"
						   : "weights= or from= names the weights");
		goto bad;
	}
	if (!every && !(r->band > 0)) {
		fail(err, "rebalance: every= or band= says when to rebalance");
		goto bad;
	}
	if (every) {
		if (qts_tf_parse(every, &r->every) < 0 || strchr("smh", r->every.unit)) {
			/* 1W, 1y: the period meant, in qts's spelling */
			char fix[16], to[32] = "";
			size_t len = strlen(every);
			if (qts_tf_parse(every, &r->every) == 0)
				; /* a timeframe, but of hours or less */
			else if (qts_tf_suggest(every, fix) == 0 && !strchr("smh", fix[strlen(fix) - 1]))
				snprintf(to, sizeof to, ": write %s", fix);
			else if (len && strchr("dwM", every[len - 1]))
				qts_tf_hint(every, to); /* 0d: the count's range */
			fail(err, "rebalance: every: '%s' is not a period (1d, 1w, 1M, 3M...)%s",
			     quoted(every, strlen(every), q, sizeof q), to);
			goto bad;
		}
		r->have_every = 1;
	}
	if (tz && !every) {
		fail(err, "rebalance: tz goes with every=");
		goto bad;
	}
	if (qts_clock_init(&r->clock, tz) < 0) {
		fail(err, "rebalance: tz: unknown time zone '%s'", quoted(tz, strlen(tz), q, sizeof q));
		goto bad;
	}
	if (from) {
		if (!*from || strlen(from) >= sizeof r->from || qts_type_from_name(from, strlen(from)) != QTS_UNKNOWN ||
		    strspn(from, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(from) ||
		    !(*from >= 'a' && *from <= 'z')) {
			fail(err, "rebalance: from: '%s' is not the name of a type of its own "
			     "(a lowercase name, not bar, target...)", quoted(from, strlen(from), q, sizeof q));
			goto bad;
		}
		QTS_SET(r->from, from);
		return r;
	}
	if (!*weights) {
		fail(err, "rebalance: weights: empty");
		goto bad;
	}
	if ((weights[0] == '@' ? parse_file(r, weights + 1, why, status) : parse_list(r, weights, why)) < 0) {
		fail(err, "rebalance: %s", why);
		goto bad;
	}
	double g = gross(r);
	if (g > r->leverage * (1 + 1e-12)) {
		fail(err, "rebalance: weights: their absolute values add up to %g, above leverage=%g", g,
		     r->leverage);
		goto bad;
	}
	return r;
bad:
	rb_close(r);
	return NULL;
}

/* ---- rebalancing ---------------------------------------------------------- */

/* The equity the held weights are fractions of: the model's, or with
 * --feedback the executing stage's cash and positions at the last closes
 * (NaN before its first equity event). */
static double equity(struct rebalance *r)
{
	double e = r->feedback ? r->fb_cash : r->cash;
	struct rb_sym *s;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, NULL)); i++) {
		double held = r->feedback ? s->qty : s->units;
		if (held != 0)
			e += held * s->price;
	}
	return e;
}

static int put_target(struct rebalance *r, const char *name, struct rb_sym *s,
		      qts_strat_out *out)
{
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, out->now);
	QTS_SET(ev.symbol, name);
	ev.target.target = s->weight + 0.0;
	s->asked = s->weight;
	QTS_SET(ev.target.unit, qts_unit_name(QTS_UNIT_WEIGHT));
	QTS_SET(ev.target.strategy, out->strategy);
	s->pending = 1;
	r->pending = out->now;
	s->owed = 0;
	s->set_at = out->now;
	return out->put(out->ctx, &ev);
}

/* The bars of the time of the targets are all in: the model holds what
 * they asked for, at those closes and that equity, as the executing
 * stage converts a weight once the market data of its time is known. */
static void settle(struct rebalance *r)
{
	double e = equity(r);
	struct rb_sym *s;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, NULL)); i++)
		if (s->pending && r->feedback) {
			s->pending = 0; /* what is held is what feedback says */
		} else if (s->pending) {
			double units = s->asked * e / s->price;
			r->cash -= (units - s->units) * s->price;
			s->units = units;
			s->pending = 0;
		}
	r->pending = INT64_MIN;
}

/* Every listed symbol to its weight, every other one held to 0: first
 * those to be cut, so that what they free pays for what is bought (a
 * simulator or broker checks the cash an order needs as it comes). */
static int rebalance(struct rebalance *r, qts_strat_out *out)
{
	double e = r->started ? equity(r) : 1;
	struct rb_sym *s;
	const char *name;
	if (!r->started) {
		r->started = 1;
		r->cash = 1; /* the model's equity: fractions of the first */
	}
	if (!(isfinite(e) && e > 0))
		e = 1;
	r->rebalances++;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, NULL)); i++) {
		double now = (r->feedback ? s->qty : s->units) * s->price / e;
		/* a cut moves toward 0: a smaller long, a smaller short */
		s->cut = fabs(s->weight) < fabs(now) || s->weight * now < 0;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; (s = qts_symtab_at(r->syms, i, &name)); i++) {
			double held = r->feedback ? s->qty : s->units;
			if (s->cut != (pass == 0))
				continue;
			if (s->weight == 0 && held == 0)
				continue; /* not wanted, not held */
			if (isnan(s->price)) {
				s->owed = s->listed && s->weight != 0;
				continue;
			}
			if (put_target(r, name, s, out) < 0)
				return -1;
		}
	return 0;
}

/* The largest distance of a held weight from its target. */
static double drift(struct rebalance *r)
{
	double e = equity(r), d = 0;
	if (!(e > 0))
		return NAN; /* nothing to measure against */
	struct rb_sym *s;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, NULL)); i++) {
		double held = r->feedback ? s->qty : s->units;
		if (isnan(s->price) || (held == 0 && s->weight == 0))
			continue;
		double x = fabs(held * s->price / e - s->weight);
		d = x > d ? x : d;
	}
	return d;
}

static int rb_bar(void *st, const qts_event *bar, qts_strat_out *out, char *err)
{
	struct rebalance *r = st;
	char q[96];
	if (!(bar->bar.close > 0))
		return 0; /* no price to hold a weight at */
	struct rb_sym *s = sym(r, bar->symbol);
	if (!s)
		return fail(err, "out of memory");
	if (r->pending != INT64_MIN && out->now > r->pending)
		settle(r);
	s->price = bar->bar.close;
	int due = !r->started;
	if (r->have_every) {
		/* A bar is of the period its middle falls in, as qts-resample
		 * places it (qts_clock_bar_place): a daily bar stamped at 00:00
		 * UTC starts the evening before in New York, and by its start
		 * the first trading day of a month was the last one's. */
		int64_t start, end, place = qts_clock_bar_place(&r->clock, bar->ts, qts_event_known(bar) - bar->ts);
		if (qts_bucket(&r->clock, r->every, place, &start, &end) == -1) {
			char tf[16];
			qts_tf_format(r->every, tf);
			return fail(err, "'%s': every=%s: the period of its bar starts before the earliest time",
				    quoted(bar->symbol, strlen(bar->symbol), q, sizeof q), tf);
		}
		if (start > r->period) {
			due |= r->period != INT64_MIN || !r->started;
			r->period = start;
		}
	}
	if (!due && r->band > 0 && r->started && r->pending == INT64_MIN) {
		double d = drift(r);
		due = d > r->band;
	}
	if (due && r->from[0] && gross(r) > r->leverage * (1 + 1e-12))
		return fail(err, "%s events: the weights' absolute values add up to %g at this rebalance, "
			    "above leverage=%g", r->from, gross(r), r->leverage);
	if (due)
		return rebalance(r, out);
	if (s->owed && r->started)
		return put_target(r, bar->symbol, s, out);
	return 0;
}

/* A weight event: TYPE,ts,symbol,weight. */
static int rb_event(void *st, const qts_event *ev, char *err)
{
	struct rebalance *r = st;
	char q[96], t[64], why[QTS_ERR_MAX];
	if (ev->type != QTS_UNKNOWN || !r->from[0] || ev->raw.n < 1)
		return 0;
	const qts_raw_field *f = ev->raw.field;
	if (f[0].kind != QTS_RAW_STR || f[0].len != strlen(r->from) || memcmp(f[0].str, r->from, f[0].len)) {
		if (!r->other[0] && f[0].kind == QTS_RAW_STR && f[0].len > 0 && f[0].len < sizeof r->other &&
		    f[0].str[0] != '#')
			memcpy(r->other, f[0].str, f[0].len), r->other[f[0].len] = '\0';
		return 0;
	}
	if (ev->raw.n != 4)
		return fail(err, "%s event: %zu fields, not 4 (%s,ts,symbol,weight)", r->from, ev->raw.n,
			    r->from);
	char name[QTS_SYM_MAX];
	if (f[2].kind != QTS_RAW_STR || f[2].len == 0 || f[2].len >= sizeof name ||
	    memchr(f[2].str, '\0', f[2].len))
		return fail(err, "%s event: its third field is not a symbol", r->from);
	memcpy(name, f[2].str, f[2].len);
	name[f[2].len] = '\0';
	double w;
	if (f[3].kind == QTS_RAW_STR) {
		size_t n = f[3].len < sizeof t - 1 ? f[3].len : sizeof t - 1;
		memcpy(t, f[3].str, n);
		t[n] = '\0';
		if (check_weight(r, t, &w, why) < 0)
			return fail(err, "%s '%s': %s", r->from,
				    quoted(name, strlen(name), q, sizeof q), why);
	} else {
		w = f[3].kind == QTS_RAW_FLOAT ? f[3].f : f[3].kind == QTS_RAW_INT ? (double)f[3].i
			: f[3].kind == QTS_RAW_UINT ? (double)f[3].u : NAN;
		snprintf(t, sizeof t, "%.17g", w);
		if (check_weight(r, t, &w, why) < 0)
			return fail(err, "%s '%s': %s", r->from,
				    quoted(name, strlen(name), q, sizeof q), why);
	}
	struct rb_sym *s = sym(r, name);
	if (!s)
		return fail(err, "out of memory");
	s->weight = w;
	s->listed = 1;
	return 0; /* their sum is checked when they are used: one change may take several events */
}

static void rb_feedback(void *st, const qts_event *ev)
{
	struct rebalance *r = st;
	struct rb_sym *s;
	if (ev->type == QTS_EQUITY && isfinite(ev->equity.cash))
		r->fb_cash = ev->equity.cash;
	else if (ev->type == QTS_POSITION && (s = sym(r, ev->symbol)))
		s->qty = ev->position.qty;
	else if (ev->type == QTS_FILL && (s = sym(r, ev->symbol)) && isfinite(ev->fill.qty)) {
		int side = qts_side_parse(ev->fill.side);
		s->qty += side * ev->fill.qty;
		if (isfinite(ev->fill.price) && isfinite(ev->fill.commission))
			r->fb_cash -= side * ev->fill.qty * ev->fill.price + ev->fill.commission;
	}
}

/* The input ended: a symbol of the weights that a rebalance asked for
 * but that never had a bar was never targeted, a misspelt symbol most
 * likely.  None of them targeted at all is a backtest of nothing: -1
 * with err.  Some of them: a warning naming the first.  A stage to be
 * restarted (--state) may have read the first part of its stream: a
 * warning, saying "so far". */
static int rb_finish(void *st, int restartable, char *err)
{
	struct rebalance *r = st;
	struct rb_sym *s;
	const char *name, *first = NULL;
	size_t owed = 0, listed = 0, targeted = 0, named = 0;
	for (size_t i = 0; (s = qts_symtab_at(r->syms, i, &name)); i++) {
		listed += s->listed && s->weight != 0;
		named += s->listed;
		targeted += s->set_at != INT64_MIN;
		if (s->owed && !owed++)
			first = name;
	}
	/* from= of a type no event of the input has (misspelt, or the
	 * weights left out of the pipeline): no weight was ever given, and
	 * the run targets nothing, as weights of no symbol with bars would.
	 * Only when bars came: without them nothing was due. */
	if (r->from[0] && !named && r->started) {
		char hint[QTS_WORD_MAX + 48] = "";
		if (r->other[0])
			snprintf(hint, sizeof hint, " (the input has '%s' events)", r->other);
		if (!restartable)
			return fail(err, "rebalance: from=%s: no '%s' event in the input%s: no weight was given, "
				    "nothing was targeted", r->from, r->from, hint);
		qts_warn("end of input: rebalance: from=%s: no '%s' event in the input so far%s: no weight was given, "
			 "nothing was targeted", r->from, r->from, hint);
		return 0;
	}
	/* Weights of 0 alone (every one dropped, or given so): a portfolio
	 * of cash, which may be meant, but is a run of no trade at all. */
	if (named && !listed && !targeted && r->started) {
		qts_warn("end of input: rebalance: %s%s%severy weight given was 0%s: nothing was targeted",
			 r->from[0] ? "from=" : "", r->from, r->from[0] ? ": " : "", restartable ? " so far" : "");
		return 0;
	}
	if (!owed)
		return 0;
	char q[96], others[48] = "";
	quoted(first, strlen(first), q, sizeof q);
	if (owed > 1)
		snprintf(others, sizeof others, " and %zu other%s", owed - 1, owed > 2 ? "s" : "");
	if (!targeted && !restartable)
		return fail(err, "rebalance: no bar of any symbol of the weights ('%s'%s): nothing was targeted", q,
			    others);
	qts_warn("end of input: rebalance: no bar of '%s'%s%s (%zu of %zu symbols of the weights): never targeted",
		 q, others, restartable ? " so far" : "", owed, listed > owed ? listed : owed);
	return 0;
}

/* The portfolio's state, both ways: the model's cash, the period and the
 * pending time, and each symbol's weight, price, holdings, flags and the
 * weight its last target asked, in
 * the order first named (a restored state names the weights' symbols
 * first, as open did). */
static void rb_ck(void *st, qts_ckpt *c)
{
	struct rebalance *r = st;
	qts_ck_tag(c, "rebalance");
	qts_ck_f64(c, &r->cash), qts_ck_f64(c, &r->fb_cash);
	qts_ck_i64(c, &r->period), qts_ck_i64(c, &r->pending);
	qts_ck_int(c, &r->started);
	uint64_t rebalances = r->rebalances;
	qts_ck_u64(c, &rebalances);
	r->rebalances = (unsigned long)rebalances;
	size_t n = qts_symtab_count(r->syms);
	qts_ck_size(c, &n, MAXW + (c->loading ? c->len - c->pos : 0));
	for (size_t i = 0; i < n && !c->bad; i++) {
		const char *key = NULL;
		char name[QTS_SYM_MAX] = "";
		struct rb_sym *y = c->loading ? NULL : qts_symtab_at(r->syms, i, &key);
		if (key)
			QTS_SET(name, key);
		qts_ck_str(c, name, sizeof name);
		if (c->bad)
			return;
		if (c->loading && !(y = sym(r, name))) {
			qts_ck_fail(c, "out of memory");
			return;
		}
		qts_ck_f64(c, &y->weight), qts_ck_int(c, &y->listed), qts_ck_f64(c, &y->price);
		qts_ck_f64(c, &y->units), qts_ck_f64(c, &y->qty);
		qts_ck_int(c, &y->owed), qts_ck_int(c, &y->cut), qts_ck_int(c, &y->pending);
		qts_ck_i64(c, &y->set_at), qts_ck_f64(c, &y->asked);
	}
}

const qts_strat_portfolio qts_rebalance_portfolio = { rb_open, rb_bar, rb_event, rb_feedback,
							rb_close, rb_ck, rb_finish };
