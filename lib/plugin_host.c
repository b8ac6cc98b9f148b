/* plugin_host.c — loading a strategy plugin, the functions it calls back,
 * and swapping in a new build of it without losing its state or an
 * event. */
#include "qts_plugin.h"
#include "qts_strat.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One loaded build. */
struct build {
	void *dl;
	const qts_strategy *d;
	void *self;
	struct stat st; /* of the file when loaded */
};

struct qts_plugin {
	qts_plugin_config c;
	struct build b;
	qts_strategy_host api;
	char name[QTS_NAME_MAX];
	qts_strat_out out;  /* now: when the event being handled became known */
	qts_symtab *last;   /* symbol -> qts_strat_last */
	unsigned long since_check;
	int was_idle;
	unsigned long refused; /* calls refused so far */
};

/* ---- what the plugin calls ------------------------------------------------ */

/* A refused call, said with the input being handled and the symbol. */
static int refuse(qts_plugin *p, const char *symbol, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(qts_plugin *p, const char *symbol, const char *fmt, ...)
{
	char what[256], sym[QTS_SYM_MAX * 4] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (symbol)
		qts_quote(sym, sizeof sym, symbol, strnlen(symbol, QTS_SYM_MAX));
	const char *at = p->c.where ? p->c.where(p->c.ctx) : NULL;
	qts_warn("%s%s%s%s%s: %s", at ? at : "", at ? ": " : "", sym, sym[0] ? ": " : "",
		 p->c.path, what);
	p->refused++;
	return -1;
}

/* A number for a message: the shortest form, "nan" for NaN. */
static const char *num(double v, char buf[32])
{
	int n = qts_num_format(v, buf);
	if (!n)
		return "nan";
	buf[n] = '\0';
	return buf;
}

static int host_target(void *ctx, const char *symbol, double target, const char *unit)
{
	qts_plugin *p = ctx;
	char b[32];
	if (!symbol || !unit || (strcmp(unit, "qty") && strcmp(unit, "weight")))
		return refuse(p, symbol, "target refused: unit must be qty or weight");
	if (isinf(target))
		return refuse(p, symbol, "target refused: %s is not a finite number", num(target, b));
	char sym[QTS_SYM_MAX];
	QTS_SET(sym, symbol);
	qts_strat_last *l = qts_symtab_get(p->last, sym);
	if (!l)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_strat_target(l, sym, target, unit, &p->out);
	return 0;
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
	qts_plugin *p = ctx;
	static const char *const sides[] = { "buy", "sell", NULL };
	static const char *const kinds[] = { "market", "limit", "stop", "stop_limit", NULL };
	static const char *const tifs[] = { "day", "gtc", "ioc", "fok", NULL };
	const char *tif = o->tif ? o->tif : "day";
	int kind_ok = one_of(o->kind, kinds);
	if (!o->symbol || !o->symbol[0] || !one_of(o->side, sides) || !kind_ok ||
	    !one_of(tif, tifs) || !(o->qty > 0) ||
	    (kind_ok && strstr(o->kind, "limit") && isnan(o->limit)) ||
	    (kind_ok && strstr(o->kind, "stop") && isnan(o->stop)))
		return refuse(p, o->symbol, "order refused: needs a symbol, side buy or sell, qty > 0, "
			      "a known kind and tif, and the prices its kind uses");
	/* an infinite quantity or price: a stream no reader takes back */
	char b[32];
	int lim = strstr(o->kind, "limit") != NULL, stp = strstr(o->kind, "stop") != NULL;
	if (isinf(o->qty) || (lim && isinf(o->limit)) || (stp && isinf(o->stop))) {
		const char *what = isinf(o->qty) ? "qty" : lim && isinf(o->limit) ? "limit" : "stop";
		double v = isinf(o->qty) ? o->qty : lim && isinf(o->limit) ? o->limit : o->stop;
		return refuse(p, o->symbol, "order refused: %s %s is not a finite number", what,
			      num(v, b));
	}
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, p->out.now);
	QTS_SET(ev.symbol, o->symbol);
	if (o->id && o->id[0])
		QTS_SET(ev.order.id, o->id);
	else
		snprintf(ev.order.id, sizeof ev.order.id, "%.40s-%lu", p->name, ++p->out.seq);
	QTS_SET(ev.order.side, o->side);
	ev.order.qty = o->qty;
	QTS_SET(ev.order.kind, o->kind);
	ev.order.limit = strstr(o->kind, "limit") ? o->limit : NAN;
	ev.order.stop = strstr(o->kind, "stop") ? o->stop : NAN;
	QTS_SET(ev.order.tif, tif);
	QTS_SET(ev.order.strategy, p->name);
	p->out.put(p->out.ctx, &ev);
	return 0;
}

static void host_log(void *ctx, const char *message)
{
	qts_plugin *p = ctx;
	qts_warn("%s: %s", p->c.path, message);
}

/* ---- loading ---------------------------------------------------------------- */

static void unload(struct build *b)
{
	if (b->self && b->d->free)
		b->d->free(b->self);
	if (b->dl)
		dlclose(b->dl);
	memset(b, 0, sizeof *b);
}

/* A private copy of the file: the dynamic loader hands back the object it
 * already has for a path it knows, and a build writing over a mapped
 * object would crash the running one. */
static void *open_copy(const char *path, struct stat *st, char *err, size_t errlen)
{
	int in = open(path, O_RDONLY);
	if (in < 0 || fstat(in, st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (in >= 0)
			close(in);
		return NULL;
	}
	const char *dir = getenv("TMPDIR");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp", qts_progname);
	int out = mkstemp(tmp);
	if (out < 0) {
		snprintf(err, errlen, "%.200s: %s", tmp, strerror(errno));
		close(in);
		return NULL;
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
		return NULL;
	}
	void *dl = dlopen(tmp, RTLD_NOW | RTLD_LOCAL);
	unlink(tmp);
	if (!dl)
		snprintf(err, errlen, "%s", dlerror());
	return dl;
}

static int load(qts_plugin *p, struct build *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	if (!(b->dl = open_copy(p->c.path, &b->st, err, errlen)))
		return -1;
	qts_strategy_entry_fn entry;
	*(void **)&entry = dlsym(b->dl, QTS_STRATEGY_ENTRY);
	if (!entry || !(b->d = entry())) {
		snprintf(err, errlen, "no %s function", QTS_STRATEGY_ENTRY);
		unload(b);
		return -1;
	}
	if (b->d->abi_version != QTS_STRATEGY_ABI_VERSION) {
		snprintf(err, errlen, "built for ABI version %d, not %d", b->d->abi_version,
			 QTS_STRATEGY_ABI_VERSION);
		b->d = NULL;
		unload(b);
		return -1;
	}
	err[0] = '\0';
	if (!b->d->init || !(b->self = b->d->init(&p->api, p->c.nparams, p->c.params, err, errlen))) {
		if (!err[0])
			snprintf(err, errlen, "init failed");
		unload(b);
		return -1;
	}
	return 0;
}

qts_plugin *qts_plugin_open(const qts_plugin_config *c, char *err, size_t errlen)
{
	qts_plugin *p = calloc(1, sizeof *p);
	if (!p || !(p->last = qts_symtab_new(sizeof(qts_strat_last)))) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->c = *c;
	p->out = (qts_strat_out){ c->put, c->ctx, p->name, 0, 0 };
	p->api = (qts_strategy_host){ QTS_STRATEGY_ABI_VERSION, p, host_target, host_order, host_log };
	/* init may emit already, with the strategy field known */
	QTS_SET(p->name, c->name ? c->name : "plugin");
	if (load(p, &p->b, err, errlen) < 0) {
		qts_symtab_free(p->last);
		free(p);
		return NULL;
	}
	/* a copy: the name lives in the plugin, which a reload unloads */
	if (!c->name && p->b.d->name && p->b.d->name[0])
		QTS_SET(p->name, p->b.d->name);
	return p;
}

const char *qts_plugin_name(const qts_plugin *p)
{
	return p->name;
}

unsigned long qts_plugin_refused(const qts_plugin *p)
{
	return p->refused;
}

/* ---- reloading ------------------------------------------------------------- */

int qts_plugin_reload(qts_plugin *p)
{
	struct build nb;
	char err[512];
	if (load(p, &nb, err, sizeof err) < 0) {
		qts_warn("%s: reload failed, the running plugin stays: %s", p->c.path, err);
		/* do not retry the same file until it changes again */
		stat(p->c.path, &p->b.st);
		return -1;
	}
	void *data = NULL;
	size_t len = 0;
	const char *why = NULL;
	if (p->b.d->save && p->b.d->save(p->b.self, &data, &len) < 0)
		why = "the running plugin could not save its state";
	else if (data && !nb.d->restore)
		why = "the new plugin has no restore";
	else if (data && nb.d->restore(nb.self, data, len, err, sizeof err) < 0)
		why = err[0] ? err : "restore failed";
	free(data);
	if (why) {
		qts_warn("%s: reload failed, the running plugin stays: %s", p->c.path, why);
		p->b.st = nb.st;
		unload(&nb);
		return -1;
	}
	unload(&p->b);
	p->b = nb;
	return 0;
}

static int changed(const qts_plugin *p)
{
	struct stat st;
	if (stat(p->c.path, &st) < 0)
		return 0; /* being replaced: look again later */
	return st.st_ino != p->b.st.st_ino || st.st_dev != p->b.st.st_dev ||
	       st.st_size != p->b.st.st_size || st.st_mtim.tv_sec != p->b.st.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != p->b.st.st_mtim.tv_nsec;
}

void qts_plugin_poll(qts_plugin *p, int asked, int idle)
{
	if (asked) {
		qts_plugin_reload(p);
		return;
	}
	/* a stat per event would cost more than the event */
	if (p->c.watch && (idle || p->was_idle || ++p->since_check >= 4096)) {
		p->was_idle = idle;
		p->since_check = 0;
		if (changed(p))
			qts_plugin_reload(p);
	}
}

/* ---- events --------------------------------------------------------------- */

void qts_plugin_bar(qts_plugin *p, const qts_event *ev, int64_t known)
{
	p->out.now = known;
	if (p->b.d->on_bar) {
		struct qts_strategy_bar b = { ev->ts,	     ev->symbol,    ev->bar.tf,	     ev->bar.open,
					      ev->bar.high, ev->bar.low, ev->bar.close, ev->bar.volume };
		p->b.d->on_bar(p->b.self, &b);
	}
}

void qts_plugin_event(qts_plugin *p, const qts_event *ev)
{
	const qts_strategy *d = p->b.d;
	p->out.now = ev->ts;
	if (ev->type == QTS_TICK && d->on_tick) {
		struct qts_strategy_tick t = { ev->ts, ev->symbol, ev->tick.price, ev->tick.size };
		d->on_tick(p->b.self, &t);
	} else if (ev->type == QTS_QUOTE && d->on_quote) {
		struct qts_strategy_quote q = { ev->ts, ev->symbol, ev->quote.bid, ev->quote.ask,
						ev->quote.bid_size, ev->quote.ask_size };
		d->on_quote(p->b.self, &q);
	} else if (ev->type == QTS_FILL && d->on_fill) {
		struct qts_strategy_fill f = { ev->ts, ev->symbol, ev->fill.id, ev->fill.side,
					       ev->fill.qty, ev->fill.price, ev->fill.commission,
					       ev->fill.slippage };
		d->on_fill(p->b.self, &f);
	}
}

void qts_plugin_close(qts_plugin *p)
{
	if (!p)
		return;
	unload(&p->b);
	qts_symtab_free(p->last);
	free(p);
}
