/* qts-strategy — turn market data into desired positions: built-in
 * strategies, an expression language, or a C plugin; every event passes
 * through, and targets follow the bar that caused them. */
#include "qts.h"
#include "qts_expr.h"
#include "qts_ind.h"
#include "qts_plugin.h"
#include "qts_strat.h"
#include "qts_table.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts-strategy [-M] [--tf TF] [--name NAME] STRATEGY [key=value...] [FILE...]\n"
	"       qts-strategy [-M] [--tf TF] [--name NAME] [--unit qty|weight] -e EXPR [FILE...]\n"
	"       qts-strategy [-M] [--tf TF] [--name NAME] [--unit qty|weight] -f PROGRAM [FILE...]\n"
	"       qts-strategy [--tf TF] --print EXPR,EXPR,... [FILE...]\n"
	"       qts-strategy [-M] [--name NAME] [--watch] --plugin SO [key=value...] [FILE...]\n"
	"       qts-strategy --list\n"
	"options: -M, --msgpack  -e, --expr EXPR  -f, --file PROGRAM  --print LIST\n"
	"         --plugin SO  --watch  --tf TF  --name NAME  --unit UNIT  --list\n"
	"         -h, --help  --version\n";

enum mode { M_BUILTIN, M_EXPR, M_PRINT, M_PLUGIN };

struct options {
	int msgpack, list, watch;
	const char *expr, *progfile, *print, *plugin, *tf, *name, *unit;
	const char *strategy;
	char **kv; /* key=value arguments */
	int nkv;
	char **files;
	int nfiles;
};

struct sym {
	int ready;
	char name[QTS_SYM_MAX];
	qts_strat_tfs tfs;
	qts_strat_last last; /* target */
	qts_strat_book book; /* orders */
	void *state;         /* a built-in's */
	qts_expr_state *es;
};

struct host {
	enum mode mode;
	qts_writer *w;
	qts_table *table; /* --print */
	qts_strat_out out;
	char tf[16]; /* --tf, canonical, or "" */
	const char *unit;
	double mult; /* built-ins: size or weight */
	int use_orders; /* trade with orders instead of targets */
	/* built-in */
	const qts_strat_info *strat;
	double param[QTS_STRAT_MAXPARAM];
	/* expression */
	qts_expr *expr;
	const char **tfs; /* the timeframes it names with @ */
	int target_var, position_var, limit_var, stop_var;
	double *values;
	/* plugin */
	qts_plugin *pl;
	struct qts_strategy_param *pparam;
	qts_symtab *syms; /* struct sym */
	qts_inputs *in;   /* where messages say the input is */
	/* bars read, of the driving timeframe, and of each @ timeframe */
	uint64_t bars, drive_bars, tf_bars[9];
	int failed, write_error;
	int bad; /* a number that cannot be written: stopped, exit 1 */
};

static volatile sig_atomic_t reload_asked;

static void on_hup(int sig)
{
	(void)sig;
	reload_asked = 1;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

/* ---- options ------------------------------------------------------------- */

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { O_PRINT = 256, O_PLUGIN, O_WATCH, O_TF, O_NAME, O_UNIT, O_LIST, O_VERSION };
	static const struct option longopts[] = {
		{ "msgpack", no_argument, NULL, 'M' },
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
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+Me:f:h", longopts, NULL)) != -1)
		switch (c) {
		case 'M': o->msgpack = 1; break;
		case 'e': o->expr = optarg; break;
		case 'f': o->progfile = optarg; break;
		case O_PRINT: o->print = optarg; break;
		case O_PLUGIN: o->plugin = optarg; break;
		case O_WATCH: o->watch = 1; break;
		case O_TF: o->tf = optarg; break;
		case O_NAME: o->name = optarg; break;
		case O_UNIT: o->unit = optarg; break;
		case O_LIST: o->list = 1; break;
		case 'h':
			fputs(usage, stdout);
			exit(qts_close_stdout());
		case O_VERSION: qts_print_version();
		default: qts_usage_error(usage, NULL);
		}
	int kinds = !!o->expr + !!o->progfile + !!o->print + !!o->plugin;
	if (kinds > 1)
		qts_usage_error(usage, "-e, -f, --print and --plugin exclude each other");
	if (o->list)
		return;
	int i = optind;
	if (!kinds) {
		if (i >= argc)
			qts_usage_error(usage, "no strategy named");
		o->strategy = argv[i++];
	}
	/* key=value parameters, then input files (a name without '=') */
	o->kv = argv + i;
	while (i < argc && strchr(argv[i], '=') && strcmp(argv[i], "-"))
		i++, o->nkv++;
	o->files = argv + i;
	o->nfiles = argc - i;
	if (o->nkv && (o->expr || o->progfile || o->print))
		qts_usage_error(usage, "%s: parameters go with a built-in strategy or a plugin", o->kv[0]);
	if (o->watch && !o->plugin)
		qts_usage_error(usage, "--watch goes with --plugin");
	if (o->unit && qts_unit_parse(o->unit) < 0)
		qts_usage_error(usage, "--unit: '%s' is neither qty nor weight", o->unit);
	if (o->msgpack && o->print)
		qts_usage_error(usage, "-M goes with events: --print writes a CSV table");
	if (o->unit && !(o->expr || o->progfile))
		qts_usage_error(usage, "--unit goes with -e or -f");
	if (o->tf && o->plugin)
		qts_usage_error(usage, "--tf goes with a built-in strategy, -e, -f or --print: "
				"a plugin sees the bars of every timeframe");
	if (o->name && o->print)
		qts_usage_error(usage, "--name goes with events: --print writes a table");
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

/* ---- symbols and output ---------------------------------------------------- */

static struct sym *sym_get(struct host *h, const char *name)
{
	struct sym *s = qts_symtab_get(h->syms, name);
	if (!s)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (s->ready)
		return s;
	s->ready = 1;
	QTS_SET(s->name, name);
	char err[160] = "";
	if (h->mode == M_BUILTIN) {
		s->state = xcalloc(1, h->strat->state_size ? h->strat->state_size : 1);
		if (h->strat->init(s->state, h->param, err) < 0)
			qts_die(QTS_EXIT_FAIL, "%s: %s", h->strat->name, err);
	} else if (h->mode == M_EXPR || h->mode == M_PRINT) {
		if (!(s->es = qts_expr_state_new(h->expr)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	return s;
}

static void free_syms(struct host *h)
{
	struct sym *s;
	for (size_t i = 0; (s = qts_symtab_at(h->syms, i, NULL)); i++) {
		if (s->state && h->strat->free)
			h->strat->free(s->state);
		free(s->state);
		qts_expr_state_free(s->es);
	}
	qts_symtab_free(h->syms);
}

static int put(void *ctx, const qts_event *ev)
{
	struct host *h = ctx;
	if (qts_writer_put(h->w, ev) < 0) {
		if (errno != EPIPE) {
			qts_warn("write error: %s", strerror(errno));
			h->write_error = 1;
		}
		h->failed = 1;
		return -1;
	}
	return 0;
}

/* What put buffered, out with write(2) alone: the plugin host calls it
 * when a plugin calls exit() or will not return after a signal. */
static void flush_out(void *ctx)
{
	struct host *h = ctx;
	if (h->w)
		qts_writer_flush(h->w);
}

/* s quoted for a message (qts_quote), in buf of size bytes. */
static const char *quoted(const char *s, char *buf, size_t size)
{
	qts_quote(buf, size, s, strlen(s));
	return buf;
}

static const char *where(const struct host *h)
{
	return h->in ? qts_inputs_where(h->in) : "-";
}

/* Stop on a number no reader would take back: an infinity written is a
 * stream every later stage refuses. */
static void not_finite(struct host *h, const char *symbol, const char *what, double v,
		       const char *from)
{
	char q[QTS_SYM_MAX * 4], num[32], f[128] = "";
	num[qts_num_format(v, num)] = '\0';
	if (from) {
		char t[96];
		snprintf(f, sizeof f, " (from '%s')", quoted(from, t, sizeof t));
	}
	qts_warn("%s: %s: %s is %s, not a finite number%s", where(h), quoted(symbol, q, sizeof q),
		 what, num[0] ? num : "nan", f);
	h->bad = 1;
}

/* The text of the last statement that assigns variable var. */
static const char *assigned_by(const qts_expr *e, int var)
{
	const char *text = NULL;
	for (size_t i = 0; i < qts_expr_count(e); i++)
		if (qts_expr_assigns(e, i) == var)
			text = qts_expr_text(e, i);
	return text;
}

/* What a strategy emits (not what passes through) is checked once more
 * before it is written. */
static int emit(void *ctx, const qts_event *ev)
{
	struct host *h = ctx;
	double v[4] = { 0, 0, 0, 0 };
	const char *name[4] = { "target", "qty", "limit", "stop" };
	if (ev->type == QTS_TARGET)
		v[0] = ev->target.target;
	else if (ev->type == QTS_ORDER)
		v[1] = ev->order.qty, v[2] = ev->order.limit, v[3] = ev->order.stop;
	for (int i = 0; i < 4; i++)
		if (isinf(v[i]) || (i < 2 && isnan(v[i]))) {
			not_finite(h, ev->symbol, name[i], v[i], NULL);
			return -1;
		}
	return put(h, ev);
}

static void poll_plugin(struct host *h, int idle)
{
	int asked = reload_asked;
	if (asked)
		reload_asked = 0;
	qts_plugin_poll(h->pl, asked, idle);
}

static void on_idle(void *arg)
{
	struct host *h = arg;
	if (h->pl)
		poll_plugin(h, 1);
	if (h->w)
		qts_writer_flush(h->w);
	if (h->table) {
		if (qts_table_flush(h->table) < 0)
			h->failed = 1;
		fflush(stdout);
	}
}

/* ---- events ------------------------------------------------------------- */

/* A program's target as an order for the change from the position, at
 * its limit and stop prices (a limit, stop or stop_limit order). */
static void expr_orders(struct host *h, struct sym *s)
{
	qts_strat_order want;
	double limit = h->limit_var >= 0 ? qts_expr_get(s->es, h->limit_var) : NAN;
	double stop = h->stop_var >= 0 ? qts_expr_get(s->es, h->stop_var) : NAN;
	double target = qts_expr_get(s->es, h->target_var);
	/* the prices matter when an order is wanted */
	if (!isnan(target) && target != s->book.pos && (isinf(limit) || isinf(stop))) {
		int v = isinf(limit) ? h->limit_var : h->stop_var;
		not_finite(h, s->name, isinf(limit) ? "limit" : "stop", isinf(limit) ? limit : stop,
			   assigned_by(h->expr, v));
		return;
	}
	int n = qts_strat_target_order(qts_expr_get(s->es, h->target_var), s->book.pos, limit, stop,
				       &want);
	if (n && isinf(want.qty)) {
		char what[96];
		snprintf(what, sizeof what, "the order from position %g to target %g", s->book.pos,
			 qts_expr_get(s->es, h->target_var));
		not_finite(h, s->name, what, want.qty, NULL);
		return;
	}
	qts_strat_place(&s->book, s->name, &want, n, &h->out);
}

/* The values a run wrote are numbers or nan (no opinion yet); 0, or -1
 * after saying which is not. */
static int check_run(struct host *h, struct sym *s)
{
	if (h->mode == M_PRINT) {
		for (size_t i = 0; i < qts_expr_count(h->expr); i++)
			if (isinf(h->values[i])) {
				char what[128], t[96];
				snprintf(what, sizeof what, "column '%s'",
					 quoted(qts_expr_text(h->expr, i), t, sizeof t));
				not_finite(h, s->name, what, h->values[i], NULL);
				return -1;
			}
		return 0;
	}
	double t = qts_expr_get(s->es, h->target_var);
	if (isinf(t)) {
		not_finite(h, s->name, "target", t, assigned_by(h->expr, h->target_var));
		return -1;
	}
	return 0;
}

static void on_bar(struct host *h, const qts_event *ev)
{
	struct sym *s = sym_get(h, ev->symbol);
	unsigned mask;
	if (qts_strat_route(&s->tfs, h->tf, h->tfs, h->expr ? qts_expr_ntf(h->expr) : 0, ev, &mask,
			    &h->out.now) < 0)
		return; /* not a timeframe: passed through, not used */
	h->bars++;
	for (unsigned m = mask, k = 0; m; m >>= 1, k++)
		if (m & 1) {
			if (k == 0)
				h->drive_bars++;
			else
				h->tf_bars[k]++;
		}
	const double v[QTS_EXPR_NFIELDS] = { ev->bar.open, ev->bar.high, ev->bar.low,
					     ev->bar.close, ev->bar.volume, (double)ev->ts };
	if (h->use_orders && (mask & 1))
		qts_strat_presume_fills(&s->book, v);
	switch (h->mode) {
	case M_BUILTIN:
		if (!(mask & 1))
			break;
		double sig = h->strat->bar(s->state, h->param, v);
		if (h->use_orders) {
			qts_strat_order want[2];
			int n = qts_strat_sized_orders(h->strat, s->state, h->param, h->mult, s->book.pos,
						       want);
			qts_strat_place(&s->book, s->name, want, n, &h->out);
		} else {
			qts_strat_target(&s->last, s->name, sig * h->mult, h->unit, &h->out);
		}
		break;
	case M_EXPR:
	case M_PRINT:
		for (unsigned m = mask >> 1, k = 1; m; m >>= 1, k++)
			if (m & 1)
				qts_expr_bar(s->es, k, v);
		if (!(mask & 1))
			break;
		qts_expr_bar(s->es, 0, v);
		if (h->mode == M_EXPR)
			qts_expr_set(s->es, h->position_var, h->use_orders ? s->book.pos
							  : s->last.set ? s->last.target : NAN);
		qts_expr_run(h->expr, s->es, h->values);
		if (check_run(h, s) < 0)
			break;
		if (h->mode == M_PRINT) {
			if (qts_table_row(h->table, ev->ts, s->name, h->values) < 0)
				h->failed = 1;
		} else if (h->use_orders) {
			expr_orders(h, s);
		} else {
			qts_strat_target(&s->last, s->name, qts_expr_get(s->es, h->target_var), h->unit,
					 &h->out);
		}
		break;
	case M_PLUGIN:
		qts_plugin_bar(h->pl, ev, h->out.now);
		break;
	}
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

/* A timeframe the strategy waits for that never came: every bar passed
 * through unused, or a series read nan all along.  Said at the end, with
 * the timeframes that did come: -1 when one is missing. */
static int missing_timeframes(struct host *h)
{
	if (!h->bars)
		return 0;
	char seen[256];
	int status = 0;
	if (!h->drive_bars) {
		qts_warn("--tf %s: no bar of that timeframe in the input, nothing computed "
			 "(its bars are %s)", h->tf, timeframes_seen(h, seen, sizeof seen));
		return -1;
	}
	for (size_t k = 0; h->expr && k < qts_expr_ntf(h->expr); k++)
		if (!h->tf_bars[k + 1]) {
			qts_warn("@%s: no bar of that timeframe in the input, its series were nan "
				 "throughout (its bars are %s)", qts_expr_tf(h->expr, k),
				 timeframes_seen(h, seen, sizeof seen));
			status = -1;
		}
	return status;
}

/* Every input, merged in the order its events became known. */
static int run(struct host *h, char **files, int nfiles)
{
	char err[512];
	qts_inputs *in = qts_inputs_open(files, (size_t)nfiles, NULL, err, sizeof err);
	if (!in) {
		qts_warn("%s", err);
		return QTS_EXIT_FAIL;
	}
	qts_inputs_on_idle(in, on_idle, h);
	h->in = in;
	qts_event ev;
	int got = 0;
	while (!h->failed && !h->bad && (got = qts_inputs_next(in, &ev)) > 0) {
		/* before the event, so a new build handles the first event read
		 * after it appeared */
		if (h->pl)
			poll_plugin(h, 0);
		if (h->mode != M_PRINT)
			put(h, &ev);
		if (ev.type == QTS_BAR)
			on_bar(h, &ev);
		else if (h->pl)
			qts_plugin_event(h->pl, &ev);
	}
	int status = h->bad ? QTS_EXIT_FAIL : QTS_EXIT_OK;
	if (!h->failed && !h->bad && got < 0 && !qts_interrupted) {
		qts_warn("%s", qts_inputs_error(in));
		status = QTS_EXIT_FAIL;
	}
	h->in = NULL;
	qts_inputs_close(in);
	if (!status && !h->failed && !qts_interrupted && missing_timeframes(h) < 0)
		status = QTS_EXIT_FAIL;
	return status;
}

/* ---- set-up ----------------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		qts_die(QTS_EXIT_USAGE, "%s: %s", path, strerror(errno));
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	size_t n;
	while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *t = realloc(s, cap *= 2);
			if (!t)
				free(s);
			s = t;
		}
	}
	if (!s || ferror(f))
		qts_die(QTS_EXIT_FAIL, "%s: %s", path, s ? strerror(errno) : "out of memory");
	fclose(f);
	s[len] = '\0';
	if (strlen(s) != len)
		qts_die(QTS_EXIT_USAGE, "%s: a NUL byte in a program", path);
	return s;
}

static void setup_builtin(struct host *h, const struct options *o)
{
	char q[256];
	const qts_strat_info *s = h->strat = qts_strat_find(o->strategy);
	if (!s)
		qts_usage_error(usage, "unknown strategy '%s' (qts-strategy --list names them)",
				quoted(o->strategy, q, sizeof q));
	char err[QTS_ERR_MAX];
	if (qts_strat_params_parse(s, o->kv, o->nkv, h->param, err) < 0)
		qts_usage_error(usage, "%s", err);
	int wi = qts_strat_param_index(s, "weight"), oi = qts_strat_param_index(s, "stop");
	h->use_orders = oi >= 0 && h->param[oi] == 1 && s->orders;
	h->unit = qts_unit_name(isnan(h->param[wi]) ? QTS_UNIT_QTY : QTS_UNIT_WEIGHT);
	h->mult = isnan(h->param[wi]) ? h->param[qts_strat_param_index(s, "size")] : h->param[wi];
	h->out.strategy = o->name ? o->name : s->name;
}

static void setup_expr(struct host *h, const struct options *o)
{
	const char *where = o->expr ? "-e" : o->print ? "--print" : o->progfile;
	char *src = o->expr ? strdup(o->expr) : o->print ? strdup(o->print) : read_file(o->progfile);
	if (!src)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_expr_error err;
	h->expr = qts_expr_compile(src, o->print ? QTS_EXPR_LIST : QTS_EXPR_TARGETS, &err);
	if (!h->expr) {
		fflush(stdout);
		qts_expr_error_print(stderr, where, src, &err);
		free(src);
		exit(QTS_EXIT_USAGE);
	}
	free(src);
	h->target_var = qts_expr_var(h->expr, "target");
	h->position_var = qts_expr_var(h->expr, "position");
	h->limit_var = qts_expr_var(h->expr, "limit");
	h->stop_var = qts_expr_var(h->expr, "stop");
	h->use_orders = !o->print && (h->limit_var >= 0 || h->stop_var >= 0);
	if (h->use_orders && o->unit && qts_unit_parse(o->unit) == QTS_UNIT_WEIGHT)
		qts_usage_error(usage, "%s: limit and stop orders take quantities: not --unit weight",
				where);
	h->values = xcalloc(qts_expr_count(h->expr), sizeof *h->values);
	h->tfs = xcalloc(qts_expr_ntf(h->expr) + 1, sizeof *h->tfs);
	for (size_t k = 0; k < qts_expr_ntf(h->expr); k++)
		h->tfs[k] = qts_expr_tf(h->expr, k);
	h->unit = o->unit ? o->unit : qts_unit_name(QTS_UNIT_QTY);
	h->out.strategy = o->name ? o->name : "expr";
}

static const char *plugin_where(void *ctx)
{
	return where(ctx);
}

static void setup_plugin(struct host *h, const struct options *o)
{
	h->pparam = xcalloc((size_t)o->nkv + 1, sizeof *h->pparam);
	for (int i = 0; i < o->nkv; i++) {
		char *eq = strchr(o->kv[i], '=');
		*eq = '\0';
		h->pparam[i].key = o->kv[i];
		h->pparam[i].value = eq + 1;
	}
	qts_plugin_config c = { o->plugin, h->pparam, (size_t)o->nkv, o->name, o->watch, emit, h,
				plugin_where, flush_out };
	char err[512];
	if (!(h->pl = qts_plugin_open(&c, err, sizeof err)))
		qts_die(QTS_EXIT_USAGE, "%s: %s", o->plugin, err);
	struct sigaction sa = { .sa_handler = on_hup };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}

/* --print writes a table; the others, events. */
static void setup_output(struct host *h, int msgpack)
{
	if (h->mode != M_PRINT) {
		if (!(h->w = qts_writer_new(STDOUT_FILENO, qts_output_format(msgpack))))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		return;
	}
	size_t n = qts_expr_count(h->expr);
	const char **names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = qts_expr_text(h->expr, i);
	if (!(h->table = qts_table_new(stdout, n)) || qts_table_header(h->table, names) < 0)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	free(names);
}

int main(int argc, char **argv)
{
	qts_init(argv[0]);
	struct options o = { 0 };
	parse_options(argc, argv, &o);
	if (o.list)
		return list_registry();

	struct host h = { .out = { .put = emit } };
	h.out.ctx = &h;
	if (o.tf) {
		qts_tf tf;
		if (qts_tf_parse(o.tf, &tf) < 0)
			qts_usage_error(usage, "--tf: '%s' is not a timeframe", o.tf);
		qts_tf_format(tf, h.tf);
	}
	if (o.name && (!o.name[0] || strlen(o.name) >= QTS_NAME_MAX))
		qts_usage_error(usage, "--name: between 1 and %d bytes", QTS_NAME_MAX - 1);
	h.mode = o.plugin ? M_PLUGIN : o.print ? M_PRINT : (o.expr || o.progfile) ? M_EXPR : M_BUILTIN;
	if (!(h.syms = qts_symtab_new(sizeof(struct sym))))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (h.mode == M_BUILTIN)
		setup_builtin(&h, &o);
	else if (h.mode == M_PLUGIN)
		setup_plugin(&h, &o);
	else
		setup_expr(&h, &o);
	setup_output(&h, o.msgpack);

	int status = run(&h, o.files, o.nfiles);
	/* what a plugin asked for and did not get was said as it happened */
	if (h.pl && qts_plugin_refused(h.pl) && !status) {
		unsigned long n = qts_plugin_refused(h.pl);
		qts_warn("%s: %lu call%s refused", o.plugin, n, n == 1 ? "" : "s");
		status = QTS_EXIT_FAIL;
	}
	if (h.table && qts_table_flush(h.table) < 0)
		h.failed = 1;
	if (h.write_error && !status)
		status = QTS_EXIT_FAIL;
	/* a failed write was reported when it failed */
	if (h.failed) {
		qts_writer_close(h.w);
		h.w = NULL;
	}
	status = qts_finish(h.w, status);
	qts_plugin_close(h.pl);
	free_syms(&h);
	free(h.pparam);
	free(h.values);
	free(h.tfs);
	qts_table_free(h.table);
	qts_expr_free(h.expr);
	return status;
}
