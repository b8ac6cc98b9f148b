/* strategy_stage.c — qts-strategy as a stage: its options, --list, and the
 * host the runtime feeds: every event passes through, bars go to the
 * strategy, and what it writes follows the bar that caused it.  The
 * strategies themselves are strategy_builtin.c, strategy_expr.c and
 * strategy_plugin.c; --feedback is strategy_feedback.c. */
#include "strategy_priv.h"

#include "qts_ind.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char qts_strategy_usage[] =
	"usage: qts-strategy [-M] [--tf TF] [--name NAME] STRATEGY [key=value...] [FILE...]\n"
	"       qts-strategy [-M] [--tf TF] [--name NAME] [--unit qty|weight] -e EXPR [FILE...]\n"
	"       qts-strategy [-M] [--tf TF] [--name NAME] [--unit qty|weight] -f PROGRAM [FILE...]\n"
	"       qts-strategy [--tf TF] --print EXPR,EXPR,... [FILE...]\n"
	"       qts-strategy [-M] [--name NAME] [--watch] --plugin SO [key=value...] [FILE...]\n"
	"       qts-strategy --list\n"
	"options: -M, --msgpack  -e, --expr EXPR  -f, --file PROGRAM  --print LIST\n"
	"         --plugin SO  --watch  --tf TF  --name NAME  --unit UNIT  --list\n"
	"         --xs-wait DURATION  --feedback FILE  --heartbeat DURATION  --metrics FILE\n"
	"         --busy-poll DURATION  --state FILE  --checkpoint-every N|DURATION\n"
	"         --output-journal J  --instrument SPEC  --instruments FILE\n"
	"         -h, --help  --version\n";
#define usage qts_strategy_usage

/* ---- options ------------------------------------------------------------- */

enum { O_PRINT = 256, O_PLUGIN, O_WATCH, O_TF, O_NAME, O_UNIT, O_LIST, O_VERSION, O_XS_WAIT, O_INSTRUMENT,
       O_INSTRUMENTS };
static const struct option longopts[] = {
	QTS_STAGE_OPTIONS,
	QTS_STAGE_FEEDBACK_OPTION,
	QTS_STAGE_STATE_OPTIONS,
	{ "expr", required_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	{ "print", required_argument, NULL, O_PRINT },
	{ "plugin", required_argument, NULL, O_PLUGIN },
	{ "watch", no_argument, NULL, O_WATCH },
	{ "tf", required_argument, NULL, O_TF },
	{ "name", required_argument, NULL, O_NAME },
	{ "unit", required_argument, NULL, O_UNIT },
	{ "list", no_argument, NULL, O_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "xs-wait", required_argument, NULL, O_XS_WAIT },
	{ "instrument", required_argument, NULL, O_INSTRUMENT },
	{ "instruments", required_argument, NULL, O_INSTRUMENTS },
	{ 0 },
};

/* An option's value that a second would replace unseen: a usage error
 * (twice) then. */
static void take_once(const char **slot, const char *twice)
{
	if (*slot)
		qts_usage_error(usage, "%s", twice);
	*slot = optarg;
}

/* Whether an operand is a key=value parameter rather than a file. */
static int is_param(const char *arg)
{
	const char *eq = strchr(arg, '=');
	return eq && !memchr(arg, '/', (size_t)(eq - arg));
}

/* --instrument SPEC and --instruments FILE, read by qts-sim's parser, in
 * order (a later spec of a symbol wins): which symbols are contracts,
 * whose limit and stop prices may be zero or below. */
static void instrument_option(int c, struct strategy_options *o)
{
	char why[QTS_ERR_MAX];
	int rc;
	if (c == O_INSTRUMENT) {
		rc = qts_instrument_add_spec(&o->instruments, &o->ninstruments, optarg, why);
		if (rc == -1)
			qts_usage_error(usage, "--%s", why); /* "instrument: ..." */
	} else {
		if (!*optarg)
			qts_usage_error(usage, "--instruments: an empty file name");
		rc = qts_instruments_load(optarg, &o->instruments, &o->ninstruments, why);
	}
	if (rc < 0) /* out of memory, or a file named by an option that cannot be read */
		qts_die(QTS_EXIT_FAIL, "%s", why);
}

static void parse_options(int argc, char **argv, struct strategy_options *o)
{
	int c, others = 0;
	memset(o, 0, sizeof *o);
	/* options anywhere, as every stage takes them: the strategy's
	 * key=value and the files never start with '-' (a file that does
	 * follows --) */
	while ((c = getopt_long(argc, argv, "Me:f:h", longopts, NULL)) != -1) {
		others += c != O_LIST;
		switch (c) {
		case 'e':
			/* one program: a second would replace the first unseen */
			take_once(&o->expr, "-e given twice: the program is one -e (statements joined by ';' or newlines) or -f");
			break;
		case 'f':
			if (!*optarg)
				qts_usage_error(usage, "-f: an empty file name");
			take_once(&o->progfile, "-f given twice: the program is one file");
			break;
		case O_PRINT: take_once(&o->print, "--print given twice: one LIST holds every expression"); break;
		case O_PLUGIN:
			if (!*optarg)
				qts_usage_error(usage, "--plugin: an empty file name");
			take_once(&o->plugin, "--plugin given twice: one plugin a stage");
			break;
		case O_WATCH: o->watch = 1; break;
		case O_TF: take_once(&o->tf, "--tf given twice: one timeframe drives the strategy"); break;
		case O_NAME: take_once(&o->name, "--name given twice"); break;
		case O_UNIT: take_once(&o->unit, "--unit given twice"); break;
		case O_LIST: o->list = 1; break;
		case O_XS_WAIT:
			if (qts_duration_parse(optarg, &o->xs_wait) < 0 || o->xs_wait <= 0)
				qts_usage_error(usage, "--xs-wait: '%s' is not a positive duration "
						"(500ms, 2s, 1m)", optarg);
			break;
		case O_INSTRUMENT:
		case O_INSTRUMENTS:
			instrument_option(c, o);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(qts_close_stdout());
		case O_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &o->conf, usage))
				qts_usage_error(usage, NULL);
		}
	}
	int kinds = !!o->expr + !!o->progfile + !!o->print + !!o->plugin;
	if (kinds > 1)
		qts_usage_error(usage, "-e, -f, --print and --plugin exclude each other");
	if (o->list) {
		if (optind < argc)
			qts_usage_error(usage, "--list takes no operands: '%s'", argv[optind]);
		/* it lists the registry, whatever else is said: that would be ignored */
		if (others)
			qts_usage_error(usage, "--list goes alone: it reads no input and runs no strategy");
		return;
	}
	int i = optind;
	if (!kinds) {
		if (i >= argc)
			qts_usage_error(usage, "no strategy named");
		o->strategy = argv[i++];
	}
	/* key=value parameters, then input files: a name without '=', or
	 * with a '/' before it (./a=b.csv), as no parameter's key holds one */
	o->kv = argv + i;
	while (i < argc && is_param(argv[i]))
		i++, o->nkv++;
	o->conf.files = argv + i; /* none: stdin */
	o->conf.nfiles = (size_t)(argc - i);
	if (o->nkv && (o->expr || o->progfile || o->print))
		qts_usage_error(usage, "%s: parameters go with a built-in strategy or a plugin", o->kv[0]);
	if (o->watch && !o->plugin)
		qts_usage_error(usage, "--watch goes with --plugin");
	if (o->unit && qts_unit_parse(o->unit) < 0)
		qts_usage_error(usage, "--unit: '%s' is neither qty nor weight", o->unit);
	if (o->conf.msgpack && o->print)
		qts_usage_error(usage, "-M goes with events: --print writes a CSV table");
	if (o->conf.heartbeat && o->print)
		qts_usage_error(usage, "--heartbeat goes with events: --print writes a CSV table");
	if (o->conf.feedback && o->print)
		qts_usage_error(usage, "--feedback goes with events: --print writes a CSV table");
	if (o->unit && !(o->expr || o->progfile))
		qts_usage_error(usage, "--unit goes with -e or -f");
	if (o->tf && o->plugin)
		qts_usage_error(usage, "--tf goes with a built-in strategy, -e, -f or --print: "
				"a plugin sees the bars of every timeframe");
	if (o->name && o->print)
		qts_usage_error(usage, "--name goes with events: --print writes a table");
	if (o->ninstruments && o->print)
		qts_usage_error(usage, "--instrument goes with events: --print places no order");
	if (o->xs_wait && !(o->expr || o->progfile || o->print))
		qts_usage_error(usage, "--xs-wait goes with -e, -f or --print");
}

/* ---- --list ----------------------------------------------------------------- */

static void print_number(double v)
{
	char buf[32];
	buf[qts_num_format(v, buf)] = '\0';
	fputs(buf, stdout);
}

static int list_registry(void)
{
	size_t n;
	const qts_strat_info *s = qts_strat_table(&n);
	puts("# strategies: NAME PARAM=DEFAULT... (an empty default is unset)");
	for (size_t i = 0; i < n; i++) {
		printf("%s", s[i].name);
		for (int k = 0; k < s[i].nparams; k++) {
			printf(" %s=", s[i].params[k].name);
			print_number(s[i].params[k].def);
		}
		printf("\n    %s\n", s[i].summary);
	}
	const qts_ind_info *ind = qts_ind_table(&n);
	puts("# indicators: FUNCTION(INPUTS, OPTION=DEFAULT...) for each output");
	for (size_t i = 0; i < n; i++) {
		for (int o = 0; o < ind[i].noutputs; o++) {
			printf("%s(", ind[i].outputs[o]);
			for (int k = 0; k < ind[i].ninputs; k++)
				printf("%s%s", k ? "," : "", ind[i].inputs[k]);
			for (int k = 0; k < ind[i].noptions; k++) {
				printf(",%s=", ind[i].options[k]);
				print_number(ind[i].defaults[k]);
			}
			printf(")\n");
		}
		printf("    %s: %s\n", ind[i].name, ind[i].summary);
	}
	return qts_close_stdout();
}

/* ---- symbols and what is written ------------------------------------------- */

/* strategy_sym when the symbol is not the one after the last found: from
 * the table, made when new. */
static __attribute__((noinline)) struct sym *sym_of_table(struct host *h, const char name[QTS_SYM_MAX])
{
	struct sym *s = qts_symtab_get_field(h->syms, name);
	if (s && !s->idx) {
		if (h->nall == h->call) {
			size_t call = h->call ? 2 * h->call : 64;
			struct sym **all = realloc(h->all, call * sizeof *all);
			if (!all) {
				snprintf(h->err, sizeof h->err, "out of memory");
				h->stop = 1;
				return NULL;
			}
			h->all = all, h->call = call;
		}
		h->all[h->nall++] = s;
		s->idx = (unsigned)h->nall;
		QTS_SET(s->name, name);
		s->book.contract = qts_instrument_find(h->instruments, h->ninstruments, name) != NULL;
		qts_field_key_set(&s->namek, s->name);
	}
	if (s)
		h->guess = s->idx - 1;
	return s;
}

struct sym *strategy_sym(struct host *h, const char name[QTS_SYM_MAX])
{
	struct sym *s = NULL;
	if (__builtin_expect(h->nall != 0, 1)) {
		size_t i = h->guess + 1 < h->nall ? h->guess + 1 : 0;
		if (qts_field_key_eq(&h->all[i]->namek, h->all[i]->name, name)) {
			s = h->all[h->guess = i];
			/* the next bar's symbol, most likely: its state on its
			 * way in, and the one after it, whose pointer to its
			 * state the next bar then finds in the cache */
			if (i + 2 < h->nall) {
				__builtin_prefetch(h->all[i + 1]->state);
				__builtin_prefetch(h->all[i + 2]);
				__builtin_prefetch((char *)h->all[i + 2] + 64);
			}
		}
	}
	if (!s)
		s = sym_of_table(h, name);
	if (s && s->ready)
		return s;
	if (s) {
		s->ready = 1;
		QTS_SET(s->name, name);
		if (h->mode == M_BUILTIN) {
			if (strategy_builtin_state(h, s) < 0)
				return NULL;
			return s;
		}
		if ((h->mode == M_EXPR || h->mode == M_PRINT) && !(s->es = qts_expr_state_new(h->expr)))
			s = NULL;
	}
	if (!s) {
		snprintf(h->err, sizeof h->err, "out of memory");
		h->stop = 1;
	}
	return s;
}

const char *strategy_where(const struct host *h)
{
	const char *w = h->where ? h->where(h->where_ctx) : NULL;
	return w ? w : "-";
}

const char *strategy_quoted(const char *s, char *buf, size_t size)
{
	qts_quote(buf, size, s, strlen(s));
	return buf;
}

static int bad_number(struct host *h, const char *symbol, const char *what, double v, const char *from,
		      const char *is_not)
{
	char q[QTS_SYM_MAX * 4], num[32], f[128] = "";
	num[qts_num_format(v, num)] = '\0';
	if (from) {
		char t[96];
		snprintf(f, sizeof f, " (from '%s')", strategy_quoted(from, t, sizeof t));
	}
	snprintf(h->err, sizeof h->err, "%s: %s is %s, not %s%s", strategy_quoted(symbol, q, sizeof q), what,
		 num[0] ? num : "nan", is_not, f);
	h->stop = 1;
	return -1;
}

int strategy_not_finite(struct host *h, const char *symbol, const char *what, double v,
			const char *from)
{
	return bad_number(h, symbol, what, v, from, "a finite number");
}

int strategy_not_price(struct host *h, const char *symbol, const char *what, double v, const char *from)
{
	return bad_number(h, symbol, what, v, from, "a price above zero");
}

static int pass(struct host *h, const qts_event *ev)
{
	if (h->stop)
		return -1;
	if (h->emit(h->emit_arg, ev) < 0) {
		h->stop = 1; /* the runtime says why */
		return -1;
	}
	return 0;
}

/* What a strategy writes (not what passes through) is checked once more:
 * after a number that cannot be written, nothing more is. */
int strategy_emit(void *ctx, const qts_event *ev)
{
	struct host *h = ctx;
	double v[4] = { 0, 0, 0, 0 };
	const char *name[4] = { "target", "qty", "limit", "stop" };
	if (h->stop)
		return -1;
	if (ev->type == QTS_TARGET)
		v[0] = ev->target.target, h->targets++, h->held += ev->target.target != 0;
	else if (ev->type == QTS_ORDER)
		v[1] = ev->order.qty, v[2] = ev->order.limit, v[3] = ev->order.stop, h->orders++;
	for (int i = 0; i < 4; i++)
		if (isinf(v[i]) || (i < 2 && isnan(v[i])))
			return strategy_not_finite(h, ev->symbol, name[i], v[i], NULL);
	if (ev->ts > h->out_ts)
		h->out_ts = ev->ts;
	return pass(h, ev);
}

/* An event of the input dated before a target the strategy wrote (at a
 * bar's end): refused here, where the cause is (qts_after_own_why); in
 * `qts pipe` the next stage would take it out of order. */
static __attribute__((noinline)) int inside_a_bar(struct host *h, const qts_event *ev)
{
	qts_after_own_why(ev, h->out_ts, h->err, sizeof h->err);
	h->stop = 1;
	return -1;
}

/* ---- the engine ------------------------------------------------------------- */

/* A bar's symbol, and the series it feeds (its mask; routed < 0: none,
 * not a timeframe or a repeat), or NULL with h->err when it is another
 * bar not after the symbol's last of its timeframe: refused before it is
 * passed on. */
static struct sym *route_bar(struct host *h, const qts_event *ev, unsigned *mask, int *routed)
{
	struct sym *s = strategy_sym(h, ev->symbol);
	if (!s)
		return NULL;
	*routed = qts_strat_route_fast(&s->tfs, h->tf, h->tfs, h->ntfs, ev, mask, &h->out.now);
	if (__builtin_expect(*routed == QTS_STRAT_NOT_AFTER, 0)) {
		qts_bar_again_why(ev, "count twice", h->err, sizeof h->err);
		h->stop = 1;
		return NULL;
	}
	if (__builtin_expect(*routed == QTS_STRAT_OVERLAP, 0)) {
		qts_bar_overlap_why(ev, s->tfs.overlapped, h->err, sizeof h->err);
		h->stop = 1;
		return NULL;
	}
	return s;
}

/* A bar routed (route_bar) and passed on. */
static void on_bar(struct host *h, struct sym *s, const qts_event *ev, unsigned mask)
{
	h->bars++;
	if (mask == 1) /* the driving timeframe alone: nearly every bar */
		h->drive_bars++;
	else
		for (unsigned m = mask, k = 0; m; m >>= 1, k++)
			if (m & 1) {
				if (k == 0)
					h->drive_bars++;
				else
					h->tf_bars[k]++;
			}
	/* with --feedback the fills are known, not presumed */
	if (h->use_orders && (mask & 1) && !h->feedback)
		qts_strat_presume_fills(&s->book, ev->bar.ohlcv);
	switch (h->mode) {
	case M_BUILTIN:
		if (mask & 1)
			strategy_builtin_bar(h, s, ev);
		break;
	case M_EXPR:
	case M_PRINT: {
		const double v[QTS_EXPR_NFIELDS] = { ev->bar.open, ev->bar.high, ev->bar.low,
						     ev->bar.close, ev->bar.volume, (double)ev->ts };
		strategy_expr_bar(h, s, mask, ev, v);
		break;
	}
	case M_PLUGIN:
		qts_plugin_bar(h->pl, ev, h->out.now);
		break;
	}
}

static int strategy_put(void *eng, const qts_event *ev)
{
	struct host *h = eng;
	/* before the event, so a new build handles the first event read
	 * after it appeared */
	if (h->pl) {
		strategy_plugin_poll(h, 0);
		int64_t t = qts_event_known(ev);
		h->clock = t > h->clock ? t : h->clock;
	}
	/* what a time held causes goes out before an event of a later one */
	if (h->xs && strategy_xsect_before(h, ev) < 0)
		return -1;
	if (ev->type == QTS_BAR) {
		unsigned mask = 0;
		int routed = -1;
		struct sym *s = route_bar(h, ev, &mask, &routed);
		if (h->stop || (h->mode != M_PRINT && pass(h, ev) < 0))
			return -1;
		if (s && routed == 0) /* else not a timeframe, or a repeat: passed through, not used */
			on_bar(h, s, ev, mask);
		return h->stop ? -1 : 0;
	}
	if (qts_inside_own(ev, h->out_ts) && h->mode != M_PRINT)
		return inside_a_bar(h, ev);
	qts_event late;
	if (h->mode != M_PRINT && pass(h, qts_system_not_before(ev, h->out_ts, &late)) < 0)
		return -1;
	h->points += ev->type == QTS_TICK || ev->type == QTS_QUOTE;
	if (h->pl)
		qts_plugin_event(h->pl, ev);
	else if (h->portfolio)
		strategy_builtin_event(h, ev);
	return h->stop ? -1 : 0;
}

static int strategy_feedback_put(void *eng, const qts_event *ev)
{
	struct host *h = eng;
	if (strategy_feedback(h, ev) < 0)
		h->stop = 1;
	return h->stop ? -1 : 0;
}

static int strategy_tick(void *eng, int64_t now, int idle)
{
	struct host *h = eng;
	(void)idle;
	if (h->pl)
		strategy_plugin_poll(h, 1);
	if (h->xs && strategy_xsect_tick(h, now) < 0)
		return -1;
	if (h->table && strategy_table_flush(h) < 0)
		return -1;
	return h->stop ? -1 : 0;
}

/* The timeframes of the bars read, canonical, as a list for a message. */
static const char *timeframes_seen(struct host *h, char *buf, size_t size)
{
	char tf[8][16];
	size_t n = 0, len = 0;
	int more = 0;
	const struct sym *s;
	buf[0] = '\0';
	for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++)
		for (int k = 0; k < s->tfs.n; k++) {
			char canon[16];
			qts_tf_format(s->tfs.seen[k].parsed, canon);
			size_t j = 0;
			while (j < n && strcmp(tf[j], canon))
				j++;
			if (j < n)
				continue;
			if (n == 8) {
				more = 1;
				continue;
			}
			memcpy(tf[n++], canon, sizeof canon);
			len += (size_t)snprintf(buf + len, size - len, "%s%s", n > 1 ? ", " : "", canon);
		}
	if (more)
		snprintf(buf + len, size - len, ", ...");
	return buf;
}

/* A timeframe the strategy names with @ that came for some symbols but
 * not for others: those others' series read nan all along, and they
 * never traded, while the stream as a whole had the timeframe.  Said
 * at the end, a warning for each such timeframe naming the first of
 * those symbols: a symbol listed late may have no bar of a longer
 * timeframe yet, so not a failure.  A timeframe the program reads is
 * always among those a symbol remembers (strat_bars.c). */
static void missing_timeframes_of_symbols(struct host *h)
{
	for (size_t k = 0; h->expr && k < qts_expr_ntf(h->expr) && k + 1 < sizeof h->tf_bars / sizeof *h->tf_bars;
	     k++) {
		if (!h->tf_bars[k + 1])
			continue; /* none at all: missing_timeframes says it */
		size_t missing = 0, driven = 0;
		const char *first = NULL, *drive = NULL;
		const struct sym *s;
		for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++) {
			unsigned mask = 0;
			for (int j = 0; j < s->tfs.n; j++)
				mask |= s->tfs.seen[j].mask;
			if (!(mask & 1))
				continue;
			driven++;
			if (!(mask & (1u << (k + 1))) && !missing++) {
				first = s->name;
				drive = s->tfs.drive;
			}
		}
		if (missing)
			qts_warn("end of input: @%s: no bar of that timeframe for %s%s%s (%zu of %zu symbols with %s "
				 "bars): %s series were nan throughout", qts_expr_tf(h->expr, k), first,
				 missing > 1 ? " and others" : "", h->restartable ? " so far" : "", missing, driven,
				 drive, missing > 1 ? "their" : "its");
	}
}

/* --tf names a timeframe that came for some symbols but not for others:
 * those others' bars all passed by unused, the strategy never ran for
 * them, while the stream as a whole had the timeframe.  Said at the end,
 * a warning naming the first of them, as for a timeframe named with @
 * (missing_timeframes_of_symbols). */
static void missing_drive_of_symbols(struct host *h)
{
	size_t missing = 0, with_bars = 0;
	const char *first = NULL;
	const struct sym *s;
	if (!h->tf[0])
		return; /* without --tf each symbol's first timeframe drives it */
	for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++) {
		unsigned mask = 0;
		if (!s->tfs.n)
			continue; /* named by feedback alone */
		with_bars++;
		for (int j = 0; j < s->tfs.n; j++)
			mask |= s->tfs.seen[j].mask;
		if (!(mask & 1) && !missing++)
			first = s->name;
	}
	if (missing)
		qts_warn("end of input: --tf %s: no bar of that timeframe for %s%s%s (%zu of %zu symbols with bars): "
			 "the strategy never ran for %s", h->tf, first, missing > 1 ? " and others" : "",
			 h->restartable ? " so far" : "", missing, with_bars, missing > 1 ? "them" : "it");
}

/* A timeframe the strategy waits for that never came: every bar passed
 * through unused, or a series read nan all along.  Said at the end, with
 * the timeframes that did come: the last in h->err, those before it on
 * stderr; -1 when one is missing.  A stage to be restarted (--state) may
 * have read the first part of its stream alone, before the first bar of
 * a longer timeframe: said as a warning, the counts going on in its
 * state. */
static int missing_timeframes(struct host *h)
{
	char seen[256];
	/* Trades and quotes but no bar (qts-resample was left out): a
	 * plugin may trade on them, a built-in or a program has nothing to
	 * compute. */
	if (!h->bars && h->points && !h->pl) {
		snprintf(h->err, sizeof h->err, "no bar in the input, nothing computed: only ticks and quotes (%llu; "
			 "qts-resample makes bars of them)", (unsigned long long)h->points);
		return -1;
	}
	if (!h->bars)
		return 0;
	const char *so_far = h->restartable ? " so far" : "";
	int status = 0;
	if (!h->drive_bars) {
		snprintf(h->err, sizeof h->err, "--tf %s: no bar of that timeframe in the input%s, "
			 "nothing computed (its bars are %s)", h->tf, so_far, timeframes_seen(h, seen, sizeof seen));
		status = -1;
	}
	for (size_t k = 0; h->drive_bars && h->expr && k < qts_expr_ntf(h->expr); k++)
		if (!h->tf_bars[k + 1]) {
			if (status < 0)
				qts_warn("end of input: %s", h->err);
			snprintf(h->err, sizeof h->err, "@%s: no bar of that timeframe in the input%s, its "
				 "series were nan throughout (its bars are %s)", qts_expr_tf(h->expr, k), so_far,
				 timeframes_seen(h, seen, sizeof seen));
			status = -1;
		}
	if (status == 0) {
		missing_drive_of_symbols(h);
		missing_timeframes_of_symbols(h);
	}
	if (status < 0 && h->restartable) {
		qts_warn("end of input: %s", h->err);
		h->err[0] = '\0';
		status = 0;
	}
	return status;
}

/* Bars came, and the strategy wrote no target: the target was nan on
 * every one (sma-cross slow=500 on a year of days; a cross not yet seen;
 * a program's nan), as the first that is a number is written, and the
 * backtest after it traded nothing, alike to one that found nothing to
 * trade.  Said at the end.  Not with orders (a target equal to the
 * position needs none), by --print (no targets), a plugin (its calls are
 * its own), a stage to be restarted (its part of the stream may rightly
 * change no target), nor after a failure upstream (said as that).
 * rebalance targets at the first bar of a symbol of its weights, and
 * fails when none came, before this. */
static void wrote_nothing(const struct host *h)
{
	if (h->use_orders || !h->drive_bars || h->stop || h->restartable || h->mode == M_PRINT ||
	    h->mode == M_PLUGIN || qts_upstream_failure())
		return;
	size_t n = qts_symtab_count(h->syms);
	if (!h->targets && h->portfolio)
		return; /* a rebalance says why at its finish: no weight, or every weight 0 */
	if (!h->targets) {
		qts_warn("end of input: %llu bar%s of %zu symbol%s and no target: the target was nan on every bar (a "
			 "warm-up longer than the input, or no signal yet)", (unsigned long long)h->drive_bars,
			 h->drive_bars == 1 ? "" : "s", n, n == 1 ? "" : "s");
		return;
	}
	/* Some symbols traded, others never: listed late, or with a history
	 * shorter than the warm-up.  The backtest holds none of them, which
	 * a universe's results do not show.  A rebalance targets only the
	 * symbols of its weights: the others rightly get none. */
	if (h->portfolio)
		return;
	/* Targets of 0 alone, made from the market: a condition never true
	 * (close > 1000 on prices of 40), and a backtest of no trade with
	 * exit 0.  A program of constants (target = 0) means it. */
	if (!h->held && (!h->expr || qts_expr_reads_series(h->expr))) {
		qts_warn("end of input: %llu bar%s of %zu symbol%s and every target 0: no position was ever "
			 "wanted (a condition never true?)", (unsigned long long)h->drive_bars,
			 h->drive_bars == 1 ? "" : "s", n, n == 1 ? "" : "s");
		return;
	}
	size_t none = 0, driven = 0;
	const char *first = NULL;
	const struct sym *s;
	/* the timeframes a program names with @: a symbol without one of
	 * them was named before (missing_timeframes_of_symbols) */
	size_t ntf = h->expr ? qts_expr_ntf(h->expr) : 0;
	unsigned named = ntf >= 31 ? ~1u : ((1u << (ntf + 1)) - 2);
	for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++) {
		unsigned mask = 0;
		for (int j = 0; j < s->tfs.n; j++)
			mask |= s->tfs.seen[j].mask;
		if (!(mask & 1))
			continue; /* no bar that drives it (feedback alone, or --tf, said before) */
		driven++;
		if ((mask & named) != named)
			continue;
		if (!s->last.set && !none++)
			first = s->name;
	}
	if (none)
		qts_warn("end of input: no target for %s%s (%zu of %zu symbols with bars): the target was nan on "
			 "all %s bars (a warm-up longer than %s history, or no signal yet)", first,
			 none > 1 ? " and others" : "", none, driven, none > 1 ? "their" : "its",
			 none > 1 ? "their" : "its");
}

static int strategy_has_symbol(void *arg, const char *symbol)
{
	return qts_symtab_find(arg, symbol) != NULL;
}

static int strategy_finish(void *eng)
{
	struct host *h = eng;
	if (h->xs && strategy_xsect_finish(h) < 0)
		return -1;
	if (h->table && strategy_table_flush(h) < 0)
		return -1;
	if (missing_timeframes(h) < 0)
		return -1;
	if (h->portfolio && h->strat->portfolio->finish &&
	    h->strat->portfolio->finish(h->portfolio, h->restartable, h->err) < 0)
		return -1;
	qts_instruments_check_used(h->instruments, h->ninstruments, qts_symtab_count(h->syms), strategy_has_symbol,
				   h->syms);
	wrote_nothing(h);
	/* what a plugin asked for and did not get was said as it happened */
	if (h->pl && qts_plugin_refused(h->pl)) {
		unsigned long n = qts_plugin_refused(h->pl);
		snprintf(h->err, sizeof h->err, "%s: %lu call%s refused", h->plugin_path, n,
			 n == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

static const char *strategy_error(void *eng)
{
	struct host *h = eng;
	/* "": a write error of --print's table, said when standard output
	 * closes, not as the engine's failure */
	return h->err[0] ? h->err : h->table_failed ? "" : NULL;
}

static void strategy_counts(void *eng, char *buf, size_t size)
{
	struct host *h = eng;
	snprintf(buf, size, "bars=%llu targets=%llu orders=%llu symbols=%zu",
		 (unsigned long long)h->bars, (unsigned long long)h->targets,
		 (unsigned long long)h->orders, qts_symtab_count(h->syms));
}

static void strategy_locate(void *eng, const char *(*where)(void *ctx), void *ctx)
{
	struct host *h = eng;
	h->where = where;
	h->where_ctx = ctx;
}

static void strategy_free(void *eng)
{
	struct host *h = eng;
	if (!h)
		return;
	qts_plugin_close(h->pl);
	/* the rows of a table stopped short are whole: they go out */
	if (h->table)
		qts_table_flush(h->table);
	struct sym *s;
	for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++) {
		if (s->state) { /* a built-in's (strategy_builtin_state) */
			if (h->strat->free)
				h->strat->free(s->state);
			qts_free_lines(s->state, h->strat->state_size);
		}
		qts_expr_state_free(s->es);
	}
	qts_symtab_free(h->syms);
	free(h->all);
	free(h->instruments);
	strategy_xsect_free(h->xs);
	if (h->portfolio)
		h->strat->portfolio->close(h->portfolio);
	for (size_t i = 0; i < h->npparam; i++)
		free((char *)h->pparam[i].key);
	free(h->pparam);
	free(h->values);
	free(h->tfs);
	qts_table_free(h->table);
	qts_expr_free(h->expr);
	free(h);
}

static const qts_stage_ops strategy_ops = {
	.save = strategy_save,
	.restore = strategy_restore,
	.put = strategy_put,
	.feedback = strategy_feedback_put,
	.tick = strategy_tick,
	.finish = strategy_finish,
	.error = strategy_error,
	.counts = strategy_counts,
	.locate = strategy_locate,
	.free = strategy_free,
};

/* The caller sets optind = 0 before a second build in one process:
 * glibc starts its scan afresh only then ('+' is read again). */
static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	struct strategy_options o;
	parse_options(argc, argv, &o);
	if (o.list)
		exit(list_registry());

	struct host *h = calloc(1, sizeof *h);
	if (!h || !(h->syms = qts_symtab_new(sizeof(struct sym))))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	/* held by the caller's stage at once: a usage error below exits without
	 * freeing it, and the leak checker must still find it reachable */
	st->eng = h;
	h->emit = emit;
	h->emit_arg = arg;
	h->out.put = strategy_emit;
	h->out.ctx = h;
	h->target_var = h->position_var = h->limit_var = h->stop_var = -1;
	h->clock = QTS_TS_MIN; /* no event yet, even before 1970 */
	h->out_ts = QTS_TS_MIN;
	if (o.tf) {
		qts_tf tf;
		char hint[32];
		if (qts_tf_parse(o.tf, &tf) < 0)
			qts_usage_error(usage, "--tf: '%s' is not a timeframe%s", o.tf, qts_tf_hint(o.tf, hint));
		qts_tf_format(tf, h->tf);
	}
	if (o.name && (!o.name[0] || strlen(o.name) >= QTS_NAME_MAX))
		qts_usage_error(usage, "--name: between 1 and %d bytes", QTS_NAME_MAX - 1);
	/* the strategy field of every target: text a reader takes (qts-events(5)) */
	if (o.name && !qts_utf8_valid(o.name, strlen(o.name)))
		qts_usage_error(usage, "--name: not valid UTF-8");
	h->feedback = o.conf.feedback != NULL;
	h->instruments = o.instruments, h->ninstruments = o.ninstruments;
	h->mode = o.plugin ? M_PLUGIN : o.print ? M_PRINT : (o.expr || o.progfile) ? M_EXPR : M_BUILTIN;
	if (h->mode == M_BUILTIN)
		strategy_setup_builtin(h, &o);
	else if (h->mode == M_PLUGIN)
		strategy_setup_plugin(h, &o);
	else
		strategy_setup_expr(h, &o);
	if (h->expr && qts_expr_nxs(h->expr)) {
		if (!(h->xs = strategy_xsect_new(h->expr, o.xs_wait)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		/* the wait is looked at four times in its length */
		if (o.xs_wait)
			o.conf.tick_every = o.xs_wait / 4 > 1000000 ? o.xs_wait / 4 : 1000000; /* 1ms at least */
	} else if (o.xs_wait)
		qts_usage_error(usage, "--xs-wait: the program calls no cross-sectional function "
				"(rank, pct_rank, zscore, demean, count)");
	strategy_state_check(h, &o);
	h->restartable = o.conf.state || o.conf.output_journal;
	/* --print writes its table itself: the runtime writes no event */
	o.conf.no_events = h->mode == M_PRINT;
	o.conf.one_thread = h->pl != NULL;
	/* --watch looks at the file while the input pauses, once a second */
	if (o.watch)
		o.conf.tick_every = QTS_NS_PER_SEC;
	st->name = "qts-strategy";
	st->ops = &strategy_ops;
	st->eng = h;
	st->conf = o.conf;
	st->conf.upstream_ends = QTS_UPSTREAM_STOP;
}

const qts_stage_def qts_strategy_stage = { "qts-strategy", build };
