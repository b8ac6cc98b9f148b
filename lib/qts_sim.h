/* qts_sim.h — the simulated broker of libqts: costs, the fill model, the
 * portfolio, corporate actions and the engine qts-sim(1) runs.  The models
 * and their formulas are documented in qts-sim(1). */
#ifndef QTS_SIM_H
#define QTS_SIM_H

#include "qts.h"
#include "qts_sum.h"

/* ---- costs (sim_costs.c) ---------------------------------------------------- */

enum { QTS_COMM_NONE, QTS_COMM_BPS, QTS_COMM_PER_SHARE };
typedef struct qts_commission {
	int kind;
	double bps;       /* QTS_COMM_BPS: of the notional, [0, 10000] */
	double per_share; /* QTS_COMM_PER_SHARE: per share or contract */
	double min;       /* per fill, 0 for none */
	double max_pct;   /* cap in percent of the notional, (0, 100]; 0 for none */
} qts_commission;

/* `bps=N` or `per-share=X[,min=Y][,max-pct=Z]` (`per-contract=` is
 * another name for `per-share=`).  0, or -1 with a message in err (at
 * least 256 bytes). */
int qts_commission_parse(const char *spec, qts_commission *c, char *err);
/* Commission of one fill of qty (> 0) at price of an instrument whose
 * notional is qty * price * mult (mult 1 for shares). */
double qts_commission_of(const qts_commission *c, double qty, double price, double mult);

enum { QTS_SLIP_NONE, QTS_SLIP_BPS, QTS_SLIP_TICKS, QTS_SLIP_SPREAD };
typedef struct qts_slippage {
	int kind;
	double bps, ticks, tick;
} qts_slippage;

/* `bps=N` (N < 10000), `ticks=N[,tick=X]` or `spread`; without tick=X,
 * ticks are those of each symbol's instrument (tick is 0).  0 or -1 with
 * err. */
int qts_slippage_parse(const char *spec, qts_slippage *s, char *err);
/* The adverse move per share of a fill at price; half_spread is half the
 * last quoted spread of the symbol (0 when none is known).  Quote fills
 * already pay the spread: pass half_spread 0 for them.  tick is the
 * symbol's tick size (0 when unknown), used by ticks=N without tick=X:
 * NaN when neither is known. */
double qts_slippage_per_share(const qts_slippage *s, double price, double half_spread,
			      double tick);

/* Square-root market impact on rolling volatility and average volume. */
typedef struct qts_impact {
	int on;
	double k;
	int window; /* bars */
} qts_impact;

/* `sqrt,k=X[,window=N]`.  0 or -1 with err. */
int qts_impact_parse(const char *spec, qts_impact *m, char *err);
/* k * sigma * price * sqrt(qty / adv); 0 while sigma or adv is unknown. */
double qts_impact_per_share(const qts_impact *m, double price, double qty, double sigma,
			    double adv);

/* Rolling standard deviation of log close-to-close returns and mean
 * volume over the last `window` bars, in O(1) a bar from exact running
 * sums (qts_sum.h); memory is fixed at init. */
typedef struct qts_roll {
	int window, nret, nvol, iret, ivol;
	double last_close;
	double *ret, *vol;
	qts_moments mret;
	qts_sum svol;
} qts_roll;
int qts_roll_init(qts_roll *r, int window); /* 0 or -1 (no memory) */
void qts_roll_push(qts_roll *r, double close, double volume);
double qts_roll_sigma(const qts_roll *r); /* NaN until 2 returns */
double qts_roll_adv(const qts_roll *r);   /* NaN until 1 volume */
void qts_roll_free(qts_roll *r);

/* ---- instruments (instrument.c) ----------------------------------------- */

/* A contract specification.  Without one a symbol is a share: multiplier
 * 1, paid in full, no tick size. */
typedef struct qts_instrument {
	char symbol[QTS_SYM_MAX];
	double multiplier; /* money per point per unit of quantity, > 0 */
	double margin;     /* per contract, held out of cash; NaN: paid in full */
	double tick;       /* minimum price step; 0 when unknown */
} qts_instrument;

/* `SYM,multiplier=M,margin=X[,tick=T]` (any of the keys may be left out:
 * multiplier 1, no margin, no tick).  0, or -1 with err (256 bytes). */
int qts_instrument_parse(const char *spec, qts_instrument *ins, char *err);
/* Add spec to *list (of *n), replacing an earlier one of the same symbol.
 * 0, or -1 with err. */
int qts_instrument_add(qts_instrument **list, size_t *n, const qts_instrument *ins, char *err);
/* The spec of symbol in list (of n), or NULL: a share. */
const qts_instrument *qts_instrument_find(const qts_instrument *list, size_t n, const char *symbol);
/* qts_instrument_parse then qts_instrument_add, as every --instrument flag
 * and rules-file line does: 0, -1 for a bad spec, -2 out of memory (err). */
int qts_instrument_add_spec(qts_instrument **list, size_t *n, const char *spec, char *err);
/* Read a file (plain or gzip) of one spec a line, in the form above
 * (`#` comments and blank lines skipped) into *list.  0, or -1 with
 * `FILE:LINE: what` in err (at least 512 bytes). */
int qts_instruments_load(const char *path, qts_instrument **list, size_t *n, char *err);
/* At the end of a stream of nseen symbols (seen(arg, SYM): whether it had
 * SYM): when contracts were given and none is a symbol of it (a spec of
 * ES for bars of ESH4: every symbol then trades as a share), a warning
 * naming the first given, as for --actions none of which matched. */
void qts_instruments_check_used(const qts_instrument *list, size_t n, size_t nseen,
				int (*seen)(void *arg, const char *symbol), void *arg);

/* ---- orders and the fill model (sim_fillmodel.c) ---------------------------- */

/* Sides, kinds and times in force: qts.h (order_words.c). */
typedef struct qts_order {
	char id[QTS_ID_MAX];
	char strategy[QTS_NAME_MAX];
	int side, kind, tif;
	double qty;      /* ordered, > 0 */
	double filled;   /* so far */
	double notional; /* sum of qty * price of the fills, for the average */
	double limit, stop;
	int triggered;   /* a stop that has been touched */
	int64_t eligible; /* earliest time data may fill it (ts + latency) */
	int64_t day;      /* tif day: the UTC day of the first market data it could work on; INT64_MIN before */
	/* While a bar is worked (not kept): how far along its path the order
	 * fills (INFINITY: not on it), and its place in arrival order. */
	double path_at;
	size_t rank;
} qts_order;

/* What one market data event offers an order. */
typedef struct qts_mkt {
	qts_type type; /* QTS_BAR, QTS_TICK or QTS_QUOTE */
	double open, high, low, close, volume; /* bar */
	double price, size;                    /* tick */
	double bid, ask, bid_size, ask_size;   /* quote */
} qts_mkt;

/* The reference price (before slippage) at which o trades on m: 1 with
 * *price set, 0 when it does not trade.  A stop touched is remembered in
 * o->triggered, filled or not (a stop-limit whose limit is not reached,
 * a fill capped by participation): what is left works past the stop.
 * Bars follow the path open, low, high, close when close >= open, else
 * open, high, low, close; prices between are reached continuously. */
int qts_fill_price(qts_order *o, const qts_mkt *m, double *price);
/* The same, and in *at how far along the path (the sum of the price moves
 * from the open) the fill comes: 0 at the open or on a tick or quote. */
int qts_fill_at(qts_order *o, const qts_mkt *m, double *price, double *at);

/* What market event m at time t, of trading date day (qts_trade_day), does
 * to resting order o by qts-sim's rules of time, which qts-risk's view of
 * resting orders shares so that the two cannot drift apart:
 * EXPIRED  a day order whose date has passed (checked first: an order
 *          ends with its day even before it could trade again);
 * WAIT     not yet eligible (t before o->eligible), or not reached;
 * MISSED   an ioc or fok order that the first price it could trade at
 *          does not reach;
 * REACHED  *ref holds the reference price (qts_fill_price).
 * A day order's date is that of the first event it is eligible on.  A
 * price of zero or below is no price to trade at unless any_price (a
 * contract's, which may go below zero). */
typedef enum qts_step { QTS_STEP_WAIT, QTS_STEP_EXPIRED, QTS_STEP_MISSED, QTS_STEP_REACHED } qts_step;
qts_step qts_order_step(qts_order *o, const qts_mkt *m, int64_t t, int64_t day, int any_price, double *ref);
/* The quantity m can fill for one side: participation * volume (bars),
 * * size (ticks), * the size on the side (quotes); INFINITY when
 * participation is 0 (no cap). */
double qts_fill_capacity(const qts_mkt *m, int side, double participation);

/* ---- the portfolio (sim_portfolio.c) ---------------------------------------- */

typedef struct qts_pos {
	double qty;      /* signed */
	double avg;      /* average price of the open quantity; 0 when flat */
	double realized; /* closed P&L - commissions + dividends */
	double mark;     /* last price; NaN until known */
	const qts_instrument *ins; /* NULL: a share */
	double base;     /* margined: the price its P&L is settled to in cash */
} qts_pos;

typedef struct qts_portfolio {
	double cash;
	double initial;
} qts_portfolio;

void qts_pf_init(qts_portfolio *pf, double cash);
/* Apply a fill of qty (> 0) on side at price (slippage included) paying
 * commission.  A share moves cash by its notional; a margined contract by
 * the change in margin held and the P&L of the contracts it closes since
 * their last settlement. */
void qts_pf_fill(qts_portfolio *pf, qts_pos *p, int side, double qty, double price,
		 double commission);
/* Mark to market: the P&L of a margined position since its last
 * settlement goes into cash at its mark.  Nothing for shares. */
void qts_pf_settle(qts_portfolio *pf, qts_pos *p);
/* A split of ratio new shares per old share: quantity up, prices down. */
void qts_pf_split(qts_pos *p, double ratio);
/* A cash dividend per share: longs receive it, shorts pay it. */
void qts_pf_dividend(qts_portfolio *pf, qts_pos *p, double per_share);
double qts_pos_mult(const qts_pos *p);       /* the multiplier, 1 for shares */
int qts_pos_margined(const qts_pos *p);      /* held on margin, settled daily */
double qts_pos_value(const qts_pos *p);      /* qty * mark * mult (0 when flat) */
double qts_pos_unrealized(const qts_pos *p); /* qty * (mark - avg) * mult */
/* What the position adds to equity over cash: its value for a share; the
 * margin held plus the P&L not yet settled for a margined contract. */
double qts_pos_equity(const qts_pos *p);
/* What the position takes of the buying power: |value| for a share, the
 * margin held for a margined contract. */
double qts_pos_exposure(const qts_pos *p);

/* ---- corporate actions (sim_actions.c) -------------------------------------- */

enum { QTS_ACT_SPLIT, QTS_ACT_DIVIDEND, QTS_ACT_DELIST };
typedef struct qts_action {
	int64_t ts; /* 00:00 UTC of the date: applied before any event at or after it */
	char symbol[QTS_SYM_MAX];
	int kind;
	double value; /* ratio, cash per share; unused for delisting */
} qts_action;

/* Read a CSV file (plain or gzip) of `date,symbol,action,value` rows (action split, dividend
 * or delist; `#` comments, blank lines and a `date,...` header skipped)
 * sorted by date (stable).  0, or -1 with `FILE:LINE: what` in err (at
 * least 512 bytes). */
int qts_actions_load(const char *path, qts_action **out, size_t *n, char *err);
/* At the end of a stream (priced(arg, SYM): whether it had prices of
 * SYM): when none of the n actions read from path is of a symbol it had
 * prices of (a mistyped symbol, say, and none was applied), a warning
 * naming the first, as qts_instruments_check_used does for contracts;
 * for qts-sim, qts-broker paper and qts-risk alike. */
void qts_actions_check_used(const char *path, const qts_action *list, size_t n,
			    int (*priced)(void *arg, const char *symbol), void *arg);

/* ---- financing (sim_financing.c) -------------------------------------------- */

/* Interest on cash, on a debit (margin interest) and the fee to borrow
 * the shares of a short, at annual rates accrued a calendar day at a time
 * on the balances at the end of the day before (qts-sim(1) FINANCING). */
typedef struct qts_borrow_rate {
	char symbol[QTS_SYM_MAX];
	double rate;
} qts_borrow_rate;

typedef struct qts_financing {
	int on;             /* a financing flag was given: equity carries the amounts */
	double cash_rate;   /* on positive cash, annual, a fraction */
	double margin_rate; /* on negative cash */
	double borrow_rate; /* on the value of a short share, unless the symbol has its own */
	double days_a_year; /* 360 (ACT/360) or 365 (ACT/365) */
	const qts_borrow_rate *borrow; /* per symbol */
	size_t nborrow;
} qts_financing;

/* What has accrued, and the UTC day it is accrued to. */
typedef struct qts_fin_state {
	double interest, borrow, margin_interest; /* cumulative, each >= 0 */
	int64_t day;
	int have_day;
} qts_fin_state;

/* An annual rate as a fraction (0.05 for 5%), 0 <= RATE <= 10.  0, or -1
 * with err (QTS_ERR_MAX). */
int qts_rate_parse(const char *s, double *rate, char *err);
/* `RATE` (the default of every symbol) or `SYM=RATE` (add to *list,
 * replacing an earlier one of SYM).  0, -1 with err, -2 out of memory. */
int qts_borrow_rate_add(qts_financing *f, qts_borrow_rate **list, size_t *n, const char *spec, char *err);
/* The borrow rate of symbol. */
double qts_fin_borrow_rate(const qts_financing *f, const char *symbol);
/* Calendar days from the state's day to ts's UTC day (0 for the first
 * time seen, or a time not later); the state moves to ts's day. */
int64_t qts_fin_days(qts_fin_state *st, int64_t ts);
/* Accrue days on *cash (the balance at the end of the day before): each
 * day the interest on it (credited when positive, charged at the margin
 * rate when negative) and borrow_day, a day's borrow fees of the shorts
 * (charged).  Daily, so a day's interest earns the next day's. */
void qts_fin_accrue(const qts_financing *f, qts_fin_state *st, double *cash, double borrow_day, int64_t days);

/* ---- the engine (sim.c) ------------------------------------------------- */

typedef struct qts_sim_opts {
	double cash;          /* initial cash */
	double participation; /* 0 for none */
	double leverage;      /* gross exposure / equity allowed */
	int64_t latency;      /* ns */
	int no_short, close_at_end, fractional;
	/* The trading day of day orders: the UTC date (tz NULL, day_roll 0),
	 * or the date in zone tz, its evening from day_roll (ns after local
	 * midnight, an overnight session's start) counted as the next day. */
	const char *tz;
	int64_t day_roll;
	qts_commission commission;
	qts_slippage slippage;
	qts_impact impact;
	const qts_action *actions;
	size_t nactions;
	const qts_instrument *instruments;
	size_t ninstruments;
	qts_financing fin;
} qts_sim_opts;

void qts_sim_opts_default(qts_sim_opts *o);

typedef struct qts_sim qts_sim;
/* emit receives every output event in order (input passed through
 * included); it returns 0, or -1 to stop the engine (a write error). */
typedef int (*qts_sim_emit)(void *arg, const qts_event *ev);

qts_sim *qts_sim_new(const qts_sim_opts *o, qts_sim_emit emit, void *arg);
/* Feed one input event: 0, or -1 when emit failed or the event would
 * make the books not finite (then qts_sim_error says why). */
int qts_sim_put(qts_sim *s, const qts_event *ev);
/* An order or a cancel acted on at once, not held for the other bars of
 * the latest time: the caller (qts-broker paper) holds the events that
 * follow a bar itself, as qts_sim_put does.  0, or -1 as qts_sim_put. */
int qts_sim_put_now(qts_sim *s, const qts_event *ev);
/* A cancel put now, its update with reason why (qts-broker paper: the
 * stage's, "replaced by a target for every strategy" say, as qts-sim
 * words its own).  0, or -1 as qts_sim_put. */
int qts_sim_cancel(qts_sim *s, const qts_event *ev, const char *why);
/* An event other than a bar, at ts, goes by (qts-broker paper, which
 * passes it on itself, or puts it now if a tick or quote, and holds it
 * after a bar as qts_sim_put does): bars of a time that ends before ts close, their equity written,
 * and the corporate actions dated up to ts apply, as qts_sim_put does
 * before such an event.  0, or -1 as qts_sim_put. */
int qts_sim_advance(qts_sim *s, int64_t ts);
/* Whether ev, put now, would close the bars of the latest time (a bar
 * of a new time, or of theirs ending after them, that drives its
 * symbol's fills or not as qts_sim_put decides; another event dated after
 * their end): what was held after them goes first.  qts-broker paper
 * holds those events itself, and lets them go by this rule. */
int qts_sim_closes(qts_sim *s, const qts_event *ev);
/* What a target for symbol is sized against, as the engine sizes it: the
 * position, the quantity of its working orders (signed), its price (NaN
 * before one) and multiplier, and the equity of the whole book, as a
 * target held after the latest bars sees them (their financing accrued). */
typedef struct qts_sim_books {
	double pos, working, price, mult, equity;
} qts_sim_books;
void qts_sim_books_of(qts_sim *s, const char *symbol, qts_sim_books *b);
/* The input paused (live): write the equity of the latest bar time now
 * rather than when a later bar arrives.  0, or -1 as qts_sim_put. */
int qts_sim_pause(qts_sim *s);
/* End of input: liquidation (close_at_end) and the last equity event. */
int qts_sim_finish(qts_sim *s);
/* Why the engine stopped on its input (a number that is not finite), or
 * NULL when it did not (a failed emit). */
const char *qts_sim_error(const qts_sim *s);
/* At the end: warn of options that did not do what they look meant to:
 * actions (read from actions_file) none of which matched, contracts or
 * borrow rates none of which is a symbol of the stream
 * (qts_instruments_check_used), a yearly rate of 100% or more (5 meant as
 * 5%); in qts-sim and qts-broker paper alike. */
void qts_sim_warn_options(qts_sim *s, const char *actions_file);
/* After qts_sim_finish: a warning on standard error when prices of
 * shares at 0 or below marked nothing (the position kept its last
 * price), and one when market data of no volume filled nothing of the
 * orders working under --max-participation, and one when orders were
 * working at the end for symbols of no market data in the stream (none
 * could fill), each counting them and naming the first. */
void qts_sim_warn_unpriced(const qts_sim *s);
void qts_sim_free(qts_sim *s);
/* --state: the engine's whole state into c, or back from it into an
 * engine just made from the same options (qts_checkpoint.h).  0 or -1. */
struct qts_ckpt;
int qts_sim_save(qts_sim *s, struct qts_ckpt *c);
int qts_sim_restore(qts_sim *s, struct qts_ckpt *c);


/* ---- qts-sim's own options (sim_options.c) --------------------------------- */

/* The options of the simulated broker, shared by qts-sim and
 * `qts-broker paper`: QTS_SIM_OPTIONS in a getopt_long table, their lines
 * of --help in QTS_SIM_OPTIONS_USAGE, and qts_sim_option for each option
 * the program does not know itself. */
enum { QTS_OPT_SIM_CASH = 0x7500, QTS_OPT_SIM_COMMISSION, QTS_OPT_SIM_SLIPPAGE, QTS_OPT_SIM_IMPACT,
       QTS_OPT_SIM_LATENCY, QTS_OPT_SIM_PART, QTS_OPT_SIM_LEVERAGE, QTS_OPT_SIM_NO_SHORT,
       QTS_OPT_SIM_FRACTIONAL, QTS_OPT_SIM_ACTIONS, QTS_OPT_SIM_CLOSE, QTS_OPT_SIM_INSTRUMENT,
       QTS_OPT_SIM_INSTRUMENTS, QTS_OPT_SIM_CASH_RATE, QTS_OPT_SIM_MARGIN_RATE, QTS_OPT_SIM_BORROW_RATE,
       QTS_OPT_SIM_DAY_COUNT, QTS_OPT_SIM_TZ, QTS_OPT_SIM_SESSION };
#define QTS_SIM_OPTIONS \
	{ "cash", required_argument, NULL, QTS_OPT_SIM_CASH }, \
	{ "commission", required_argument, NULL, QTS_OPT_SIM_COMMISSION }, \
	{ "slippage", required_argument, NULL, QTS_OPT_SIM_SLIPPAGE }, \
	{ "impact", required_argument, NULL, QTS_OPT_SIM_IMPACT }, \
	{ "latency", required_argument, NULL, QTS_OPT_SIM_LATENCY }, \
	{ "max-participation", required_argument, NULL, QTS_OPT_SIM_PART }, \
	{ "leverage", required_argument, NULL, QTS_OPT_SIM_LEVERAGE }, \
	{ "no-short", no_argument, NULL, QTS_OPT_SIM_NO_SHORT }, \
	{ "fractional", no_argument, NULL, QTS_OPT_SIM_FRACTIONAL }, \
	{ "actions", required_argument, NULL, QTS_OPT_SIM_ACTIONS }, \
	{ "instrument", required_argument, NULL, QTS_OPT_SIM_INSTRUMENT }, \
	{ "instruments", required_argument, NULL, QTS_OPT_SIM_INSTRUMENTS }, \
	{ "close-at-end", no_argument, NULL, QTS_OPT_SIM_CLOSE }, \
	{ "cash-rate", required_argument, NULL, QTS_OPT_SIM_CASH_RATE }, \
	{ "margin-rate", required_argument, NULL, QTS_OPT_SIM_MARGIN_RATE }, \
	{ "borrow-rate", required_argument, NULL, QTS_OPT_SIM_BORROW_RATE }, \
	{ "day-count", required_argument, NULL, QTS_OPT_SIM_DAY_COUNT }, \
	{ "tz", required_argument, NULL, QTS_OPT_SIM_TZ }, \
	{ "session", required_argument, NULL, QTS_OPT_SIM_SESSION }
#define QTS_SIM_OPTIONS_USAGE \
	"  --cash N                initial cash (default 100000)\n" \
	"  --commission SPEC       bps=N (of the notional, N <= 10000) or\n" \
	"                          per-share=X[,min=Y][,max-pct=Z] (per-contract=X\n" \
	"                          the same; Y a minimum a fill, Z% cap, 0 < Z <= 100)\n" \
	"  --slippage SPEC         bps=N (N < 10000), ticks=N[,tick=X] (the symbol's\n" \
	"                          tick first) or spread (half the last quote)\n" \
	"  --impact sqrt,k=X[,window=N]\n" \
	"                          add X * sigma * price * sqrt(qty / adv) of N bars\n" \
	"  --latency DURATION      delay before an order may fill (250ms, 2s, 1m)\n" \
	"  --max-participation F   fill at most F (1e-9 <= F <= 1) of a bar's volume\n" \
	"  --leverage N            gross exposure up to N x equity (1e-9 <= N <= 1000,\n" \
	"                          default 1)\n" \
	"  --no-short              reject orders that would leave a position short\n" \
	"  --fractional            keep fractional quantities\n" \
	"  --instrument SYM,multiplier=M,margin=X[,tick=T]\n" \
	"                          a contract: P&L x M, X a contract held out of\n" \
	"                          cash, P&L settled into cash at each bar close\n" \
	"  --instruments FILE      one such spec a line\n" \
	"  --actions FILE          splits, dividends and delistings by date\n" \
	"  --close-at-end          close every position at the end of input\n" \
	"  --cash-rate RATE        annual interest on positive cash (0.05 for 5%)\n" \
	"  --margin-rate RATE      annual interest charged on negative cash\n" \
	"  --borrow-rate [SYM=]RATE\n" \
	"                          annual fee on the value of short shares: of\n" \
	"                          every symbol, or of SYM (repeat; SYM's wins)\n" \
	"  --day-count 360|365     days a year of the rates (default 360: ACT/360)\n" \
	"  --tz ZONE               day orders end with the date in ZONE (default UTC)\n" \
	"  --session HH:MM-HH:MM   an overnight session's evening is the next day's\n"

/* The settings those options make: the engine's, and what they own. */
typedef struct qts_sim_conf {
	qts_sim_opts sim;
	const char *actions_file;
	qts_action *actions;          /* owned (qts_sim_conf_free) */
	qts_instrument *instruments;  /* owned */
	size_t ninstruments;
	qts_borrow_rate *borrow;      /* owned */
	size_t nborrow;
	int day_count, borrow_given;  /* --day-count, --borrow-rate given */
} qts_sim_conf;
void qts_sim_conf_init(qts_sim_conf *c);
/* 1 when c was one of QTS_SIM_OPTIONS (applied), 0 when it was not; -1
 * for a bad value (a usage error: err says `--flag: what`), -2 for a file
 * that cannot be read (a failure: err says why). */
int qts_sim_option(qts_sim_conf *c, int opt, const char *arg, char *err);
/* After the options: options that would do nothing (--day-count without
 * a rate, --borrow-rate with --no-short) are -1 with err, a usage error. */
int qts_sim_conf_check(const qts_sim_conf *c, char *err);
/* After the options: qts_sim_conf_check, the actions file read, the
 * instruments bound.  0, or -1 with err. */
int qts_sim_conf_ready(qts_sim_conf *c, char *err);
void qts_sim_conf_free(qts_sim_conf *c);

#endif
