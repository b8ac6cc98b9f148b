/* Redaction of keys in URLs and %-encoding (net.c). */
#include "qts_net.h"
#include "tap.h"

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
	return tap_done();
}
