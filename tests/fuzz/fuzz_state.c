/* fuzz_state — any bytes as a --state file (checkpoint.c) and as the
 * engine's part of one: the first byte picks what is read (0 the whole
 * file, whose engine part then goes to the engine its head names; 1
 * qts-sim's part, 2 qts-resample's, 3 qts-risk's, bypassing the CRC).
 * Nothing crashes, reads past its bounds or leaks; what is refused says
 * why. */
#include "fuzz.h"
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "qts_risk.h"
#include "qts_sim.h"

static int drop(void *arg, const qts_event *ev)
{
	(void)arg, (void)ev;
	return 0;
}

static int rs_drop(const qts_event *ev, void *arg)
{
	return drop(arg, ev);
}

static void restore(int which, const unsigned char *p, size_t n)
{
	qts_ckpt c;
	qts_ck_loading(&c, p, n);
	int rc = 0;
	if (which == 1) {
		qts_sim_opts o;
		qts_sim_opts_default(&o);
		char err[256];
		qts_impact_parse("sqrt,k=0.1,window=5", &o.impact, err);
		qts_sim *s = qts_sim_new(&o, drop, NULL);
		rc = qts_sim_restore(s, &c);
		qts_sim_free(s);
	} else if (which == 2) {
		static qts_clock clk;
		qts_clock_init(&clk, NULL);
		qts_tf tf[2];
		qts_tf_parse("5m", &tf[0]), qts_tf_parse("1h", &tf[1]);
		qts_rs_conf conf = { tf, 2, &clk, NULL, 0, rs_drop, NULL };
		qts_resampler *r = qts_rs_new(&conf);
		rc = qts_rs_restore(r, &c);
		qts_rs_free(r);
	} else if (which == 3) {
		qts_risk_config cfg;
		char err[256];
		qts_risk_config_init(&cfg);
		qts_risk_config_set(&cfg, "target-vol", "0.5", err);
		qts_risk_config_set(&cfg, "max-orders", "5/1h", err);
		qts_risk *r = qts_risk_new(&cfg, err);
		qts_risk_config_free(&cfg);
		rc = qts_risk_restore(r, &c);
		qts_risk_free(r);
	}
	if (rc < 0 && !c.err[0])
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!size)
		return 0;
	int which = data[0] & 3;
	data++, size--;
	if (which) {
		restore(which, data, size);
		return 0;
	}
	qts_state_head h;
	char err[QTS_ERR_MAX];
	err[0] = '\0';
	if (qts_state_parse(data, size, &h, err, sizeof err) < 0) {
		if (!err[0])
			abort();
		return 0;
	}
	if (h.engine + h.engine_len > data + size || h.nmarks > QTS_STATE_MARKS)
		abort();
	restore(!strcmp(h.stage, "qts-sim") ? 1 : !strcmp(h.stage, "qts-resample") ? 2 : !strcmp(h.stage, "qts-risk") ? 3 : 0,
		h.engine, h.engine_len);
	return 0;
}
