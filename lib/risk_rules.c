/* risk_rules.c — the registry of qts-risk settings: one table gives each
 * setting's name, value and summary (for --list and the usage line) and how
 * its value is parsed, so flags and rules files cannot disagree. */
#include "qts_resample.h"
#include "qts_risk.h"
#include "qts_time.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Messages go into a caller's buffer of 256 bytes, cut if longer. */
static void seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, 256, fmt, ap);
	va_end(ap);
}

enum kind { K_NUM, K_COUNT, K_PATH, K_ON_DD, K_RATE, K_DURATION, K_INSTRUMENT, K_INSTRUMENTS, K_ACTIONS, K_TZ,
	    K_SESSION };

/* Kept sorted by name: lookup is a binary search. */
static const qts_risk_rule_info info[] = {
	{ "actions", "FILE", "splits, dividends and delistings by date, as qts-sim --actions applies them" },
	{ "cash", "X", "starting equity of the risk view (default 100000)" },
	{ "daily-loss", "X", "block new risk for the rest of the trading day (UTC, or tz and session) once equity fell X since it began" },
	{ "drawdown-cooldown", "DURATION", "resume DURATION of stream time after a drawdown breach, from a new peak" },
	{ "drawdown-resume", "F", "resume once the drawdown from the peak is back to F or less" },
	{ "instrument", "SPEC", "contract SYM,multiplier=M,margin=X[,tick=T], as in qts-sim: values times M (repeatable)" },
	{ "instruments", "FILE", "one such contract spec a line" },
	{ "kill-file", "PATH", "emergency stop while PATH exists: flatten all, reject every order" },
	{ "max-drawdown", "F", "breach when equity falls F below its peak (then --on-drawdown, until lifted)" },
	{ "max-gross", "X", "sum of |position value| at most X" },
	{ "max-net", "X", "|sum of position values| at most X" },
	{ "max-orders", "N/DURATION", "approve at most N orders and targets per DURATION of stream time" },
	{ "max-position", "N", "|position| per symbol at most N units" },
	{ "max-position-notional", "X", "|position value| per symbol at most X" },
	{ "max-position-pct", "F", "|position value| per symbol at most F of equity" },
	{ "max-positions", "N", "at most N symbols with a position" },
	{ "max-sector", "F", "gross value of a sector at most F of equity (needs --sectors)" },
	{ "on-drawdown", "block|flatten", "after a drawdown breach: refuse new risk, holding positions (default), or also flatten them" },
	{ "price-band", "F", "reject a limit or stop price more than F away from the last price" },
	{ "sectors", "FILE", "symbol,sector lines for --max-sector" },
	{ "session", "HH:MM-HH:MM", "an overnight session dates the evening (day orders, daily-loss) by the next day, as qts-sim --session" },
	{ "stop-loss", "F", "exit a position when price moves F against its average price" },
	{ "take-profit", "F", "exit a position when price moves F in favour of its average price" },
	{ "target-vol", "F", "scale targets down by F / realised annualised volatility" },
	{ "trailing-stop", "F", "exit a position when price falls F from its best since entry" },
	{ "tz", "ZONE", "day orders end, and daily-loss restarts, with the date in ZONE, as qts-sim --tz (default UTC)" },
	{ "vol-periods", "N", "periods a year to annualise volatility (default 252)" },
	{ "vol-window", "N", "bar returns in the volatility estimate (default 20)" },
};

static const struct spec {
	enum kind kind;
	size_t off;
	double lo, hi;
} spec[] = {
#define OFF(f) offsetof(qts_risk_config, f)
	{ K_ACTIONS, OFF(actions), 0, 0 },
	{ K_NUM, OFF(cash), DBL_MIN, 1e15 },
	{ K_NUM, OFF(daily_loss), 0, 1e15 },
	{ K_DURATION, OFF(drawdown_cooldown), 0, 0 },
	{ K_NUM, OFF(drawdown_resume), 0, 1 },
	{ K_INSTRUMENT, OFF(instruments), 0, 0 },
	{ K_INSTRUMENTS, OFF(instruments), 0, 0 },
	{ K_PATH, OFF(kill_file), 0, 0 },
	{ K_NUM, OFF(max_drawdown), 0, 1 },
	{ K_NUM, OFF(max_gross), 0, 1e15 },
	{ K_NUM, OFF(max_net), 0, 1e15 },
	{ K_RATE, OFF(max_orders), 1, 1e9 },
	{ K_NUM, OFF(max_position), 0, 1e15 },
	{ K_NUM, OFF(max_position_notional), 0, 1e15 },
	{ K_NUM, OFF(max_position_pct), 0, 100 },
	{ K_COUNT, OFF(max_positions), 0, 1e9 },
	{ K_NUM, OFF(max_sector), 0, 100 },
	{ K_ON_DD, OFF(on_drawdown), 0, 0 },
	{ K_NUM, OFF(price_band), 0, 100 },
	{ K_PATH, OFF(sectors), 0, 0 },
	{ K_SESSION, OFF(session), 0, 0 },
	{ K_NUM, OFF(stop_loss), DBL_MIN, 1 },
	{ K_NUM, OFF(take_profit), DBL_MIN, 1e6 },
	{ K_NUM, OFF(target_vol), DBL_MIN, 100 },
	{ K_NUM, OFF(trailing_stop), DBL_MIN, 1 },
	{ K_TZ, OFF(tz), 0, 0 },
	{ K_NUM, OFF(vol_periods), 1, 1e9 },
	{ K_COUNT, OFF(vol_window), 2, 100000 },
#undef OFF
};

_Static_assert(sizeof info / sizeof info[0] == sizeof spec / sizeof spec[0],
	       "one parse spec per registry entry");
_Static_assert(sizeof info / sizeof info[0] <= 32, "a bit of qts_risk_config.given an entry");

int qts_risk_config_given(const qts_risk_config *c, const char *name)
{
	const qts_risk_rule_info *ri = qts_risk_rule_find(name);
	return ri && (c->given >> (ri - info) & 1);
}

const qts_risk_rule_info *qts_risk_rules(size_t *n)
{
	*n = sizeof info / sizeof info[0];
	return info;
}

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const qts_risk_rule_info *)elem)->name);
}

const qts_risk_rule_info *qts_risk_rule_find(const char *name)
{
	return bsearch(name, info, sizeof info / sizeof info[0], sizeof info[0], by_name);
}

void qts_risk_config_init(qts_risk_config *c)
{
	memset(c, 0, sizeof *c);
	c->cash = 100000;
	c->max_position = c->max_position_notional = c->max_position_pct = NAN;
	c->max_gross = c->max_net = NAN;
	c->max_positions = -1;
	c->max_sector = c->max_drawdown = c->daily_loss = NAN;
	c->on_drawdown = QTS_RISK_ON_DD_BLOCK;
	c->drawdown_resume = NAN;
	c->target_vol = NAN;
	c->vol_window = 20;
	c->vol_periods = 252;
	c->stop_loss = c->take_profit = c->trailing_stop = NAN;
	c->max_orders = -1;
	c->price_band = NAN;
}

void qts_risk_config_free(qts_risk_config *c)
{
	free(c->instruments);
	c->instruments = NULL;
	c->ninstruments = 0;
	free(c->actions);
	c->actions = NULL;
	c->nactions = 0;
}

static int parse_rate(const char *value, long *n, int64_t *window, char *err)
{
	char num[32], dur[32];
	const char *slash = strchr(value, '/');
	if (!slash || (size_t)(slash - value) >= sizeof num || strlen(slash + 1) + 2 >= sizeof dur) {
		snprintf(err, 128, "'%s' is not N/DURATION", value);
		return -1;
	}
	memcpy(num, value, (size_t)(slash - value));
	num[slash - value] = '\0';
	if (qts_parse_long(num, 1, 1000000000L, n, err) < 0)
		return -1;
	/* `10/s` reads as `10/1s`. */
	snprintf(dur, sizeof dur, "%s%s", isdigit((unsigned char)slash[1]) ? "" : "1", slash + 1);
	if (qts_duration_parse(dur, window) < 0 || *window <= 0) {
		snprintf(err, 128, "'%s' is not a duration", slash + 1);
		return -1;
	}
	return 0;
}

int qts_risk_config_set(qts_risk_config *c, const char *name, const char *value, char *err)
{
	const qts_risk_rule_info *ri = qts_risk_rule_find(name);
	if (!ri) {
		seterr(err, "unknown rule '%s'", name);
		return -1;
	}
	const struct spec *s = &spec[ri - info];
	char *field = (char *)c + s->off;
	char why[128];
	long l;
	switch (s->kind) {
	case K_NUM:
		if (qts_parse_double(value, s->lo, s->hi, (double *)(void *)field, why) < 0)
			goto bad;
		break;
	case K_COUNT:
		if (qts_parse_long(value, (long)s->lo, (long)s->hi, &l, why) < 0)
			goto bad;
		*(long *)(void *)field = l;
		break;
	case K_PATH:
		if (!*value || strlen(value) >= QTS_RISK_PATH_MAX) {
			snprintf(why, sizeof why, "%s", *value ? "path too long" : "an empty file name");
			goto bad;
		}
		strcpy(field, value);
		break;
	case K_ON_DD:
		if (strcmp(value, "block") == 0)
			c->on_drawdown = QTS_RISK_ON_DD_BLOCK;
		else if (strcmp(value, "flatten") == 0)
			c->on_drawdown = QTS_RISK_ON_DD_FLATTEN;
		else {
			snprintf(why, sizeof why, "'%s' is not block or flatten", value);
			goto bad;
		}
		break;
	case K_DURATION: {
		int64_t ns;
		if (qts_duration_parse(value, &ns) < 0 || ns <= 0) {
			snprintf(why, sizeof why, "'%s' is not a duration above 0 (10s, 30m, 5d...)", value);
			goto bad;
		}
		*(int64_t *)(void *)field = ns;
		break;
	}
	case K_RATE:
		if (parse_rate(value, &c->max_orders, &c->order_window, why) < 0)
			goto bad;
		break;
	case K_INSTRUMENT:
		/* The parser of qts-sim: the same spec means the same contract. */
		if (qts_instrument_add_spec(&c->instruments, &c->ninstruments, value, err) < 0)
			return -1;
		break;
	case K_INSTRUMENTS: {
		/* Read in place: an instrument given after it wins. */
		char e[512];
		if (!*value) {
			seterr(err, "instruments: an empty file name");
			return -1;
		}
		if (qts_instruments_load(value, &c->instruments, &c->ninstruments, e) < 0) {
			seterr(err, "%s", e);
			return -2; /* a file named by an option: a failure, as in qts-sim */
		}
		snprintf(c->instruments_file, sizeof c->instruments_file, "%s", value);
		break;
	}
	case K_TZ:
		if (strlen(value) >= QTS_RISK_PATH_MAX) {
			snprintf(why, sizeof why, "'%.60s' is not an installed time zone", value);
			goto bad;
		}
		if (qts_tz_option(NULL, value, why, sizeof why) < 0)
			goto bad;
		strcpy(field, value);
		break;
	case K_SESSION: {
		qts_session ss;
		if (qts_session_option(NULL, value, &ss, why, sizeof why) < 0)
			goto bad;
		strcpy(field, value); /* 11 characters, as parsed */
		c->day_roll = qts_session_roll(&ss);
		break;
	}
	case K_ACTIONS: {
		/* qts-sim's reader: the same file means the same actions.  A
		 * second one replaces the first, as a flag given again. */
		char e[512];
		qts_action *a = NULL;
		size_t n = 0;
		if (!*value || strlen(value) >= QTS_RISK_PATH_MAX) {
			seterr(err, "actions: %s", *value ? "path too long" : "an empty file name");
			return -1;
		}
		if (qts_actions_load(value, &a, &n, e) < 0) {
			seterr(err, "%s", e);
			return -2;
		}
		free(c->actions);
		c->actions = a;
		c->nactions = n;
		snprintf(c->actions_file, sizeof c->actions_file, "%s", value);
		break;
	}
	}
	c->given |= 1u << (ri - info);
	return 0;
bad:
	seterr(err, "%s: %s", name, why);
	return -1;
}

int qts_risk_config_load(qts_risk_config *c, const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		seterr(err, "%s: %s", path, strerror(errno));
		return -2;
	}
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (lineno++ == 0 && qts_bom_len(line, (size_t)len))
			memmove(line, line + 3, (size_t)(len -= 3) + 1);
		if (len >= 2 * QTS_RISK_PATH_MAX) {
			seterr(err, "%s:%ld: line too long (%d bytes at most)", path, lineno, 2 * QTS_RISK_PATH_MAX - 1);
			rc = -1;
			break;
		}
		if (memchr(line, '\0', (size_t)len)) { /* the rest of the line would go unread */
			seterr(err, "%s:%ld: a NUL byte", path, lineno);
			rc = -1;
			break;
		}
		/* A `#` starts a comment at the start of a line or after a blank. */
		for (char *p = line; *p; p++)
			if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
				*p = '\0';
				break;
			}
		char *save, *name = strtok_r(line, " \t\r\n", &save);
		if (!name)
			continue;
		char *value = strtok_r(NULL, " \t\r\n", &save);
		char *extra = strtok_r(NULL, " \t\r\n", &save);
		if (!qts_risk_rule_find(name))
			snprintf(why, sizeof why, "unknown rule '%s'", name);
		else if (!value)
			snprintf(why, sizeof why, "%s: missing value", name);
		else if (extra)
			snprintf(why, sizeof why, "%s: unexpected '%s' after the value", name, extra);
		else if ((rc = qts_risk_config_set(c, name, value, why)) == 0)
			continue;
		seterr(err, "%s:%ld: %s", path, lineno, why);
		if (rc != -2)
			rc = -1;
		break;
	}
	if (rc == 0 && ferror(f)) {
		seterr(err, "%s: %s", path, strerror(errno));
		rc = -2;
	}
	free(line);
	fclose(f);
	return rc;
}

/* A number as the stream writes it; NaN (a rule off) as "-". */
static void num_value(double v, char *buf, size_t size)
{
	char n[32];
	n[qts_num_format(v, n)] = '\0';
	snprintf(buf, size, "%s", n[0] ? n : "-");
}

int qts_risk_config_value(const qts_risk_config *c, size_t i, size_t j, char *buf, size_t size)
{
	if (i >= sizeof spec / sizeof spec[0])
		return 0;
	const struct spec *s = &spec[i];
	const char *field = (const char *)c + s->off;
	char d[QTS_DURATION_MAX];
	if (s->kind == K_INSTRUMENT) {
		if (j >= (c->ninstruments ? c->ninstruments : 1))
			return 0;
		if (!c->ninstruments) {
			snprintf(buf, size, "-");
			return 1;
		}
		/* The spec that gives this contract, keys at their defaults
		 * left out (qts_instrument_parse). */
		const qts_instrument *ins = &c->instruments[j];
		char m[32], x[32] = "", t[32] = "";
		m[qts_num_format(ins->multiplier, m)] = '\0';
		if (!isnan(ins->margin))
			x[qts_num_format(ins->margin, x)] = '\0';
		if (ins->tick > 0)
			t[qts_num_format(ins->tick, t)] = '\0';
		snprintf(buf, size, "%s,multiplier=%s%s%s%s%s", ins->symbol, m, x[0] ? ",margin=" : "", x,
			 t[0] ? ",tick=" : "", t);
		return 1;
	}
	if (j > 0)
		return 0;
	switch (s->kind) {
	case K_NUM:
		num_value(*(const double *)(const void *)field, buf, size);
		break;
	case K_COUNT: {
		long l = *(const long *)(const void *)field;
		if (l < 0)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%ld", l);
		break;
	}
	case K_PATH:
	case K_TZ:
	case K_SESSION:
		snprintf(buf, size, "%s", field[0] ? field : "-");
		break;
	case K_INSTRUMENTS:
		snprintf(buf, size, "%s", c->instruments_file[0] ? c->instruments_file : "-");
		break;
	case K_ACTIONS:
		snprintf(buf, size, "%s", c->actions_file[0] ? c->actions_file : "-");
		break;
	case K_ON_DD:
		snprintf(buf, size, "%s", c->on_drawdown == QTS_RISK_ON_DD_FLATTEN ? "flatten" : "block");
		break;
	case K_DURATION: {
		int64_t ns = *(const int64_t *)(const void *)field;
		if (ns <= 0)
			snprintf(buf, size, "-");
		else {
			qts_duration_format(ns, d);
			snprintf(buf, size, "%s", d);
		}
		break;
	}
	case K_RATE:
		if (c->max_orders < 0)
			snprintf(buf, size, "-");
		else {
			qts_duration_format(c->order_window, d);
			snprintf(buf, size, "%ld/%s", c->max_orders, d);
		}
		break;
	case K_INSTRUMENT:
		break; /* above */
	}
	return 1;
}
