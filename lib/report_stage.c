/* report_stage.c — qts-report as a stage: performance metrics, trade
 * statistics and charts of a stream's equity and fills, written at the end
 * (text, JSON, CSV or one HTML page); live, or several finished runs side
 * by side (--compare).  The stage writes a report, not events, unless
 * --tee copies the stream through.  The metrics are metrics.c, perf.c,
 * summary.c, trades.c; the writers report.c and report_html.c. */
#include "qts_metrics.h"
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "qts_sim.h"
#include "qts_loop.h"
#include "qts_stage.h"
#include "streq.h"

#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts-report [-jctM] [-o FILE] [--html FILE [--html-log auto|on|off]] [-b SYMBOL]\n"
	"                  [-z ZONE] [-s HH:MM-HH:MM]\n"
	"                  [--periods N] [--risk-free RATE] [--live [--every N|DURATION]]\n"
	"                  [--tee] [--instrument SPEC]... [--instruments FILE]\n"
	"                  [--state FILE] [--checkpoint-every N|DURATION]\n"
	"                  [--output-journal J] [FILE]\n"
	"       qts-report --compare [-jc] [-o FILE] [-b SYMBOL] [-z ZONE] [-s HH:MM-HH:MM]\n"
	"                  [--periods N] [--risk-free RATE]\n"
	"                  [--instrument SPEC]... [--instruments FILE] FILE...\n"
	"  -j, --json            one JSON object of every metric\n"
	"  -c, --csv             metric,value rows\n"
	"  -t, --trades          the round trips as CSV\n"
	"      --html FILE       also write a self-contained HTML report to FILE\n"
	"      --html-log auto|on|off  the HTML equity chart's value axis: logarithmic\n"
	"                        when the curve spans more than 10x (auto), always, never\n"
	"  -o, --output FILE     write the report to FILE (default stdout, stderr with --tee)\n"
	"  -b, --benchmark SYM   buy-and-hold benchmark from SYM's bars in the stream\n"
	"  -z, --tz ZONE         session days are dates in ZONE (default UTC)\n"
	"  -s, --session HH:MM-HH:MM  the trading session in ZONE; one that runs\n"
	"                        overnight (17:00-16:00) dates its evening by the next day\n"
	"      --periods N       return periods a year for annualising (252)\n"
	"      --risk-free RATE  annual risk-free rate, e.g. 0.02 (0)\n"
	"      --instrument SYM,multiplier=M,margin=X[,tick=T]\n"
	"                        a contract, as for qts-sim: a trip's P&L is points\n"
	"                        times qty times M (repeatable; others are shares)\n"
	"      --instruments FILE  one such spec a line\n"
	"      --live            refresh the report while the stream flows\n"
	"      --every N|DUR     refresh every N events or every DURATION (5s)\n"
	"      --tee             copy the stream to stdout unchanged\n"
	"  -M, --msgpack         write the copied stream as msgpack\n"
	"      --heartbeat DURATION  a system event every DURATION (with --tee)\n"
	"      --metrics FILE    Prometheus metrics of the stage in FILE, each second\n"
	"      --busy-poll DURATION  poll without sleeping up to DURATION before a wait\n"
	QTS_STAGE_STATE_HELP
	"      --compare         one column per finished stream FILE\n"
	"  -h, --help            this help\n"
	"      --version         print the version\n";

enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_TRADES };

typedef struct opts {
	int format;
	const char *html, *output, *benchmark, *tz;
	int64_t day_start;  /* an overnight session's start, or 0 */
	double periods, risk_free;
	int live, tee, compare;
	int hold;           /* qts sweep's: the finish writes nothing */
	int64_t from;       /* qts sweep's: events before are not counted
			     * (but the last equity, the start: held_back) */
	int html_log;       /* QTS_LOG_AUTO, _ON, _OFF */
	int html_log_set, every_set; /* given: they go with --html, --live */
	int periods_set, risk_free_set, session_set; /* given: they go with the metrics */
	long every_events;  /* refresh every N events (live), or 0 */
	int64_t every_ns;   /* refresh every DURATION (live), or 0 */
	qts_instrument *instruments; /* contracts; any other symbol is a share */
	size_t ninstruments;
	qts_stage_conf conf;
} opts;

/* A symbol's bars: their timeframe, parsed once. */
typedef struct barsym {
	char tf[QTS_WORD_MAX];
	qts_tf tfv;
	double close;       /* the last, for the P&L of open positions */
	size_t idx;         /* in bar_at */
	char name[QTS_SYM_MAX];
} barsym;

/* Open positions by symbol, from fills and position events. */
typedef struct holding {
	char symbol[QTS_SYM_MAX];
	double qty;
	double avg;  /* the average price qts-sim gives it, NaN when unknown */
} holding;

typedef struct state {
	const opts *o;
	qts_perf *perf;
	qts_clock clock;
	qts_symtab *bars;        /* symbols of the bars seen, in order */
	barsym **bar_at;         /* the symbols of bars in the order they came */
	size_t nbar_at, capbar_at;
	size_t lastbar;          /* the index of the latest bar's symbol */
	qts_tf end_tf;           /* the end of the latest bar, by its start and tf */
	int64_t end_ts, end;
	int have_end;
	qts_symtab *posidx;      /* a holding's index in pos + 1, by symbol */
	barsym plain;            /* the latest bar's tf, when no symbol is kept */
	int64_t plain_ts;        /* and its time (when plain_any) */
	int plain_any;
	int bench_seen;
	/* benchmark bars closed at 0 or below, where a buy and hold has no
	 * return, and the first of them (read since the start or restart) */
	long bench_unpriced;
	int64_t bench_unpriced_ts;
	qts_trades *trades;
	holding *pos;
	size_t npos, cappos;
	size_t nonzero;          /* positions with a quantity */
	long events, since;      /* events read, and since the last refresh */
	int64_t last_refresh;
	int dirty;
	const char *name;        /* the input, as the report names it */
	qts_book *book;          /* --html: exposure and P&L by symbol */
	qts_sym_pnl *sym_pnl;    /* of the last report built */
	qts_emit_fn emit;        /* --tee: the stream goes on */
	void *arg;
	char err[256];           /* why put stopped; "" when emit failed */
	int have_fin;            /* equity events carried financing: */
	double fin[QTS_NFIN];    /* its latest cumulative amounts */
	qts_event start;         /* held from: the equity the count starts at */
	int have_start;
} state;

/* -t alone writes the round trips, made of fills and the contracts: the
 * options of the metrics (returns by session day, annualised, against a
 * benchmark) would do nothing, and are refused, each named; with --html
 * the page uses them. */
static void trades_alone(const opts *o)
{
	const char *given[5];
	size_t n = 0;
	if (o->benchmark)
		given[n++] = "-b";
	if (o->tz)
		given[n++] = "-z";
	if (o->session_set)
		given[n++] = "-s";
	if (o->periods_set)
		given[n++] = "--periods";
	if (o->risk_free_set)
		given[n++] = "--risk-free";
	if (!n)
		return;
	char names[80] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
			 i == 0 ? "" : i + 1 == n ? " and " : ", ", given[i]);
	qts_usage_error(usage, "-t writes the round trips alone: %s would do nothing there "
			"(they go with the metrics, or --html)", names);
}

static void parse(int argc, char **argv, opts *o)
{
	enum { O_HTML = 256, O_PERIODS, O_RF, O_LIVE, O_EVERY, O_TEE, O_COMPARE, O_VERSION,
	       O_INSTRUMENT, O_INSTRUMENTS, O_HTML_LOG };
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'j'},       {"csv", no_argument, NULL, 'c'},
		{"trades", no_argument, NULL, 't'},     {"html", required_argument, NULL, O_HTML},
		{"html-log", required_argument, NULL, O_HTML_LOG},
		{"output", required_argument, NULL, 'o'}, {"benchmark", required_argument, NULL, 'b'},
		{"tz", required_argument, NULL, 'z'},   {"session", required_argument, NULL, 's'},
		{"periods", required_argument, NULL, O_PERIODS},
		{"risk-free", required_argument, NULL, O_RF},
		{"live", no_argument, NULL, O_LIVE},    {"every", required_argument, NULL, O_EVERY},
		QTS_STAGE_OPTIONS,
		QTS_STAGE_STATE_OPTIONS,
		{"tee", no_argument, NULL, O_TEE},
		{"compare", no_argument, NULL, O_COMPARE}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, O_VERSION},
		{"instrument", required_argument, NULL, O_INSTRUMENT},
		{"instruments", required_argument, NULL, O_INSTRUMENTS}, {0}};
	char err[512];
	int c;
	*o = (opts){.from = INT64_MIN, .format = FMT_TEXT, .periods = QTS_PERIODS_PER_YEAR, .every_ns = 5 * QTS_NS_PER_SEC};
	while ((c = getopt_long(argc, argv, "jctMo:b:z:s:h", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'c':
		case 't': {
			int f = c == 'j' ? FMT_JSON : c == 'c' ? FMT_CSV : FMT_TRADES;
			if (o->format != FMT_TEXT && o->format != f)
				qts_usage_error(usage, "-j, -c and -t exclude each other: one report");
			o->format = f;
			break;
		}
		case 'o':
			if (!*optarg)
				qts_usage_error(usage, "-o: an empty file name");
			o->output = optarg;
			break;
		case 'b': {
			if (!*optarg || strlen(optarg) >= QTS_SYM_MAX)
				qts_usage_error(usage, "--benchmark: '%s' is not a symbol", optarg);
			/* as the stream refuses it: no bar could ever be of it */
			char shown[4 * QTS_SYM_MAX + 8];
			const char *fault = qts_symbol_name_fault(optarg, strlen(optarg), shown);
			if (fault)
				qts_usage_error(usage, "--benchmark: '%s' %s", shown, fault);
			o->benchmark = optarg;
			break;
		}
		case 'z':
			if (qts_tz_option("--tz", optarg, err, sizeof err) < 0)
				qts_usage_error(usage, "%s", err);
			o->tz = optarg;
			break;
		case 's': {
			qts_session ss;
			if (qts_session_option("--session", optarg, &ss, err, sizeof err) < 0)
				qts_usage_error(usage, "%s", err);
			o->day_start = qts_session_roll(&ss);
			o->session_set = 1;
			break;
		}
		case O_HTML:
			if (!*optarg)
				qts_usage_error(usage, "--html: an empty file name");
			o->html = optarg;
			break;
		case O_HTML_LOG:
			o->html_log_set = 1;
			if (strcmp(optarg, "auto") == 0)
				o->html_log = QTS_LOG_AUTO;
			else if (strcmp(optarg, "on") == 0)
				o->html_log = QTS_LOG_ON;
			else if (strcmp(optarg, "off") == 0)
				o->html_log = QTS_LOG_OFF;
			else
				qts_usage_error(usage, "--html-log: '%s' is not auto, on or off", optarg);
			break;
		case O_PERIODS:
			if (qts_parse_double(optarg, 1, 1e6, &o->periods, err) < 0)
				qts_usage_error(usage, "--periods: %s", err);
			o->periods_set = 1;
			break;
		case O_RF:
			/* A percentage is the likely slip, said as qts-sim says it
			 * of its rates, not as a number it cannot read; a
			 * risk-free rate may be below 0, so the range is its own. */
			if (*optarg && optarg[strlen(optarg) - 1] == '%')
				qts_usage_error(usage, "--risk-free: '%.200s' is not a rate: give a fraction (0.05 for 5%%)",
						optarg);
			if (qts_parse_double(optarg, -0.99, 10, &o->risk_free, err) < 0)
				qts_usage_error(usage, "--risk-free: %s", err);
			/* taken (the range is deliberate), but 5 for 5% is likelier
			 * than 500% a year, and it moves every ratio */
			if (o->risk_free >= 1)
				qts_warn("--risk-free %s is %g%% a year (a rate is a fraction: 0.05 for 5%%)", optarg,
					 o->risk_free * 100);
			o->risk_free_set = 1;
			break;
		case O_LIVE: o->live = 1; break;
		case O_EVERY: {
			long n;
			o->every_set = 1;
			int64_t ns;
			if (qts_parse_long(optarg, 1, 1000000000L, &n, err) == 0) {
				o->every_events = n;
				o->every_ns = 0;
			} else if (qts_duration_parse(optarg, &ns) == 0 && ns > 0) {
				o->every_ns = ns;
				o->every_events = 0;
			} else {
				qts_usage_error(usage, "--every: '%s' is neither a count nor a duration",
						optarg);
			}
			break;
		}
		case O_TEE: o->tee = 1; break;
		case O_COMPARE: o->compare = 1; break;
		case O_INSTRUMENT: {
			int rc = qts_instrument_add_spec(&o->instruments, &o->ninstruments, optarg, err);
			if (rc == -1)
				qts_usage_error(usage, "--%s", err);
			if (rc < 0)
				qts_die(QTS_EXIT_FAIL, "%s", err);
			break;
		}
		case O_INSTRUMENTS:
			/* read in place: an --instrument after it wins */
			if (!*optarg)
				qts_usage_error(usage, "--instruments: an empty file name");
			if (qts_instruments_load(optarg, &o->instruments, &o->ninstruments, err) < 0)
				qts_die(QTS_EXIT_FAIL, "%s", err);
			break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case O_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &o->conf, usage))
				qts_usage_error(usage, NULL);
		}
	}
	/* An option that would do nothing is a mistake to say, not to pass. */
	if (o->every_set && !o->live)
		qts_usage_error(usage, "--every goes with --live");
	if (o->html_log_set && !o->html)
		qts_usage_error(usage, "--html-log goes with --html");
	/* `-` is standard output (qts_outfile), which holds the text report
	 * unless -o names a file, and the stream with --tee: one thing there. */
	if ((o->html && strcmp(o->html, "-") == 0 && (o->tee || !o->output || strcmp(o->output, "-") == 0)) ||
	    (o->output && strcmp(o->output, "-") == 0 && o->tee))
		qts_usage_error(usage, "'-' is standard output, which holds %s: one output there",
				o->tee ? "the stream with --tee" : "the text report unless -o names a file");
	if (!o->tee && (o->conf.msgpack || o->conf.heartbeat))
		qts_usage_error(usage, "%s goes with --tee: the report itself is text",
				o->conf.msgpack ? "-M" : "--heartbeat");
	if (o->format == FMT_TRADES && !o->html && !o->compare)
		trades_alone(o);
	if (o->compare) {
		if (optind >= argc)
			qts_usage_error(usage, "--compare needs at least one FILE");
		if (o->live || o->tee || o->html || o->format == FMT_TRADES)
			qts_usage_error(usage, "--compare takes no --live, --tee, --html or --trades");
		if (o->conf.state || o->conf.output_journal || o->conf.checkpoint_n || o->conf.checkpoint_ns)
			qts_usage_error(usage, "--compare takes no --state: its files are read whole");
		if (o->conf.metrics)
			qts_usage_error(usage, "--compare takes no --metrics: its files are read whole, not run as a stage");
	} else if (argc - optind > 1) {
		qts_usage_error(usage, "one input at most (several with --compare)");
	}
	/* its own files, which the runtime keeps apart from its others */
	o->conf.writes[0].flag = "-o", o->conf.writes[0].path = o->output;
	o->conf.writes[1].flag = "--html", o->conf.writes[1].path = o->html;
	o->conf.nwrites = 2;
	o->conf.files = argv + optind; /* none: stdin */
	o->conf.nfiles = (size_t)(argc - optind);
	/* The report goes to standard output, or the stream with --tee. */
	o->conf.no_events = !o->tee;
}

/* ---- the stream ---------------------------------------------------------- */

/* The holding of symbol, or NULL: by its index, kept as holdings are
 * added (a holding the index does not know is looked for in order, and
 * then known). */
static holding *holding_of(state *s, const char *symbol)
{
	size_t *k = qts_symtab_find(s->posidx, symbol);
	if (k && *k && *k <= s->npos && strcmp(s->pos[*k - 1].symbol, symbol) == 0)
		return &s->pos[*k - 1];
	for (size_t i = 0; i < s->npos; i++)
		if (strcmp(s->pos[i].symbol, symbol) == 0) {
			if ((k = qts_symtab_get(s->posidx, symbol)))
				*k = i + 1;
			return &s->pos[i];
		}
	return NULL;
}

static int set_position(state *s, const char *symbol, double qty)
{
	holding *h = holding_of(s, symbol);
	if (!h) {
		if (qty == 0)
			return 0;
		if (s->npos == s->cappos) {
			size_t cap = s->cappos ? 2 * s->cappos : 8;
			holding *p = realloc(s->pos, cap * sizeof *p);
			if (!p)
				return -1;
			s->pos = p;
			s->cappos = cap;
		}
		h = &s->pos[s->npos++];
		QTS_SET(h->symbol, symbol);
		h->qty = 0;
		h->avg = 0;
		size_t *k = qts_symtab_get(s->posidx, symbol);
		if (!k)
			return -1;
		*k = s->npos;
	}
	s->nonzero += (qty != 0) - (h->qty != 0);
	h->qty = qty;
	return 0;
}

/* The average price of a position of qty at avg after a fill of d
 * (signed) at price, as qts-sim reckons it (qts_pf_fill): opening or
 * adding moves it to the mean by quantity, reducing keeps it, a reversal
 * opens the rest at price. */
static double avg_after(double qty, double avg, double d, double price)
{
	double q = qty + d;
	if (qty == 0)
		return price;
	if ((qty > 0) == (d > 0))
		return (qty * avg + d * price) / q;
	if (fabs(q) <= 1e-9 * fabs(qty))
		return 0;
	return (q > 0) != (qty > 0) ? price : avg;
}

/* A fill of d (signed) at price moves the holding of symbol; 0, or -1
 * when out of memory. */
static int fill_position(state *s, const char *symbol, double d, double price)
{
	const holding *h = holding_of(s, symbol);
	double q = h ? h->qty : 0, avg = avg_after(q, h ? h->avg : 0, d, price);
	if (set_position(s, symbol, q + d) < 0)
		return -1;
	holding *n = holding_of(s, symbol); /* none when it stays flat */
	if (n)
		n->avg = avg;
	return 0;
}

/* The ratio of a split (qts-sim --actions) that a position event says,
 * or 0 for none: the quantity held becomes R times what it was and the
 * average price 1/R of it, the cost staying.  A position event that
 * changes the quantity otherwise (a broker's correction) is no split. */
static double split_ratio(const holding *h, const qts_event *ev)
{
	double q = ev->position.qty, a = ev->position.avg_price;
	if (!h || h->qty == 0 || !(q != 0) || !isfinite(q) || !isfinite(a) || !isfinite(h->avg))
		return 0;
	double r = q / h->qty, cost = h->qty * h->avg;
	if (!(r > 0) || fabs(r - 1) <= 1e-9 || !(fabs(q * a - cost) <= 1e-9 * fabs(cost)))
		return 0;
	return r;
}

/* A split of symbol by ratio: the open lots of the round trips, the
 * book's quantity and the last close take it, as qts-sim's books do, so
 * the fills after it close what the split left. */
static void split(state *s, const char *symbol, double ratio)
{
	qts_trades_split(s->trades, symbol, ratio);
	if (s->book)
		qts_book_split(s->book, symbol, ratio);
	barsym *b = qts_symtab_find(s->bars, symbol);
	if (b)
		b->close /= ratio;
}

/* The state of a bar's symbol: bars of one time come in one order of
 * symbols, so the one after the latest is tried before the table. */
static barsym *bar_sym_add(state *s, const char *symbol);

static inline barsym *bar_sym(state *s, const char *symbol)
{
	size_t i = s->lastbar + 1 < s->nbar_at ? s->lastbar + 1 : 0;
	if (__builtin_expect(s->nbar_at != 0, 1) && qts_field_eq(s->bar_at[i]->name, symbol)) {
		s->lastbar = i;
		return s->bar_at[i];
	}
	return bar_sym_add(s, symbol);
}

/* The table's part of bar_sym: NULL when out of memory. */
static __attribute__((noinline)) barsym *bar_sym_add(state *s, const char *symbol)
{
	size_t n = qts_symtab_count(s->bars);
	barsym *b = qts_symtab_get(s->bars, symbol);
	if (b && qts_symtab_count(s->bars) != n) { /* new */
		if (s->nbar_at == s->capbar_at) {
			size_t cap = s->capbar_at ? 2 * s->capbar_at : 64;
			barsym **a = realloc(s->bar_at, cap * sizeof *a);
			if (!a)
				return NULL;
			s->bar_at = a;
			s->capbar_at = cap;
		}
		b->idx = s->nbar_at;
		QTS_SET(b->name, symbol);
		s->bar_at[s->nbar_at++] = b;
	}
	if (b && b->idx < s->nbar_at && s->bar_at[b->idx] == b)
		s->lastbar = b->idx;
	return b;
}

/* The end of a bar as qts-sim reckons it (qts_tf_end): the bars of one
 * time end together. */
static int64_t bar_end(state *s, const barsym *b, int64_t ts)
{
	if (!b->tfv.n)
		return ts;
	if (!s->have_end || s->end_ts != ts || s->end_tf.n != b->tfv.n || s->end_tf.unit != b->tfv.unit) {
		s->end = qts_tf_end(b->tfv, ts);
		s->end_ts = ts;
		s->end_tf = b->tfv;
		s->have_end = 1;
	}
	return s->end;
}

/* Money per point per unit of symbol: its contract's multiplier, 1 for a
 * share (a symbol without an instrument), as qts-sim reckons it. */
static double multiplier_of(const opts *o, const char *symbol)
{
	const qts_instrument *ins = qts_instrument_find(o->instruments, o->ninstruments, symbol);
	return ins ? ins->multiplier : 1;
}

/* Consume one event; 0, or -1 with a message in err. */
static int consume(state *s, const qts_event *ev, char *err, size_t errsize)
{
	int dir;
	switch (ev->type) {
	case QTS_EQUITY:
		s->dirty = 1;
		if (!isnan(ev->equity.interest) || !isnan(ev->equity.borrow) || !isnan(ev->equity.margin_interest)) {
			s->have_fin = 1;
			s->fin[QTS_FIN_INTEREST] = ev->equity.interest;
			s->fin[QTS_FIN_BORROW] = ev->equity.borrow;
			s->fin[QTS_FIN_MARGIN] = ev->equity.margin_interest;
		}
		if (qts_perf_equity(s->perf, ev->ts, ev->equity.equity) < 0)
			return -1;
		return s->book ? qts_book_exposure(s->book, qts_perf_count(s->perf) - 1,
						   ev->equity.gross, ev->equity.net)
			       : 0;
	case QTS_FILL:
		if (qts_side_parse(ev->fill.side) == QTS_BUY)
			dir = 1;
		else if (qts_side_parse(ev->fill.side) == QTS_SELL)
			dir = -1;
		else {
			snprintf(err, errsize, "fill: side '%s' is neither buy nor sell", ev->fill.side);
			return -1;
		}
		if (!(ev->fill.qty > 0) || !isfinite(ev->fill.qty) || !isfinite(ev->fill.price)) {
			snprintf(err, errsize, "fill: qty and price must be numbers, qty above 0");
			return -1;
		}
		/* as qts-sim refuses a position of no finite value: the trade's
		 * P&L and every figure of it would be an infinity */
		if (!isfinite(ev->fill.qty * ev->fill.price * multiplier_of(s->o, ev->symbol))) {
			snprintf(err, errsize, "fill: the value of qty %.10g at price %.10g is not finite (overflow)",
				 ev->fill.qty, ev->fill.price);
			return -1;
		}
		s->dirty = 1;
		if (qts_trades_fill(s->trades, ev->ts, ev->symbol, dir, ev->fill.qty, ev->fill.price,
				    multiplier_of(s->o, ev->symbol),
				    isfinite(ev->fill.commission) ? ev->fill.commission : 0,
				    isfinite(ev->fill.slippage) ? ev->fill.slippage : 0) < 0)
			return -1;
		if (fill_position(s, ev->symbol, dir * ev->fill.qty, ev->fill.price) < 0)
			return -1;
		if (s->book &&
		    qts_book_fill(s->book, ev->symbol, dir, ev->fill.qty, ev->fill.price,
				  multiplier_of(s->o, ev->symbol),
				  isfinite(ev->fill.commission) ? ev->fill.commission : 0) < 0)
			return -1;
		return qts_perf_holding(s->perf, ev->ts, s->nonzero > 0);
	case QTS_POSITION: {
		/* a position event is the broker's word: it overrides the fills */
		if (!isfinite(ev->position.qty))
			return qts_perf_holding(s->perf, ev->ts, s->nonzero > 0);
		double r = split_ratio(holding_of(s, ev->symbol), ev);
		if (r != 0) {
			split(s, ev->symbol, r);
			s->dirty = 1;
		}
		if (set_position(s, ev->symbol, ev->position.qty) < 0)
			return -1;
		holding *h = holding_of(s, ev->symbol);
		if (h)
			h->avg = isfinite(ev->position.avg_price) ? ev->position.avg_price : NAN;
		return qts_perf_holding(s->perf, ev->ts, s->nonzero > 0);
	}
	case QTS_BAR: {
		barsym *b = bar_sym(s, ev->symbol);
		if (!b)
			return -1;
		if (!qts_field_eq(b->tf, ev->bar.tf)) {
			if (qts_tf_parse(ev->bar.tf, &b->tfv) < 0)
				b->tfv = (qts_tf){0, 0};
			QTS_SET(b->tf, ev->bar.tf);
		}
		if (isfinite(ev->bar.close))
			b->close = ev->bar.close;
		/* the end as qts-sim reckons it, which stamps equity there */
		int64_t end = bar_end(s, b, ev->ts);
		if (s->o->benchmark && strcmp(ev->symbol, s->o->benchmark) == 0) {
			s->bench_seen = 1;
			if (isfinite(ev->bar.close) && ev->bar.close > 0) {
				s->dirty = 1;
				return qts_perf_bench(s->perf, ev->ts, end, ev->bar.open, ev->bar.close);
			}
			if (isfinite(ev->bar.close) && !s->bench_unpriced++)
				s->bench_unpriced_ts = ev->ts;
		}
		qts_perf_bar(s->perf, ev->ts, end);
		return 0;
	}
	default:
		return 0;
	}
}

/* A bar when neither a benchmark nor the HTML page's book asks for its
 * symbol's close: its end alone counts, as consume reckons it. */
static inline void bar_plain(state *s, const qts_event *ev)
{
	barsym *b = &s->plain;
	/* the bars of one time come together, one a symbol: after the
	 * first, one of the same timeframe changes nothing */
	if (s->plain_any && ev->ts == s->plain_ts && qts_field_eq(b->tf, ev->bar.tf))
		return;
	s->plain_ts = ev->ts;
	s->plain_any = 1;
	if (!qts_field_eq(b->tf, ev->bar.tf)) {
		if (qts_tf_parse(ev->bar.tf, &b->tfv) < 0)
			b->tfv = (qts_tf){0, 0};
		QTS_SET(b->tf, ev->bar.tf);
	}
	qts_perf_bar(s->perf, ev->ts, bar_end(s, b, ev->ts));
}

/* qts sweep's test window, counted from o->from: its first point is the
 * books as they stood then, the last equity at or before from.  That is
 * the equity of the last bar before it, written at its end: at from
 * itself after a daily bar that ends there, but a Friday's close when the
 * test starts on the weekend, which counting from from alone would miss,
 * taking Monday's close for the start and leaving Monday's return in no
 * window.  The bars before from place that equity on its bar's session
 * day; the equity is counted when the window's first bar, or anything
 * later, comes (or at the end).  1: ev is not counted. */
static int held_back(state *s, const qts_event *ev)
{
	int64_t from = s->o->from;
	if (from == INT64_MIN)
		return 0; /* all counted: a training window's run */
	if (ev->ts < from || (ev->ts == from && ev->type == QTS_EQUITY)) {
		if (ev->type == QTS_BAR)
			bar_plain(s, ev);
		else if (ev->type == QTS_EQUITY)
			s->start = *ev, s->have_start = 1;
		return 1;
	}
	return 0;
}

/* The held start, counted once the window has begun; 0 or -1. */
static int start_counted(state *s)
{
	s->have_start = 0;
	if (consume(s, &s->start, s->err, sizeof s->err) < 0)
		return -1;
	s->events++;
	return 0;
}

/* A benchmark that never came is a mistake to name, not a column of
 * dashes: say which symbols did come. */
static void check_benchmark(const state *s, const char *path)
{
	if (s->bench_unpriced) {
		char when[40];
		qts_time_format(s->bench_unpriced_ts, when);
		qts_warn("%s: --benchmark %s: %ld bar%s closed at 0 or below, the first at %s: no price to buy and "
			 "hold at, left out of its returns", path, s->o->benchmark, s->bench_unpriced,
			 s->bench_unpriced == 1 ? "" : "s", when);
	}
	int64_t span[4];
	if (s->o->benchmark && s->bench_seen && qts_perf_bench_apart(s->perf, span)) {
		/* Bars of another period than the run's (a file of the wrong
		 * years): a benchmark of 0 return, and no beta, said. */
		char t[4][40];
		for (int i = 0; i < 4; i++)
			qts_time_format(span[i], t[i]);
		qts_warn("%s: --benchmark %s: none of its bars is of a day of the equity, from %s to %s: they run "
			 "from %s to %s, and its returns are 0", path, s->o->benchmark, t[0], t[1], t[2], t[3]);
	} else if (s->o->benchmark && s->bench_seen) {
		/* Bars that start later or end sooner than the curve (a file
		 * shorter than the run's): the days outside them are days of
		 * 0 return, which its total and beta take for the market's. */
		size_t ndays, out = qts_perf_bench_partial(s->perf, &ndays, span);
		if (out) {
			char t[4][40];
			for (int i = 0; i < 4; i++)
				qts_time_format(span[i], t[i]);
			qts_warn("%s: --benchmark %s: %zu of the %zu days of the equity, from %s to %s, are outside its "
				 "bars, which run from %s to %s: its returns there are 0", path, s->o->benchmark, out,
				 ndays, t[0], t[1], t[2], t[3]);
		}
	}
	if (!s->o->benchmark || s->bench_seen)
		return;
	size_t n = qts_symtab_count(s->bars);
	if (n == 0)
		qts_die(QTS_EXIT_FAIL, "%s: --benchmark %s: the stream has no bars", path,
			s->o->benchmark);
	char seen[512];
	size_t len = 0;
	seen[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *sym = "";
		qts_symtab_at(s->bars, i, &sym);
		if (len + strlen(sym) + 8 >= sizeof seen) {
			snprintf(seen + len, sizeof seen - len, ", ...");
			break;
		}
		len += (size_t)snprintf(seen + len, sizeof seen - len, "%s%s", i ? ", " : "", sym);
	}
	qts_die(QTS_EXIT_FAIL, "%s: --benchmark %s: no bar of %s in the stream (bars of: %s)", path,
		s->o->benchmark, s->o->benchmark, seen);
}

/* ---- writing the report -------------------------------------------------- */

/* The last close of a symbol's bars, NaN without one. */
static double last_close(void *arg, const char *symbol)
{
	const barsym *b = qts_symtab_find(((state *)arg)->bars, symbol);
	return b && b->close != 0 ? b->close : NAN;
}

static void build_run(state *s, const char *name, qts_run *run)
{
	const opts *o = s->o;
	qts_summary_opts so = {o->periods, o->risk_free, o->benchmark != NULL};
	memset(run, 0, sizeof *run);
	run->name = strcmp(name, "-") == 0 ? "standard input" : name;
	run->benchmark = o->benchmark;
	run->periods = o->periods;
	run->risk_free = o->risk_free;
	if (qts_summary_compute(s->perf, qts_trades_stats(s->trades), &so, &run->sum) < 0)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	run->sum.have_fin = s->have_fin;
	for (int k = 0; k < QTS_NFIN; k++)
		run->sum.fin[k] = s->fin[k];
	run->pt = qts_perf_points(s->perf, &run->npt);
	run->trips = qts_trades_list(s->trades, &run->ntrips);
	run->log_scale = o->html_log;
	if (s->book) {
		free(s->sym_pnl);
		s->sym_pnl = qts_book_pnl(s->book, last_close, s, &run->nsym);
		run->gross = qts_book_gross(s->book, run->npt);
		run->net = qts_book_net(s->book, run->npt);
		if (!s->sym_pnl || !run->gross || !run->net)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		run->sym_pnl = s->sym_pnl;
	}
}

static int write_report(FILE *f, const opts *o, const qts_run *run)
{
	switch (o->format) {
	case FMT_JSON: return qts_report_json(f, run);
	case FMT_CSV: return qts_report_csv(f, run);
	case FMT_TRADES: return qts_report_trades_csv(f, run->trips, run->ntrips);
	default:
		return qts_report_text(f, run, isatty(fileno(f)) && !getenv("NO_COLOR"));
	}
}

/* Write to path whole (qts_outfile): a reader of a live report never sees
 * half of one, and a fifo or device is written in place. */
static void write_file(const char *path, const opts *o, const qts_run *run, int html)
{
	char err[PATH_MAX + 128];
	qts_outfile of;
	if (qts_outfile_open(&of, path, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	int bad = html ? qts_report_html(of.fp, run) : write_report(of.fp, o, run);
	if (bad < 0) {
		int e = errno;
		qts_outfile_abort(&of);
		qts_die(QTS_EXIT_FAIL, "%s: %s", path, strerror(e ? e : EIO));
	}
	if (qts_outfile_commit(&of, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
}

static void refresh(state *s, const char *name)
{
	qts_run run;
	s->since = 0;
	s->last_refresh = qts_loop_now();
	if (!s->dirty)
		return;
	s->dirty = 0;
	build_run(s, name, &run);
	if (s->o->output) {
		write_file(s->o->output, s->o, &run, 0);
	} else {
		/* the terminal's screen, redrawn in place */
		if (s->o->format == FMT_TEXT && isatty(STDERR_FILENO))
			fputs("\033[H\033[2J", stderr);
		write_report(stderr, s->o, &run);
		fflush(stderr);
	}
	if (s->o->html)
		write_file(s->o->html, s->o, &run, 1);
}

static void live_tick(state *s, const char *name)
{
	s->since++;
	if (s->o->every_events ? s->since >= s->o->every_events
			       : (s->since & 255) == 0 && qts_loop_now() - s->last_refresh >= s->o->every_ns)
		refresh(s, name);
}

/* Whether symbol was held in any of n states (seen's argument of
 * qts_instruments_check_used: the report's contracts act on trips alone,
 * so a contract is of the stream when a fill of it was read). */
typedef struct held_in {
	state *s;
	size_t n;
} held_in;

static int held(void *arg, const char *symbol)
{
	held_in *h = arg;
	for (size_t i = 0; i < h->n; i++)
		if (holding_of(&h->s[i], symbol))
			return 1;
	return 0;
}

/* --instrument ES for fills of ESH4 reckons every trip as of a share,
 * and the report would not say so: as qts-sim, a warning. */
static void check_instruments(state *s, size_t n)
{
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++)
		nseen += s[i].npos;
	held_in h = { s, n };
	qts_instruments_check_used(s->o->instruments, s->o->ninstruments, nseen, held, &h);
}

/* Read one finished stream to its end into s (--compare); exits on bad
 * input. */
static void read_stream(state *s, const char *path)
{
	qts_reader *r = qts_reader_open(path);
	if (!r)
		qts_die(QTS_EXIT_FAIL, "%s: %s", path, strerror(errno));
	qts_event ev;
	int got = 0;
	char err[256];
	while (!qts_interrupted && (got = qts_reader_next(r, &ev)) > 0) {
		err[0] = '\0';
		if (consume(s, &ev, err, sizeof err) < 0) {
			if (err[0])
				qts_die(QTS_EXIT_FAIL, "%s: %s", qts_reader_where(r), err);
			qts_die(QTS_EXIT_FAIL, "out of memory");
		}
		s->events++;
	}
	if (got < 0 && !qts_interrupted)
		qts_die(QTS_EXIT_FAIL, "%s", qts_reader_error(r));
	qts_reader_close(r);
}

static void state_init(state *s, const opts *o, int keep)
{
	memset(s, 0, sizeof *s);
	s->o = o;
	if (qts_clock_init(&s->clock, o->tz) < 0)
		qts_die(QTS_EXIT_USAGE, "--tz: '%s' is not an installed time zone", o->tz);
	s->perf = qts_perf_new(&s->clock);
	if (s->perf)
		qts_perf_day_start(s->perf, o->day_start);
	s->bars = qts_symtab_new(sizeof(barsym));
	s->posidx = qts_symtab_new(sizeof(size_t));
	s->trades = qts_trades_new(keep);
	if (!s->perf || !s->bars || !s->posidx || !s->trades)
		qts_die(QTS_EXIT_FAIL, "out of memory");
}

static void state_free(state *s)
{
	qts_perf_free(s->perf);
	qts_symtab_free(s->bars);
	free(s->bar_at);
	qts_symtab_free(s->posidx);
	qts_trades_free(s->trades);
	free(s->pos);
	qts_book_free(s->book);
	free(s->sym_pnl);
}

/* Events, but no account's: a strategy's targets, say, not yet through
 * qts-sim (or, beside others by --compare, the wrong file of a run).
 * The report of them is empty, and says why; a stream that failed
 * before any equity says why itself. */
static void no_equity_said(const state *s, const char *name)
{
	if (s->events && !qts_perf_count(s->perf) && s->o->format != FMT_TRADES && !qts_upstream_failure())
		qts_warn("%s: no equity events among the %ld read: a report is made of the equity "
			 "qts-sim or qts-broker writes (is it in the pipeline?)",
			 strcmp(name, "-") == 0 ? "standard input" : name, s->events);
}


static int compare(const opts *o, char **files, int n)
{
	state *st = calloc((size_t)n, sizeof *st);
	qts_run *runs = calloc((size_t)n, sizeof *runs);
	if (!st || !runs)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	for (int i = 0; i < n && !qts_interrupted; i++) {
		state_init(&st[i], o, 0);
		read_stream(&st[i], files[i]);
		no_equity_said(&st[i], files[i]);
		check_benchmark(&st[i], files[i]);
		build_run(&st[i], files[i], &runs[i]);
	}
	if (!qts_interrupted)
		check_instruments(st, (size_t)n);
	/* Runs of other days than the first's (a file cut short, a backtest
	 * of other years): their columns stand side by side as if of one
	 * period, and a return, a Sharpe ratio or a drawdown of a quarter
	 * beside one of a year is no comparison.  Said once, of the first
	 * such run. */
	size_t apart = 0, first = 0;
	for (int i = 1; i < n && !qts_interrupted; i++)
		if (runs[i].npt && runs[0].npt &&
		    (runs[i].pt[0].day != runs[0].pt[0].day ||
		     runs[i].pt[runs[i].npt - 1].day != runs[0].pt[runs[0].npt - 1].day) &&
		    !apart++)
			first = (size_t)i;
	if (apart) {
		char t[4][40];
		qts_time_format(runs[first].pt[0].ts, t[0]);
		qts_time_format(runs[first].pt[runs[first].npt - 1].ts, t[1]);
		qts_time_format(runs[0].pt[0].ts, t[2]);
		qts_time_format(runs[0].pt[runs[0].npt - 1].ts, t[3]);
		char others[48] = "";
		if (apart > 1)
			snprintf(others, sizeof others, " (and %zu other run%s)", apart - 1, apart == 2 ? "" : "s");
		qts_warn("--compare: %s%s runs from %s to %s, %s from %s to %s: their metrics are of different days",
			 files[first], others, t[0], t[1], files[0], t[2], t[3]);
	}
	FILE *f = stdout;
	qts_outfile of;
	char err[PATH_MAX + 128];
	if (o->output) {
		if (qts_outfile_open(&of, o->output, err, sizeof err) < 0)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		f = of.fp;
	}
	int bad = qts_report_compare(f, runs, (size_t)n, o->format == FMT_JSON, o->format == FMT_CSV);
	if (bad < 0) {
		int e = errno;
		if (o->output)
			qts_outfile_abort(&of);
		qts_die(QTS_EXIT_FAIL, "%s: %s", o->output ? o->output : "stdout", strerror(e ? e : EIO));
	}
	if (o->output && qts_outfile_commit(&of, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	for (int i = 0; i < n; i++)
		state_free(&st[i]);
	free(st);
	free(runs);
	free(o->instruments);
	return qts_close_stdout();
}

/* ---- the stage ----------------------------------------------------------- */

typedef struct engine {
	opts o;
	state s;
} engine;

static int report_put(void *eng, const qts_event *ev)
{
	state *s = &((engine *)eng)->s;
	s->err[0] = '\0';
	if (s->emit && s->emit(s->arg, ev) < 0)
		return -1;
	if (__builtin_expect(s->o->hold, 0)) {
		if (held_back(s, ev))
			return 0;
		if (s->have_start && (ev->ts > s->o->from || ev->type == QTS_BAR) && start_counted(s) < 0) {
			if (!s->err[0])
				snprintf(s->err, sizeof s->err, "out of memory");
			return -1;
		}
	}
	if (ev->type == QTS_BAR && !s->o->benchmark && !s->book)
		bar_plain(s, ev);
	else if (consume(s, ev, s->err, sizeof s->err) < 0) {
		if (!s->err[0])
			snprintf(s->err, sizeof s->err, "out of memory");
		return -1;
	}
	s->events++;
	if (s->o->live)
		live_tick(s, s->name);
	return 0;
}

/* The input is quiet and the last events may wait long for a successor:
 * a live report is brought up to date. */
static int report_tick(void *eng, int64_t now, int idle)
{
	state *s = &((engine *)eng)->s;
	(void)now;
	if (idle && s->o->live && s->dirty)
		refresh(s, s->name);
	return 0;
}

/* The report, written whole at the end of the input. */
static int report_finish(void *eng)
{
	state *s = &((engine *)eng)->s;
	const opts *o = s->o;
	if (o->hold && s->have_start && start_counted(s) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", s->err[0] ? s->err : "out of memory");
	check_benchmark(s, strcmp(s->name, "-") == 0 ? "standard input" : s->name);
	if (!o->hold)
		check_instruments(s, 1);
	if (o->hold)
		return 0;
	no_equity_said(s, s->name);
	qts_run run;
	build_run(s, s->name, &run);
	if (o->html)
		write_file(o->html, o, &run, 1);
	if (o->output) {
		write_file(o->output, o, &run, 0);
	} else {
		FILE *f = o->tee ? stderr : stdout;
		if (write_report(f, o, &run) < 0)
			qts_die(QTS_EXIT_FAIL, "write error: %s", strerror(errno));
	}
	return 0;
}

static const char *report_error(void *eng)
{
	state *s = &((engine *)eng)->s;
	return s->err[0] ? s->err : NULL;
}

static void report_free(void *eng)
{
	engine *e = eng;
	state_free(&e->s);
	free(e->o.instruments);
	free(e);
}

/* --state: what the report has accumulated (the report itself is
 * written at the end, from it); loading, into a state just made. */
static int report_ck(void *eng, qts_ckpt *c)
{
	state *s = &((engine *)eng)->s;
	qts_ck_tag(c, "qts-report");
	size_t nbars = qts_symtab_count(s->bars);
	qts_ck_size(c, &nbars, c->loading ? c->len / 16 : nbars);
	for (size_t i = 0; i < nbars && qts_ck_ok(c); i++) {
		char name[QTS_SYM_MAX] = "";
		const char *at = NULL;
		barsym *b = c->loading ? NULL : qts_symtab_at(s->bars, i, &at);
		if (at)
			QTS_SET(name, at);
		qts_ck_str(c, name, sizeof name);
		if (c->loading && qts_ck_ok(c) &&
		    (qts_symtab_find(s->bars, name) || !(b = qts_symtab_get(s->bars, name)))) {
			qts_ck_fail(c, "bars of %s twice", name);
			break;
		}
		qts_ck_str(c, b->tf, sizeof b->tf);
		qts_ck_tf(c, &b->tfv);
		qts_ck_f64(c, &b->close);
	}
	qts_ck_int(c, &s->bench_seen);
	size_t npos = s->npos;
	qts_ck_size(c, &npos, c->loading ? c->len / 16 : npos);
	for (size_t i = 0; i < npos && qts_ck_ok(c); i++) {
		holding h = c->loading ? (holding){ "", 0, 0 } : s->pos[i];
		qts_ck_str(c, h.symbol, sizeof h.symbol);
		qts_ck_f64(c, &h.qty);
		qts_ck_f64(c, &h.avg); /* a split's test */
		if (c->loading && set_position(s, h.symbol, h.qty == 0 ? 1 : h.qty) < 0)
			qts_ck_fail(c, "out of memory");
		if (c->loading && h.qty == 0) /* kept in its place, flat */
			set_position(s, h.symbol, 0);
		if (c->loading && qts_ck_ok(c))
			holding_of(s, h.symbol)->avg = h.avg;
	}
	qts_ck_long(c, &s->events), qts_ck_long(c, &s->since);
	qts_ck_int(c, &s->dirty);
	qts_ck_int(c, &s->have_fin); /* financing's totals, as the equity events said */
	for (int k = 0; k < QTS_NFIN; k++)
		qts_ck_f64(c, &s->fin[k]);
	int book = s->book != NULL;
	qts_ck_int(c, &book);
	if (c->loading && book != (s->book != NULL))
		qts_ck_fail(c, "a state %s --html", book ? "with" : "without");
	if (qts_perf_ck(s->perf, c) < 0 || qts_trades_ck(s->trades, c) < 0 || (s->book && qts_book_ck(s->book, c) < 0))
		return -1;
	return qts_ck_ok(c) ? 0 : -1;
}

static void report_input_named(void *eng, const char *name)
{
	((engine *)eng)->s.name = name;
}

static const qts_stage_ops report_ops = {
	.input_named = report_input_named,
	.save = report_ck,
	.restore = report_ck,
	.put = report_put,
	.tick = report_tick,
	.finish = report_finish,
	.error = report_error,
	.free = report_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	parse(argc, argv, &e->o);
	/* Finished files one after the other, not a stream: done here. */
	if (e->o.compare) {
		/* In a chain it would read none of the stream it is given,
		 * and what the stages before it say would depend on when it
		 * exits, as in the shell: refused there (st->ops NULL). */
		if (qts_stage_chained) {
			free(e->o.instruments);
			free(e);
			st->name = "qts-report";
			return;
		}
		/* The runtime, which keeps -o off the inputs, is not run:
		 * its check is made here, before anything is read. */
		qts_stage_files_distinct(&e->o.conf);
		int status = compare(&e->o, argv + optind, argc - optind);
		free(e);
		exit(status);
	}
	state *s = &e->s;
	state_init(s, &e->o, e->o.format == FMT_TRADES || e->o.html);
	if (e->o.html && !(s->book = qts_book_new()))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	s->name = e->o.conf.nfiles ? e->o.conf.files[0] : "-";
	if (e->o.tee) {
		s->emit = emit;
		s->arg = arg;
	}
	s->last_refresh = qts_loop_now();
	st->name = "qts-report";
	st->ops = &report_ops;
	st->eng = e;
	st->conf = e->o.conf;
	/* the report of what came, and exit 1 */
	st->conf.upstream_ends = QTS_UPSTREAM_FINISH;
}

/* its --tee copies a stream only once it runs */
const qts_stage_def qts_report_stage = { "qts-report", build, 1 };

int qts_report_stage_hold(void *eng, int64_t from, char *err)
{
	engine *e = eng;
	opts *o = &e->o;
	if (o->format != FMT_TEXT || o->html || o->output || o->live || o->tee || o->conf.nfiles) {
		snprintf(err, QTS_ERR_MAX, "qts-report: in a sweep it writes no report of its own: "
			 "-j, -c, -t, --html, -o, --live, --tee and FILE are not for it");
		return -1;
	}
	o->hold = 1;
	o->from = from;
	return 0;
}

void qts_report_stage_run(void *eng, qts_run *run)
{
	state *s = &((engine *)eng)->s;
	build_run(s, s->name, run);
}
