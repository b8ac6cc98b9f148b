/* fetch_stage.c — qts-fetch as a source stage: its options, and its
 * sources (event files, vendor CSV layouts, generated bars, vendors'
 * histories over the network) merged in time and validated, one event at
 * a time for the runtime (ops->next), which writes them out, paced with
 * --pace. */
#include "qts_fetch.h"
#include "qts_parquet.h"
#include "qts_resample.h"
#include "qts_live.h"
#include "qts_net.h"
#include "qts_stage.h"
#include "qts_time.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts-fetch [options] [-s SYMBOL] SOURCE... [-s SYMBOL SOURCE...]\n"
	"  SOURCE is file:PATH, a PATH, - (stdin), synth:SYM[,SYM...] or KIND:SYM, a\n"
	"  vendor's history over the network, KIND one of yahoo, alphavantage, stooq,\n"
	"  alpaca\n"
	"  a file holds events (CSV, msgpack), a vendor's CSV or a Parquet table\n"
	"  -s, --symbol SYMBOL      symbol of the files named after it, up to the next -s,\n"
	"                           where a file has none (default: the file's name)\n"
	"  -t, --tf TF              bar length where it cannot be inferred (1m, 1h, 1d...)\n"
	"      --stamp start|end    file times label the start or the end of a bar (start)\n"
	"  -f, --from TIME          keep events from TIME (RFC 3339 or YYYY-MM-DD)\n"
	"  -u, --to TIME            keep events up to TIME (a date includes its whole day)\n"
	"  -a, --adjust             scale OHLC by Adj Close / Close\n"
	"      --epoch UNIT         the time column holds epoch integers of UNIT, s, ms,\n"
	"                           us or ns (found from their digits without it)\n"
	"      --date-format FORMAT layout of vendor dates, e.g. '%d/%m/%Y %H:%M:%S'\n"
	"      --delimiter C        vendor fields separated by C (';', tab...) not ','\n"
	"      --columns NAMES      comma-separated column names in place of a vendor\n"
	"                           file's header line (empty names skip a column)\n"
	"      --on-bad stop|skip|warn  what to do with a bad record (stop)\n"
	"      --seed N             synth: random seed (1)\n"
	"      --count N            synth: bars per symbol\n"
	"      --session HH:MM-HH:MM  synth: intraday session (09:30-16:00)\n"
	"      --tz ZONE            zone of times written without one, and of the synth\n"
	"                           session (UTC; America/New_York for the session)\n"
	"      --pace FACTOR        release each event at its market time / FACTOR after\n"
	"                           the first (1: real time, 60: a minute a second)\n"
	"      --buffer N           up to N events wait for a slow output while the\n"
	"                           source goes on reading (live sources)\n"
	"      --overflow block|drop  with --buffer full: wait for the output (block),\n"
	"                           or drop the event, counted in a system event\n"
	"      --heartbeat DURATION a system event every DURATION (10s, 1m)\n"
	"      --metrics FILE       Prometheus metrics of the stage in FILE, each second\n"
	"      --busy-poll DURATION poll without sleeping up to DURATION before a wait\n"
	"      --fallback KIND      when a network source fails, its symbol from KIND\n"
	"                           (repeatable: tried in order)\n"
	"      --rate N/min         requests a minute to each vendor (N/s and N/h too),\n"
	"                           in place of its documented limit\n"
	"      --retries N          retries of a request that failed (4)\n"
	"      --timeout DURATION   the longest a request may take (30s)\n"
	"      --actions FILE       write the network sources' dividends and splits to\n"
	"                           FILE, a qts-sim --actions file\n"
	"      --cache-dir DIR      the cache of network history (default\n"
	"                           $XDG_CACHE_HOME/qts, else ~/.cache/qts)\n"
	"      --no-cache           neither read nor write the cache\n"
	"      --offline            serve network sources from the cache only\n"
	"      --max-age DURATION   fetch again what was cached longer ago (12h, 7d)\n"
	"      --cache-list [SOURCE...]   list the cache's entries (of these sources)\n"
	"      --cache-clear [SOURCE...]  remove the cache's entries (of these sources)\n"
	"      --live               alpaca:SYM...: Alpaca's real-time stream (bars since\n"
	"                           --from first, up to --to)\n"
	"      --feed iex|sip       --live: Alpaca's feed (iex)\n"
	"      --live-types LIST    --live: bars,trades,quotes (bars)\n"
	"      --silence DURATION   --live: connect again after DURATION without a word (30s)\n"
	"      --reorder DURATION   --live: hold each event DURATION to put late ones in order (0)\n"
	"  -M, --msgpack            write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help               this help\n"
	"      --version            print the version\n";

enum { ON_BAD_STOP, ON_BAD_SKIP, ON_BAD_WARN };

/* Kinds of source, and the options that act on some of them alone: one
 * given where no source is of those kinds would do nothing, and is
 * refused (a vendor's option on a file of events is a slip). */
enum { SRC_TABLE = 1, SRC_SYNTH = 2, SRC_NET = 4, SRC_EVENTS = 8 };
static const struct kind_opt {
	const char *name;
	unsigned kinds;
	const char *what;
} kind_opts[] = {
	{ "--tf", SRC_TABLE | SRC_SYNTH | SRC_NET, "vendor tables, synth: and network sources" },
	{ "--stamp", SRC_TABLE, "vendor tables" },
	{ "--adjust", SRC_TABLE | SRC_NET, "vendor tables and network sources" },
	{ "--epoch", SRC_TABLE, "vendor tables" },
	{ "--date-format", SRC_TABLE, "vendor tables" },
	{ "--delimiter", SRC_TABLE, "vendor tables" },
	{ "--tz", SRC_TABLE | SRC_SYNTH, "vendor tables and synth:" },
	{ "--seed", SRC_SYNTH, "synth:" },
	{ "--count", SRC_SYNTH, "synth:" },
	{ "--session", SRC_SYNTH, "synth:" },
	{ "--fallback", SRC_NET, "network sources" },
	{ "--rate", SRC_NET, "network sources" },
	{ "--retries", SRC_NET, "network sources" },
	{ "--timeout", SRC_NET, "network sources" },
	{ "--actions", SRC_NET, "network sources" },
	{ "--columns", SRC_TABLE, "files (vendor tables)" },
	{ "--no-cache, --offline, --max-age or --cache-dir", SRC_NET, "network sources" },
};
enum { G_TF, G_STAMP, G_ADJUST, G_EPOCH, G_DATE_FORMAT, G_DELIMITER, G_TZ, G_SEED, G_COUNT, G_SESSION,
       G_FALLBACK, G_RATE, G_RETRIES, G_TIMEOUT, G_ACTIONS, G_COLUMNS, G_CACHE, G_N };
_Static_assert(G_N == sizeof kind_opts / sizeof kind_opts[0], "a bit of options.given a kind_opts entry");

typedef struct source {
	const char *spec;
	const char *symbol;    /* the -s before it, or NULL */
	qts_reader *events;
	qts_vendor *vendor;
	qts_synth *synth;
	/* A network source: KIND:SYM, its kind, and the kind serving it now
	 * (the first, or a --fallback) with what it gave. */
	const qts_feed_kind *kind, *serving;
	size_t tried;          /* kinds of its chain tried so far, the serving one included */
	qts_history *hist;
	int64_t last_ts;
	long served;
	/* A file's events read and those within --from/--to, and the span
	 * read: a window that misses a file altogether is said (the_end). */
	long nread, nkept;
	int synth_said; /* synth_missed said it */
	int64_t first_read, last_read;
	char *actions;         /* of the kinds that served before */
	char where[160];
	char err[1100];
} source;

typedef struct options {
	qts_tf tf;
	int stamp_end, adjust, on_bad;
	int64_t epoch_unit, from, to;
	int has_from, has_to;
	const char *date_format, *columns;
	char delimiter;
	uint64_t seed;
	long count;
	int session_open, session_close;
	const char *tz;
	int tz_given;
	unsigned given;        /* the options of kinds of source, a bit each (kind_opts) */
	source *src;           /* in the order named */
	size_t nsrc;
	/* Network sources: --fallback kinds, the request's limits, and one
	 * connection, bucket and breaker per kind, shared by its symbols. */
	const qts_feed_kind *fallback[8];
	size_t nfallback;
	double rate;           /* --rate N: at most N requests a window; 0: the kind's own */
	int64_t rate_window;   /* its unit: a second, minute or hour */
	int retries;           /* -1: net.c's default */
	int64_t timeout;       /* 0: net.c's default */
	const char *actions;
	qts_net **nets;        /* by the kind's place in the table */
	qts_stage_conf conf;
	qts_cache_opts cache;  /* for the network sources' histories */
	qts_live_opts live;    /* --live and its options */
} options;

typedef struct fetch {
	options *o;
	source *src;
	size_t n;
	qts_validator *validator;
	long skipped, unparsed;
	char first_skipped[1100]; /* where and why of the first record skipped */
	int draining;        /* stopped by a signal: what was read, nothing more */
	int synth_only;      /* every source is synth: (check) */
} fetch;

enum { OPT_STAMP = 256, OPT_EPOCH, OPT_ON_BAD, OPT_SEED, OPT_COUNT, OPT_SESSION, OPT_TZ, OPT_VERSION,
       OPT_DATE_FORMAT, OPT_DELIMITER, OPT_COLUMNS, OPT_FALLBACK, OPT_RATE, OPT_RETRIES, OPT_TIMEOUT,
       OPT_ACTIONS };

/* --from or --to TIME as the bound it sets: --from's first instant kept,
 * --to's first instant past the end (to: 1).  A time written without a
 * zone, a bare date too, is wall-clock time of --tz when one is given (as
 * the times of a vendor's file are), else UTC; --to 2024-06-30 keeps the
 * whole of that day, local with --tz (23 or 25 hours on the days the
 * clocks change).  Where the clocks change, a span keeps all it names:
 * a time of the hour repeated is its first instant for --from and its
 * second for --to, and one of the hour skipped is the change itself
 * (mktime's reading, an hour past it, dropped the hour's first events
 * from --from 02:30). */
static int64_t parse_time_arg(const char *name, const char *s, int to, int local)
{
	int64_t ns, end;
	int zoned;
	int code = qts_time_parse_zoned(s, strlen(s), &ns, &zoned);
	if (code < 0)
		qts_usage_error(usage, "%s: '%s' %s", name, s, qts_time_wrong(code));
	int date = strlen(s) == 10;
	if (to && date) { /* past the last time: no bound, as near as a time can say */
		if (qts_time_add(ns, QTS_NS_PER_DAY, &ns))
			return INT64_MAX;
	}
	if (!zoned && local)
		ns = qts_local_bound(ns, to && !date);
	if (to && !date)
		return qts_time_add(ns, 1, &end) ? INT64_MAX : end;
	return ns;
}

/* The network kinds, "yahoo, alphavantage, stooq, alpaca", for messages. */
static const char *kind_list(void)
{
	static char list[256];
	size_t n = 0;
	list[0] = '\0';
	for (size_t i = 0; qts_feed_at(i) && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", qts_feed_at(i)->name);
	return list;
}

static size_t kind_index(const qts_feed_kind *k)
{
	size_t i = 0;
	while (qts_feed_at(i) && qts_feed_at(i) != k)
		i++;
	return i;
}

/* A source named on the command line: a known kind, or a path.  A name
 * like `yahoo:AAPL` that is no file is a source qts-fetch does not know
 * (yet), and saying "No such file" would mislead. */
static void check_source(const char *spec)
{
	char err[256];
	if (strncmp(spec, "synth:", 6) == 0) {
		if (qts_synth_check_symbols(spec + 6, err) < 0)
			qts_usage_error(usage, "%s: %s", spec, err);
		return;
	}
	size_t scheme = strspn(spec, "abcdefghijklmnopqrstuvwxyz0123456789+-.");
	if (spec[scheme] == ':' && qts_feed_find(spec, scheme)) {
		const char *sym = spec + scheme + 1, *fault;
		char shown[4 * QTS_SYM_MAX + 8];
		if ((fault = qts_symbol_name_fault(sym, strlen(sym), shown)))
			qts_usage_error(usage, "%.*s:%s: the symbol %s", (int)scheme, spec, shown, fault);
		return;
	}
	if (strncmp(spec, "file:", 5) == 0 || scheme < 2 || spec[scheme] != ':' || !islower((unsigned char)spec[0]) ||
	    access(spec, F_OK) == 0 || qts_feed_find(spec, scheme))
		return;
	qts_usage_error(usage, "%s: unknown source '%.*s:' (a source is file:PATH, PATH, -, "
			"synth:SYM[,SYM...] or KIND:SYM, KIND one of %s), and no file of that name", spec,
			(int)scheme, spec, kind_list());
}

/* A symbol of the synth: source spec that an earlier synth: source names
 * too, as its length at *n; NULL when none.  Two generators of one
 * symbol make every bar twice (synth:A,A is refused so): the same bars
 * where the seed is one, and it is. */
static const char *synth_named_before(const options *o, const char *spec, size_t *n, const char **before)
{
	for (const char *s = spec + 6;; s += *n + 1) {
		*n = strcspn(s, ",");
		for (size_t i = 0; i < o->nsrc; i++) {
			if (strncmp(o->src[i].spec, "synth:", 6))
				continue;
			for (const char *t = o->src[i].spec + 6;; t += strcspn(t, ",") + 1) {
				if (strcspn(t, ",") == *n && strncmp(t, s, *n) == 0) {
					*before = o->src[i].spec;
					return s;
				}
				if (!t[strcspn(t, ",")])
					break;
			}
		}
		if (!s[*n])
			return NULL;
	}
}

static void add_source(options *o, const char *spec, const char *symbol)
{
	check_source(spec);
	size_t len;
	const char *sym, *before;
	if (strncmp(spec, "synth:", 6) == 0 && (sym = synth_named_before(o, spec, &len, &before)))
		qts_usage_error(usage, "%s: '%.*s' is named twice (%s names it too)", spec, (int)len, sym, before);
	source *n = realloc(o->src, (o->nsrc + 1) * sizeof *n);
	if (!n)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	o->src = n;
	o->src[o->nsrc++] = (source){ .spec = spec, .symbol = symbol };
	size_t scheme = strcspn(spec, ":");
	if (spec[scheme] == ':' && strncmp(spec, "file:", 5) && strncmp(spec, "synth:", 6))
		o->src[o->nsrc - 1].kind = qts_feed_find(spec, scheme);
}

/* --rate N/min (or N/s, N/h): N, and the window it counts in. */
static double parse_rate(const char *s, int64_t *window)
{
	char num[64], err[128];
	const char *slash = strchr(s, '/');
	double n, per = 0;
	if (slash && (size_t)(slash - s) < sizeof num) {
		memcpy(num, s, (size_t)(slash - s));
		num[slash - s] = '\0';
		per = !strcmp(slash, "/min") ? 60 : !strcmp(slash, "/s") ? 1 : !strcmp(slash, "/h") ? 3600 : 0;
	}
	if (!per)
		qts_usage_error(usage, "--rate: '%s' is not N/min, N/s or N/h", s);
	if (qts_parse_double(num, 1e-6, 1e6, &n, err) < 0)
		qts_usage_error(usage, "--rate: %s", err);
	*window = (int64_t)per * QTS_NS_PER_SEC;
	return n;
}

/* After --cache-list or --cache-clear, a source's name chooses entries. */
static void add_entry_name(options *o, const char *spec)
{
	source *n = realloc(o->src, (o->nsrc + 1) * sizeof *n);
	if (!n)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	o->src = n;
	o->src[o->nsrc++] = (source){ .spec = spec };
}

static char parse_delimiter(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strlen(s) != 1 || strchr("\"\r\n#", s[0]) || isalnum((unsigned char)s[0]))
		qts_usage_error(usage, "--delimiter: '%s' is not one character other than a letter, "
			        "a digit, '\"' or '#' (or 'tab')", s);
	return s[0];
}

static void parse_columns(const char *s)
{
	int named = 0;
	for (const char *p = s; *p; p++)
		named |= *p != ',' && !isspace((unsigned char)*p);
	if (!named)
		qts_usage_error(usage, "--columns: '%s' names no column", s);
}

/* --cache-list and --cache-clear do their work and exit; the sources
 * named with them choose the entries. */
static void cache_command(options *o)
{
	qts_cache_opts *co = &o->cache;
	if (co->off && co->offline)
		qts_usage_error(usage, "--offline reads the cache, which --no-cache turns off");
	if (co->list && co->clear)
		qts_usage_error(usage, "--cache-list and --cache-clear go one at a time");
	if (!co->list && !co->clear)
		return;
	const char **match = calloc(o->nsrc + 1, sizeof *match);
	if (!match)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < o->nsrc; i++)
		match[i] = o->src[i].spec;
	co->match = match;
	co->nmatch = o->nsrc;
	int rc = co->list ? qts_cache_list(co, stdout) : qts_cache_clear(co);
	int out = qts_close_stdout();
	exit(rc ? rc : out);
}

static void parse_options(int argc, char **argv, options *o)
{
	static const struct option longs[] = {
		{ "symbol", required_argument, NULL, 's' }, { "tf", required_argument, NULL, 't' },
		{ "stamp", required_argument, NULL, OPT_STAMP }, { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'u' }, { "adjust", no_argument, NULL, 'a' },
		{ "epoch", required_argument, NULL, OPT_EPOCH }, { "on-bad", required_argument, NULL, OPT_ON_BAD },
		{ "date-format", required_argument, NULL, OPT_DATE_FORMAT },
		{ "delimiter", required_argument, NULL, OPT_DELIMITER },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "seed", required_argument, NULL, OPT_SEED }, { "count", required_argument, NULL, OPT_COUNT },
		{ "session", required_argument, NULL, OPT_SESSION }, { "tz", required_argument, NULL, OPT_TZ },
		{ "fallback", required_argument, NULL, OPT_FALLBACK }, { "rate", required_argument, NULL, OPT_RATE },
		{ "retries", required_argument, NULL, OPT_RETRIES }, { "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "actions", required_argument, NULL, OPT_ACTIONS },
		QTS_STAGE_OPTIONS, QTS_STAGE_SOURCE_OPTIONS, QTS_CACHE_OPTIONS,
		QTS_LIVE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	char err[128];
	const char *why;
	long l;
	int c;
	/* -s names the sources after it: -s ORCL orcl.csv -s NVDA nvda.csv. */
	const char *symbol = NULL;
	size_t symbol_at = 0; /* sources named before the last -s */
	const char *from_arg = NULL, *to_arg = NULL; /* read once --tz is known */
	int live_opts = 0; /* --live's own options given */
	*o = (options){ .seed = 1, .session_open = 9 * 60 + 30, .session_close = 16 * 60,
			.tz = "America/New_York", .retries = -1 };
	/* The leading '-' hands over sources in their place among the options. */
	while ((c = getopt_long(argc, argv, "-s:t:f:u:aMh", longs, NULL)) != -1)
		switch (c) {
		case 1:
			if (o->cache.list || o->cache.clear) /* entries' names, no sources to read */
				add_entry_name(o, optarg);
			else
				add_source(o, optarg, symbol);
			break;
		case 's': {
			char shown[4 * QTS_SYM_MAX + 8];
			const char *fault = qts_symbol_name_fault(optarg, strlen(optarg), shown);
			if (fault)
				qts_usage_error(usage, "--symbol: '%s' %s", shown, fault);
		}
			symbol = optarg;
			symbol_at = o->nsrc;
			break;
		case 't':
			o->given |= 1u << G_TF;
			if (qts_tf_parse(optarg, &o->tf) < 0) {
				char hint[32];
				qts_usage_error(usage, "--tf: '%s' is not a timeframe%s", optarg,
						*qts_tf_hint(optarg, hint) ? hint : " (like 1m, 5m, 1h, 1d, 1w, 1M)");
			}
			break;
		case OPT_STAMP:
			o->given |= 1u << G_STAMP;
			if (strcmp(optarg, "start") && strcmp(optarg, "end"))
				qts_usage_error(usage, "--stamp: '%s' is not start or end", optarg);
			o->stamp_end = optarg[0] == 'e';
			break;
		case 'f': from_arg = optarg; parse_time_arg("--from", optarg, 0, 0); o->has_from = 1; break;
		case 'u': to_arg = optarg; parse_time_arg("--to", optarg, 1, 0); o->has_to = 1; break;
		case 'a': o->adjust = 1; o->given |= 1u << G_ADJUST; break;
		case OPT_EPOCH:
			o->given |= 1u << G_EPOCH;
			o->epoch_unit = !strcmp(optarg, "s") ? QTS_NS_PER_SEC : !strcmp(optarg, "ms") ? 1000000
				      : !strcmp(optarg, "us") ? 1000 : !strcmp(optarg, "ns") ? 1 : 0;
			if (!o->epoch_unit)
				qts_usage_error(usage, "--epoch: '%s' is not s, ms, us or ns", optarg);
			break;
		case OPT_DATE_FORMAT:
			o->given |= 1u << G_DATE_FORMAT;
			if ((why = qts_date_format_check(optarg)))
				qts_usage_error(usage, "--date-format: '%s': %s", optarg, why);
			o->date_format = optarg;
			break;
		case OPT_DELIMITER: o->delimiter = parse_delimiter(optarg); o->given |= 1u << G_DELIMITER; break;
		case OPT_COLUMNS: parse_columns(optarg); o->columns = optarg; o->given |= 1u << G_COLUMNS; break;
		case OPT_ON_BAD:
			o->on_bad = !strcmp(optarg, "stop") ? ON_BAD_STOP : !strcmp(optarg, "skip") ? ON_BAD_SKIP
				  : !strcmp(optarg, "warn") ? ON_BAD_WARN : -1;
			if (o->on_bad < 0)
				qts_usage_error(usage, "--on-bad: '%s' is not stop, skip or warn", optarg);
			break;
		case OPT_SEED:
			o->given |= 1u << G_SEED;
			if (qts_parse_long(optarg, 0, 0x7fffffffffffffffL, &l, err) < 0)
				qts_usage_error(usage, "--seed: %s", err);
			o->seed = (uint64_t)l;
			break;
		case OPT_COUNT:
			o->given |= 1u << G_COUNT;
			if (qts_parse_long(optarg, 1, 0x7fffffffffffffffL, &o->count, err) < 0)
				qts_usage_error(usage, "--count: %s", err);
			break;
		case OPT_SESSION: {
			/* synth writes a session's bars within each day: no overnight one */
			qts_session ss;
			o->given |= 1u << G_SESSION;
			if (qts_session_parse(optarg, &ss) < 0 || ss.end < ss.start)
				qts_usage_error(usage, "--session: '%s' is not HH:MM-HH:MM with open before close", optarg);
			o->session_open = (int)(ss.start / (60 * QTS_NS_PER_SEC));
			o->session_close = (int)(ss.end / (60 * QTS_NS_PER_SEC));
			break;
		}
		case OPT_TZ:
			o->given |= 1u << G_TZ;
			if (!*optarg || strchr(optarg, '.')) /* a name under /usr/share/zoneinfo */
				qts_usage_error(usage, "--tz: '%s' is not a time zone name", optarg);
			o->tz = optarg;
			o->tz_given = 1;
			break;
		case OPT_FALLBACK: {
			o->given |= 1u << G_FALLBACK;
			const qts_feed_kind *k = qts_feed_find(optarg, strlen(optarg));
			if (!k)
				qts_usage_error(usage, "--fallback: '%s' is not a network source (%s)", optarg, kind_list());
			if (o->nfallback == sizeof o->fallback / sizeof *o->fallback)
				qts_usage_error(usage, "--fallback: more than %zu", o->nfallback);
			o->fallback[o->nfallback++] = k;
			break;
		}
		case OPT_RATE: o->rate = parse_rate(optarg, &o->rate_window); o->given |= 1u << G_RATE; break;
		case OPT_RETRIES:
			o->given |= 1u << G_RETRIES;
			if (qts_parse_long(optarg, 0, 100, &l, err) < 0)
				qts_usage_error(usage, "--retries: %s", err);
			o->retries = (int)l;
			break;
		case OPT_TIMEOUT:
			o->given |= 1u << G_TIMEOUT;
			if (qts_duration_parse(optarg, &o->timeout) < 0 || o->timeout < QTS_NS_PER_SEC / 1000 ||
			    o->timeout > 3600 * QTS_NS_PER_SEC)
				qts_usage_error(usage, "--timeout: '%s' is not a duration from 1ms to 1h (250ms, 10s, 2m)",
						optarg);
			break;
		case OPT_ACTIONS:
			o->given |= 1u << G_ACTIONS;
			if (!*optarg)
				qts_usage_error(usage, "--actions: an empty file name");
			/* `-` would be standard output (qts_outfile): the stream's */
			if (strcmp(optarg, "-") == 0)
				qts_usage_error(usage, "--actions: '-' is standard output, which holds the stream; "
					       "name a file");
			o->actions = optarg;
			break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		default:
			if (qts_cache_option(c, optarg, &o->cache, usage)) {
				o->given |= 1u << G_CACHE;
				break;
			}
			if (qts_live_option(c, optarg, &o->live, usage)) {
				live_opts |= c != QTS_OPT_LIVE;
				break;
			}
			if (!qts_stage_option(c, optarg, &o->conf, usage))
				qts_usage_error(usage, NULL);
		}
	for (; optind < argc; optind++) /* after -- */
		add_source(o, argv[optind], symbol);
	cache_command(o);
	if (live_opts && !o->live.on)
		qts_usage_error(usage, "--feed, --live-types, --silence and --reorder go with --live");
	if (!o->nsrc)
		qts_usage_error(usage, "no SOURCE given");
	if (symbol && symbol_at == o->nsrc)
		qts_usage_error(usage, "--symbol %s: no source after it (-s names the files that follow it)", symbol);
	if (o->tz_given && !o->live.on) {
		/* One zone for the whole process: vendor times, sessions, --from and --to. */
		if (qts_tz_use(o->tz) < 0)
			qts_usage_error(usage, "--tz: '%s' is not an installed time zone", o->tz);
	}
	int local = o->tz_given && !o->live.on;
	if (from_arg)
		o->from = parse_time_arg("--from", from_arg, 0, local);
	if (to_arg)
		o->to = parse_time_arg("--to", to_arg, 1, local);
	if (o->has_from && o->has_to && o->to <= o->from)
		qts_usage_error(usage, "--to is not after --from");
	/* A network source's kinds must serve the timeframe. */
	char tf[QTS_WORD_MAX];
	qts_tf_format(o->tf.n ? o->tf : (qts_tf){ 1, 'd' }, tf);
	for (size_t i = 0; i < o->nsrc; i++)
		for (size_t j = 0; o->src[i].kind && j <= o->nfallback; j++) {
			const qts_feed_kind *k = j ? o->fallback[j - 1] : o->src[i].kind;
			if (!k->serves(o->tf))
				qts_usage_error(usage, "%s: --tf %s: %s serves %s", o->src[i].spec, tf, k->name, k->tfs);
		}
}

/* The default symbol of a file: its name without directory or extension,
 * in upper case. */
/* A file's name as the symbol of its rows, whole (size bytes at sym, a
 * file name's length): one too long for a symbol is refused by the vendor
 * reader, which names it, where cut to its first 31 bytes two files'
 * symbols could become one. */
static void symbol_of_path(const char *path, char *sym, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		sym[i] = (char)toupper((unsigned char)base[i]);
	sym[n] = '\0';
}

static int open_synth(source *s, const options *o)
{
	qts_synth_opts so = { .seed = o->seed, .tf = o->tf.n ? o->tf : (qts_tf){ 1, 'd' },
			      .from = o->has_from ? o->from : qts_days_from_civil(2024, 1, 1) * QTS_NS_PER_DAY,
			      .to = o->has_to ? o->to : INT64_MAX, .count = o->count,
			      .session_open = o->session_open, .session_close = o->session_close, .tz = o->tz,
			      .daily_local = o->tz_given };
	if (!o->has_to && !o->count)
		if (qts_time_add(so.from, 366 * QTS_NS_PER_DAY, &so.to)) /* a year by default */
			so.to = INT64_MAX;
	if (so.tf.unit == 's' || so.tf.unit == 'm' || so.tf.unit == 'h') {
		int64_t len = (int64_t)(o->session_close - o->session_open) * 60 * QTS_NS_PER_SEC;
		if (qts_tf_ns(so.tf) > len) {
			snprintf(s->err, sizeof s->err, "%s: --tf %d%c is longer than the session", s->spec, so.tf.n, so.tf.unit);
			return -1;
		}
	}
	char err[256];
	if (!(s->synth = qts_synth_new(s->spec + 6, &so, err))) {
		snprintf(s->err, sizeof s->err, "%s: %s", s->spec, err);
		return -1;
	}
	return 0;
}

/* The k-th kind of a network source's chain: its own, then the
 * --fallback kinds other than it; NULL past the last. */
static const qts_feed_kind *chain(const source *s, const options *o, size_t k)
{
	if (k == 0)
		return s->kind;
	for (size_t i = 0; i < o->nfallback; i++)
		if (o->fallback[i] != s->kind && --k == 0)
			return o->fallback[i];
	return NULL;
}

/* Keep what the kind serving s found of corporate actions, before it is
 * closed. */
static void keep_actions(source *s)
{
	const char *a = s->hist ? qts_history_actions(s->hist) : NULL;
	if (!a || !*a)
		return;
	size_t had = s->actions ? strlen(s->actions) : 0;
	char *n = realloc(s->actions, had + strlen(a) + 1);
	if (!n)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	strcpy(n + had, a);
	s->actions = n;
}

/* Open the next kind of a network source's chain that opens, from where
 * the one before stopped: 0, or -1 with why (that of the last kind) in
 * s->err.  why is the failure of the kind before, to pass on. */
static int open_network(source *s, const options *o, const char *why)
{
	const char *sym = strchr(s->spec, ':') + 1;
	char err[QTS_ERR_MAX];
	if (why)
		QTS_SET(err, why);
	for (const qts_feed_kind *k; (k = chain(s, o, s->tried)); ) {
		if (s->tried++)
			qts_warn("%s; trying %s:%s", err, k->name, sym);
		keep_actions(s);
		qts_history_close(s->hist);
		s->hist = NULL;
		size_t ki = kind_index(k);
		if (!o->nets[ki]) {
			/* --rate N/min: never more than N in any minute, the
			 * kind's burst cut to keep to it (qts_rate_bucket_init) */
			qts_net_conf c = { .name = k->name, .rate_per_min = o->rate ? o->rate : k->rate_per_min,
					   .window = o->rate ? o->rate_window : 0, .burst = k->burst,
					   .retries = o->retries, .timeout = o->timeout, .wait_in_loop = 1 };
			if (!(o->nets[ki] = qts_net_new(&c, err)))
				break;
		}
		qts_feed_request rq = { .symbol = sym, .tf = o->tf, .adjust = o->adjust,
					.from = o->has_from ? o->from : INT64_MIN, .to = o->has_to ? o->to : INT64_MAX };
		if (s->served && s->last_ts >= rq.from)
			rq.from = s->last_ts + 1; /* what the kind before gave stands */
		if ((s->hist = qts_history_open(k, o->nets[ki], &rq, &o->cache, err))) {
			s->serving = k;
			return 0;
		}
	}
	QTS_SET(s->err, err);
	return -1;
}

/* Whether the first n bytes of an input tell what it is: a msgpack event
 * by its first byte, Parquet by its first four (PAR1), and CSV events
 * from a vendor's header by the first field, which ends at the delimiter
 * or the line's end (qts_vendor_is_header_sep looks at 63 bytes at most),
 * or by the first line when that field may be an unknown event's type. */
static int start_known(const unsigned char *p, size_t n, char delim)
{
	if (n == 0)
		return 0;
	if ((p[0] >= 0x90 && p[0] <= 0x9f) || p[0] == 0xdc || p[0] == 0xdd || p[0] == '#')
		return 1;
	if (n < 4 && memcmp(p, "PAR1", n) == 0)
		return 0;
	if (memchr(p, '\n', n) || memchr(p, '\r', n))
		return 1;
	/* A first field that may be an unknown event's type: whether it is
	 * one is told by the time after it (a writer ends its lines, so the
	 * line's end comes with it). */
	const unsigned char *d = memchr(p, delim, n);
	if (d && qts_vendor_maybe_event_type((const char *)p, (size_t)(d - p)))
		return n >= 256;
	return n >= 63 || d;
}

/* The start of an input, as much as has arrived and no more than it takes
 * to tell what it is: a pipe's first event must not wait for bytes that
 * have not come (a live feed sends a few a second).  As qts_input_peek. */
static long peek_start(qts_input *in, const unsigned char **p, char delim)
{
	for (size_t want = 1;; ) {
		long n = qts_input_need(in, want, p);
		if (n < (long)want || start_known(*p, (size_t)n, delim))
			return n;
		want = (size_t)n + 1;
	}
}

static int open_source(source *s, const options *o)
{
	if (s->kind)
		return open_network(s, o, NULL);
	if (strncmp(s->spec, "synth:", 6) == 0)
		return open_synth(s, o);
	/* Told how to read its columns, a file is a vendor file. */
	int vendor = o->columns != NULL;
	const char *path = strncmp(s->spec, "file:", 5) == 0 ? s->spec + 5 : s->spec;
	qts_input *in = qts_input_open(path);
	if (!in) {
		snprintf(s->err, sizeof s->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A pipe that pauses: what was written goes out, and the stage's
	 * heartbeats go on, while it waits. */
	qts_input_on_wait(in, qts_stage_wait_input, NULL);
	const unsigned char *p;
	long n = peek_start(in, &p, o->delimiter ? o->delimiter : ',');
	if (n < 0) {
		snprintf(s->err, sizeof s->err, "%s", qts_input_error(in));
		qts_input_close(in);
		return -1;
	}
	int msgpack = n > 0 && ((p[0] >= 0x90 && p[0] <= 0x9f) || p[0] == 0xdc || p[0] == 0xdd);
	/* Parquet, known by its content (PAR1): a table read as a vendor's. */
	int parquet = qts_pq_magic(p, (size_t)n);
	char delim = o->delimiter ? o->delimiter : ',';
	/* A header whose first column is `type` heads qts's own columns (an
	 * event file exported with its header, by sqlite3 -header say): its
	 * events are read as events, each bar keeping its tf, not as a
	 * vendor's bars of one inferred timeframe. */
	int own_header = n > 4 && memcmp(p, "type", 4) == 0 && p[4] == delim;
	if (!parquet && !vendor && (n == 0 || msgpack || own_header ||
			!qts_vendor_is_header_sep((const char *)p, (size_t)n, delim))) {
		if (!(s->events = qts_reader_new(in))) {
			qts_input_close(in);
			snprintf(s->err, sizeof s->err, "out of memory");
			return -1;
		}
		return 0;
	}
	char sym[QTS_VENDOR_NAME_MAX], err[512];
	symbol_of_path(path, sym, sizeof sym);
	qts_vendor_opts vo = { .symbol = s->symbol ? s->symbol : strcmp(path, "-") ? sym : NULL,
			       .tf = o->tf, .stamp_end = o->stamp_end, .adjust = o->adjust,
			       .epoch_unit = o->epoch_unit, .local = o->tz_given, .delimiter = o->delimiter,
			       .date_format = o->date_format, .columns = o->columns };
	if (!(s->vendor = parquet ? qts_vendor_open_parquet(in, &vo, err) : qts_vendor_open(in, &vo, err))) {
		qts_input_close(in);
		snprintf(s->err, sizeof s->err, "%s", err);
		return -1;
	}
	return 0;
}

/* A vendor row that does not parse: 0 to go on without it, -1 to stop. */
static int bad_row(fetch *f, const char *why)
{
	switch (f->o->on_bad) {
	case ON_BAD_WARN:
		qts_warn("%s; row dropped", why);
		return 0;
	case ON_BAD_SKIP:
		if (!f->skipped++)
			QTS_SET(f->first_skipped, why);
		f->unparsed++;
		return 0;
	default:
		return -1;
	}
}

/* A file whose events all fall outside --from/--to gives nothing: a
 * window on the wrong year, or a file of another span than thought, would
 * be an empty stream and exit 0.  Said once, at its end, with the span it
 * holds.  (Network sources and synth: are asked for the window alone.) */
static void window_missed(source *s)
{
	if (!s->nread || s->nkept || (!s->events && !s->vendor))
		return;
	char a[40], b[40];
	qts_time_format(s->first_read, a);
	qts_time_format(s->last_read, b);
	if (s->nread == 1)
		qts_warn("%s: no event within --from and --to: its one event is at %s", s->spec, a);
	else
		qts_warn("%s: no event within --from and --to: its %ld events run from %s to %s", s->spec,
			 s->nread, a, b);
	s->nread = 0; /* once */
}

/* synth: asked for a window that holds no bar of its calendar (a
 * weekend, the night outside the session, a --to before 2024-01-01 where
 * it starts without --from) gives nothing: said once, at its end. */
static void synth_missed(source *s, const options *o)
{
	if (s->nkept || s->synth_said)
		return;
	s->synth_said = 1;
	int64_t start = qts_days_from_civil(2024, 1, 1) * QTS_NS_PER_DAY;
	if (!o->has_from && o->has_to && o->to <= start) {
		qts_warn("%s: no bar: --to comes before 2024-01-01, where bars start without --from", s->spec);
		return;
	}
	qts_tf tf = o->tf.n ? o->tf : (qts_tf){ 1, 'd' };
	char why[128];
	if (tf.unit == 'w')
		snprintf(why, sizeof why, "weekly bars start on Mondays");
	else if (tf.unit == 'M')
		snprintf(why, sizeof why, "monthly bars start on the first of a month");
	else if (tf.unit == 'd')
		snprintf(why, sizeof why, "daily bars fall on business days, Monday to Friday");
	else
		snprintf(why, sizeof why, "intraday bars fill the session %02d:%02d-%02d:%02d of business days",
			 o->session_open / 60, o->session_open % 60, o->session_close / 60, o->session_close % 60);
	qts_warn("%s: no bar within --from and --to: %s", s->spec, why);
}

/* A source's next event within --from/--to. */
static int source_next(void *ctx, size_t i, qts_event *ev)
{
	fetch *f = ctx;
	source *s = &f->src[i];
	for (;;) {
		int r;
		/* Generated or fetched over the network, a source has read
		 * nothing of its next events. */
		if (f->draining && (s->synth || s->hist))
			return 0;
		if (s->synth) {
			if ((r = qts_synth_next(s->synth, ev)) < 0)
				snprintf(s->err, sizeof s->err, "%s: the bars asked for run past 2262-04-11, "
					 "the last time there is", s->spec);
		} else if (s->vendor) {
			if ((r = qts_vendor_next(s->vendor, ev)) < -1 && bad_row(f, qts_vendor_error(s->vendor)) == 0)
				continue;
			if (r < 0)
				snprintf(s->err, sizeof s->err, "%s%s", qts_vendor_error(s->vendor),
					 r == QTS_VENDOR_NO_DATA ? "; --on-bad skip drops such rows" : "");
			else if (r == 0 && qts_vendor_rows(s->vendor) == 0)
				qts_warn("%s: a header and no rows", s->spec);
			r = r < 0 ? -1 : r;
		} else if (s->hist) {
			char err[QTS_ERR_MAX];
			if ((r = qts_history_next(s->hist, ev, err)) < 0) {
				if (open_network(s, f->o, err) == 0)
					continue;
			} else if (r > 0) {
				s->last_ts = ev->ts;
				s->served++;
				if (s->symbol)
					QTS_SET(ev->symbol, s->symbol);
			} else if (f->o->nfallback)
				qts_warn("%s: served by %s:%s", s->spec, s->serving->name, strchr(s->spec, ':') + 1);
		} else if ((r = qts_reader_next(s->events, ev)) < 0)
			snprintf(s->err, sizeof s->err, "%s", qts_reader_error(s->events));
		if (r < 0 && f->draining) /* a read after the signal: the end of what was read */
			return 0;
		if (r == 0 && !f->draining) {
			if (s->synth)
				synth_missed(s, f->o);
			window_missed(s);
		}
		if (r <= 0)
			return r;
		if (!s->nread++)
			s->first_read = ev->ts;
		s->last_read = ev->ts;
		if ((f->o->has_from && ev->ts < f->o->from) || (f->o->has_to && ev->ts >= f->o->to))
			continue;
		s->nkept++;
		return 1;
	}
}

/* Validate market data of the merged stream: 1 keep, 0 skip, -1 stop.
 * The source has not read past it, so its position names the line. */
static int check(fetch *f, size_t i, const qts_event *ev, const char **where, const char **bad)
{
	source *s = &f->src[i];
	/* Generated bars are sound by construction, and with synth: sources
	 * alone (no symbol in two of them: add_source) nothing else comes to
	 * judge them against: the hot path of generation skips the check.
	 * Among other sources they are checked as any record is, a file's
	 * bar of their symbol and timeframe against theirs. */
	if (s->synth && f->synth_only)
		return 1;
	if (!(*bad = qts_validate(f->validator, ev))) {
		qts_validator_accept(f->validator, ev);
		return 1;
	}
	if (s->hist || s->synth) { /* the source and symbol, and the bar's date */
		char t[40];
		qts_time_format(ev->ts, t);
		if (ev->ts % QTS_NS_PER_DAY == 0)
			t[10] = '\0';
		if (s->synth)
			snprintf(s->where, sizeof s->where, "%s: %s", s->spec, t);
		else
			snprintf(s->where, sizeof s->where, "%s:%s: %s", s->serving->name, strchr(s->spec, ':') + 1, t);
		*where = s->where;
	} else
		*where = s->vendor ? qts_vendor_where(s->vendor) : qts_reader_where(s->events);
	switch (f->o->on_bad) {
	case ON_BAD_WARN:
		if (qts_validator_unreadable(f->validator)) {
			qts_warn("%s: %s; dropped (no stage reads a stream with it)", *where, *bad);
			return 0;
		}
		qts_warn("%s: %s", *where, *bad);
		qts_validator_accept(f->validator, ev);
		return 1;
	case ON_BAD_SKIP:
		if (!f->skipped++)
			snprintf(f->first_skipped, sizeof f->first_skipped, "%s: %s", *where, *bad);
		return 0;
	default:
		return -1;
	}
}

static const char *source_error(void *ctx, size_t i)
{
	return ((fetch *)ctx)->src[i].err;
}

static void close_source(source *s)
{
	qts_reader_close(s->events);
	qts_vendor_close(s->vendor);
	qts_synth_free(s->synth);
	qts_history_close(s->hist);
	free(s->actions);
}

typedef struct engine {
	options o;
	fetch f;
	qts_merge *m;
	int open_failed;
	int opened; /* the sources are open (open_sources) */
	char err[1200];
} engine;

static int open_sources(engine *e, int in_loop);

static int fetch_next(void *eng, qts_event *ev)
{
	engine *e = eng;
	fetch *f = &e->f;
	if (__builtin_expect(!e->opened, 0) && open_sources(e, 1) < 0)
		return -1;
	if (!f->n)
		return 0;
	for (;;) {
		size_t from = 0;
		const char *where = "", *bad = NULL;
		/* One source needs no merge, which would copy every event. */
		int r = f->n == 1 ? source_next(f, 0, ev) : qts_merge_next(e->m, ev, &from);
		if (r < 0)
			QTS_SET(e->err, f->n == 1 ? f->src[0].err : qts_merge_error(e->m));
		if (r <= 0)
			return r;
		int keep = check(f, from, ev, &where, &bad);
		if (keep < 0) {
			snprintf(e->err, sizeof e->err, "%s: %s", where, bad);
			return -1;
		}
		if (keep)
			return 1;
	}
}

/* After a signal: the events read already, rows read ahead and the
 * merge's heads included, in their order; every read fails from now on,
 * so nothing more is read. */
static int fetch_drain(void *eng, qts_event *ev)
{
	engine *e = eng;
	if (!e->opened) /* a signal while the stage waited to open them */
		return 0;
	e->f.draining = 1;
	return fetch_next(eng, ev) > 0;
}

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --actions: the corporate actions the network sources met, sorted by
 * date, each line once, in the symbol of their events (-s), written whole. */
static int write_actions(engine *e)
{
	fetch *f = &e->f;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	int r = -1;
	for (size_t i = 0; i < f->n; i++) {
		source *s = &f->src[i];
		keep_actions(s);
		qts_history_close(s->hist);
		s->hist = NULL;
		for (char *p = s->actions, *end; p && *p; p = end + 1) {
			if (!(end = strchr(p, '\n')))
				break;
			*end = '\0';
			char *sym = strchr(p, ','), *rest = sym ? strchr(sym + 1, ',') : NULL;
			if (!rest)
				continue;
			if (n == cap) {
				char **g = realloc(lines, (cap = cap ? cap * 2 : 64) * sizeof *g);
				if (!g)
					qts_die(QTS_EXIT_FAIL, "out of memory");
				lines = g;
			}
			size_t len = strlen(p) + QTS_SYM_MAX + 2;
			if (!(lines[n] = malloc(len)))
				qts_die(QTS_EXIT_FAIL, "out of memory");
			if (s->symbol)
				snprintf(lines[n], len, "%.*s,%s%s", (int)(sym - p), p, s->symbol, rest);
			else
				snprintf(lines[n], len, "%s", p);
			n++;
		}
	}
	if (n)
		qsort(lines, n, sizeof *lines, by_line);
	qts_outfile of;
	if (qts_outfile_open(&of, e->o.actions, e->err, sizeof e->err) == 0) {
		fputs("date,symbol,action,value\n", of.fp);
		for (size_t i = 0; i < n; i++)
			if (!i || strcmp(lines[i], lines[i - 1]))
				fprintf(of.fp, "%s\n", lines[i]);
		r = qts_outfile_commit(&of, e->err, sizeof e->err);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return r;
}

/* A source that could not be opened was said at the start; the others
 * were read, and the run fails at the end. */
static int fetch_finish(void *eng)
{
	engine *e = eng;
	if (!e->open_failed && e->o.actions && write_actions(e) < 0)
		return -1;
	if (e->open_failed) {
		e->err[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *fetch_error(void *eng)
{
	return ((engine *)eng)->err;
}

static void fetch_counts(void *eng, char *buf, size_t size)
{
	engine *e = eng;
	snprintf(buf, size, "sources=%zu skipped=%ld", e->opened ? e->f.n : e->o.nsrc, e->f.skipped);
}

static void fetch_free(void *eng)
{
	engine *e = eng;
	fetch *f = &e->f;
	if (f->skipped && f->unparsed)
		qts_warn("skipped %ld bad record%s (%ld that do%s not parse); the first: %s", f->skipped,
			 f->skipped == 1 ? "" : "s", f->unparsed, f->unparsed == 1 ? "es" : "", f->first_skipped);
	else if (f->skipped)
		qts_warn("skipped %ld bad record%s; the first: %s", f->skipped, f->skipped == 1 ? "" : "s",
			 f->first_skipped);
	qts_merge_free(e->m);
	for (size_t i = 0; i < f->n; i++)
		close_source(&f->src[i]);
	free(f->src);
	for (size_t i = 0; qts_feed_at(i); i++)
		qts_net_free(e->o.nets[i]);
	free(e->o.nets);
	qts_validator_free(f->validator);
	free(e);
}

static const qts_stage_ops fetch_ops = {
	.next = fetch_next,
	.drain = fetch_drain,
	.finish = fetch_finish,
	.error = fetch_error,
	.counts = fetch_counts,
	.free = fetch_free,
};

/* An option none of the sources takes, or a -s they do not: 0, or -1
 * with why in msg.  by_spec: the sources not yet opened, what they may
 * be told by their names alone (a file may be a vendor's or events),
 * for the faults that are so whatever they hold. */
static int kind_fault(const options *o, const source *src, size_t n, int by_spec, char *msg, size_t size)
{
	unsigned kinds = 0;
	for (size_t i = 0; i < n; i++) {
		const source *s = &src[i];
		int synth = by_spec ? strncmp(s->spec, "synth:", 6) == 0 : s->synth != NULL;
		if (by_spec)
			kinds |= s->kind ? SRC_NET : synth ? SRC_SYNTH : o->columns ? SRC_TABLE : SRC_TABLE | SRC_EVENTS;
		else
			kinds |= s->vendor && !qts_vendor_holds_events(s->vendor) ? SRC_TABLE
				 : s->synth ? SRC_SYNTH : s->kind ? SRC_NET : SRC_EVENTS;
		/* (a Parquet table of events is opened as a vendor's: its rows
		 * are read field by field) */
		if ((s->events || (s->vendor && qts_vendor_holds_events(s->vendor))) && s->symbol) {
			snprintf(msg, size, "-s %s: %s holds events, which name their own symbols", s->symbol, s->spec);
			return -1;
		}
		if (synth && s->symbol) { /* (a network source's symbol is renamed by it) */
			snprintf(msg, size, "-s %s: %s names its symbols itself", s->symbol, s->spec);
			return -1;
		}
	}
	for (size_t g = 0; g < G_N; g++)
		if ((o->given >> g & 1) && !(kinds & kind_opts[g].kinds)) {
			snprintf(msg, size, "%s acts on %s alone, and no source here is one", kind_opts[g].name,
				 kind_opts[g].what);
			return -1;
		}
	if ((o->given >> G_SESSION & 1) && !strchr("smh", o->tf.n ? o->tf.unit : 'd')) {
		snprintf(msg, size, "--session shapes the intraday bars of synth:, and these are daily or longer");
		return -1;
	}
	return 0;
}

/* Whether a source may keep the stage waiting as it is opened, for the
 * first bytes that tell what a pipe, a FIFO, a socket or a terminal
 * holds (standard input too, when it is one).  Such a wait is inside the
 * stage's loop, where heartbeats and metrics go on; files are opened as
 * the stage is built.  (A network source asks its vendor at its first
 * read, in the loop already.) */
static int may_wait(const source *s)
{
	if (s->kind || strncmp(s->spec, "synth:", 6) == 0)
		return 0;
	const char *path = strncmp(s->spec, "file:", 5) == 0 ? s->spec + 5 : s->spec;
	struct stat st;
	int rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st);
	return rc == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

/* Open every source (one that cannot be is said, and the run fails at
 * the end) and merge them.  Their kinds known, an option none of them
 * takes, or a -s before a file of events (they name their own symbols),
 * is a usage error as the stage is built, before anything is written;
 * in the loop (in_loop: a source may wait, see may_wait), where
 * heartbeats may have gone out, the run fails (exit 1), its stream
 * ending with why (build has refused what the names alone tell).  0, or
 * -1 with why in e->err. */
static int open_sources(engine *e, int in_loop)
{
	options *o = &e->o;
	fetch *f = &e->f;
	size_t open = 0;
	for (size_t i = 0; i < o->nsrc; i++) {
		source *s = &f->src[open];
		*s = o->src[i];
		if (open_source(s, o) < 0) {
			/* A signal while a source's first bytes are awaited
			 * is said as at any other time, by the stream's last
			 * event and the status alone, not as a failed source. */
			if (qts_interrupted) {
				e->open_failed = 1;
				break;
			}
			qts_warn("%s", s->err);
			e->open_failed = 1;
			continue;
		}
		open++;
	}
	f->n = open;
	e->opened = 1;
	f->synth_only = 1;
	for (size_t i = 0; i < f->n; i++)
		f->synth_only &= f->src[i].synth != NULL;
	char why[512];
	if (!e->open_failed && kind_fault(o, f->src, f->n, 0, why, sizeof why) < 0) {
		if (!in_loop)
			qts_die(QTS_EXIT_USAGE, "%s", why);
		snprintf(e->err, sizeof e->err, "%s", why);
		return -1;
	}
	if (!(e->m = qts_merge_new_sources(f->n, source_next, source_error, f)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return 0;
}

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	(void)emit, (void)arg; /* a source: the runtime writes what next gives */
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	options *o = &e->o;
	parse_options(argc, argv, o);
	if (o->live.on) { /* the live stream is a source of its own (fetch_live.c) */
		const char **specs = calloc(o->nsrc, sizeof *specs);
		if (!specs)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		for (size_t i = 0; i < o->nsrc; i++)
			specs[i] = o->src[i].spec;
		qts_live_request rq = { .specs = specs, .nspecs = o->nsrc, .tf = o->tf,
					.from = o->has_from ? o->from : INT64_MIN, .to = o->has_to ? o->to : INT64_MAX,
					.adjust = o->adjust, .on_bad = o->on_bad };
		qts_live_build(st, &o->live, &rq, usage);
		free(specs);
		free(o->src);
		st->conf = o->conf;
		free(e);
		return;
	}
	size_t kinds = 0;
	while (qts_feed_at(kinds))
		kinds++;
	if (!(o->nets = calloc(kinds + 1, sizeof *o->nets)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	fetch *f = &e->f;
	*f = (fetch){ .o = o, .src = o->src, .validator = qts_validator_new() };
	if (!f->validator)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	int wait = 0;
	for (size_t i = 0; i < o->nsrc; i++)
		wait |= may_wait(&o->src[i]);
	char why[512];
	if (!wait)
		open_sources(e, 0);
	else if (kind_fault(o, o->src, o->nsrc, 1, why, sizeof why) < 0)
		qts_die(QTS_EXIT_USAGE, "%s", why); /* so whatever they hold */
	st->name = "qts-fetch";
	st->ops = &fetch_ops;
	st->eng = e;
	st->conf = o->conf;
	st->conf.files = NULL;
	st->conf.nfiles = 0;
}

const qts_stage_def qts_fetch_stage = { "qts-fetch", build };
