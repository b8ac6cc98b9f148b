/* fetch_synth.c — generated bars: a seeded random walk per symbol (geometric
 * Brownian motion with a small drift), with OHLC and volume shaped like a
 * real market's, on business days and within a trading session.  The same
 * seed gives the same bars on every machine: the generator (xoshiro256**)
 * and the arithmetic are fixed, and prices are rounded to cents. */
#include "qts_fetch.h"
#include "qts_time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct walk {
	char symbol[QTS_SYM_MAX];
	uint64_t rng[4];
	double close, sigma, drift, volume;
	long emitted;
	double spare;     /* Box-Muller yields normals in pairs */
	int has_spare;
} walk;

struct qts_synth {
	qts_synth_opts o;
	walk *w;
	size_t n, next;     /* symbols, and the next to emit at this time */
	int64_t day;        /* current business day (days since the epoch) */
	int64_t t, t_end;   /* current bar start and the session's end */
	int64_t step;       /* bar length in ns (0 for months) */
	int daily;          /* one bar per period, stamped at midnight UTC */
	double bar_sigma_k; /* sqrt of the bar's share of a day */
	int started, done;
	int session_start; /* the current bar opens a session (an overnight gap) */
	char tf[QTS_WORD_MAX];
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next_u64(uint64_t *s)
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3];
	s[2] ^= t, s[3] = rotl(s[3], 45);
	return r;
}

static inline double uniform(walk *w) /* (0, 1) */
{
	return ((double)(next_u64(w->rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(walk *w)
{
	if (w->has_spare) {
		w->has_spare = 0;
		return w->spare;
	}
	double u = uniform(w), v = uniform(w);
	double r = sqrt(-2 * log(u)), a = 2 * M_PI * v;
	w->spare = r * sin(a);
	w->has_spare = 1;
	return r * cos(a);
}

/* round(x), exactly, without the call (a generated bar takes five): below
 * 2^52 in magnitude x - trunc(x) is exact, so the half is told exactly,
 * and the sign is x's, as round's (-0.3 gives -0).  Others (large, not
 * finite) go to round itself. */
static inline double round_half_away(double x)
{
	if (!(fabs(x) < 4503599627370496.0))
		return round(x);
	double t = (double)(int64_t)x;
	/* no branch: which way a price rounds is a coin toss, and a
	 * mispredicted branch costs more than the call */
	t += copysign((double)(fabs(x - t) >= 0.5), x);
	return copysign(t, x);
}

/* fmax and fmin without the call: the number where one is NaN, b when
 * they are equal (the two differ only for zeros of both signs, and a
 * generated price is never zero). */
#if defined(__SSE2__)
/* a > b ? a : b in one instruction: the compiler branches on it, and
 * which of the open and the close is the higher is a coin toss */
static inline double max_sd(double a, double b) { return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(a), _mm_set_sd(b))); }
static inline double min_sd(double a, double b) { return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(a), _mm_set_sd(b))); }
#else
static inline double max_sd(double a, double b) { return a > b ? a : b; }
static inline double min_sd(double a, double b) { return a < b ? a : b; }
#endif

static inline double larger(double a, double b) { return isnan(b) ? a : max_sd(a, b); }
static inline double smaller(double a, double b) { return isnan(b) ? a : min_sd(a, b); }

static double cents(double x)
{
	double c = round_half_away(x * 100) / 100;
	return c < 0.01 ? 0.01 : c;
}

/* Local midnight of day d in the session's zone, as ns UTC. */
static int64_t local_midnight(int64_t d, const char *tz)
{
	return tz ? qts_local_to_utc(d * QTS_NS_PER_DAY) : d * QTS_NS_PER_DAY;
}

/* Is day d one the zone skips whole (Pacific/Apia's Friday 2011-12-30)?
 * Its midnight is then the next day's, and a business day's bars there
 * fell on the Saturday. */
static int day_skipped(int64_t d, const char *tz)
{
	return tz && qts_local_date(local_midnight(d, tz)) != d;
}

static int weekday(int64_t d) /* 0 = Monday */
{
	return (int)(((d % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}

int qts_synth_check_symbols(const char *symbols, char *err)
{
	if (!*symbols) {
		snprintf(err, 256, "names no symbol (synth:SYM[,SYM...])");
		return -1;
	}
	for (const char *s = symbols;;) {
		size_t n = strcspn(s, ",");
		char shown[4 * QTS_SYM_MAX + 8];
		const char *fault = qts_symbol_name_fault(s, n, shown);
		if (fault) {
			snprintf(err, 256, "'%.64s' is not a symbol (%s%s)", shown, n == 0 || n >= QTS_SYM_MAX ? "" : "it ",
				 n == 0 || n >= QTS_SYM_MAX ? "1 to 31 bytes" : fault);
			return -1;
		}
		/* The same symbol twice would make every bar twice. */
		for (const char *t = symbols; t < s; t += strcspn(t, ",") + 1)
			if (strcspn(t, ",") == n && strncmp(t, s, n) == 0) {
				snprintf(err, 256, "'%.*s' is named twice", (int)n, s);
				return -1;
			}
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

qts_synth *qts_synth_new(const char *symbols, const qts_synth_opts *o, char *err)
{
	qts_synth *s = calloc(1, sizeof *s);
	char *list = strdup(symbols);
	if (!s || !list) {
		snprintf(err, 256, "out of memory");
		goto fail;
	}
	s->o = *o;
	if (o->tz && qts_tz_use(o->tz) < 0) {
		snprintf(err, 256, "%s: not an installed time zone", o->tz);
		goto fail;
	}
	if (qts_synth_check_symbols(symbols, err) < 0)
		goto fail;
	for (char *save, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		walk *nw = realloc(s->w, (s->n + 1) * sizeof *nw);
		if (!nw)
			goto fail;
		s->w = nw;
		walk *w = &s->w[s->n++];
		memset(w, 0, sizeof *w);
		qts_strlcpy(w->symbol, tok, sizeof w->symbol);
		/* Each symbol's own stream: the seed mixed with its name. */
		uint64_t x = o->seed;
		for (const char *c = tok; *c; c++)
			x = (x ^ (unsigned char)*c) * 1099511628211ULL;
		for (int i = 0; i < 4; i++)
			w->rng[i] = splitmix(&x);
		w->close = cents(20 + 180 * uniform(w));
		w->sigma = 0.01 + 0.02 * uniform(w);   /* daily volatility 1-3% */
		w->drift = 0.0002 + 0.0004 * (uniform(w) - 0.5);
		w->volume = 2e5 + 5e6 * uniform(w);     /* shares a day */
	}
	if (!s->n) {
		snprintf(err, 256, "synth: no symbols");
		goto fail;
	}
	free(list);
	s->step = qts_tf_ns(o->tf);
	qts_tf_format(o->tf, s->tf);
	s->daily = o->tf.unit == 'd' || o->tf.unit == 'w' || o->tf.unit == 'M';
	double session_ns = (double)(o->session_close - o->session_open) * 60 * QTS_NS_PER_SEC;
	s->bar_sigma_k = s->daily ? (o->tf.unit == 'd' ? sqrt(o->tf.n) : o->tf.unit == 'w' ? sqrt(5.0 * o->tf.n)
										  : sqrt(21.0 * o->tf.n))
				  : sqrt((double)s->step / session_ns);
	/* The loop of advance_time starts the day after: two days before the
	 * UTC date of --from, floored (a time before 1970 is negative), so
	 * that a session of a zone west of UTC that is still open at --from,
	 * on the local date before, is not passed over. */
	s->day = qts_floor_div(o->from, QTS_NS_PER_DAY) - 2;
	if (s->day < qts_floor_div(INT64_MIN, QTS_NS_PER_DAY)) /* its midnight has a time */
		s->day = qts_floor_div(INT64_MIN, QTS_NS_PER_DAY);
	return s;
fail:
	free(list);
	if (s)
		free(s->w);
	free(s);
	return NULL;
}

/* Move to the next bar time; 0 when past the end. */
static int advance_time(qts_synth *s)
{
	const qts_tf tf = s->o.tf;
	if (s->daily) {
		if (!s->started) {
			s->started = 1;
			s->day = s->o.daily_local ? qts_local_date(s->o.from) /* TZ: qts_synth_new */ : qts_floor_div(s->o.from, QTS_NS_PER_DAY);
		} else if (tf.unit == 'M') {
			int y;
			unsigned m, d;
			qts_civil_from_days(s->day, &y, &m, &d);
			int months = (int)m - 1 + tf.n;
			s->day = qts_days_from_civil(y + months / 12, (unsigned)(months % 12) + 1, 1);
		} else
			s->day += tf.unit == 'w' ? 7 * tf.n : tf.n;
		if (tf.unit == 'M') { /* the 1st of a month */
			int y;
			unsigned m, d;
			qts_civil_from_days(s->day, &y, &m, &d);
			if (d != 1)
				s->day = qts_days_from_civil(y + (m == 12), m == 12 ? 1 : m + 1, 1);
		} else if (tf.unit == 'w')
			s->day -= weekday(s->day); /* weeks start on Monday */
		else
			while (weekday(s->day) >= 5 || (s->o.daily_local && day_skipped(s->day, s->o.tz)))
				s->day++;
		if (qts_time_mul(s->day, QTS_NS_PER_DAY, &s->t))
			return 1; /* past the last time: qts_synth_next says so */
		if (s->o.daily_local) /* dated as a vendor's daily file read with --tz */
			s->t = local_midnight(s->day, s->o.tz);
		return s->t < s->o.to;
	}
	if (s->started && s->t + 2 * s->step <= s->t_end) {
		s->t += s->step;
		s->session_start = 0;
		return 1;
	}
	s->session_start = 1;
	s->started = 1;
	/* The next business day with room for a bar in its session. */
	for (;;) {
		s->day++;
		if (weekday(s->day) >= 5 || day_skipped(s->day, s->o.tz))
			continue;
		int64_t mid = local_midnight(s->day, s->o.tz);
		if (qts_time_add(mid, (int64_t)s->o.session_open * 60 * QTS_NS_PER_SEC, &s->t) ||
		    qts_time_add(mid, (int64_t)s->o.session_close * 60 * QTS_NS_PER_SEC, &s->t_end))
			return 1; /* past the last time: qts_synth_next says so */
		if (s->t < s->o.from) {
			/* --from within the session: its bars from there on, on
			 * the session's phase, as -f keeps the bars at or after
			 * it (a day is passed over only when none is left). */
			int64_t k = (s->o.from - s->t - 1) / s->step + 1, t;
			if (qts_time_mul(k, s->step, &t) || qts_time_add(s->t, t, &t) || t > s->t_end - s->step)
				continue;
			s->t = t;
		}
		if (s->t >= s->o.to)
			return 0;
		if (s->t + s->step <= s->t_end)
			return 1;
	}
}

static void make_bar(qts_synth *s, walk *w, qts_event *ev)
{
	const double sig = w->sigma * s->bar_sigma_k;
	double open = w->close;
	if (s->daily || s->session_start)
		open *= exp(0.25 * w->sigma * normal(w)); /* overnight gap */
	double close = open * exp(w->drift * s->bar_sigma_k * s->bar_sigma_k - 0.5 * sig * sig + sig * normal(w));
	double hi = larger(open, close) * (1 + 0.6 * sig * uniform(w));
	double lo = smaller(open, close) * (1 - 0.6 * sig * uniform(w));
	open = cents(open), close = cents(close);
	hi = larger(cents(hi), larger(open, close));
	lo = smaller(cents(lo), smaller(open, close));
	double share = s->bar_sigma_k * s->bar_sigma_k;
	double vol = round_half_away(w->volume * share * exp(0.4 * (uniform(w) + uniform(w) + uniform(w) - 1.5)));
	/* Only a bar's fields are set: clearing the whole event per bar would
	 * cost more than making the bar. */
	ev->type = QTS_BAR;
	ev->ts = s->t;
	memcpy(ev->symbol, w->symbol, sizeof ev->symbol);
	memcpy(ev->bar.tf, s->tf, sizeof ev->bar.tf);
	ev->bar.open = open, ev->bar.high = hi, ev->bar.low = lo, ev->bar.close = close;
	ev->bar.volume = vol < 0 ? 0 : vol;
	w->close = close;
	w->emitted++;
}

/* The last day whose bars, stamped in int64 ns, end before 2262-04-11. */
#define LAST_DAY (INT64_MAX / QTS_NS_PER_DAY - 2)

int qts_synth_next(qts_synth *s, qts_event *ev)
{
	if (s->done)
		return s->done < 0 ? -1 : 0;
	if (s->next == 0 || s->next >= s->n) {
		if (s->o.count && s->started && s->w[0].emitted >= s->o.count)
			return s->done = 1, 0;
		if (!advance_time(s))
			return s->done = 1, 0;
		if (s->day > LAST_DAY)
			return s->done = -1; /* asked for more than time holds */
		/* A bar is known at its end: one that would end past the last
		 * time (2024-01-01 + 999999w) is read by no stage, so it is not
		 * written, as a vendor's such bar is refused. */
		int64_t end;
		if (qts_tf_end_checked(s->o.tf, s->t, &end) != 0)
			return s->done = -1;
		s->next = 0;
	}
	make_bar(s, &s->w[s->next++], ev);
	return 1;
}

void qts_synth_free(qts_synth *s)
{
	if (!s)
		return;
	free(s->w);
	free(s);
}
