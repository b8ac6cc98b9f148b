/* sim_financing.c — what holding costs or earns between trades: interest
 * on cash, margin interest on a debit and the fee to borrow shorted
 * shares, at annual rates accrued once per calendar day, as brokers book
 * them (qts-sim(1) FINANCING).  sim.c calls this only when a rate was
 * given, once per day crossed: nothing per bar. */
#include "qts_sim.h"

#include <stdlib.h>
#include <string.h>

/* The highest rate taken: 1000% a year, above the fee of the hardest to
 * borrow shares; beyond it is a typo (5 for 5%). */
#define RATE_MAX 10

int qts_rate_parse(const char *s, double *rate, char *err)
{
	char why[QTS_ERR_MAX];
	size_t n = strlen(s);
	if (n && s[n - 1] == '%') {
		snprintf(err, QTS_ERR_MAX, "'%.200s' is not a rate: give a fraction (0.05 for 5%%)", s);
		return -1;
	}
	if (qts_parse_double(s, 0, RATE_MAX, rate, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "%.300s (a fraction a year: 0.05 for 5%%)", why);
		return -1;
	}
	return 0;
}

int qts_borrow_rate_add(qts_financing *f, qts_borrow_rate **list, size_t *n, const char *spec, char *err)
{
	const char *eq = strchr(spec, '=');
	double rate;
	if (!eq) {
		if (qts_rate_parse(spec, &rate, err) < 0)
			return -1;
		f->borrow_rate = rate;
		return 0;
	}
	size_t len = (size_t)(eq - spec);
	if (len == 0) {
		snprintf(err, QTS_ERR_MAX, "'%.200s': a symbol before '=' (SYM=RATE)", spec);
		return -1;
	}
	if (len >= QTS_SYM_MAX) {
		snprintf(err, QTS_ERR_MAX, "symbol '%.40s...' is longer than %d bytes", spec, QTS_SYM_MAX - 1);
		return -1;
	}
	char shown[4 * QTS_SYM_MAX + 8];
	const char *fault = qts_symbol_name_fault(spec, len, shown);
	if (fault) { /* as the stream refuses it: the rate would never apply */
		snprintf(err, QTS_ERR_MAX, "symbol '%s' %s", shown, fault);
		return -1;
	}
	char why[QTS_ERR_MAX];
	if (qts_rate_parse(eq + 1, &rate, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "%.*s: %.400s", (int)len, spec, why);
		return -1;
	}
	char sym[QTS_SYM_MAX];
	memcpy(sym, spec, len);
	sym[len] = '\0';
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].symbol, sym) == 0) {
			(*list)[i].rate = rate; /* the later flag wins */
			return 0;
		}
	qts_borrow_rate *l = realloc(*list, (*n + 1) * sizeof *l);
	if (!l) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -2;
	}
	*list = l;
	QTS_SET(l[*n].symbol, sym);
	l[*n].rate = rate;
	(*n)++;
	return 0;
}

double qts_fin_borrow_rate(const qts_financing *f, const char *symbol)
{
	for (size_t i = 0; i < f->nborrow; i++)
		if (strcmp(f->borrow[i].symbol, symbol) == 0)
			return f->borrow[i].rate;
	return f->borrow_rate;
}

int64_t qts_fin_days(qts_fin_state *st, int64_t ts)
{
	int64_t day = qts_floor_div(ts, QTS_NS_PER_DAY);
	if (!st->have_day) {
		st->have_day = 1;
		st->day = day;
		return 0;
	}
	if (day <= st->day)
		return 0;
	int64_t days = day - st->day;
	st->day = day;
	return days;
}

void qts_fin_accrue(const qts_financing *f, qts_fin_state *st, double *cash, double borrow_day, int64_t days)
{
	double year = f->days_a_year;
	for (int64_t d = 0; d < days; d++) {
		double c = *cash;
		if (c > 0 && f->cash_rate > 0) {
			double i = c * f->cash_rate / year;
			st->interest += i;
			*cash += i;
		} else if (c < 0 && f->margin_rate > 0) {
			double i = -c * f->margin_rate / year;
			st->margin_interest += i;
			*cash -= i;
		}
		if (borrow_day > 0) {
			st->borrow += borrow_day;
			*cash -= borrow_day;
		}
		/* Nothing changes after the first days of a long gap
		 * but the interest: stop when nothing accrues. */
		if (borrow_day == 0 && !(c > 0 && f->cash_rate > 0) && !(c < 0 && f->margin_rate > 0))
			break;
	}
}
