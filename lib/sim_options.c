/* sim_options.c — the options of the simulated broker, parsed once for
 * qts-sim and for `qts-broker paper`, which run the same engine and take
 * the same flags. */
#include "qts_resample.h"
#include "qts_sim.h"

#include <stdlib.h>
#include <string.h>

void qts_sim_conf_init(qts_sim_conf *c)
{
	memset(c, 0, sizeof *c);
	qts_sim_opts_default(&c->sim);
}

int qts_sim_option(qts_sim_conf *c, int opt, const char *arg, char *err)
{
	char why[QTS_ERR_MAX];
	qts_sim_opts *o = &c->sim;
	switch (opt) {
	case QTS_OPT_SIM_CASH:
		if (qts_parse_double(arg, 0, 1e15, &o->cash, why) < 0)
			goto bad_number;
		return 1;
	case QTS_OPT_SIM_COMMISSION:
		if (qts_commission_parse(arg, &o->commission, why) < 0)
			goto bad_spec;
		return 1;
	case QTS_OPT_SIM_SLIPPAGE:
		if (qts_slippage_parse(arg, &o->slippage, why) < 0)
			goto bad_spec;
		return 1;
	case QTS_OPT_SIM_IMPACT:
		if (qts_impact_parse(arg, &o->impact, why) < 0)
			goto bad_spec;
		return 1;
	case QTS_OPT_SIM_LATENCY:
		if (qts_duration_parse(arg, &o->latency) < 0 || o->latency < 0) {
			snprintf(err, QTS_ERR_MAX, "--latency: '%.200s' is not a duration (250ms, 2s, 1m)", arg);
			return -1;
		}
		return 1;
	case QTS_OPT_SIM_PART:
		if (qts_parse_double(arg, 1e-9, 1, &o->participation, why) < 0)
			goto bad_number;
		return 1;
	case QTS_OPT_SIM_LEVERAGE:
		if (qts_parse_double(arg, 1e-9, 1000, &o->leverage, why) < 0)
			goto bad_number;
		return 1;
	case QTS_OPT_SIM_NO_SHORT: o->no_short = 1; return 1;
	case QTS_OPT_SIM_FRACTIONAL: o->fractional = 1; return 1;
	case QTS_OPT_SIM_CLOSE: o->close_at_end = 1; return 1;
	case QTS_OPT_SIM_TZ:
		if (qts_tz_option("--tz", arg, err, QTS_ERR_MAX) < 0)
			return -1;
		o->tz = arg;
		return 1;
	case QTS_OPT_SIM_SESSION: {
		qts_session ss;
		if (qts_session_option("--session", arg, &ss, err, QTS_ERR_MAX) < 0)
			return -1;
		o->day_roll = qts_session_roll(&ss);
		return 1;
	}
	case QTS_OPT_SIM_ACTIONS:
		if (!*arg) {
			snprintf(err, QTS_ERR_MAX, "--actions: an empty file name");
			return -1;
		}
		c->actions_file = arg;
		return 1;
	case QTS_OPT_SIM_INSTRUMENT: {
		int rc = qts_instrument_add_spec(&c->instruments, &c->ninstruments, arg, why);
		if (rc == -1)
			goto bad_spec;
		if (rc < 0) {
			snprintf(err, QTS_ERR_MAX, "%s", why);
			return -2;
		}
		return 1;
	}
	case QTS_OPT_SIM_CASH_RATE:
	case QTS_OPT_SIM_MARGIN_RATE:
		if (qts_rate_parse(arg, opt == QTS_OPT_SIM_CASH_RATE ? &o->fin.cash_rate : &o->fin.margin_rate,
				   why) < 0) {
			snprintf(err, QTS_ERR_MAX, "--%s: %.400s",
				 opt == QTS_OPT_SIM_CASH_RATE ? "cash-rate" : "margin-rate", why);
			return -1;
		}
		o->fin.on = 1;
		return 1;
	case QTS_OPT_SIM_BORROW_RATE: {
		int rc = qts_borrow_rate_add(&o->fin, &c->borrow, &c->nborrow, arg, why);
		if (rc == -1) {
			snprintf(err, QTS_ERR_MAX, "--borrow-rate: %.400s", why);
			return -1;
		}
		if (rc < 0) {
			snprintf(err, QTS_ERR_MAX, "%s", why);
			return -2;
		}
		o->fin.on = 1;
		c->borrow_given = 1;
		return 1;
	}
	case QTS_OPT_SIM_DAY_COUNT:
		if (strcmp(arg, "360") != 0 && strcmp(arg, "365") != 0) {
			snprintf(err, QTS_ERR_MAX, "--day-count: '%.200s' is neither 360 (ACT/360) nor 365 (ACT/365)",
				 arg);
			return -1;
		}
		o->fin.days_a_year = strcmp(arg, "360") == 0 ? 360 : 365;
		c->day_count = 1;
		return 1;
	case QTS_OPT_SIM_INSTRUMENTS:
		if (!*arg) {
			snprintf(err, QTS_ERR_MAX, "--instruments: an empty file name");
			return -1;
		}
		/* Read in place: an --instrument after it wins. */
		if (qts_instruments_load(arg, &c->instruments, &c->ninstruments, why) < 0) {
			snprintf(err, QTS_ERR_MAX, "%s", why);
			return -2;
		}
		return 1;
	default:
		return 0;
	}
bad_number: {
	/* "--cash: what", the flag named by its table entry */
	static const char *const names[] = {
		[QTS_OPT_SIM_CASH - QTS_OPT_SIM_CASH] = "cash",
		[QTS_OPT_SIM_PART - QTS_OPT_SIM_CASH] = "max-participation",
		[QTS_OPT_SIM_LEVERAGE - QTS_OPT_SIM_CASH] = "leverage",
	};
	snprintf(err, QTS_ERR_MAX, "--%s: %.400s", names[opt - QTS_OPT_SIM_CASH], why);
	return -1;
}
bad_spec:
	/* the parsers name their flag: "commission: ..." */
	snprintf(err, QTS_ERR_MAX, "--%.450s", why);
	return -1;
}

int qts_sim_conf_check(const qts_sim_conf *c, char *err)
{
	/* options that would do nothing: a rule left out, not one on */
	if (c->day_count && !c->sim.fin.on) {
		snprintf(err, QTS_ERR_MAX, "--day-count divides the yearly rates of --cash-rate, --margin-rate and "
			 "--borrow-rate, and none is given");
		return -1;
	}
	if (c->borrow_given && c->sim.no_short) {
		snprintf(err, QTS_ERR_MAX, "--borrow-rate with --no-short: no short is ever held to pay it on");
		return -1;
	}
	return 0;
}

int qts_sim_conf_ready(qts_sim_conf *c, char *err)
{
	if (qts_sim_conf_check(c, err) < 0)
		return -1;
	if (c->actions_file && !c->actions) {
		if (qts_actions_load(c->actions_file, &c->actions, &c->sim.nactions, err) < 0)
			return -1;
		c->sim.actions = c->actions;
	}
	c->sim.instruments = c->instruments;
	c->sim.ninstruments = c->ninstruments;
	c->sim.fin.borrow = c->borrow;
	c->sim.fin.nborrow = c->nborrow;
	return 0;
}

void qts_sim_conf_free(qts_sim_conf *c)
{
	free(c->actions);
	free(c->instruments);
	free(c->borrow);
	c->actions = NULL;
	c->instruments = NULL;
	c->borrow = NULL;
}
