/* qts_risk.h — risk rules and the risk view behind qts-risk(1): one
 * registry of settings (flags and rules-file lines share its names), and an
 * engine that approves, reduces or rejects targets and orders against its
 * own view of positions and equity, and generates exits. */
#ifndef QTS_RISK_H
#define QTS_RISK_H

#include "qts.h"
#include "qts_sim.h" /* qts_instrument */

enum { QTS_RISK_PATH_MAX = 1024 };
enum { QTS_RISK_ON_DD_BLOCK = 0, QTS_RISK_ON_DD_FLATTEN = 1 };

/* Every setting; a rule is off while its value is NaN (counts: -1). */
typedef struct qts_risk_config {
	double cash;                  /* starting equity of the view */
	double max_position;          /* |qty| per symbol */
	double max_position_notional; /* |qty| * price per symbol */
	double max_position_pct;      /* |qty| * price / equity per symbol */
	double max_gross;             /* sum of |qty| * price */
	double max_net;               /* |sum of qty * price| */
	long max_positions;           /* symbols with a position */
	char sectors[QTS_RISK_PATH_MAX]; /* symbol,sector file; "" none */
	double max_sector;            /* sector gross / equity */
	double max_drawdown;          /* 1 - equity / peak */
	int on_drawdown;              /* QTS_RISK_ON_DD_* */
	int64_t drawdown_cooldown;    /* ns from a breach to resuming; 0 none */
	double drawdown_resume;       /* resume once the drawdown is back to this */
	double daily_loss;            /* equity lost since the UTC day began */
	double target_vol;            /* annualised volatility aimed at */
	long vol_window;              /* returns in the volatility estimate */
	double vol_periods;           /* periods a year, to annualise */
	double stop_loss, take_profit, trailing_stop; /* fractions of price */
	long max_orders;              /* approvals per order_window */
	int64_t order_window;         /* ns */
	double price_band;            /* |limit - last| / last */
	char kill_file[QTS_RISK_PATH_MAX]; /* "" none */
	int fractional;               /* else targets in whole units, as qts-sim */
	qts_instrument *instruments;  /* contracts (owned); any other symbol is a share */
	size_t ninstruments;
	char instruments_file[QTS_RISK_PATH_MAX]; /* the last one read, for --list; "" none */
	qts_action *actions;          /* splits, dividends, delistings by date (owned), as qts-sim's */
	size_t nactions;
	char actions_file[QTS_RISK_PATH_MAX]; /* "" none */
	char tz[QTS_RISK_PATH_MAX];   /* the zone of day orders' trading days; "" UTC */
	char session[32];             /* HH:MM-HH:MM as given; "" none */
	int64_t day_roll;             /* an overnight session's start (ns after local midnight), else 0 */
	uint32_t given;               /* a bit a registry entry set (qts_risk_config_set) */
} qts_risk_config;

/* One registry entry: the name is the flag (`--NAME`) and the rules-file
 * keyword; param names its value for usage lines and --list. */
typedef struct qts_risk_rule_info {
	const char *name;
	const char *param;
	const char *summary;
} qts_risk_rule_info;

/* The registry, sorted by name. */
const qts_risk_rule_info *qts_risk_rules(size_t *n);
const qts_risk_rule_info *qts_risk_rule_find(const char *name);

void qts_risk_config_init(qts_risk_config *c);
/* Whether the setting called name was set, by a flag or a rules file, even
 * to its default. */
int qts_risk_config_given(const qts_risk_config *c, const char *name);
/* Free what the config holds (its instruments and actions); it can be set again. */
void qts_risk_config_free(qts_risk_config *c);
/* Set the setting called name from its text value; 0, or -1 with a message
 * in err (at least 256 bytes) for a bad value (a usage error), -2 for a
 * file it names that cannot be read or holds bad specs (a failure, exit 1
 * as in qts-sim). */
int qts_risk_config_set(qts_risk_config *c, const char *name, const char *value, char *err);
/* Read a rules file: `NAME VALUE` a line, `#` comments and blank lines
 * ignored; 0, or -1 with `FILE:LINE: what` in err for a bad line, -2 with
 * `FILE: what` when the file cannot be read (or `FILE:LINE: what` when a
 * file a line names cannot, as qts_risk_config_set). */
int qts_risk_config_load(qts_risk_config *c, const char *path, char *err);
/* The value in effect of registry entry i, as a flag would give it, into
 * buf (size bytes), "-" for a rule that is off: 1, or 0 past its last.
 * Every entry has a value 0; `instrument` one a contract (j). */
int qts_risk_config_value(const qts_risk_config *c, size_t i, size_t j, char *buf, size_t size);

/* The engine.  Every output (events passed through, rewritten events,
 * risk events, exit orders) goes through emit, in order; emit returns 0,
 * or -1 to stop (a write error), which the engine's calls then return. */
typedef int (*qts_risk_emit)(void *arg, const qts_event *ev);
typedef struct qts_risk qts_risk;

/* NULL with err (at least 256 bytes) set when the settings do not go
 * together or the sectors file is bad; errno is then 0, or why the sectors
 * file could not be read.  The engine keeps its own copy of the config's
 * instruments. */
qts_risk *qts_risk_new(const qts_risk_config *c, char *err);
void qts_risk_free(qts_risk *r);
/* Process one input event: 0 or -1 (emit failed). */
int qts_risk_event(qts_risk *r, const qts_event *ev, qts_risk_emit emit, void *arg);
/* Emergency stop: flatten every position, then reject every order and
 * target until qts_risk_resume.  why goes in the risk events' detail.
 * Both do nothing (and return 0) when already in that state. */
int qts_risk_halt(qts_risk *r, const char *why, qts_risk_emit emit, void *arg);
int qts_risk_resume(qts_risk *r, const char *why, qts_risk_emit emit, void *arg);
int qts_risk_halted(const qts_risk *r);
/* After how many exits orders approved while no fills came back took a
 * position past flat to the other side of the one exited (a strategy that
 * did not learn of the exit), and in *first which order was the first. */
uint64_t qts_risk_past_flat(const qts_risk *r, const char **first);
/* Targets and orders of whole units rejected from flat by a limit of the
 * symbol that allowed less than one unit, and the first's rule, bound,
 * symbol and time; whether --fractional was given. */
uint64_t qts_risk_subunit(const qts_risk *r, const char **first, int *fractional);
/* Orders and targets rejected as not well formed (in *targets, how many
 * of them are targets: a unit or a quantity not understood), and the
 * first's id or target, symbol, time and reason. */
uint64_t qts_risk_malformed(const qts_risk *r, const char **first, uint64_t *targets);
/* Targets and orders rejected for want of a price of their symbol (or a
 * weight for want of equity), the first's said in *first; *targets of
 * them targets. */
uint64_t qts_risk_priceless(const qts_risk *r, const char **first, uint64_t *targets);
/* At the end: warn of actions (read from actions_file) none of which
 * matched a symbol the engine has seen a price of, and of contracts none
 * of which is a symbol it has seen, as qts_sim_warn_options. */
void qts_risk_warn_unmatched(const qts_risk *r, const char *actions_file);
/* With --max-sector, when no symbol of the stream is in the sectors file
 * (symbols spelt another way): the first symbol of the stream, which no
 * sector limited; else NULL.  (The other way round from the checks
 * above: it names a symbol of the stream, the one a user would look up
 * in the file.) */
const char *qts_risk_sectors_unmatched(const qts_risk *r);
/* Why the last call gave -1, when the input was at fault (another bar for
 * a time a symbol had); NULL when the emit callback failed. */
const char *qts_risk_error(const qts_risk *r);

/* Feedback from the executing stage (qts-sim, a broker): what really
 * filled.  From qts_risk_use_feedback on (called before the first event),
 * an approval is a working order until fills say otherwise, not a fill
 * taken for granted, and fills and updates in the input pass through
 * without moving the view (they would count twice).  qts_risk_feedback
 * applies one event: a fill moves the position and cash, a position sets
 * the position outright (at the last price, so equity stays), an update
 * that ends an order (filled, canceled, rejected, expired) removes what
 * it still had working, an equity sets the equity; other types are
 * ignored.  Limits, stops and drawdown rules then use the real position.
 * Nothing is emitted unless the rules must act on it at once (a drawdown
 * breach and its exits, dated at the view's clock).  0, or -1 when emit
 * failed.  Calling it first calls qts_risk_use_feedback. */
void qts_risk_use_feedback(qts_risk *r);
int qts_risk_feedback(qts_risk *r, const qts_event *ev, qts_risk_emit emit, void *arg);
uint64_t qts_risk_feedback_count(const qts_risk *r); /* events applied */
size_t qts_risk_positions(const qts_risk *r);          /* symbols not flat */

/* The view, for tests and messages. */
int64_t qts_risk_now(const qts_risk *r); /* ts of the last event seen */
/* Move the clock that dates generated events to ts (never backwards). */
void qts_risk_clock(qts_risk *r, int64_t ts);
double qts_risk_position(const qts_risk *r, const char *symbol);
/* Signed quantity the working orders of symbol still want. */
double qts_risk_working(const qts_risk *r, const char *symbol);
double qts_risk_equity(const qts_risk *r);
double qts_risk_cash(const qts_risk *r);

/* --state: the engine's whole view into c, or back from it into an
 * engine just made from the same settings (qts_checkpoint.h).  0 or -1. */
struct qts_ckpt;
int qts_risk_save(qts_risk *r, struct qts_ckpt *c);
int qts_risk_restore(qts_risk *r, struct qts_ckpt *c);

#endif
