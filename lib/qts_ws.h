/* qts_ws.h — a WebSocket client (RFC 6455) for live market data (ws.c):
 * ws:// and wss://, the HTTP Upgrade handshake with a checked
 * Sec-WebSocket-Accept, text and binary messages (both handed up as text:
 * the JSON of Alpaca's trading stream comes in binary frames), ping and
 * pong, close.  Every wait
 * (connect, TLS, handshake, reads, writes) happens in the running stage's
 * loop (qts_stage_wait), so heartbeats and signals go on meanwhile.
 *
 * Internal to qts (not installed). */
#ifndef QTS_WS_H
#define QTS_WS_H

#include "qts.h"

typedef struct qts_ws qts_ws;

/* Connect to url (ws://HOST[:PORT]/PATH or wss://...), with the extra
 * request headers (NULL-terminated "Name: value" strings, never
 * printed), by the monotonic deadline (qts_loop_now ns).  NULL with err;
 * *stopping set when the stage is to stop (a signal) rather than failed. */
qts_ws *qts_ws_connect(const char *url, const char *const *headers, int64_t deadline, char *err, int *stopping);
/* Is url a ws:// or wss:// URL qts_ws_connect takes?  0, or -1 with err. */
int qts_ws_check_url(const char *url, char *err);
/* Queue a text message (sent by the next qts_ws_recv or qts_ws_flush):
 * 0, or -1 when out of memory or the connection is closing. */
int qts_ws_send_text(qts_ws *w, const char *s, size_t n);
/* Queue a ping (the server's pong counts as something heard). */
int qts_ws_ping(qts_ws *w);
/* Send what is queued, waiting until deadline: 0 sent, -1 failed (err),
 * -2 when the stage is to stop. */
int qts_ws_flush(qts_ws *w, int64_t deadline, char *err);
/* The next message, text or binary (a NUL after it), waiting until
 * deadline: 1 with *msg and *len (valid until the next call), 0 at the
 * deadline, -1 when the connection failed or was closed (err says how),
 * -2 when the stage is to stop. */
int qts_ws_recv(qts_ws *w, int64_t deadline, const char **msg, size_t *len, char *err);
/* The socket, for a caller that polls it with others (readable: call
 * qts_ws_recv). */
int qts_ws_fd(const qts_ws *w);
/* When the last frame of any kind (message, ping, pong) came, on the
 * monotonic clock. */
int64_t qts_ws_last_heard(const qts_ws *w);
/* Say goodbye (a close frame, not waited for) and free everything. */
void qts_ws_close(qts_ws *w);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key (base64 of the SHA-1 of
 * key and RFC 6455's GUID), into out (>= 29 bytes). */
void qts_ws_accept_key(const char *key, char *out);

#endif
