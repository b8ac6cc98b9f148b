/* ind_share.c: an indicator's series written by the first run of a key,
 * read by the runs after it, and a run made again when what it read is
 * not what it would have computed.  Runs here follow one another in one
 * process, as the sweep's do in forked ones. */
#include "qts_ind.h"
#include "tap.h"

#include <stdlib.h>

#define N 40

static qts_ind *sma(int period)
{
	char err[QTS_IND_ERRMAX];
	double opt[1] = { period };
	return qts_ind_new(qts_ind_find("sma"), opt, err);
}

static qts_ind_kernel_fn plain; /* the family's own kernel */

/* One run: an SMA of period fed x[i] at event at[i] (n of them) through
 * its kernel, outputs into out (NaN while warming up); the run's verdict. */
static int run(qts_ind_share *sh, int period, const double *x, const size_t *at, size_t n, double *out, int *kind)
{
	size_t now = 0;
	qts_ind_share_join(sh, 0, 100, &now);
	qts_ind *ind = sma(period);
	void *st;
	qts_ind_kernel_fn k = qts_ind_kernel(ind, &st);
	*kind = k != plain; /* 0: computed alone */
	for (size_t i = 0; i < n; i++) {
		now = at[i];
		double o;
		out[i] = k(st, x[i], &o) ? o : NAN;
	}
	int r = qts_ind_share_leave(1);
	qts_ind_free(ind);
	return r;
}

static int same(const double *a, const double *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
			return 0;
	return 1;
}

int main(void)
{
	double x[N], want[N], got[N], other[N];
	size_t at[N];
	for (size_t i = 0; i < N; i++) {
		x[i] = 100 + (double)((i * 37) % 11) - 0.1 * (double)i;
		at[i] = 1 + 2 * i; /* every other event: a symbol among two */
	}
	x[17] = NAN;
	/* the reference: an SMA with no share at all */
	qts_ind *ref = sma(5);
	for (size_t i = 0; i < N; i++)
		want[i] = qts_ind_step(ref, x[i]);
	qts_ind_free(ref);

	qts_ind *p = sma(5);
	void *pst;
	plain = qts_ind_kernel(p, &pst);
	qts_ind_free(p);
	qts_ind_share *sh = qts_ind_share_new(100, 64 * 101 * sizeof(double));
	CHECK(sh, "a share for 100 events");
	int kind;
	CHECK(run(sh, 5, x, at, N, got, &kind) == 0 && same(got, want, N), "the first run writes, and computes");
	CHECK(run(sh, 5, x, at, N, got, &kind) == 0 && same(got, want, N), "the next reads what it would have computed");
	CHECK(kind == 1, "through the shared kernel");

	x[30] += 1;
	CHECK(run(sh, 5, x, at, N, other, &kind) == -1, "one value fed otherwise: the run must be made again");
	x[30] -= 1;
	at[30]++;
	CHECK(run(sh, 5, x, at, N, other, &kind) == -1, "one value fed at another event: again");
	at[30]--;
	CHECK(run(sh, 5, x, at, N - 3, other, &kind) == -1, "fewer values fed: again");
	CHECK(run(sh, 6, x, at, N, got, &kind) == 0, "another period: another series, written");

	/* a writer fed twice at one event spoils its key: later runs compute alone */
	at[3] = at[2];
	CHECK(run(sh, 7, x, at, N, got, &kind) == 0 && kind == 1, "a key fed twice at one event");
	CHECK(run(sh, 7, x, at, N, got, &kind) == 0 && kind == 0, "is computed alone after");

	/* past the events the share was made for: the series is spoilt too */
	at[3] = 1 + 2 * 3;
	at[N - 1] = 101;
	CHECK(run(sh, 8, x, at, N, got, &kind) == 0, "a value past the share's events");
	CHECK(run(sh, 8, x, at, N, got, &kind) == 0 && kind == 0, "spoils the key");

	/* a budget of two series: a third key is computed alone */
	at[N - 1] = 1 + 2 * (N - 1);
	CHECK(qts_ind_share_new(100, 101 * sizeof(double) - 1) == NULL, "a budget short of one series: no share");
	qts_ind_share *two = qts_ind_share_new(100, 2 * 101 * sizeof(double) + 7);
	CHECK(two && run(two, 3, x, at, N, got, &kind) == 0 && kind == 1, "a budget of two: the first key written");
	CHECK(run(two, 4, x, at, N, got, &kind) == 0 && kind == 1, "the second too");
	CHECK(run(two, 5, x, at, N, got, &kind) == 0 && kind == 0 && same(got, want, N), "the third computed alone");
	CHECK(run(two, 3, x, at, N, got, &kind) == 0 && kind == 1, "the first read");
	qts_ind_share_free(two);

	/* a run over: kernels are the family's own again */
	qts_ind *ind = sma(5);
	void *s1;
	CHECK(qts_ind_kernel(ind, &s1) == plain, "out of a run, the plain kernel");
	qts_ind_free(ind);
	qts_ind_share_free(sh);
	return tap_done();
}
