/* plugin_host.c — loading a strategy plugin, the functions it calls back,
 * and swapping in a new build of it without losing its state or an
 * event. */
#define _GNU_SOURCE /* memfd_create */
#include "qts_plugin.h"
#include "qts_strat.h"
#include "qts_checkpoint.h"
#include "qts_sim.h" /* qts_instrument_find */

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* One loaded build. */
struct build {
	void *dl;
	int fd; /* the in-memory copy dlopen read, kept open while loaded; -1 */
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

/* ---- running foreign code ------------------------------------------------- */

/* A plugin is code the host does not control: it may call exit(), loop
 * for ever, or die.  While one of its functions runs, `inside` names the
 * plugin and the function; `in_host` is set while it has called back into
 * the host (whose writer is then mid-record). */
static struct {
	qts_plugin *volatile p;
	const char *volatile fn;
	volatile sig_atomic_t in_host;
	volatile sig_atomic_t sig; /* the interrupting signal, once the grace has begun */
} inside;

/* How long a plugin function may go on after SIGINT or SIGTERM. */
#define GRACE_US 1000000

/* Why the host gives up on the plugin, "PATH: WHAT FN": built with
 * memcpy alone, as it is from atexit and from signal handlers. */
static char why_buf[QTS_TEXT_MAX];

static const char *why_of(const char *what)
{
	const char *parts[] = { inside.p->c.path, ": ", what, inside.fn };
	size_t n = 0;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		for (const char *c = parts[i]; c && *c && n + 1 < sizeof why_buf; c++)
			why_buf[n++] = *c;
	why_buf[n] = '\0';
	return why_buf;
}

/* What the host wrote goes out whole, ended by the error event that says
 * why, which standard error says too. */
static void give_up(const char *what)
{
	const char *why = why_of(what);
	qts_plugin *p = inside.p;
	if (p->c.flush && !inside.in_host)
		p->c.flush(p->c.ctx, why);
	/* write(2) only */
	const char *parts[] = { qts_progname, ": ", why, "\n" };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (write(STDERR_FILENO, parts[i], strlen(parts[i])) < 0)
			return;
}

/* exit() from inside the plugin: the run is a failure, not the success
 * exit(0) would claim. */
static void on_exit_inside(void)
{
	if (!inside.p || inside.in_host)
		return;
	give_up("the plugin called exit() in ");
	_exit(QTS_EXIT_FAIL);
}

/* SIGINT or SIGTERM arrived while the plugin ran, and it has not come
 * back within the grace: give up on it. */
static void on_grace_over(int sig)
{
	(void)sig;
	if (!inside.p)
		return;
	if (inside.in_host) { /* mid-record: let it finish the call */
		struct itimerval t = { { 0, 0 }, { 0, 10000 } };
		setitimer(ITIMER_REAL, &t, NULL);
		return;
	}
	give_up("the plugin did not return after a signal, in ");
	_exit(128 + (inside.sig ? inside.sig : SIGTERM));
}

/* The faults a plugin's code can raise, and what handled them before. */
static const struct {
	int sig;
	const char *what;
} faults[] = {
	{ SIGSEGV, "the plugin crashed (SIGSEGV) in " },
	{ SIGBUS, "the plugin crashed (SIGBUS) in " },
	{ SIGFPE, "the plugin crashed (SIGFPE) in " },
	{ SIGILL, "the plugin crashed (SIGILL) in " },
};
static struct sigaction fault_was[sizeof faults / sizeof *faults];

/* A fault in the plugin's code: the output so far goes out whole with
 * the error event, then the host dies of the signal, as it would have.
 * A fault in the host's own code goes to the handler there was before
 * (the default, or a sanitizer's), the instruction faulting again. */
static void on_fault(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	size_t k = 0;
	while (faults[k].sig != sig)
		k++;
	if (inside.p && !inside.in_host) {
		give_up(faults[k].what);
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, NULL);
	} else
		sigaction(sig, &fault_was[k], NULL);
	/* sent by kill(2), not raised by an instruction: send it again */
	if (info->si_code <= 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
}

static void on_interrupt_inside(int sig)
{
	if (!inside.p || inside.sig)
		return;
	inside.sig = sig;
	struct itimerval t = { { 0, 0 }, { GRACE_US / 1000000, GRACE_US % 1000000 } };
	setitimer(ITIMER_REAL, &t, NULL);
}

static void guard_once(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	atexit(on_exit_inside);
	struct sigaction sa = { .sa_handler = on_grace_over };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	qts_interrupt_hook = on_interrupt_inside;
	/* a stack the fault handler runs on when the plugin's overflowed,
	 * unless one is set up already (a sanitizer's) */
	static char alt[1 << 16];
	stack_t was;
	if (sigaltstack(NULL, &was) == 0 && (was.ss_flags & SS_DISABLE)) {
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
		sigaltstack(&ss, NULL);
	}
	struct sigaction fa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	sigemptyset(&fa.sa_mask);
	for (size_t k = 0; k < sizeof faults / sizeof *faults; k++)
		sigaction(faults[k].sig, &fa, &fault_was[k]);
}

/* Around every call into the plugin; calls nest (init may emit). */
#define ENTER(pl, name)                                      \
	qts_plugin *saved_p_ = inside.p;                     \
	const char *saved_fn_ = inside.fn;                   \
	inside.fn = (name);                                  \
	inside.p = (pl)
#define LEAVE()                                              \
	do {                                                 \
		inside.p = saved_p_;                         \
		inside.fn = saved_fn_;                       \
		if (!inside.p && inside.sig) {               \
			struct itimerval off_ = { { 0, 0 }, { 0, 0 } }; \
			setitimer(ITIMER_REAL, &off_, NULL); \
			inside.sig = 0;                      \
		}                                            \
	} while (0)
#define HOST_IN() (inside.in_host++)
#define HOST_OUT() (inside.in_host--)

/* A symbol or id the stream can carry whole: not empty, no control byte,
 * shorter than its field.  0, or -1 with why. */
static int check_name(const char *s, size_t max, const char **why)
{
	if (!s) {
		*why = "missing (NULL)";
		return -1;
	}
	if (!s[0]) {
		*why = "empty";
		return -1;
	}
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) {
			*why = "holding a control character";
			return -1;
		}
	if (n >= max) {
		*why = "too long";
		return -1;
	}
	/* every reader of the stream refuses text that is not */
	if (!qts_utf8_valid(s, n)) {
		*why = "not valid UTF-8";
		return -1;
	}
	return 0;
}

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
	const char *why = NULL;
	char b[32];
	if (check_name(symbol, QTS_SYM_MAX, &why) < 0)
		return refuse(p, NULL, "target refused: symbol \"%.*s\" is %s (at most %d bytes, no control characters)",
			      QTS_SYM_MAX * 2, symbol ? symbol : "", why, QTS_SYM_MAX - 1);
	if (!unit || qts_unit_parse(unit) < 0)
		return refuse(p, symbol, "target refused: unit must be qty or weight");
	if (!isfinite(target))
		return refuse(p, symbol, "target refused: %s is not a finite number", num(target, b));
	HOST_IN();
	char sym[QTS_SYM_MAX];
	QTS_SET(sym, symbol);
	qts_strat_last *l = qts_symtab_get(p->last, sym);
	if (!l)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_strat_target(l, sym, target, qts_unit_parse(unit), &p->out);
	HOST_OUT();
	return 0;
}

static int host_order(void *ctx, const struct qts_strategy_order *o)
{
	qts_plugin *p = ctx;
	if (!o)
		return refuse(p, NULL, "order refused: no order (NULL)");
	const char *why = NULL;
	if (check_name(o->symbol, QTS_SYM_MAX, &why) < 0)
		return refuse(p, NULL, "order refused: symbol \"%.*s\" is %s (at most %d bytes, no control characters)",
			      QTS_SYM_MAX * 2, o->symbol ? o->symbol : "", why, QTS_SYM_MAX - 1);
	if (o->id && o->id[0] && check_name(o->id, QTS_ID_MAX, &why) < 0)
		return refuse(p, o->symbol, "order refused: id \"%.*s\" is %s (at most %d bytes, no control characters)",
			      QTS_ID_MAX * 2, o->id, why, QTS_ID_MAX - 1);
	const char *tif = o->tif ? o->tif : qts_tif_name(QTS_DAY);
	int kind = o->kind ? qts_kind_parse(o->kind) : -1;
	int lim = qts_kind_has_limit(kind), stp = qts_kind_has_stop(kind);
	if (!o->side || !qts_side_parse(o->side) || kind < 0 || qts_tif_parse(tif) < 0 || !(o->qty > 0) ||
	    (lim && isnan(o->limit)) || (stp && isnan(o->stop)))
		return refuse(p, o->symbol, "order refused: needs a symbol, side buy or sell, qty > 0, "
			      "a known kind and tif, and the prices its kind uses");
	/* an infinite quantity or price: a stream no reader takes back */
	char b[32];
	if (isinf(o->qty) || (lim && isinf(o->limit)) || (stp && isinf(o->stop))) {
		const char *what = isinf(o->qty) ? "qty" : lim && isinf(o->limit) ? "limit" : "stop";
		double v = isinf(o->qty) ? o->qty : lim && isinf(o->limit) ? o->limit : o->stop;
		return refuse(p, o->symbol, "order refused: %s %s is not a finite number", what,
			      num(v, b));
	}
	if (((lim && !(o->limit > 0)) || (stp && !(o->stop > 0))) &&
	    !qts_instrument_find(p->c.instruments, p->c.ninstruments, o->symbol))
		return refuse(p, o->symbol, "order refused: %s %s is not a positive price",
			      lim && !(o->limit > 0) ? "limit" : "stop",
			      num(lim && !(o->limit > 0) ? o->limit : o->stop, b));
	HOST_IN();
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, p->out.now);
	QTS_SET(ev.symbol, o->symbol);
	if (o->id && o->id[0])
		QTS_SET(ev.order.id, o->id);
	else
		qts_strategy_order_id(ev.order.id, p->name, ++p->out.seq);
	QTS_SET(ev.order.side, o->side);
	ev.order.qty = o->qty;
	QTS_SET(ev.order.kind, o->kind);
	ev.order.limit = lim ? o->limit : NAN;
	ev.order.stop = stp ? o->stop : NAN;
	QTS_SET(ev.order.tif, tif);
	QTS_SET(ev.order.strategy, p->name);
	p->out.put(p->out.ctx, &ev);
	HOST_OUT();
	return 0;
}

static double host_position(void *ctx, const char *symbol)
{
	qts_plugin *p = ctx;
	const char *why;
	if (check_name(symbol, QTS_SYM_MAX, &why) < 0)
		return NAN;
	HOST_IN();
	double pos = p->c.position ? p->c.position(p->c.ctx, symbol) : NAN;
	if (isnan(pos)) {
		qts_strat_last *l = qts_symtab_find(p->last, symbol);
		pos = l && l->set && !strcmp(l->unit, "qty") ? l->target : NAN;
	}
	HOST_OUT();
	return pos;
}

static void host_log(void *ctx, const char *message)
{
	qts_plugin *p = ctx;
	qts_warn("%s: %s", p->c.path, message ? message : "(null)"); /* escaped there */
}

/* ---- loading ---------------------------------------------------------------- */

static void unload(qts_plugin *p, struct build *b)
{
	if (b->self && b->d->free) {
		ENTER(p, "free");
		b->d->free(b->self);
		LEAVE();
	}
	if (b->dl) {
		ENTER(p, "unloading");
		dlclose(b->dl);
		LEAVE();
	}
	if (b->fd >= 0)
		close(b->fd);
	memset(b, 0, sizeof *b);
	b->fd = -1;
}

/* A shared object is loaded only when it is whole: a build half written
 * (the linker still at work under --watch) would have the loader map
 * pages past its end, and the first touch of one kills the process with
 * SIGBUS.  Every program header, every segment's bytes and the section
 * header table must lie inside the file. */
static int elf_complete(const unsigned char *m, size_t size, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const void *)m;
	if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errlen, "not a shared object (no ELF header)");
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr)) {
		snprintf(err, errlen, "not a 64-bit shared object");
		return -1;
	}
	if (eh->e_phoff > size || (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum) {
		snprintf(err, errlen, "incomplete file: its program headers run past its end");
		return -1;
	}
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, m + eh->e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
			snprintf(err, errlen, "incomplete file: a segment runs past its end (%zu bytes)", size);
			return -1;
		}
	}
	if (eh->e_shoff && (eh->e_shoff > size || eh->e_shentsize != sizeof(Elf64_Shdr) ||
			    (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)) {
		snprintf(err, errlen, "incomplete file: its section headers run past its end");
		return -1;
	}
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A private copy of the file: the dynamic loader hands back the object it
 * already has for a path it knows, and a build writing over a mapped
 * object would crash the running one.  The copy lives in memory
 * (memfd_create, loaded through /proc/self/fd), so nothing is left on disk
 * whatever happens to the process; where /proc is not mounted, it is a
 * temporary file removed as soon as it is loaded. */
static void *open_copy(qts_plugin *p, const char *path, struct stat *st, int *keep_fd, char *err,
		       size_t errlen)
{
	*keep_fd = -1;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (in >= 0)
			close(in);
		return NULL;
	}
	size_t size = 0;
	unsigned char *bytes = (unsigned char *)qts_read_fd(in, &size);
	close(in);
	if (!bytes) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	if (elf_complete(bytes, size, err, errlen) < 0) {
		free(bytes);
		return NULL;
	}
	char where[4096];
	int out = -1;
	if (access("/proc/self/fd", X_OK) == 0 && (out = memfd_create(qts_progname, MFD_CLOEXEC)) >= 0) {
		snprintf(where, sizeof where, "/proc/self/fd/%d", out);
	} else {
		const char *dir = getenv("TMPDIR");
		snprintf(where, sizeof where, "%s/%s-plugin.XXXXXX", dir && *dir ? dir : "/tmp", qts_progname);
		if ((out = mkstemp(where)) < 0) {
			snprintf(err, errlen, "%.200s: %s", where, strerror(errno));
			free(bytes);
			return NULL;
		}
		*keep_fd = -2; /* a file on disk: remove it once loaded */
	}
	int bad = write_all(out, bytes, size) < 0;
	free(bytes);
	if (bad) {
		snprintf(err, errlen, "copying to %.200s: %s", where, strerror(errno));
		if (*keep_fd == -2)
			unlink(where);
		close(out);
		*keep_fd = -1;
		return NULL;
	}
	ENTER(p, "loading");
	void *dl = dlopen(where, RTLD_NOW | RTLD_LOCAL);
	LEAVE();
	if (*keep_fd == -2) {
		unlink(where);
		close(out);
		*keep_fd = -1;
	} else if (dl) {
		/* open while loaded, so no later copy gets the same fd's name */
		*keep_fd = out;
	} else {
		close(out);
	}
	if (!dl)
		snprintf(err, errlen, "%s", dlerror());
	return dl;
}

static int load(qts_plugin *p, struct build *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	guard_once();
	if (!(b->dl = open_copy(p, p->c.path, &b->st, &b->fd, err, errlen)))
		return -1;
	qts_strategy_entry_fn entry;
	*(void **)&entry = dlsym(b->dl, QTS_STRATEGY_ENTRY);
	if (entry) {
		ENTER(p, QTS_STRATEGY_ENTRY);
		b->d = entry();
		LEAVE();
	}
	if (!entry || !b->d) {
		snprintf(err, errlen, "no %s function", QTS_STRATEGY_ENTRY);
		unload(p, b);
		return -1;
	}
	/* version 2 only added to the host's functions */
	if (b->d->abi_version != QTS_STRATEGY_ABI_VERSION && b->d->abi_version != 1) {
		snprintf(err, errlen, "built for ABI version %d, not 1 or %d", b->d->abi_version,
			 QTS_STRATEGY_ABI_VERSION);
		b->d = NULL;
		unload(p, b);
		return -1;
	}
	err[0] = '\0';
	if (b->d->init) {
		ENTER(p, "init");
		b->self = b->d->init(&p->api, p->c.nparams, p->c.params, err, errlen);
		LEAVE();
	}
	if (!b->self) {
		if (!err[0])
			snprintf(err, errlen, "init failed");
		unload(p, b);
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
	p->api = (qts_strategy_host){ QTS_STRATEGY_ABI_VERSION, p, host_target, host_order, host_log,
				      host_position };
	/* init may emit already, with the strategy field known */
	QTS_SET(p->name, c->name ? c->name : "plugin");
	if (load(p, &p->b, err, errlen) < 0) {
		qts_symtab_free(p->last);
		free(p);
		return NULL;
	}
	/* a copy: the name lives in the plugin, which a reload unloads */
	if (!c->name && p->b.d->name && p->b.d->name[0])
		QTS_SET_TEXT(p->name, p->b.d->name); /* the strategy field: UTF-8, whole characters */
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
	int saved = 0, restored = 0;
	if (p->b.d->save) {
		ENTER(p, "save");
		saved = p->b.d->save(p->b.self, &data, &len);
		LEAVE();
	}
	if (data && nb.d->restore) {
		ENTER(p, "restore");
		restored = nb.d->restore(nb.self, data, len, err, sizeof err);
		LEAVE();
	}
	if (saved < 0)
		why = "the running plugin could not save its state";
	else if (data && !nb.d->restore)
		why = "the new plugin has no restore";
	else if (restored < 0)
		why = err[0] ? err : "restore failed";
	free(data);
	if (why) {
		qts_warn("%s: reload failed, the running plugin stays: %s", p->c.path, why);
		p->b.st = nb.st;
		unload(p, &nb);
		return -1;
	}
	unload(p, &p->b);
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
		ENTER(p, "on_bar");
		p->b.d->on_bar(p->b.self, &b);
		LEAVE();
	}
}

void qts_plugin_event(qts_plugin *p, const qts_event *ev)
{
	const qts_strategy *d = p->b.d;
	p->out.now = ev->ts;
	if (ev->type == QTS_TICK && d->on_tick) {
		struct qts_strategy_tick t = { ev->ts, ev->symbol, ev->tick.price, ev->tick.size };
		ENTER(p, "on_tick");
		d->on_tick(p->b.self, &t);
		LEAVE();
	} else if (ev->type == QTS_QUOTE && d->on_quote) {
		struct qts_strategy_quote q = { ev->ts, ev->symbol, ev->quote.bid, ev->quote.ask,
						ev->quote.bid_size, ev->quote.ask_size };
		ENTER(p, "on_quote");
		d->on_quote(p->b.self, &q);
		LEAVE();
	} else if (ev->type == QTS_FILL) {
		qts_plugin_fill(p, ev, ev->ts);
	}
}

void qts_plugin_fill(qts_plugin *p, const qts_event *ev, int64_t now)
{
	const qts_strategy *d = p->b.d;
	p->out.now = now;
	if (d->on_fill) {
		struct qts_strategy_fill f = { ev->ts, ev->symbol, ev->fill.id, ev->fill.side,
					       ev->fill.qty, ev->fill.price, ev->fill.commission,
					       ev->fill.slippage };
		ENTER(p, "on_fill");
		d->on_fill(p->b.self, &f);
		LEAVE();
	}
}

/* ---- checkpoints ------------------------------------------------------------ */

int qts_plugin_keeps_state(const qts_plugin *p)
{
	return p->b.d->save && p->b.d->restore;
}

/* The plugin's own bytes, from its save or into its restore. */
static void plugin_bytes_ck(qts_plugin *p, qts_ckpt *c)
{
	const qts_strategy *d = p->b.d;
	void *data = NULL;
	size_t len = 0;
	if (!d->save || !d->restore) { /* a build reloaded since without them */
		qts_ck_fail(c, "%s: the plugin loaded has no save and restore: its state cannot be kept",
			    p->c.path);
		return;
	}
	if (!c->loading) {
		ENTER(p, "save");
		int rc = d->save(p->b.self, &data, &len);
		LEAVE();
		if (rc < 0 || (len && !data)) {
			free(data);
			qts_ck_fail(c, "%s: the plugin could not save its state", p->c.path);
			return;
		}
	}
	qts_ck_size(c, &len, c->loading ? c->len - c->pos : SIZE_MAX);
	if (c->loading && !c->bad && !(data = malloc(len ? len : 1)))
		qts_ck_fail(c, "out of memory");
	if (c->bad) {
		free(data);
		return;
	}
	qts_ck_bytes(c, data, len);
	if (c->loading && !c->bad) {
		char err[512] = "";
		ENTER(p, "restore");
		int rc = d->restore(p->b.self, data, len, err, sizeof err);
		LEAVE();
		if (rc < 0)
			qts_ck_fail(c, "%s: the plugin refused its saved state: %s", p->c.path,
				    err[0] ? err : "restore failed");
	}
	free(data);
}

void qts_plugin_ck(qts_plugin *p, qts_ckpt *c)
{
	qts_ck_tag(c, "plugin-host");
	uint64_t seq = p->out.seq;
	qts_ck_u64(c, &seq);
	p->out.seq = (unsigned long)seq;
	qts_ck_i64(c, &p->out.now);
	/* the last target of each symbol: a target is written when it changes */
	size_t n = qts_symtab_count(p->last);
	qts_ck_size(c, &n, c->loading ? c->len - c->pos : SIZE_MAX);
	for (size_t i = 0; i < n && !c->bad; i++) {
		const char *name = NULL;
		char sym[QTS_SYM_MAX] = "";
		qts_strat_last *l = c->loading ? NULL : qts_symtab_at(p->last, i, &name);
		if (name)
			QTS_SET(sym, name);
		qts_ck_str(c, sym, sizeof sym);
		if (c->loading && !c->bad && !(l = qts_symtab_get(p->last, sym)))
			qts_ck_fail(c, "out of memory");
		if (c->bad)
			return;
		qts_ck_int(c, &l->set);
		qts_ck_f64(c, &l->target);
		qts_ck_str(c, l->unit, sizeof l->unit);
	}
	qts_ck_tag(c, "plugin");
	if (!c->bad)
		plugin_bytes_ck(p, c);
}

void qts_plugin_close(qts_plugin *p)
{
	if (!p)
		return;
	unload(p, &p->b);
	qts_symtab_free(p->last);
	free(p);
}
