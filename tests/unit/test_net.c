/* Redaction of keys in URLs and %-encoding (net.c). */
#include "qts_net.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>

int main(void)
{
	char out[256];
	qts_net_redact("http://127.0.0.1:8080/query?function=TIME_SERIES_DAILY&symbol=IBM&apikey=SECRET1&datatype=csv",
		       out, sizeof out);
	CHECK_STR(out, "http://127.0.0.1:8080/query?function=TIME_SERIES_DAILY&symbol=IBM&apikey=***&datatype=csv",
		  "apikey masked, the rest kept");
	/* (the scheme apart: the user name is no host) */
	qts_net_redact("http://" "u:pw@127.0.0.1:8080/x?token=abc&a=1#frag", out, sizeof out);
	CHECK_STR(out, "http://***@127.0.0.1:8080/x?token=***&a=1#frag", "user:password and token masked");
	qts_net_redact("http://127.0.0.1/p?API_KEY=1&Secret=2&page_token=3&symbols=AAPL", out, sizeof out);
	CHECK_STR(out, "http://127.0.0.1/p?API_KEY=***&Secret=***&page_token=***&symbols=AAPL", "any key-like name, any case");
	qts_net_redact("http://127.0.0.1/p", out, sizeof out);
	CHECK_STR(out, "http://127.0.0.1/p", "no query");
	qts_net_redact("http://127.0.0.1/p?apikey=SECRETSECRET", out, 28);
	CHECK_STR(out, "http://127.0.0.1/p?apikey=*", "cut to the buffer, never the key");

	CHECK(qts_url_escape("BRK.B ^GSPC/x", out, sizeof out) == 0, "escaped");
	CHECK_STR(out, "BRK.B%20%5EGSPC%2Fx", "unreserved kept, the rest %-encoded");
	CHECK(qts_url_escape("abcdef", out, 6) < 0, "too long for the buffer: -1");

	/* A bucket keeps to its limit in any window: a full bucket and a
	 * window's refill let burst - 1 + refill through, so the refill is
	 * limit - burst + 1, and the burst is cut to keep the refill at 3/4
	 * of the limit at least. */
	static const struct { double limit, burst, at_once, refill; } lim[] = {
		{ 1, 3, 1, 1 },      /* --rate 1/min at Stooq: one a minute */
		{ 2, 5, 1, 2 },      /* --rate 2/min at Yahoo */
		{ 5, 5, 2, 4 },      /* Alpha Vantage's 5 a minute */
		{ 20, 3, 3, 18 },    /* Stooq */
		{ 200, 10, 10, 191 },/* Alpaca */
		{ 50, 50, 13, 38 },  /* IB's 50 messages a second */
		{ 120, 0, 1, 120 },  /* no burst asked: 1 */
	};
	for (size_t i = 0; i < sizeof lim / sizeof *lim; i++) {
		qts_rate_bucket b;
		qts_rate_bucket_init(&b, lim[i].limit, QTS_NS_PER_SEC, lim[i].burst);
		double refill = b.per_ns * (double)QTS_NS_PER_SEC;
		char what[120];
		snprintf(what, sizeof what, "a limit of %g, a burst of %g: %g at once, then %g a window", lim[i].limit,
			 lim[i].burst, lim[i].at_once, lim[i].refill);
		CHECK(b.burst == lim[i].at_once && b.tokens == b.burst && fabs(refill - lim[i].refill) < 1e-9, what);
		CHECK(b.burst - 1 + refill <= lim[i].limit + 1e-9, "never past the limit in any window");
	}
	qts_rate_bucket none;
	qts_rate_bucket_init(&none, 0, 0, 5);
	CHECK(none.per_ns == 0 && qts_rate_bucket_take(&none) == 0 && qts_rate_bucket_take(&none) == 0, "a limit of 0: none");
	return tap_done();
}
