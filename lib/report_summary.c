/* report_summary.c — every figure of a report from the day curve and the trade
 * statistics, and the table naming them. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"

static const qts_metric_info table[QTS_NMETRICS] = {
	[QTS_M_START] = {"start", "Start", QTS_MK_DATE},
	[QTS_M_END] = {"end", "End", QTS_MK_DATE},
	[QTS_M_DAYS] = {"days", "Days (returns)", QTS_MK_COUNT},
	[QTS_M_START_EQUITY] = {"start_equity", "Start equity", QTS_MK_MONEY},
	[QTS_M_END_EQUITY] = {"end_equity", "End equity", QTS_MK_MONEY},
	[QTS_M_TOTAL_RETURN] = {"total_return", "Total return", QTS_MK_FRAC},
	[QTS_M_CAGR] = {"cagr", "CAGR", QTS_MK_FRAC},
	[QTS_M_VOLATILITY] = {"volatility", "Volatility (annual)", QTS_MK_FRAC},
	[QTS_M_SHARPE] = {"sharpe", "Sharpe ratio", QTS_MK_RATIO},
	[QTS_M_SORTINO] = {"sortino", "Sortino ratio", QTS_MK_RATIO},
	[QTS_M_CALMAR] = {"calmar", "Calmar ratio", QTS_MK_RATIO},
	[QTS_M_MAX_DRAWDOWN] = {"max_drawdown", "Max drawdown", QTS_MK_FRAC},
	[QTS_M_DD_PEAK] = {"max_drawdown_peak", "  peak", QTS_MK_DATE},
	[QTS_M_DD_TROUGH] = {"max_drawdown_trough", "  trough", QTS_MK_DATE},
	[QTS_M_DD_RECOVERY] = {"max_drawdown_recovery", "  recovery", QTS_MK_DATE},
	[QTS_M_DD_DURATION] = {"max_drawdown_duration", "  duration (days)", QTS_MK_DAYS},
	[QTS_M_OMEGA] = {"omega", "Omega ratio", QTS_MK_RATIO},
	[QTS_M_TAIL_RATIO] = {"tail_ratio", "Tail ratio", QTS_MK_RATIO},
	[QTS_M_STABILITY] = {"stability", "Stability", QTS_MK_RATIO},
	[QTS_M_SKEW] = {"skew", "Skew", QTS_MK_RATIO},
	[QTS_M_KURTOSIS] = {"kurtosis", "Kurtosis (excess)", QTS_MK_RATIO},
	[QTS_M_BEST_DAY] = {"best_day", "Best day", QTS_MK_FRAC},
	[QTS_M_WORST_DAY] = {"worst_day", "Worst day", QTS_MK_FRAC},
	[QTS_M_VALUE_AT_RISK] = {"value_at_risk", "Daily value at risk (95%)", QTS_MK_FRAC},
	[QTS_M_EXPOSURE] = {"exposure", "Exposure", QTS_MK_FRAC},
	[QTS_M_TRADES] = {"trades", "Trades", QTS_MK_COUNT},
	[QTS_M_WIN_RATE] = {"win_rate", "Win rate", QTS_MK_FRAC},
	[QTS_M_AVG_WIN] = {"avg_win", "Average win", QTS_MK_MONEY},
	[QTS_M_AVG_LOSS] = {"avg_loss", "Average loss", QTS_MK_MONEY},
	[QTS_M_PROFIT_FACTOR] = {"profit_factor", "Profit factor", QTS_MK_RATIO},
	[QTS_M_EXPECTANCY] = {"expectancy", "Expectancy", QTS_MK_MONEY},
	[QTS_M_SQN] = {"sqn", "SQN", QTS_MK_RATIO},
	[QTS_M_LARGEST_WIN] = {"largest_win", "Largest win", QTS_MK_MONEY},
	[QTS_M_LARGEST_LOSS] = {"largest_loss", "Largest loss", QTS_MK_MONEY},
	[QTS_M_AVG_HOLDING_TIME] = {"avg_holding_time", "Average holding (days)", QTS_MK_DAYS},
	[QTS_M_TOTAL_COMMISSION] = {"total_commission", "Total commission", QTS_MK_MONEY},
	[QTS_M_TOTAL_SLIPPAGE] = {"total_slippage", "Total slippage", QTS_MK_MONEY},
	[QTS_M_TURNOVER] = {"turnover", "Turnover", QTS_MK_RATIO},
	[QTS_M_BENCHMARK_RETURN] = {"benchmark_return", "Benchmark return", QTS_MK_FRAC},
	[QTS_M_ALPHA] = {"alpha", "Alpha (annual)", QTS_MK_FRAC},
	[QTS_M_BETA] = {"beta", "Beta", QTS_MK_RATIO},
	[QTS_M_INFORMATION_RATIO] = {"information_ratio", "Information ratio", QTS_MK_RATIO},
	[QTS_M_CORRELATION] = {"correlation", "Correlation", QTS_MK_RATIO},
};

const qts_metric_info *qts_metric_table(void)
{
	return table;
}

double qts_risk_free_per_period(double annual, double periods)
{
	/* compounded, as empyrical converts omega's required return */
	return annual == 0 ? 0 : pow(1 + annual, 1 / periods) - 1;
}

static int64_t day_index(const qts_point *pt, long i)
{
	return i >= 0 ? pt[i].day : QTS_TS_MIN;
}

int qts_summary_compute(qts_perf *p, const qts_trade_stats *st, const qts_summary_opts *o,
			qts_summary *s)
{
	size_t npt, n;
	const qts_point *pt = qts_perf_points(p, &npt);
	double *r, *f;
	if (qts_perf_returns(pt, npt, &r, &f, &n) < 0)
		return -1;
	double P = o->periods, rf = qts_risk_free_per_period(o->risk_free, P);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		s->v[i] = NAN;
		s->t[i] = QTS_TS_MIN;
	}
	s->ruin = QTS_TS_MIN;
	s->v[QTS_M_DAYS] = (double)n;
	if (npt) {
		s->t[QTS_M_START] = pt[0].day;
		s->t[QTS_M_END] = pt[npt - 1].day;
		s->v[QTS_M_START_EQUITY] = pt[0].equity;
		s->v[QTS_M_END_EQUITY] = pt[npt - 1].equity;
		if (n < npt - 1 || pt[n].equity <= 0)
			s->ruin = pt[n].day;
	}
	s->v[QTS_M_TOTAL_RETURN] = qts_m_total_return(r, n);
	s->v[QTS_M_CAGR] = qts_m_cagr(r, n, P);
	s->v[QTS_M_VOLATILITY] = qts_m_volatility(r, n, P);
	s->v[QTS_M_SHARPE] = qts_m_sharpe(r, n, rf, P);
	s->v[QTS_M_SORTINO] = qts_m_sortino(r, n, rf, P);
	s->v[QTS_M_CALMAR] = qts_m_calmar(r, n, P);
	long pk, tr, rc;
	s->v[QTS_M_MAX_DRAWDOWN] = qts_m_max_drawdown(r, n, &pk, &tr, &rc);
	if (tr > 0) {
		s->t[QTS_M_DD_PEAK] = day_index(pt, pk);
		s->t[QTS_M_DD_TROUGH] = day_index(pt, tr);
		s->t[QTS_M_DD_RECOVERY] = day_index(pt, rc);
		/* calendar days from the peak to the recovery, or to the end
		 * while the drawdown lasts */
		s->v[QTS_M_DD_DURATION] = (double)(pt[rc >= 0 ? (size_t)rc : n].day - pt[pk].day);
	}
	qts_m_dd dd[QTS_TOP_DRAWDOWNS];
	s->ndd = qts_m_drawdowns(r, n, dd, QTS_TOP_DRAWDOWNS);
	for (size_t i = 0; i < s->ndd; i++) {
		long end = dd[i].recovery >= 0 ? dd[i].recovery : (long)n;
		s->dd[i] = (qts_dd_period){pt[dd[i].peak].day, pt[dd[i].trough].day,
					   day_index(pt, dd[i].recovery), dd[i].depth,
					   end - dd[i].peak};
	}
	s->v[QTS_M_OMEGA] = qts_m_omega(r, n, rf, 0, P);
	s->v[QTS_M_TAIL_RATIO] = qts_m_tail_ratio(r, n);
	s->v[QTS_M_STABILITY] = qts_m_stability(r, n);
	s->v[QTS_M_SKEW] = qts_m_skew(r, n);
	s->v[QTS_M_KURTOSIS] = qts_m_kurtosis(r, n);
	s->v[QTS_M_VALUE_AT_RISK] = qts_m_value_at_risk(r, n, 0.05);
	if (n) {
		double best = r[0], worst = r[0];
		size_t held = 0;
		for (size_t i = 0; i < n; i++) {
			best = r[i] > best ? r[i] : best;
			worst = r[i] < worst ? r[i] : worst;
			held += pt[i + 1].exposed != 0;
		}
		s->v[QTS_M_BEST_DAY] = best;
		s->v[QTS_M_WORST_DAY] = worst;
		s->v[QTS_M_EXPOSURE] = (double)held / (double)n;
	}

	s->v[QTS_M_TRADES] = (double)st->trades;
	s->v[QTS_M_WIN_RATE] = qts_trades_win_rate(st);
	s->v[QTS_M_AVG_WIN] = qts_trades_avg_win(st);
	s->v[QTS_M_AVG_LOSS] = qts_trades_avg_loss(st);
	s->v[QTS_M_PROFIT_FACTOR] = qts_trades_profit_factor(st);
	s->v[QTS_M_EXPECTANCY] = qts_trades_expectancy(st);
	s->v[QTS_M_SQN] = qts_trades_sqn(st);
	s->v[QTS_M_LARGEST_WIN] = st->largest_win;
	s->v[QTS_M_LARGEST_LOSS] = st->largest_loss;
	s->v[QTS_M_AVG_HOLDING_TIME] = qts_trades_avg_holding_days(st);
	s->v[QTS_M_TOTAL_COMMISSION] = st->commission;
	s->v[QTS_M_TOTAL_SLIPPAGE] = st->slippage;
	if (npt) {
		/* traded value over the average equity of the curve */
		double sum = 0;
		for (size_t i = 0; i < npt; i++)
			sum += pt[i].equity;
		double avg = sum / (double)npt;
		/* an equity sum past double's range would make it 0 */
		s->v[QTS_M_TURNOVER] = avg > 0 && isfinite(avg) ? st->notional / avg : NAN;
	}

	if (o->benchmark && npt && !isnan(pt[0].bench)) {
		s->v[QTS_M_BENCHMARK_RETURN] = pt[npt - 1].bench / pt[0].bench - 1;
		s->v[QTS_M_BETA] = qts_m_beta(r, f, n, rf);
		s->v[QTS_M_ALPHA] = qts_m_alpha(r, f, n, rf, P);
		s->v[QTS_M_INFORMATION_RATIO] = qts_m_information_ratio(r, f, n);
		s->v[QTS_M_CORRELATION] = qts_m_correlation(r, f, n);
	}
	/* inf is no figure any report promises (an equity or benchmark
	 * ratio past double's range): undefined, as the writers show it */
	for (int i = 0; i < QTS_NMETRICS; i++)
		if (isinf(s->v[i]))
			s->v[i] = NAN;
	free(r);
	free(f);
	return 0;
}

size_t qts_period_returns(const qts_point *pt, size_t npt, int monthly, qts_period_return *out)
{
	size_t k = 0;
	for (size_t i = 1; i < npt && pt[i - 1].equity > 0; i++) {
		int y;
		unsigned m, d;
		qts_civil_from_days(pt[i].day, &y, &m, &d);
		int mm = monthly ? (int)m : 0;
		double g = pt[i].equity / pt[i - 1].equity;
		if (k && out[k - 1].year == y && out[k - 1].month == mm) {
			out[k - 1].ret = (1 + out[k - 1].ret) * g - 1;
		} else {
			out[k++] = (qts_period_return){y, mm, g - 1};
		}
	}
	/* a period compounded past double's range (equity 1e-300 to 1e300
	 * in a month) has no return: undefined, not inf */
	for (size_t i = 0; i < k; i++)
		if (!isfinite(out[i].ret))
			out[i].ret = NAN;
	return k;
}
