/* qts/strategy.h — the ABI of qts-strategy plugins (qts-strategy-plugin(3)).
 *
 * A plugin is a shared object exporting one function, qts_strategy_entry,
 * which returns a description of the strategy: its ABI version and its
 * callbacks.  The host (qts-strategy) reads the event stream, calls the
 * callbacks for bars, ticks, quotes and fills, and writes what the plugin
 * emits through the host's functions.  A plugin sees only events, never a
 * clock or a file, so a backtest and a live session give it the same input.
 *
 * The header stands alone (C99 or later, no other qts header): build a
 * plugin with `cc -shared -fPIC -I/usr/local/include -o mine.so mine.c`. */
#ifndef QTS_STRATEGY_H
#define QTS_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every change of the structures below; the host refuses a
 * plugin built for a version it does not know.  Version 2 added the
 * host's position function: a plugin built for 1 still loads. */
#define QTS_STRATEGY_ABI_VERSION 2

/* Events as the plugin sees them.  Times are ns since 1970-01-01 UTC; a
 * bar's ts is the start of its interval.  Strings are valid during the
 * callback only: copy what you keep. */
struct qts_strategy_bar {
	int64_t ts;
	const char *symbol;
	const char *tf;
	double open, high, low, close, volume;
};

struct qts_strategy_tick {
	int64_t ts;
	const char *symbol;
	double price, size;
};

struct qts_strategy_quote {
	int64_t ts;
	const char *symbol;
	double bid, ask, bid_size, ask_size;
};

struct qts_strategy_fill {
	int64_t ts;
	const char *symbol;
	const char *id;
	const char *side; /* "buy" or "sell" */
	double qty, price, commission, slippage;
};

/* An order to emit.  kind: "market", "limit", "stop" or "stop_limit";
 * limit and stop are NaN where not used; tif: "day", "gtc", "ioc" or
 * "fok" (NULL means "day"); id NULL lets the host number it. */
struct qts_strategy_order {
	const char *symbol;
	const char *side;
	double qty;
	const char *kind;
	double limit, stop;
	const char *tif;
	const char *id;
};

/* What the host provides.  Emitting is allowed from on_* callbacks only;
 * emitted events follow the event being handled.  Each function returns
 * 0, or -1 when the event was refused (a bad unit, side or kind; the
 * host says why on stderr). */
typedef struct qts_strategy_host {
	int abi_version;
	void *ctx; /* pass back as the first argument */
	/* Desired position: unit "qty" or "weight".  The host writes it only
	 * when it differs from the last target of that symbol. */
	int (*target)(void *ctx, const char *symbol, double target, const char *unit);
	int (*order)(void *ctx, const struct qts_strategy_order *order);
	/* A message on stderr, prefixed with the program's name. */
	void (*log)(void *ctx, const char *message);
	/* Since version 2 (check abi_version): the position of a symbol.
	 * With qts-strategy --feedback, the real one, from the fills and
	 * positions of the executing stage (0 before any); without, the last
	 * target of unit qty this plugin set, presumed reached (NaN before
	 * one, or after a target in weight).  Orders are never presumed
	 * filled. */
	double (*position)(void *ctx, const char *symbol);
} qts_strategy_host;

/* One `key=value` from the command line. */
struct qts_strategy_param {
	const char *key, *value;
};

typedef struct qts_strategy {
	int abi_version;     /* QTS_STRATEGY_ABI_VERSION */
	const char *name;    /* the default strategy field of targets */
	const char *summary; /* one line */
	/* A new instance: NULL with a message in err (errlen bytes) when a
	 * parameter is unknown or out of range.  host stays valid until free. */
	void *(*init)(const qts_strategy_host *host, size_t nparams,
		      const struct qts_strategy_param *params, char *err, size_t errlen);
	/* Callbacks; any may be NULL. */
	void (*on_bar)(void *self, const struct qts_strategy_bar *bar);
	void (*on_tick)(void *self, const struct qts_strategy_tick *tick);
	void (*on_quote)(void *self, const struct qts_strategy_quote *quote);
	void (*on_fill)(void *self, const struct qts_strategy_fill *fill);
	/* The whole state as bytes in a buffer from malloc (the host frees
	 * it): 0, or -1.  Used by hot reload and by qts-strategy --state's
	 * checkpoints.  NULL when the plugin keeps no state worth saving: a
	 * reload then starts afresh, and --state refuses the plugin (a save
	 * of no bytes says "nothing to keep"). */
	int (*save)(void *self, void **data, size_t *len);
	/* Take over a saved state, into an instance fresh from init: 0, or -1
	 * with a message in err (a format it does not know, say). */
	int (*restore)(void *self, const void *data, size_t len, char *err, size_t errlen);
	void (*free)(void *self);
} qts_strategy;

/* The one symbol a plugin exports. */
typedef const qts_strategy *(*qts_strategy_entry_fn)(void);
#define QTS_STRATEGY_ENTRY "qts_strategy_entry"
const qts_strategy *qts_strategy_entry(void);

#ifdef __cplusplus
}
#endif
#endif
