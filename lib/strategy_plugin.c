/* strategy_plugin.c — a C plugin run by qts-strategy (--plugin; the host
 * is plugin_host.c): its key=value parameters, where its refused calls
 * were, the real position it may ask for, and reloading a new build on
 * SIGHUP or, with --watch, when the file changes. */
#include "strategy_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SIGHUPs so far: each plugin stage of the process reloads once for each
 * (a flag would be taken by the first). */
static volatile sig_atomic_t hups;

static void on_hup(int sig)
{
	(void)sig;
	hups++;
	qts_stage_wake();
}

void strategy_plugin_poll(struct host *h, int idle)
{
	unsigned long seen = (unsigned long)hups;
	int asked = seen != h->hups_seen;
	h->hups_seen = seen;
	qts_plugin_poll(h->pl, asked, idle);
}

static const char *plugin_where(void *ctx)
{
	struct host *h = ctx;
	return h->where ? h->where(h->where_ctx) : NULL;
}

/* The real position of a symbol, with --feedback: 0 until feedback moves
 * it.  NaN without: the plugin host falls back on the last target. */
static double plugin_position(void *ctx, const char *symbol)
{
	struct host *h = ctx;
	if (!h->feedback)
		return NAN;
	struct sym *s = qts_symtab_find(h->syms, symbol);
	return s ? s->book.pos : 0;
}

/* A plugin that calls exit(), crashes, or will not return after a
 * signal: what the stream's writer holds goes out whole, ended by the
 * error event that says why the stage failed, before the plugin host
 * exits. */
static void flush_out(void *ctx, const char *why)
{
	(void)ctx;
	void (*hook)(const char *) = qts_fail_hook;
	qts_fail_hook = NULL;
	if (hook)
		hook(why);
}

void strategy_setup_plugin(struct host *h, const struct strategy_options *o)
{
	h->pparam = calloc((size_t)o->nkv + 1, sizeof *h->pparam);
	if (!h->pparam)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	for (int i = 0; i < o->nkv; i++) {
		/* a copy split at '=': argv stays as given, for another build */
		char *key = strdup(o->kv[i]);
		if (!key)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		char *eq = strchr(key, '=');
		*eq = '\0';
		h->pparam[i].key = key;
		h->pparam[i].value = eq + 1;
	}
	h->npparam = (size_t)o->nkv;
	/* a file that cannot be read is a file error, as everywhere */
	int fd = open(o->plugin, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		qts_die(QTS_EXIT_FAIL, "%s: %s", o->plugin, strerror(errno));
	close(fd);
	h->plugin_path = o->plugin;
	qts_plugin_config c = { o->plugin, h->pparam, (size_t)o->nkv, o->name, o->watch,
				strategy_emit, h, plugin_where, flush_out, plugin_position,
				h->instruments, h->ninstruments };
	char err[512];
	if (!(h->pl = qts_plugin_open(&c, err, sizeof err)))
		qts_die(QTS_EXIT_USAGE, "%s: %s", o->plugin, err);
	h->out.strategy = qts_plugin_name(h->pl);
	h->hups_seen = (unsigned long)hups;
	struct sigaction sa = { .sa_handler = on_hup };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}
