/* qts_plugin.h — the host of a strategy plugin (qts-strategy-plugin(3)):
 * loads a shared object, hands it events, checks what it emits and puts
 * that into the stream, and swaps in a new build of the same file while
 * running (the new instance takes over the old one's saved state).  The
 * plugin's ABI is include/qts/strategy.h. */
#ifndef QTS_PLUGIN_H
#define QTS_PLUGIN_H
#include "qts.h"
#include "../include/qts/strategy.h"

typedef struct qts_plugin qts_plugin;

typedef struct qts_plugin_config {
	const char *path; /* the shared object, as named in messages */
	/* key=value parameters for init, kept by the caller while open */
	const struct qts_strategy_param *params;
	size_t nparams;
	/* The strategy field of targets and orders, and the prefix of the
	 * ids the host gives orders; NULL: the plugin's name, else "plugin". */
	const char *name;
	int watch; /* qts_plugin_poll reloads when the file changes */
	/* Where targets and orders go: 0, or -1 when writing failed (put
	 * says why). */
	int (*put)(void *ctx, const qts_event *ev);
	void *ctx;
	/* Where the event being handled was read (`FILE:LINE`), for the
	 * message of a refused call; NULL: not said. */
	const char *(*where)(void *ctx);
	/* Write out what put has buffered, with write(2) alone, and say
	 * why the run failed ("PATH: the plugin called exit() in on_bar"):
	 * called when the plugin calls exit(), crashes, or does not return
	 * within a second of SIGINT or SIGTERM, just before the host exits.
	 * May be NULL. */
	void (*flush)(void *ctx, const char *why);
	/* The real position of a symbol (from --feedback), or NaN when it is
	 * not known: the plugin is then told the last target it set in qty
	 * (presumed reached).  May be NULL: never known. */
	double (*position)(void *ctx, const char *symbol);
	/* Contracts (--instrument): their orders' limit and stop prices may
	 * be zero or below, as qts-sim trades them; any other symbol's must
	 * be above zero.  The caller keeps them while open. */
	const struct qts_instrument *instruments;
	size_t ninstruments;
} qts_plugin_config;

/* Load and initialise the plugin: NULL with a message in err (errlen
 * bytes) when the file cannot be read or loaded, has no entry point, was
 * built for another ABI version, or its init refuses the parameters. */
qts_plugin *qts_plugin_open(const qts_plugin_config *c, char *err, size_t errlen);
/* The strategy field in use. */
const char *qts_plugin_name(const qts_plugin *p);
/* How many targets and orders the plugin asked for were refused (each
 * with a message on stderr: a bad unit, side or kind, a number that is
 * not finite...). */
unsigned long qts_plugin_refused(const qts_plugin *p);
/* Load the file again and have the new instance restore the running
 * one's saved state; on any failure the running one stays and a warning
 * says why.  0, or -1 when the running one stayed. */
int qts_plugin_reload(qts_plugin *p);
/* Call before each event (idle 0) and when input runs dry (idle 1):
 * reloads when asked (a SIGHUP, say), or with watch when the file
 * changed, which it looks at when input ran dry, at the first event after
 * that, and every 4096 events. */
void qts_plugin_poll(qts_plugin *p, int asked, int idle);
/* Hand the plugin a bar, which became known at known (what it emits is
 * stamped then). */
void qts_plugin_bar(qts_plugin *p, const qts_event *ev, int64_t known);
/* Hand the plugin a tick, quote or fill; other events are not its. */
void qts_plugin_event(qts_plugin *p, const qts_event *ev);
/* Hand the plugin a fill from --feedback; what it emits is stamped now. */
void qts_plugin_fill(qts_plugin *p, const qts_event *ev, int64_t now);
/* Whether the plugin has save and restore, which a checkpoint needs
 * (qts-strategy --state). */
int qts_plugin_keeps_state(const qts_plugin *p);
/* The host's state of the plugin (order ids given, each symbol's last
 * target) and the plugin's own, from its save, to a checkpoint; or from
 * one into a plugin fresh from qts_plugin_open, through its restore
 * (qts_checkpoint.h, both ways).  Call only when qts_plugin_keeps_state. */
struct qts_ckpt;
void qts_plugin_ck(qts_plugin *p, struct qts_ckpt *c);
/* Free the plugin's instance and unload it. */
void qts_plugin_close(qts_plugin *p);

#endif
