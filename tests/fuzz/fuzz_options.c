/* fuzz_options — any bytes as the value of a command-line option, the
 * parser chosen by the first byte: numbers with ranges, durations,
 * timeframes, key=value, sessions, the cost models of qts-sim and every
 * qts-risk setting.  A parser either refuses with a message or gives a
 * value in its documented range; what it accepts is then usable (a cost
 * model gives a finite, non-negative cost; a timeframe formats and parses
 * back to itself). */
#include "fuzz.h"
#include "qts_resample.h"
#include "qts_risk.h"
#include "qts_sim.h"
#include "qts_strat.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	unsigned pick = data[0];
	char s[4097];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	char err[1024];
	err[0] = '\0';
	switch (pick % 11) {
	case 0: {
		double v;
		if (qts_parse_double(s, -1e6, 1e6, &v, err) == 0 && !(v >= -1e6 && v <= 1e6))
			abort();
		break;
	}
	case 1: {
		long v;
		if (qts_parse_long(s, -5, 1000000, &v, err) == 0 && (v < -5 || v > 1000000))
			abort();
		break;
	}
	case 2: {
		int64_t ns;
		if (qts_duration_parse(s, &ns) == 0 && ns < 0)
			abort();
		break;
	}
	case 3: {
		qts_tf tf, back;
		char buf[16];
		if (qts_tf_parse(s, &tf) == 0) {
			if (tf.n < 1)
				abort();
			qts_tf_format(tf, buf);
			if (qts_tf_parse(buf, &back) != 0 || back.n != tf.n || back.unit != tf.unit)
				abort();
			(void)qts_tf_ns(tf);
			(void)qts_tf_end(tf, 0);
			(void)qts_tf_end(tf, INT64_MAX - 1);
			(void)qts_tf_end(tf, INT64_MIN + 1);
		}
		break;
	}
	case 4: {
		char key[32];
		const char *value;
		if (qts_split_kv(s, key, sizeof key, &value) == 0 && (!value || strlen(key) >= sizeof key))
			abort();
		break;
	}
	case 5: {
		qts_commission c;
		if (qts_commission_parse(s, &c, err) == 0) {
			double q[] = { 1, 100, 1e-6, 1e9 }, p[] = { 100, 0.01, 1e6 };
			for (size_t i = 0; i < 4; i++)
				for (size_t j = 0; j < 3; j++) {
					double v = qts_commission_of(&c, q[i], p[j], j ? 1 : 50);
					if (!(isfinite(v) && v >= 0))
						abort();
				}
		}
		break;
	}
	case 6: {
		qts_slippage sl;
		if (qts_slippage_parse(s, &sl, err) == 0) {
			double v = qts_slippage_per_share(&sl, 100, 0.05, 0.01);
			if (!(isfinite(v) && v >= 0))
				abort();
			/* ticks=N without tick=X and no instrument tick: NaN, refused by the engine */
			v = qts_slippage_per_share(&sl, 100, 0.05, 0);
			if (!(isnan(v) || (isfinite(v) && v >= 0)))
				abort();
		}
		break;
	}
	case 7: {
		qts_impact m;
		if (qts_impact_parse(s, &m, err) == 0) {
			double v = qts_impact_per_share(&m, 100, 10, 0.02, 1e6);
			if (!(isfinite(v) && v >= 0) || (m.on && m.window < 1))
				abort();
		}
		break;
	}
	case 8: {
		qts_session ss;
		(void)qts_session_parse(s, &ss);
		break;
	}
	case 9: {
		size_t n;
		const qts_risk_rule_info *rules = qts_risk_rules(&n);
		qts_risk_config c;
		qts_risk_config_init(&c);
		if (n)
			(void)qts_risk_config_set(&c, rules[(pick / 11) % n].name, s, err);
		qts_risk_config_free(&c);
		break;
	}
	case 10: {
		/* A built-in strategy's parameters as qts-strategy takes them
		 * (NAME=VALUE, range-checked), then bars from the rest of the
		 * bytes: whatever it accepts gives a finite signal or none. */
		size_t n;
		const qts_strat_info *t = qts_strat_table(&n);
		const qts_strat_info *si = &t[(pick / 11) % n];
		double p[QTS_STRAT_MAXPARAM];
		for (int k = 0; k < si->nparams; k++)
			p[k] = si->params[k].def;
		char *save, *tok = strtok_r(s, " ", &save);
		for (; tok; tok = strtok_r(NULL, " ", &save)) {
			char key[32];
			const char *value;
			if (qts_split_kv(tok, key, sizeof key, &value) < 0)
				return 0;
			int k = qts_strat_param_index(si, key);
			if (k < 0)
				return 0;
			double lo = si->params[k].min, hi = si->params[k].max, v;
			if (qts_parse_double(value, lo, hi, &v, err) < 0)
				return 0;
			p[k] = v;
		}
		void *state = calloc(1, si->state_size ? si->state_size : 1);
		if (!state)
			abort();
		if (si->init(state, p, err) == 0) {
			uint32_t x = (uint32_t)size * 2654435761u + pick;
			for (int b = 0; b < 300; b++) {
				x = x * 1103515245u + 12345u;
				double c = 50 + (double)(x >> 16 & 1023) / 16;
				double ohlcv[5] = { c, c + 1, c - 1, c, (double)(x & 4095) };
				double sig = si->bar(state, p, ohlcv);
				if (isinf(sig))
					abort();
				if (si->orders) {
					qts_strat_order out[2];
					int no = si->orders(state, p, isnan(sig) ? 0 : sig, out);
					for (int o = 0; o < no; o++)
						if (!isfinite(out[o].qty) || isinf(out[o].limit) || isinf(out[o].stop))
							abort();
				}
			}
		}
		if (si->free)
			si->free(state);
		free(state);
		break;
	}
	}
	return 0;
}
