/* qts-strategy — turn market data into desired positions: built-in
 * strategies, an expression language, or a C plugin; every event passes
 * through, and targets follow the bar that caused them. */
#include "qts.h"
#include "qts_expr.h"
#include "qts_ind.h"
#include "qts_strat.h"
#include "../include/qts/strategy.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* One timeframe seen for a symbol: which series slots its bars feed. */
struct tfseen {
	char tf[QTS_WORD_MAX];
	unsigned mask; /* bit 0: drives the strategy; bit k: the expression's slot k */
	qts_tf parsed;
};

/* An order the strategy keeps working (live while id[0]). */
struct work {
	char id[QTS_ID_MAX];
	int side; /* 1 buy, -1 sell */
	double qty, limit, stop;
};

struct sym {
	char name[QTS_SYM_MAX];
	char drive[QTS_WORD_MAX]; /* the driving timeframe, canonical */
	struct tfseen tfs[8];
	int ntfs;
	double target; /* last written, NaN before the first */
	char unit[QTS_WORD_MAX];
	char field[2 * QTS_SYM_MAX + 2]; /* the name as a CSV field (--print) */
	size_t fieldlen;
	void *state;   /* a built-in's */
	qts_expr_state *es;
	double pos;    /* orders: the position they have reached by the fill model */
	struct work work[2];
};

struct plugin {
	void *dl;
	const qts_strategy *d;
	void *self;
	struct stat st; /* of the file when loaded */
};

struct host {
	enum mode mode;
	qts_writer *w;
	FILE *table; /* --print */
	char *row;   /* rows being built, written ROWBUF bytes at a time */
	size_t rowlen;
	int64_t row_ts;
	size_t row_tslen;
	char row_tsbuf[48];
	const char *name; /* strategy field of targets and orders */
	char namebuf[QTS_NAME_MAX];
	char tf[16];      /* --tf, canonical, or "" */
	const char *unit;
	double mult;      /* built-ins: size or weight */
	/* built-in */
	const qts_strat_info *strat;
	double param[QTS_STRAT_MAXPARAM];
	int use_orders;   /* trade with orders instead of targets */
	/* expression */
	qts_expr *expr;
	int target_var, position_var, limit_var, stop_var;
	double *values;
	/* plugin */
	const char *plugin_path;
	struct qts_strategy_param *pparam;
	size_t npparam;
	struct plugin pl;
	qts_strategy_host api;
	int watch;
	unsigned long since_check;
	int was_idle;
	/* symbols: open addressing on the name */
	struct sym **map;
	size_t cap, count;
	struct sym *last;
	/* the event being handled */
	int64_t now;
	unsigned long orders;
	int failed; /* a write failed */
};

static volatile sig_atomic_t reload_asked;

static void on_hup(int sig)
{
	(void)sig;
	reload_asked = 1;
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
	if (o->unit && strcmp(o->unit, "qty") && strcmp(o->unit, "weight"))
		qts_usage_error(usage, "--unit: '%s' is neither qty nor weight", o->unit);
	if (o->msgpack && o->print)
		qts_usage_error(usage, "-M goes with events: --print writes a CSV table");
	if (o->unit && !(o->expr || o->progfile))
		qts_usage_error(usage, "--unit goes with -e or -f");
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

/* ---- symbols ------------------------------------------------------------ */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

/* A CSV field, quoted when it must be, at p; returns the end. */
static char *put_field(char *p, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		size_t n = strlen(s);
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	return p;
}

static struct sym *new_sym(struct host *h, const char *name)
{
	struct sym *s = xcalloc(1, sizeof *s);
	QTS_SET(s->name, name);
	s->fieldlen = (size_t)(put_field(s->field, s->name) - s->field);
	s->target = NAN;
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

static struct sym *sym_get(struct host *h, const char *name)
{
	if (h->last && !strcmp(h->last->name, name))
		return h->last;
	if (2 * (h->count + 1) > h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct sym **map = xcalloc(cap, sizeof *map);
		for (size_t i = 0; i < h->cap; i++)
			if (h->map[i]) {
				size_t j = hash(h->map[i]->name) & (cap - 1);
				while (map[j])
					j = (j + 1) & (cap - 1);
				map[j] = h->map[i];
			}
		free(h->map);
		h->map = map;
		h->cap = cap;
	}
	size_t j = hash(name) & (h->cap - 1);
	while (h->map[j] && strcmp(h->map[j]->name, name))
		j = (j + 1) & (h->cap - 1);
	if (!h->map[j]) {
		h->map[j] = new_sym(h, name);
		h->count++;
	}
	return h->last = h->map[j];
}

static void free_syms(struct host *h)
{
	for (size_t i = 0; i < h->cap; i++) {
		struct sym *s = h->map[i];
		if (!s)
			continue;
		if (s->state && h->strat->free)
			h->strat->free(s->state);
		free(s->state);
		qts_expr_state_free(s->es);
		free(s);
	}
	free(h->map);
}

/* Which slots a bar of timeframe tf feeds, for this symbol; NULL for a
 * timeframe that is not a timeframe. */
static const struct tfseen *tf_seen(struct host *h, struct sym *s, const char *tf,
				    struct tfseen *spare)
{
	for (int i = 0; i < s->ntfs; i++)
		if (!strcmp(s->tfs[i].tf, tf))
			return &s->tfs[i];
	struct tfseen *t = s->ntfs < 8 ? &s->tfs[s->ntfs] : spare;
	memset(t, 0, sizeof *t);
	QTS_SET(t->tf, tf);
	if (qts_tf_parse(tf, &t->parsed) < 0)
		return NULL;
	char canon[16];
	qts_tf_format(t->parsed, canon);
	if (!s->drive[0])
		QTS_SET(s->drive, h->tf[0] ? h->tf : canon);
	if (!strcmp(canon, s->drive))
		t->mask |= 1;
	if (h->expr)
		for (size_t k = 0; k < qts_expr_ntf(h->expr); k++)
			if (!strcmp(canon, qts_expr_tf(h->expr, k)))
				t->mask |= 1u << (k + 1);
	if (t != spare)
		s->ntfs++;
	return t;
}

/* When a bar becomes known: the end of its interval. */
static int64_t bar_end(int64_t ts, qts_tf tf)
{
	int64_t len = qts_tf_ns(tf);
	if (len)
		return ts + len;
	int64_t day = ts >= 0 ? ts / QTS_NS_PER_DAY : -((-ts + QTS_NS_PER_DAY - 1) / QTS_NS_PER_DAY);
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	int months = (int)m - 1 + tf.n;
	int64_t end = qts_days_from_civil(y + months / 12, (unsigned)(months % 12) + 1, d);
	return ts + (end - day) * QTS_NS_PER_DAY;
}

/* ---- output ------------------------------------------------------------- */

static void put(struct host *h, const qts_event *ev)
{
	if (qts_writer_put(h->w, ev) < 0) {
		if (errno != EPIPE)
			qts_warn("write error: %s", strerror(errno));
		h->failed = 1;
	}
}

static int emit_target(struct host *h, struct sym *s, double target, const char *unit)
{
	if (isnan(target) || (target == s->target && !strcmp(unit, s->unit)))
		return 0;
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, h->now);
	QTS_SET(ev.symbol, s->name);
	ev.target.target = target + 0.0; /* no -0 */
	QTS_SET(ev.target.unit, unit);
	QTS_SET(ev.target.strategy, h->name);
	put(h, &ev);
	s->target = target;
	QTS_SET(s->unit, unit);
	return 0;
}

static void print_header(struct host *h)
{
	fputs("ts,symbol", h->table);
	for (size_t i = 0; i < qts_expr_count(h->expr); i++) {
		const char *t = qts_expr_text(h->expr, i);
		char *buf = xcalloc(2 * strlen(t) + 3, 1);
		putc(',', h->table);
		fwrite(buf, 1, (size_t)(put_field(buf, t) - buf), h->table);
		free(buf);
	}
	putc('\n', h->table);
}

#define ROWBUF 65536

static void flush_rows(struct host *h)
{
	if (h->rowlen && fwrite(h->row, 1, h->rowlen, h->table) != h->rowlen)
		h->failed = 1;
	h->rowlen = 0;
}

/* Rows are built in place in h->row and written in large blocks: a
 * stream of fputs calls costs more than the numbers.  Bars of several
 * symbols share a time, so the last time written is kept formatted. */
static void print_row(struct host *h, struct sym *s, const qts_event *ev)
{
	char *p = h->row + h->rowlen;
	if (ev->ts != h->row_ts || !h->row_tslen) {
		h->row_ts = ev->ts;
		h->row_tslen = (size_t)qts_time_format(ev->ts, h->row_tsbuf);
	}
	memcpy(p, h->row_tsbuf, h->row_tslen);
	p += h->row_tslen;
	*p++ = ',';
	memcpy(p, s->field, s->fieldlen);
	p += s->fieldlen;
	for (size_t i = 0, n = qts_expr_count(h->expr); i < n; i++) {
		*p++ = ',';
		p += qts_num_format(h->values[i], p);
	}
	*p++ = '\n';
	h->rowlen = (size_t)(p - h->row);
	if (h->rowlen >= ROWBUF)
		flush_rows(h);
}

/* ---- orders ------------------------------------------------------------------ */

/* Whether a working order fills on a bar (open, high, low, close) by
 * qts-sim's fill model: the price runs open, low, high, close on a bar
 * closing at or above its open, else open, high, low, close; a stop
 * triggers at the open when the open is beyond it, else where the path
 * reaches it, and a limit fills where the path is at or better than it.
 * A sell is a buy on negated prices. */
static int fills_on(const struct work *w, const double *v)
{
	double sg = w->side, up = v[3] >= v[0];
	double path[4] = { sg * v[0], sg * (up ? v[2] : v[1]), sg * (up ? v[1] : v[2]), sg * v[3] };
	double stop = sg * w->stop, limit = sg * w->limit, price = path[0];
	int from = 1;
	if (!isnan(stop) && path[0] < stop) {
		while (from < 4 && path[from] < stop)
			from++;
		if (from == 4)
			return 0;
		price = stop;
	}
	if (isnan(limit))
		return 1;
	for (int i = from; i < 4 && price > limit; i++)
		price = path[i] < price ? path[i] : price;
	return price <= limit;
}

static int same_price(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* Orders that worked during this bar and that the fill model fills on it
 * are taken as filled: the position moves, the order is gone. */
static void presume_fills(struct sym *s, const double *v)
{
	for (int i = 0; i < 2; i++)
		if (s->work[i].id[0] && fills_on(&s->work[i], v)) {
			s->pos += s->work[i].side * s->work[i].qty;
			s->work[i].id[0] = '\0';
		}
}

/* Keep the working orders that are wanted as they are, cancel the
 * others, and send the wanted ones not yet working, as gtc orders. */
static void place_orders(struct host *h, struct sym *s, const struct work *want, int n)
{
	int kept[2] = { 0, 0 };
	qts_event ev;
	for (int i = 0; i < 2; i++) {
		struct work *w = &s->work[i];
		if (!w->id[0])
			continue;
		int j = 0;
		while (j < n && (kept[j] || w->side != want[j].side || w->qty != want[j].qty ||
				 !same_price(w->limit, want[j].limit) || !same_price(w->stop, want[j].stop)))
			j++;
		if (j < n) {
			kept[j] = 1;
			continue;
		}
		qts_event_init(&ev, QTS_CANCEL, h->now);
		QTS_SET(ev.symbol, s->name);
		QTS_SET(ev.cancel.id, w->id);
		put(h, &ev);
		w->id[0] = '\0';
	}
	for (int j = 0; j < n; j++) {
		if (kept[j])
			continue;
		struct work *w = !s->work[0].id[0] ? &s->work[0] : &s->work[1];
		*w = want[j];
		snprintf(w->id, sizeof w->id, "%.40s-%lu", h->name, ++h->orders);
		qts_event_init(&ev, QTS_ORDER, h->now);
		QTS_SET(ev.symbol, s->name);
		QTS_SET(ev.order.id, w->id);
		QTS_SET(ev.order.side, w->side > 0 ? "buy" : "sell");
		ev.order.qty = w->qty;
		QTS_SET(ev.order.kind, isnan(w->limit) ? (isnan(w->stop) ? "market" : "stop")
						      : (isnan(w->stop) ? "limit" : "stop_limit"));
		ev.order.limit = w->limit;
		ev.order.stop = w->stop;
		QTS_SET(ev.order.tif, "gtc");
		QTS_SET(ev.order.strategy, h->name);
		put(h, &ev);
	}
}

/* A program's target as an order for the change from the position, at
 * its limit and stop prices (a limit, stop or stop_limit order). */
static void expr_orders(struct host *h, struct sym *s)
{
	struct work want = { .limit = NAN, .stop = NAN };
	double t = qts_expr_get(s->es, h->target_var);
	int n = !isnan(t) && !isinf(t) && t != s->pos;
	if (n) {
		want.side = t > s->pos ? 1 : -1;
		want.qty = fabs(t - s->pos);
		if (h->limit_var >= 0)
			want.limit = qts_expr_get(s->es, h->limit_var);
		if (h->stop_var >= 0)
			want.stop = qts_expr_get(s->es, h->stop_var);
		/* a price still warming up holds the order back */
		if (isinf(want.limit) || isinf(want.stop) || (isnan(want.limit) && isnan(want.stop)))
			n = 0;
	}
	place_orders(h, s, &want, n);
}

static void builtin_orders(struct host *h, struct sym *s)
{
	qts_strat_order o[2];
	struct work want[2];
	int n = h->strat->orders(s->state, h->param, s->pos / h->mult, o);
	for (int i = 0; i < n; i++)
		want[i] = (struct work){ "", o[i].side, o[i].qty * h->mult, o[i].limit, o[i].stop };
	place_orders(h, s, want, n);
}

/* ---- the plugin host ------------------------------------------------------ */

static int host_target(void *ctx, const char *symbol, double target, const char *unit)
{
	struct host *h = ctx;
	if (!symbol || !unit || (strcmp(unit, "qty") && strcmp(unit, "weight")) || isinf(target)) {
		qts_warn("%s: target refused: unit must be qty or weight, target finite",
			 h->plugin_path);
		return -1;
	}
	return emit_target(h, sym_get(h, symbol), target, unit);
}

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int host_order(void *ctx, const struct qts_strategy_order *o)
{
	struct host *h = ctx;
	static const char *const sides[] = { "buy", "sell", NULL };
	static const char *const kinds[] = { "market", "limit", "stop", "stop_limit", NULL };
	static const char *const tifs[] = { "day", "gtc", "ioc", "fok", NULL };
	const char *tif = o->tif ? o->tif : "day";
	int kind_ok = one_of(o->kind, kinds);
	if (!o->symbol || !o->symbol[0] || !one_of(o->side, sides) || !kind_ok ||
	    !one_of(tif, tifs) || !(o->qty > 0) || isinf(o->qty) ||
	    (kind_ok && strstr(o->kind, "limit") && isnan(o->limit)) ||
	    (kind_ok && strstr(o->kind, "stop") && isnan(o->stop))) {
		qts_warn("%s: order refused: needs a symbol, side buy or sell, qty > 0, "
			 "a known kind and tif, and the prices its kind uses", h->plugin_path);
		return -1;
	}
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, h->now);
	QTS_SET(ev.symbol, o->symbol);
	if (o->id && o->id[0])
		QTS_SET(ev.order.id, o->id);
	else
		snprintf(ev.order.id, sizeof ev.order.id, "%.40s-%lu", h->name, ++h->orders);
	QTS_SET(ev.order.side, o->side);
	ev.order.qty = o->qty;
	QTS_SET(ev.order.kind, o->kind);
	ev.order.limit = strstr(o->kind, "limit") ? o->limit : NAN;
	ev.order.stop = strstr(o->kind, "stop") ? o->stop : NAN;
	QTS_SET(ev.order.tif, tif);
	QTS_SET(ev.order.strategy, h->name);
	put(h, &ev);
	return 0;
}

static void host_log(void *ctx, const char *message)
{
	struct host *h = ctx;
	qts_warn("%s: %s", h->plugin_path, message);
}

static void plugin_unload(struct plugin *p)
{
	if (p->self && p->d->free)
		p->d->free(p->self);
	if (p->dl)
		dlclose(p->dl);
	memset(p, 0, sizeof *p);
}

/* Load a private copy of the file: the dynamic loader hands back the
 * already-loaded object for a path it knows, and a build writing over a
 * mapped object would crash the running one. */
static int plugin_load(struct host *h, struct plugin *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	int in = open(h->plugin_path, O_RDONLY);
	if (in < 0 || fstat(in, &p->st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	const char *dir = getenv("TMPDIR");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/qts-strategy-XXXXXX", dir && *dir ? dir : "/tmp");
	int out = mkstemp(tmp);
	if (out < 0) {
		snprintf(err, errlen, "%.200s: %s", tmp, strerror(errno));
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int bad = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			bad = 1;
	if (n < 0)
		bad = 1;
	close(in);
	if (close(out) < 0 || bad) {
		snprintf(err, errlen, "copying to %.200s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	p->dl = dlopen(tmp, RTLD_NOW | RTLD_LOCAL);
	unlink(tmp);
	if (!p->dl) {
		snprintf(err, errlen, "%s", dlerror());
		return -1;
	}
	qts_strategy_entry_fn entry;
	*(void **)&entry = dlsym(p->dl, QTS_STRATEGY_ENTRY);
	if (!entry || !(p->d = entry())) {
		snprintf(err, errlen, "no %s function", QTS_STRATEGY_ENTRY);
		plugin_unload(p);
		return -1;
	}
	if (p->d->abi_version != QTS_STRATEGY_ABI_VERSION) {
		snprintf(err, errlen, "built for ABI version %d, not %d", p->d->abi_version,
			 QTS_STRATEGY_ABI_VERSION);
		p->d = NULL;
		plugin_unload(p);
		return -1;
	}
	err[0] = '\0';
	if (!p->d->init || !(p->self = p->d->init(&h->api, h->npparam, h->pparam, err, errlen))) {
		if (!err[0])
			snprintf(err, errlen, "init failed");
		plugin_unload(p);
		return -1;
	}
	return 0;
}

/* The new build takes over the old one's state, or the old one stays. */
static void plugin_reload(struct host *h)
{
	struct plugin np;
	char err[512];
	if (plugin_load(h, &np, err, sizeof err) < 0) {
		qts_warn("%s: reload failed, the running plugin stays: %s", h->plugin_path, err);
		/* do not retry the same file until it changes again */
		stat(h->plugin_path, &h->pl.st);
		return;
	}
	void *data = NULL;
	size_t len = 0;
	const char *why = NULL;
	if (h->pl.d->save && h->pl.d->save(h->pl.self, &data, &len) < 0)
		why = "the running plugin could not save its state";
	else if (data && !np.d->restore)
		why = "the new plugin has no restore";
	else if (data && np.d->restore(np.self, data, len, err, sizeof err) < 0)
		why = err[0] ? err : "restore failed";
	if (why) {
		qts_warn("%s: reload failed, the running plugin stays: %s", h->plugin_path, why);
		free(data);
		h->pl.st = np.st;
		plugin_unload(&np);
		return;
	}
	free(data);
	plugin_unload(&h->pl);
	h->pl = np;
}

static int plugin_changed(struct host *h)
{
	struct stat st;
	if (stat(h->plugin_path, &st) < 0)
		return 0; /* being replaced: look again later */
	return st.st_ino != h->pl.st.st_ino || st.st_dev != h->pl.st.st_dev ||
	       st.st_size != h->pl.st.st_size ||
	       st.st_mtim.tv_sec != h->pl.st.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != h->pl.st.st_mtim.tv_nsec;
}

static void maybe_reload(struct host *h, int idle)
{
	if (h->mode != M_PLUGIN)
		return;
	if (reload_asked) {
		reload_asked = 0;
		plugin_reload(h);
		return;
	}
	/* a stat per event would cost more than the event: look when input
	 * ran dry, at the first event after it did, and every 4096 events */
	if (h->watch && (idle || h->was_idle || ++h->since_check >= 4096)) {
		h->was_idle = idle;
		h->since_check = 0;
		if (plugin_changed(h))
			plugin_reload(h);
	}
}

static void on_idle(void *arg)
{
	struct host *h = arg;
	maybe_reload(h, 1);
	if (h->w)
		qts_writer_flush(h->w);
	if (h->table) {
		flush_rows(h);
		fflush(h->table);
	}
}

/* ---- events ------------------------------------------------------------- */

static void on_bar(struct host *h, const qts_event *ev)
{
	struct sym *s = sym_get(h, ev->symbol);
	struct tfseen spare;
	const struct tfseen *t = tf_seen(h, s, ev->bar.tf, &spare);
	if (!t)
		return; /* not a timeframe: passed through, not used */
	h->now = bar_end(ev->ts, t->parsed);
	const double v[QTS_EXPR_NFIELDS] = { ev->bar.open, ev->bar.high, ev->bar.low,
					     ev->bar.close, ev->bar.volume, (double)ev->ts };
	if (h->use_orders && (t->mask & 1))
		presume_fills(s, v);
	switch (h->mode) {
	case M_BUILTIN:
		if (!(t->mask & 1))
			break;
		double sig = h->strat->bar(s->state, h->param, v);
		if (h->use_orders)
			builtin_orders(h, s);
		else
			emit_target(h, s, sig * h->mult, h->unit);
		break;
	case M_EXPR:
	case M_PRINT:
		for (unsigned m = t->mask >> 1, k = 1; m; m >>= 1, k++)
			if (m & 1)
				qts_expr_bar(s->es, k, v);
		if (!(t->mask & 1))
			break;
		qts_expr_bar(s->es, 0, v);
		if (h->mode == M_EXPR)
			qts_expr_set(s->es, h->position_var, h->use_orders ? s->pos : s->target);
		qts_expr_run(h->expr, s->es, h->values);
		if (h->mode == M_PRINT)
			print_row(h, s, ev);
		else if (h->use_orders)
			expr_orders(h, s);
		else
			emit_target(h, s, qts_expr_get(s->es, h->target_var), h->unit);
		break;
	case M_PLUGIN:
		if (h->pl.d->on_bar) {
			struct qts_strategy_bar b = { ev->ts, ev->symbol, ev->bar.tf, v[0], v[1],
						      v[2], v[3], v[4] };
			h->pl.d->on_bar(h->pl.self, &b);
		}
		break;
	}
}

static void to_plugin(struct host *h, const qts_event *ev)
{
	const qts_strategy *d = h->pl.d;
	h->now = ev->ts;
	if (ev->type == QTS_TICK && d->on_tick) {
		struct qts_strategy_tick t = { ev->ts, ev->symbol, ev->tick.price, ev->tick.size };
		d->on_tick(h->pl.self, &t);
	} else if (ev->type == QTS_QUOTE && d->on_quote) {
		struct qts_strategy_quote q = { ev->ts, ev->symbol, ev->quote.bid, ev->quote.ask,
						ev->quote.bid_size, ev->quote.ask_size };
		d->on_quote(h->pl.self, &q);
	} else if (ev->type == QTS_FILL && d->on_fill) {
		struct qts_strategy_fill f = { ev->ts, ev->symbol, ev->fill.id, ev->fill.side,
					       ev->fill.qty, ev->fill.price, ev->fill.commission,
					       ev->fill.slippage };
		d->on_fill(h->pl.self, &f);
	}
}

static int run_file(struct host *h, const char *path)
{
	qts_reader *r = qts_reader_open(path);
	if (!r) {
		qts_warn("%s: %s", path, strerror(errno));
		return QTS_EXIT_FAIL;
	}
	qts_reader_on_idle(r, on_idle, h);
	qts_event ev;
	int got = 0;
	while (!h->failed && (got = qts_reader_next(r, &ev)) > 0) {
		/* before the event, so a new build handles the first event read
		 * after it appeared */
		maybe_reload(h, 0);
		if (h->mode != M_PRINT)
			put(h, &ev);
		if (ev.type == QTS_BAR)
			on_bar(h, &ev);
		else if (h->mode == M_PLUGIN)
			to_plugin(h, &ev);
	}
	int status = QTS_EXIT_OK;
	if (!h->failed && got < 0 && !qts_interrupted) {
		qts_warn("%s", qts_reader_error(r));
		status = QTS_EXIT_FAIL;
	}
	qts_reader_close(r);
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
	const qts_strat_info *s = h->strat = qts_strat_find(o->strategy);
	if (!s)
		qts_usage_error(usage, "unknown strategy '%s' (qts-strategy --list names them)",
				o->strategy);
	for (int i = 0; i < s->nparams; i++)
		h->param[i] = s->params[i].def;
	for (int i = 0; i < o->nkv; i++) {
		char key[64], err[160];
		const char *val;
		int k;
		if (qts_split_kv(o->kv[i], key, sizeof key, &val) < 0 ||
		    (k = qts_strat_param_index(s, key)) < 0)
			qts_usage_error(usage, "%s: unknown parameter '%s'", s->name, o->kv[i]);
		const qts_strat_param *p = &s->params[k];
		if (qts_parse_double(val, p->min, p->max, &h->param[k], err) < 0)
			qts_usage_error(usage, "%s: %s: %s", s->name, key, err);
		if ((p->min == 0 && p->max == 1 && h->param[k] != 0 && h->param[k] != 1) ||
		    (!strcmp(key, "short") && h->param[k] != 0 && h->param[k] != 1))
			qts_usage_error(usage, "%s: %s: '%s' is neither 0 nor 1", s->name, key, val);
	}
	/* the periods of the registry are whole numbers */
	for (int i = 0; i < s->nparams; i++) {
		const char *n = s->params[i].name;
		if ((!strcmp(n, "fast") || !strcmp(n, "slow") || !strcmp(n, "signal") ||
		     !strcmp(n, "period") || !strcmp(n, "entry") || !strcmp(n, "exit") ||
		     !strcmp(n, "lookback") || !strcmp(n, "volwin")) &&
		    h->param[i] != floor(h->param[i]))
			qts_usage_error(usage, "%s: %s: %g is not a whole number", s->name, n,
					h->param[i]);
	}
	int wi = qts_strat_param_index(s, "weight"), si = qts_strat_param_index(s, "stop");
	h->use_orders = si >= 0 && h->param[si] == 1 && s->orders;
	if (h->use_orders && !isnan(h->param[wi]))
		qts_usage_error(usage, "%s: stop=1 trades quantities: size=, not weight=", s->name);
	h->unit = isnan(h->param[wi]) ? "qty" : "weight";
	h->mult = isnan(h->param[wi]) ? h->param[qts_strat_param_index(s, "size")] : h->param[wi];
	/* a parameter rule (fast < slow) checked once, before any input */
	void *probe = xcalloc(1, s->state_size ? s->state_size : 1);
	char err[160] = "";
	int bad = s->init(probe, h->param, err) < 0;
	if (s->free)
		s->free(probe);
	free(probe);
	if (bad)
		qts_usage_error(usage, "%s: %s", s->name, err);
	h->name = o->name ? o->name : s->name;
}

static void setup_expr(struct host *h, const struct options *o)
{
	const char *where = o->expr ? "-e" : o->print ? "--print" : o->progfile;
	char *src = o->expr ? strdup(o->expr) : o->print ? strdup(o->print) : read_file(o->progfile);
	if (!src)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_expr_error err;
	h->expr = qts_expr_compile(src, o->print ? QTS_EXPR_LIST : QTS_EXPR_PROGRAM, &err);
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
	if (h->use_orders && o->unit && !strcmp(o->unit, "weight"))
		qts_usage_error(usage, "%s: limit and stop orders take quantities: not --unit weight",
				where);
	h->values = xcalloc(qts_expr_count(h->expr), sizeof *h->values);
	h->unit = o->unit ? o->unit : "qty";
	h->name = o->name ? o->name : "expr";
}

static void setup_plugin(struct host *h, const struct options *o)
{
	h->plugin_path = o->plugin;
	h->watch = o->watch;
	h->npparam = (size_t)o->nkv;
	h->pparam = xcalloc(h->npparam + 1, sizeof *h->pparam);
	for (int i = 0; i < o->nkv; i++) {
		char *eq = strchr(o->kv[i], '=');
		*eq = '\0';
		h->pparam[i].key = o->kv[i];
		h->pparam[i].value = eq + 1;
	}
	h->api = (qts_strategy_host){ QTS_STRATEGY_ABI_VERSION, h, host_target, host_order,
				      host_log };
	char err[512];
	/* the strategy field is needed by init's emits: set it first */
	h->name = o->name ? o->name : "plugin";
	if (plugin_load(h, &h->pl, err, sizeof err) < 0)
		qts_die(QTS_EXIT_USAGE, "%s: %s", h->plugin_path, err);
	/* a copy: the name lives in the plugin, which a reload unloads */
	if (!o->name && h->pl.d->name && h->pl.d->name[0]) {
		QTS_SET(h->namebuf, h->pl.d->name);
		h->name = h->namebuf;
	}
	struct sigaction sa = { .sa_handler = on_hup };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}

int main(int argc, char **argv)
{
	qts_init(argv[0]);
	struct options o = { 0 };
	parse_options(argc, argv, &o);
	if (o.list)
		return list_registry();

	struct host h = { 0 };
	if (o.tf) {
		qts_tf tf;
		if (qts_tf_parse(o.tf, &tf) < 0)
			qts_usage_error(usage, "--tf: '%s' is not a timeframe", o.tf);
		qts_tf_format(tf, h.tf);
	}
	if (o.name && (!o.name[0] || strlen(o.name) >= QTS_NAME_MAX))
		qts_usage_error(usage, "--name: between 1 and %d bytes", QTS_NAME_MAX - 1);
	h.mode = o.plugin ? M_PLUGIN : o.print ? M_PRINT : (o.expr || o.progfile) ? M_EXPR : M_BUILTIN;
	if (h.mode == M_BUILTIN)
		setup_builtin(&h, &o);
	else if (h.mode == M_PLUGIN)
		setup_plugin(&h, &o);
	else
		setup_expr(&h, &o);

	if (h.mode == M_PRINT) {
		h.table = stdout;
		/* room for one more row past ROWBUF: 33 bytes a number at most */
		h.row = xcalloc(1, ROWBUF + (qts_expr_count(h.expr) + 1) * 40 + sizeof h.row_tsbuf +
					   2 * QTS_SYM_MAX);
		print_header(&h);
	} else if (!(h.w = qts_writer_new(STDOUT_FILENO, qts_output_format(o.msgpack)))) {
		qts_die(QTS_EXIT_FAIL, "out of memory");
	}

	char *stdin_only[] = { "-" };
	char **files = o.nfiles ? o.files : stdin_only;
	int nfiles = o.nfiles ? o.nfiles : 1, status = QTS_EXIT_OK;
	for (int i = 0; i < nfiles && !qts_interrupted && !h.failed; i++) {
		int s = run_file(&h, files[i]);
		if (s)
			status = s;
	}
	if (h.table)
		flush_rows(&h);

	if (h.w && qts_writer_close(h.w) < 0 && errno != EPIPE && !h.failed) {
		qts_warn("write error: %s", strerror(errno));
		status = QTS_EXIT_FAIL;
	}
	if (h.mode == M_PLUGIN)
		plugin_unload(&h.pl);
	free_syms(&h);
	free(h.pparam);
	free(h.values);
	free(h.row);
	qts_expr_free(h.expr);
	if (qts_interrupted > 0)
		return 128 + qts_interrupted;
	int s = qts_close_stdout();
	if (h.failed && !status)
		status = errno == EPIPE ? QTS_EXIT_OK : QTS_EXIT_FAIL;
	return status ? status : s;
}
