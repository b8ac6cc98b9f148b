/* qts_metrics.h — performance metrics of an equity curve and statistics of
 * round-trip trades, for qts-report.  One convention throughout: that of
 * empyrical (quantopian/empyrical, stats.py); skew and kurtosis follow
 * scipy.stats (biased, Fisher's excess kurtosis) as pyfolio uses them.
 * An undefined figure is NaN (a ratio whose denominator is zero, a
 * statistic of too few returns); writers print it as null. */
#ifndef QTS_METRICS_H
#define QTS_METRICS_H

#include "qts.h"

#define QTS_PERIODS_PER_YEAR 252

/* ---- statistics of a return series (metrics.c) --------------------------
 * r[0..n) are simple periodic returns.  `periods` is the annualisation
 * factor (252 for daily returns); `rf` a risk-free return per period. */

/* empyrical.cum_returns_final: prod(1 + r) - 1. */
double qts_m_total_return(const double *r, size_t n);
/* empyrical.annual_return (cagr): (1 + total)^(periods / n) - 1. */
double qts_m_cagr(const double *r, size_t n, double periods);
/* empyrical.annual_volatility: std(r, ddof=1) * sqrt(periods). */
double qts_m_volatility(const double *r, size_t n, double periods);
/* empyrical.sharpe_ratio: mean(r - rf) / std(r - rf, ddof=1) * sqrt(periods). */
double qts_m_sharpe(const double *r, size_t n, double rf, double periods);
/* empyrical.downside_risk: sqrt(mean(min(r - req, 0)^2)) * sqrt(periods). */
double qts_m_downside_risk(const double *r, size_t n, double req, double periods);
/* empyrical.sortino_ratio: mean(r - req) * periods / downside_risk. */
double qts_m_sortino(const double *r, size_t n, double req, double periods);
/* empyrical.max_drawdown: the least (c - max(c)) / max(c) over the
 * cumulative value c, where c[0] = 1 (the start) and c[i] = prod(1 + r[0..i)).
 * The indexes (into c, so 0 is the start and i is after r[i-1]) of the
 * peak, the trough and the recovery (first c >= the peak after the trough,
 * or -1) are stored where the pointers are not NULL. */
double qts_m_max_drawdown(const double *r, size_t n, long *peak, long *trough, long *recovery);
/* A drawdown period: indexes into the cumulative value c as
 * qts_m_max_drawdown's (recovery -1 while under water), and its depth,
 * (c[trough] - c[peak]) / c[peak] < 0. */
typedef struct qts_m_dd {
	long peak, trough, recovery;
	double depth;
} qts_m_dd;
/* The `max` deepest drawdown periods, deepest first (an earlier one first
 * at equal depth), as pyfolio's get_top_drawdowns: a period runs from the
 * last point at the running maximum to the first point back at it, so
 * periods do not overlap.  Returns how many were stored in out. */
size_t qts_m_drawdowns(const double *r, size_t n, qts_m_dd *out, size_t max);
/* empyrical.calmar_ratio: cagr / |max_drawdown|; NaN without a drawdown. */
double qts_m_calmar(const double *r, size_t n, double periods);
/* empyrical.omega_ratio: sum of gains over sum of losses of r - rf - t,
 * with t = (1 + required)^(1 / periods) - 1 for an annual `required`. */
double qts_m_omega(const double *r, size_t n, double rf, double required, double periods);
/* numpy.percentile (linear interpolation), p in [0, 100]. */
double qts_m_percentile(const double *r, size_t n, double p);
/* empyrical.tail_ratio: |percentile 95| / |percentile 5|. */
double qts_m_tail_ratio(const double *r, size_t n);
/* empyrical.value_at_risk: percentile(r, 100 * cutoff). */
double qts_m_value_at_risk(const double *r, size_t n, double cutoff);
/* empyrical.stability_of_timeseries: r^2 of a least-squares line through
 * cumsum(log1p(r)) against 0..n-1 (0 when either variance is 0, as scipy's
 * linregress). */
double qts_m_stability(const double *r, size_t n);
/* scipy.stats.skew and scipy.stats.kurtosis with their defaults (biased,
 * Fisher): m3 / m2^1.5 and m4 / m2^2 - 3. */
double qts_m_skew(const double *r, size_t n);
double qts_m_kurtosis(const double *r, size_t n);
/* empyrical.beta: cov(r - rf, f) / var(f), both with ddof 0. */
double qts_m_beta(const double *r, const double *f, size_t n, double rf);
/* empyrical.alpha: (1 + mean(r - rf - beta (f - rf)))^periods - 1. */
double qts_m_alpha(const double *r, const double *f, size_t n, double rf, double periods);
/* empyrical.excess_sharpe (the information ratio): mean(r - f) / std(r - f,
 * ddof=1), not annualised. */
double qts_m_information_ratio(const double *r, const double *f, size_t n);
/* Pearson's correlation (numpy.corrcoef). */
double qts_m_correlation(const double *r, const double *f, size_t n);
/* empyrical.roll_sharpe_ratio: out[i] is the Sharpe ratio of
 * r[i+1-window..i] for i >= window-1, NaN before. */
void qts_m_rolling_sharpe(const double *r, size_t n, size_t window, double rf,
			  double periods, double *out);

/* ---- an equity curve sampled by session day (report_perf.c) ---------------------
 * Feed bars, equity events (and benchmark closes, and the current exposure)
 * in stream order.  The first equity is the starting value; each session
 * day then keeps its last equity.  Memory grows with the number of days
 * only.  A session day is a local date of a clock (qts_resample.h): an
 * event within the last bar given (start to end, both included) belongs to
 * that bar's day, the local date of its middle; any other to the date of
 * its time.  So the equity qts-sim writes at a daily bar's end (the next
 * midnight) is that bar's day's. */

typedef struct qts_point {
	int64_t ts;     /* time of the last equity event of that day */
	int64_t day;    /* the session day, in days since 1970-01-01 */
	double equity;
	double bench;   /* benchmark close at that day (NaN without one) */
	int exposed;    /* a position was held at some time of the day */
} qts_point;

typedef struct qts_perf qts_perf;
struct qts_clock;

/* clock: the zone of the session days, NULL for UTC; it must outlive p. */
qts_perf *qts_perf_new(struct qts_clock *clock);
void qts_perf_free(qts_perf *p);
/* Session days that begin at local time of day tod (ns after midnight) on
 * the evening before, for sessions that run overnight (17:00-16:00: the
 * evening of the 1st is part of the 2nd); 0, the default, is midnight. */
void qts_perf_day_start(qts_perf *p, int64_t tod);
/* A bar [start, end) of the stream; returns its session day. */
int64_t qts_perf_bar(qts_perf *p, int64_t start, int64_t end);
/* An equity value at ts; 0, or -1 when out of memory. */
int qts_perf_equity(qts_perf *p, int64_t ts, double equity);
/* The open and close of a benchmark bar [start, end) (which counts as a
 * bar as qts_perf_bar's); 0 or -1.  Its price at the start of the curve
 * is the close of its bar that holds that time (the last to start before
 * it), or, when none does, the open of its first bar when that bar is of
 * the same day (NaN or 0 and below: none, its close). */
int qts_perf_bench(qts_perf *p, int64_t start, int64_t end, double open, double close);
/* Whether any position is open from ts on (a day counts as exposed when
 * a position is open at some time of it); 0 or -1. */
int qts_perf_holding(qts_perf *p, int64_t ts, int holding);
/* The curve: point 0 is the start, point i >= 1 the close of a day.  The
 * array is valid until the next call on p. */
const qts_point *qts_perf_points(qts_perf *p, size_t *n);

/* How many points the curve has so far (cheap: no benchmark alignment). */
size_t qts_perf_count(const qts_perf *p);
/* Whether the benchmark has bars and none of them is of a day of the
 * curve (its returns are then 0 throughout): 1 with span the times of
 * the curve's first and last points and of the benchmark's first and
 * last bars, else 0. */
int qts_perf_bench_apart(const qts_perf *p, int64_t span[4]);
/* How many of the curve's *ndays days fall before the benchmark's first
 * bar or after its last (its returns are 0 there), with span as above. */
size_t qts_perf_bench_partial(const qts_perf *p, size_t *ndays, int64_t span[4]);

/* ---- the book of a run, for the HTML tearsheet (report_book.c) -----------
 * Kept beside qts_perf, apart from it: the exposure of each point of the
 * curve (from equity events' gross and net), and each symbol's money from
 * its fills.  Memory follows points and symbols, not events. */

typedef struct qts_book qts_book;

/* A symbol's P&L: cash from its fills (commissions paid) plus its open
 * quantity at its last price. */
typedef struct qts_sym_pnl {
	char symbol[QTS_SYM_MAX];
	double pnl;
	double qty;        /* open at the end */
	long fills;
} qts_sym_pnl;

qts_book *qts_book_new(void);
void qts_book_free(qts_book *b);
/* The gross and net market value of the positions at point `point` of
 * the curve (qts_perf_count() - 1 after the equity event); 0 or -1. */
int qts_book_exposure(qts_book *b, size_t point, double gross, double net);
/* A fill (dir +1 buy, -1 sell, mult as qts_trades_fill); 0 or -1. */
int qts_book_fill(qts_book *b, const char *symbol, int dir, double qty, double price,
		  double mult, double commission);
/* A split of ratio new units for one: symbol's open quantity times
 * ratio, its last fill's price over it (its money is unchanged). */
void qts_book_split(qts_book *b, const char *symbol, double ratio);
/* Gross and net market values of points 0..n-1 (NaN where no equity
 * event gave them); valid until the next call on b; NULL when out of
 * memory. */
const double *qts_book_gross(qts_book *b, size_t n);
const double *qts_book_net(qts_book *b, size_t n);
/* Every symbol's P&L, its open quantity valued at last(arg, symbol) (its
 * last close, or NaN: then its last fill's price), in the order of first
 * fills.
 * The array is the caller's to free; NULL when out of memory. */
qts_sym_pnl *qts_book_pnl(const qts_book *b, double (*last)(void *arg, const char *symbol),
			  void *arg, size_t *n);

/* ---- trades: FIFO round trips per symbol (report_trades.c) --------------------- */

typedef struct qts_trip {
	char symbol[QTS_SYM_MAX];
	int dir;             /* +1 long, -1 short */
	double qty;
	int64_t entry_ts, exit_ts;
	double entry_price, exit_price;
	double commission;   /* shares of the entry's and the exit's commission */
	double pnl;          /* (exit - entry) * qty * mult * dir - commission */
	double ret;          /* pnl / (entry_price * qty * mult) */
} qts_trip;

typedef struct qts_trade_stats {
	long trades, wins, losses;
	double gross_win, gross_loss;  /* sums of pnl > 0 and of pnl < 0 */
	double pnl;                    /* sum of every trip's pnl */
	double pnl_mean, pnl_m2;       /* running mean and sum of squared
					  deviations of pnl (Welford) */
	double largest_win, largest_loss;
	double holding_ns;             /* sum of exit_ts - entry_ts */
	double commission, slippage;   /* of every fill, closed or not */
	double notional;               /* sum of |qty * price * mult| of every fill */
	long fills;
} qts_trade_stats;

typedef struct qts_trades qts_trades;

/* keep: remember every trip (for a table) besides the statistics. */
qts_trades *qts_trades_new(int keep);
void qts_trades_free(qts_trades *t);
/* A fill: dir +1 buy, -1 sell; qty > 0; mult the money per point per unit
 * of quantity (a contract's multiplier, 1 for a share: the same symbol
 * must always come with the same).  Closes open lots of the symbol
 * first in, first out, then opens a lot with what remains.  Returns the
 * number of trips it closed, or -1 when out of memory. */
int qts_trades_fill(qts_trades *t, int64_t ts, const char *symbol, int dir, double qty,
		    double price, double mult, double commission, double slippage);
/* A split of ratio new units for one (a reverse split below 1), as
 * qts-sim --actions applies it: the open lots of symbol hold ratio times
 * the quantity at 1/ratio the price, so the trips that close them keep
 * the cost they were opened at. */
void qts_trades_split(qts_trades *t, const char *symbol, double ratio);
const qts_trade_stats *qts_trades_stats(const qts_trades *t);
/* The kept trips in the order they closed. */
const qts_trip *qts_trades_list(const qts_trades *t, size_t *n);
/* Whether any lot is open. */
int qts_trades_open(const qts_trades *t);

/* Figures derived from the statistics (NaN where undefined). */
double qts_trades_win_rate(const qts_trade_stats *s);
double qts_trades_avg_win(const qts_trade_stats *s);
double qts_trades_avg_loss(const qts_trade_stats *s);
double qts_trades_profit_factor(const qts_trade_stats *s);
double qts_trades_expectancy(const qts_trade_stats *s);
double qts_trades_avg_holding_days(const qts_trade_stats *s);
/* Van Tharp's system quality number, as backtrader's SQN analyzer:
 * sqrt(N) * mean(pnl) / std(pnl, ddof=0) over the N closed trips; 0 when
 * N <= 1, NaN when every pnl is the same. */
double qts_trades_sqn(const qts_trade_stats *s);

/* ---- the summary of a run (report_summary.c) ------------------------------------ */

/* Every figure of a report, in the order reports print them.  The names
 * (qts_metric_table) are the keys of qts-report --json. */
enum {
	QTS_M_START, QTS_M_END, QTS_M_DAYS, QTS_M_START_EQUITY, QTS_M_END_EQUITY,
	QTS_M_TOTAL_RETURN, QTS_M_CAGR, QTS_M_VOLATILITY, QTS_M_SHARPE, QTS_M_SORTINO,
	QTS_M_CALMAR, QTS_M_MAX_DRAWDOWN, QTS_M_DD_PEAK, QTS_M_DD_TROUGH, QTS_M_DD_RECOVERY,
	QTS_M_DD_DURATION, QTS_M_OMEGA, QTS_M_TAIL_RATIO, QTS_M_STABILITY, QTS_M_SKEW,
	QTS_M_KURTOSIS, QTS_M_BEST_DAY, QTS_M_WORST_DAY, QTS_M_VALUE_AT_RISK, QTS_M_EXPOSURE,
	QTS_M_TRADES, QTS_M_WIN_RATE, QTS_M_AVG_WIN, QTS_M_AVG_LOSS, QTS_M_PROFIT_FACTOR,
	QTS_M_EXPECTANCY, QTS_M_SQN, QTS_M_LARGEST_WIN, QTS_M_LARGEST_LOSS, QTS_M_AVG_HOLDING_TIME,
	QTS_M_TOTAL_COMMISSION, QTS_M_TOTAL_SLIPPAGE, QTS_M_TURNOVER,
	QTS_M_BENCHMARK_RETURN, QTS_M_ALPHA, QTS_M_BETA, QTS_M_INFORMATION_RATIO,
	QTS_M_CORRELATION,
	QTS_NMETRICS
};

typedef enum qts_mkind {
	QTS_MK_RATIO,  /* a plain number */
	QTS_MK_FRAC,   /* a fraction, shown as a percentage */
	QTS_MK_DATE,   /* a session day (in t[]) */
	QTS_MK_COUNT,  /* an integer */
	QTS_MK_DAYS,   /* a duration in days */
	QTS_MK_MONEY   /* an amount in the account's currency */
} qts_mkind;

typedef struct qts_metric_info {
	const char *name;   /* JSON key: "total_return" */
	const char *label;  /* text report: "Total return" */
	qts_mkind kind;
} qts_metric_info;

const qts_metric_info *qts_metric_table(void); /* QTS_NMETRICS entries */

#define QTS_TOP_DRAWDOWNS 5

/* A drawdown period in session days (recovery QTS_TS_MIN while under
 * water); days: session days from the peak to the recovery, or to the
 * last day. */
typedef struct qts_dd_period {
	int64_t peak, trough, recovery;
	double depth;
	long days;
} qts_dd_period;

typedef struct qts_summary {
	double v[QTS_NMETRICS];   /* NaN where undefined; unused for dates */
	qts_dd_period dd[QTS_TOP_DRAWDOWNS]; /* the worst drawdowns, deepest first */
	size_t ndd;
	int64_t t[QTS_NMETRICS];  /* session days (days since 1970-01-01);
				     QTS_TS_MIN where undefined */
	int64_t ruin;             /* the day equity fell to 0 or below */
	/* Financing, when the equity events carried it (qts-sim
	 * --cash-rate...): the latest cumulative amounts, shown after
	 * total_slippage only then, so that other reports keep their rows. */
	int have_fin;
	double fin[3];            /* QTS_FIN_INTEREST, _BORROW, _MARGIN */
} qts_summary;

enum { QTS_FIN_INTEREST, QTS_FIN_BORROW, QTS_FIN_MARGIN, QTS_NFIN };
/* The key (total_interest...) and label of a financing row. */
const char *qts_fin_name(int k);
const char *qts_fin_label(int k);
/* A financing amount as the text report shows it. */
void qts_fin_text(const qts_summary *s, int k, char *buf, size_t size);

typedef struct qts_summary_opts {
	double periods;    /* annualisation factor, 252 */
	double risk_free;  /* annual rate */
	int benchmark;     /* compute the benchmark figures */
} qts_summary_opts;

/* The daily returns of the curve (and of the benchmark when f is not
 * NULL), n of them, in arrays the caller frees.  A return is defined while
 * the previous equity is positive: the series stops at ruin.  0 or -1. */
int qts_perf_returns(const qts_point *pt, size_t npt, double **r, double **f, size_t *n);
/* The per-period risk-free return for an annual rate. */
double qts_risk_free_per_period(double annual, double periods);
/* Compute every figure; 0 or -1 when out of memory. */
int qts_summary_compute(qts_perf *p, const qts_trade_stats *ts, const qts_summary_opts *o,
			qts_summary *s);

typedef struct qts_period_return {
	int year;
	int month;   /* 1..12, or 0 for a whole year */
	double ret;
} qts_period_return;

/* Returns compounded by calendar month (monthly) or year of the points'
 * session days, as empyrical.aggregate_returns.  out needs room for one entry
 * per point; returns the number of periods. */
size_t qts_period_returns(const qts_point *pt, size_t npt, int monthly, qts_period_return *out);

/* ---- writing a report (report.c, report_html.c) -------------------------- */

/* A metric's value as the text report shows it ("-" undefined). */
void qts_metric_text(const qts_summary *s, int i, char *buf, size_t size);
/* v with decimals decimals then suffix ("%.2f%%"), or, at 1e15 or more, in
 * exponent notation with 4 significant digits ("1.122e+307%"); a value
 * that rounds to zero has no sign, and NaN or inf is "-" (undefined). */
void qts_fixed_text(double v, int decimals, const char *suffix, char *buf, size_t size);
/* A price: 6 significant digits and at least 2 decimals, without the
 * zeros after them (1.1076, 187.45, 600000.00, 0.0001234); exponent
 * notation below 1e-8 and from 1e15; "-" when not finite. */
void qts_price_text(double v, char *buf, size_t size);
/* A quantity: as a price, with 10 significant digits and no decimals
 * unless it has some (100, 1234567, 0.1). */
void qts_qty_text(double v, char *buf, size_t size);
/* A fraction as a percentage, as qts_fixed_text(frac * 100, ...) would,
 * also where frac * 100 passes double's range (1e308 is "1.000e+310"). */
void qts_percent_text(double frac, int decimals, const char *suffix, char *buf, size_t size);
/* A session day (days since the epoch) as YYYY-MM-DD. */
void qts_day_text(int64_t day, char *buf, size_t size);

typedef struct qts_run {
	const char *name;         /* the input, for titles and --compare */
	const char *benchmark;    /* its symbol, or NULL */
	double periods, risk_free;
	qts_summary sum;
	const qts_point *pt;      /* the curve (qts_perf_points) */
	size_t npt;
	const qts_trip *trips;    /* the trips kept, if any */
	size_t ntrips;
	/* for the HTML page: */
	int log_scale;            /* QTS_LOG_AUTO, _ON or _OFF */
	const double *gross, *net; /* exposure by point (npt of each), or NULL */
	const qts_sym_pnl *sym_pnl; /* P&L by symbol */
	size_t nsym;
} qts_run;

enum { QTS_LOG_AUTO, QTS_LOG_ON, QTS_LOG_OFF };

/* Each returns 0, or -1 when writing to f failed. */
/* The aligned summary with the curve and the drawdown drawn in braille;
 * color: ANSI colours for a terminal. */
int qts_report_text(FILE *f, const qts_run *run, int color);
/* One JSON object: the metric names as keys, dates YYYY-MM-DD, null where
 * undefined, then monthly_returns and yearly_returns. */
int qts_report_json(FILE *f, const qts_run *run);
/* s as a JSON string: quoted, '"', '\\' and control characters escaped
 * (s is UTF-8, as every text of the stream). */
void qts_json_str(FILE *f, const char *s);
/* Metric i of s as qts_report_csv writes it (json 0: empty where
 * undefined) or qts_report_json (json 1: null). */
void qts_report_value(FILE *f, const qts_summary *s, int i, int json);
/* `metric,value` rows. */
int qts_report_csv(FILE *f, const qts_run *run);
/* The round trips, one CSV row each. */
int qts_report_trades_csv(FILE *f, const qts_trip *t, size_t n);
/* Several runs side by side: a column (or a JSON object) per run. */
int qts_report_compare(FILE *f, const qts_run *runs, size_t n, int json, int csv);
/* One self-contained HTML page (inline SVG and CSS, no scripts). */
int qts_report_html(FILE *f, const qts_run *run);

/* ---- checkpoints of qts-report (--state; qts_checkpoint.h) ---------------
 * What each part has accumulated, both ways: saving, written to c;
 * loading, read from c into a part just made from the same options.
 * 0, or -1 (the ckpt says why). */
struct qts_ckpt;
int qts_perf_ck(qts_perf *p, struct qts_ckpt *c);
int qts_trades_ck(qts_trades *t, struct qts_ckpt *c);
int qts_book_ck(qts_book *b, struct qts_ckpt *c);

#endif
