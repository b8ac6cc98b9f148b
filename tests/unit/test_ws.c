/* The WebSocket handshake's accept key (ws.c), and URLs it refuses. */
#include "qts_ws.h"
#include "tap.h"

int main(void)
{
	char out[32], err[QTS_ERR_MAX];
	int stopping;
	/* RFC 6455, section 1.3: the sample nonce and its accept value. */
	qts_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out);
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "RFC 6455's example");
	CHECK(!qts_ws_connect("http://127.0.0.1/", NULL, -1, err, &stopping) && !stopping, "http:// refused");
	CHECK_STR(err, "http://127.0.0.1/: not a ws:// or wss:// URL", "and said");
	CHECK(!qts_ws_connect("ws://127.0.0.1:x/", NULL, -1, err, &stopping), "a bad port refused");
	CHECK_STR(err, "ws://127.0.0.1:x/: not a port", "and said");
	CHECK(!qts_ws_connect("ws:///v2/iex", NULL, -1, err, &stopping), "no host refused");
	CHECK_STR(err, "ws:///v2/iex: no host", "and said");
	return tap_done();
}
