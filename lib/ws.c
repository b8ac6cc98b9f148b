/* ws.c — a WebSocket client over a non-blocking socket, framing by wslay.
 *
 * TLS goes through OpenSSL directly rather than libcurl's CONNECT_ONLY:
 * curl_easy_perform does the TCP and TLS handshakes in one blocking call,
 * and a live source must keep its heartbeats and answer signals while a
 * vendor is slow to connect; with OpenSSL every step (connect, TLS,
 * Upgrade, reads and writes) is non-blocking and waits in the stage's
 * loop.  Certificates are verified against the system's store (or
 * SSL_CERT_FILE / SSL_CERT_DIR) and the host name. */
#include "qts_ws.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wslay/wslay.h>

/* The largest message taken: Alpaca's are a few kB. */
#define MSG_MAX_MIB 16
#define STR_(x) #x
#define STR(x) STR_(x)
#define MSG_MAX ((unsigned)MSG_MAX_MIB << 20)
/* The largest answer to the Upgrade request. */
#define HEAD_MAX 8192

typedef struct msg {
	struct msg *next;
	size_t len;
	char text[];
} msg;

struct qts_ws {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	wslay_event_context_ptr ev;
	char *extra;             /* bytes read past the Upgrade answer */
	size_t extra_len, extra_at;
	msg *head, *tail;        /* messages received, not yet taken */
	msg *taken;              /* the one last returned */
	int eof, io_errno;
	int failed;              /* the connection ended: said when the messages before it are taken */
	unsigned long ssl_err;
	int64_t last_heard;
};

void qts_ws_accept_key(const char *key, char *out)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char md[EVP_MAX_MD_SIZE];
	char both[128];
	unsigned n = 0;
	int len = snprintf(both, sizeof both, "%.80s%s", key, guid);
	if (!EVP_Digest(both, (size_t)len, md, &n, EVP_sha1(), NULL))
		n = 0;
	EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

/* ---- bytes, without blocking ----------------------------------------------- */

/* > 0 bytes, 0 would block (*want says for what), -1 failed or ended. */
static ssize_t raw_read(qts_ws *w, void *buf, size_t n, short *want)
{
	*want = POLLIN;
	if (w->extra_at < w->extra_len) {
		size_t k = w->extra_len - w->extra_at < n ? w->extra_len - w->extra_at : n;
		memcpy(buf, w->extra + w->extra_at, k);
		w->extra_at += k;
		return (ssize_t)k;
	}
	if (w->ssl) {
		ERR_clear_error();
		int r = SSL_read(w->ssl, buf, n > 0x40000000 ? 0x40000000 : (int)n);
		if (r > 0)
			return r;
		int e = SSL_get_error(w->ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			return 0;
		if (e == SSL_ERROR_WANT_WRITE) {
			*want = POLLOUT;
			return 0;
		}
		if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0))
			w->eof = 1;
		else if (e == SSL_ERROR_SYSCALL)
			w->io_errno = errno ? errno : ECONNRESET;
		else
			w->ssl_err = ERR_peek_error();
		if (!w->ssl_err && !w->io_errno)
			w->eof = 1;
		return -1;
	}
	ssize_t r = recv(w->fd, buf, n, 0);
	if (r > 0)
		return r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (r == 0)
		w->eof = 1;
	else
		w->io_errno = errno;
	return -1;
}

static ssize_t raw_write(qts_ws *w, const void *buf, size_t n, short *want)
{
	*want = POLLOUT;
	if (w->ssl) {
		ERR_clear_error();
		int r = SSL_write(w->ssl, buf, n > 0x40000000 ? 0x40000000 : (int)n);
		if (r > 0)
			return r;
		int e = SSL_get_error(w->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE)
			return 0;
		if (e == SSL_ERROR_WANT_READ) {
			*want = POLLIN;
			return 0;
		}
		if (e == SSL_ERROR_SYSCALL)
			w->io_errno = errno ? errno : EPIPE;
		else
			w->ssl_err = ERR_peek_error();
		return -1;
	}
	ssize_t r = send(w->fd, buf, n, MSG_NOSIGNAL);
	if (r >= 0)
		return r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	w->io_errno = errno;
	return -1;
}

/* Why the connection failed, into err. */
static void io_error(const qts_ws *w, const char *doing, char *err)
{
	if (w->ssl_err) {
		char e[200];
		ERR_error_string_n(w->ssl_err, e, sizeof e);
		snprintf(err, QTS_ERR_MAX, "%s: TLS: %s", doing, e);
	} else if (w->io_errno)
		snprintf(err, QTS_ERR_MAX, "%s: %s", doing, strerror(w->io_errno));
	else
		snprintf(err, QTS_ERR_MAX, "%s: the server closed the connection", doing);
}

/* Wait in the stage's loop: 0 ready, -1 deadline (err), -2 stopping. */
static int wait_fd(qts_ws *w, short events, int64_t deadline, const char *doing, char *err)
{
	int r = qts_stage_wait(w->fd, events, deadline);
	if (r < 0)
		return -2;
	if (r == 0) {
		snprintf(err, QTS_ERR_MAX, "%s: timed out", doing);
		return -1;
	}
	return 0;
}

static int write_all(qts_ws *w, const char *p, size_t n, int64_t deadline, const char *doing, char *err)
{
	while (n) {
		short want;
		ssize_t k = raw_write(w, p, n, &want);
		if (k < 0) {
			io_error(w, doing, err);
			return -1;
		}
		if (k == 0) {
			int r = wait_fd(w, want, deadline, doing, err);
			if (r < 0)
				return r;
			continue;
		}
		p += k, n -= (size_t)k;
	}
	return 0;
}

/* ---- wslay's callbacks ----------------------------------------------------- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *arg)
{
	(void)flags;
	short want;
	ssize_t r = raw_read(arg, buf, len, &want);
	if (r == 0)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else if (r < 0)
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return r > 0 ? r : -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *arg)
{
	(void)flags;
	short want;
	ssize_t r = raw_write(arg, data, len, &want);
	if (r == 0)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else if (r < 0)
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return r > 0 ? r : -1;
}

static int on_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *arg)
{
	(void)arg;
	if (RAND_bytes(buf, (int)len) != 1) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return 0;
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a, void *arg)
{
	qts_ws *w = arg;
	w->last_heard = qts_loop_now();
	/* Pings are answered by wslay.  Binary messages go up as text does:
	 * Alpaca's trade_updates stream sends its JSON in binary frames. */
	if (a->opcode != WSLAY_TEXT_FRAME && a->opcode != WSLAY_BINARY_FRAME)
		return;
	msg *m = malloc(sizeof *m + a->msg_length + 1);
	if (!m) {
		wslay_event_set_error(ctx, WSLAY_ERR_NOMEM);
		return;
	}
	m->next = NULL;
	m->len = a->msg_length;
	memcpy(m->text, a->msg, a->msg_length);
	m->text[a->msg_length] = '\0';
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
}

/* ---- connecting ------------------------------------------------------------- */

typedef struct url_parts {
	int tls;
	char host[256], port[8], path[1024];
} url_parts;

static int parse_url(const char *url, url_parts *u, char *err)
{
	const char *p;
	if (strncasecmp(url, "ws://", 5) == 0)
		u->tls = 0, p = url + 5;
	else if (strncasecmp(url, "wss://", 6) == 0)
		u->tls = 1, p = url + 6;
	else {
		snprintf(err, QTS_ERR_MAX, "%.200s: not a ws:// or wss:// URL", url);
		return -1;
	}
	size_t hlen = strcspn(p, ":/?#");
	const char *rest = p + hlen;
	if (!hlen || hlen >= sizeof u->host) {
		snprintf(err, QTS_ERR_MAX, "%.200s: no host", url);
		return -1;
	}
	memcpy(u->host, p, hlen);
	u->host[hlen] = '\0';
	strcpy(u->port, u->tls ? "443" : "80");
	if (*rest == ':') {
		size_t plen = strspn(rest + 1, "0123456789");
		if (!plen || plen >= sizeof u->port || (rest[1 + plen] && !strchr("/?#", rest[1 + plen]))) {
			snprintf(err, QTS_ERR_MAX, "%.200s: not a port", url);
			return -1;
		}
		memcpy(u->port, rest + 1, plen);
		u->port[plen] = '\0';
		rest += 1 + plen;
	}
	size_t rlen = strcspn(rest, "#");
	if (rlen + 2 > sizeof u->path) {
		snprintf(err, QTS_ERR_MAX, "%.200s: the path is too long", url);
		return -1;
	}
	snprintf(u->path, sizeof u->path, "%s%.*s", *rest == '/' ? "" : "/", (int)rlen, rest);
	return 0;
}

int qts_ws_check_url(const char *url, char *err)
{
	url_parts u;
	return parse_url(url, &u, err);
}

static int tcp_connect(qts_ws *w, const url_parts *u, int64_t deadline, char *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *a;
	int g = getaddrinfo(u->host, u->port, &hints, &res);
	if (g) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", u->host, gai_strerror(g));
		return -1;
	}
	int rc = -1;
	err[0] = '\0';
	for (a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		w->fd = fd;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			rc = 0;
		else if (errno == EINPROGRESS) {
			int r = wait_fd(w, POLLOUT, deadline, "connect", err);
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			if (r == -2) {
				rc = -2;
				break;
			}
			if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
				rc = 0;
			else if (r == 0)
				snprintf(err, QTS_ERR_MAX, "connect: %s", strerror(soerr ? soerr : errno));
		} else
			snprintf(err, QTS_ERR_MAX, "connect: %s", strerror(errno));
		if (rc == 0)
			break;
		close(fd);
		w->fd = -1;
	}
	freeaddrinfo(res);
	if (rc == -1 && !err[0])
		snprintf(err, QTS_ERR_MAX, "connect: no address");
	return rc;
}

static int tls_connect(qts_ws *w, const url_parts *u, int64_t deadline, char *err)
{
	if (!(w->ctx = SSL_CTX_new(TLS_client_method())) || !(w->ssl = SSL_new(w->ctx))) {
		snprintf(err, QTS_ERR_MAX, "TLS: out of memory");
		return -1;
	}
	SSL_CTX_set_default_verify_paths(w->ctx);
	SSL_set_verify(w->ssl, SSL_VERIFY_PEER, NULL);
	SSL_set_tlsext_host_name(w->ssl, u->host);
	SSL_set1_host(w->ssl, u->host);
	SSL_set_fd(w->ssl, w->fd);
	for (;;) {
		ERR_clear_error();
		int r = SSL_connect(w->ssl);
		if (r == 1)
			return 0;
		int e = SSL_get_error(w->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			int wr = wait_fd(w, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, "TLS handshake", err);
			if (wr < 0)
				return wr;
			continue;
		}
		long v = SSL_get_verify_result(w->ssl);
		if (v != X509_V_OK)
			snprintf(err, QTS_ERR_MAX, "TLS handshake: the certificate: %s", X509_verify_cert_error_string(v));
		else {
			w->ssl_err = ERR_peek_error();
			w->io_errno = e == SSL_ERROR_SYSCALL ? (errno ? errno : ECONNRESET) : 0;
			io_error(w, "TLS handshake", err);
		}
		return -1;
	}
}

/* The value of header name in the answer head (NUL-terminated lines), or
 * NULL. */
static const char *header(char *head, const char *name, char *val, size_t vlen)
{
	size_t nlen = strlen(name);
	for (char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
		char *l = line + 2;
		if (strncasecmp(l, name, nlen) == 0 && l[nlen] == ':') {
			const char *v = l + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t n = strcspn(v, "\r\n");
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			snprintf(val, vlen, "%.*s", (int)n, v);
			return val;
		}
	}
	return NULL;
}

static int upgrade(qts_ws *w, const url_parts *u, const char *const *headers, int64_t deadline, char *err)
{
	unsigned char nonce[16];
	char key[32], want[32], req[4096], got[64];
	if (RAND_bytes(nonce, sizeof nonce) != 1) {
		snprintf(err, QTS_ERR_MAX, "no random bytes for the key");
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)key, nonce, sizeof nonce);
	qts_ws_accept_key(key, want);
	int default_port = strcmp(u->port, u->tls ? "443" : "80") == 0;
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nUpgrade: websocket\r\n"
			 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
			 "User-Agent: qts/" QTS_VERSION "\r\n", u->path, u->host, default_port ? "" : ":",
			 default_port ? "" : u->port, key);
	for (size_t i = 0; headers && headers[i] && n > 0 && (size_t)n < sizeof req; i++)
		n += snprintf(req + n, sizeof req - (size_t)n, "%s\r\n", headers[i]);
	if (n > 0 && (size_t)n < sizeof req)
		n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
	if (n <= 0 || (size_t)n >= sizeof req) {
		snprintf(err, QTS_ERR_MAX, "the Upgrade request is too long");
		return -1;
	}
	int r = write_all(w, req, (size_t)n, deadline, "the Upgrade request", err);
	explicit_bzero(req, sizeof req); /* it may hold keys */
	if (r < 0)
		return r;
	char *head = malloc(HEAD_MAX + 1);
	size_t len = 0;
	char *end = NULL;
	if (!head) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	while (!end) {
		short wnt;
		if (len == HEAD_MAX) {
			snprintf(err, QTS_ERR_MAX, "the answer to the Upgrade request is longer than %d bytes", HEAD_MAX);
			free(head);
			return -1;
		}
		ssize_t k = raw_read(w, head + len, HEAD_MAX - len, &wnt);
		if (k < 0) {
			io_error(w, "the Upgrade answer", err);
			free(head);
			return -1;
		}
		if (k == 0) {
			if ((r = wait_fd(w, wnt, deadline, "the Upgrade answer", err)) < 0) {
				free(head);
				return r;
			}
			continue;
		}
		len += (size_t)k;
		head[len] = '\0';
		end = strstr(head, "\r\n\r\n");
	}
	size_t hlen = (size_t)(end - head) + 4;
	if (len > hlen) { /* frames sent at once after the answer */
		if (!(w->extra = malloc(len - hlen))) {
			free(head);
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		memcpy(w->extra, head + hlen, len - hlen);
		w->extra_len = len - hlen;
	}
	end[2] = '\0';
	int status = 0;
	if (sscanf(head, "HTTP/1.%*[01] %d", &status) != 1 || status != 101) {
		snprintf(err, QTS_ERR_MAX, "the server refused the Upgrade: %.*s", (int)strcspn(head, "\r\n"), head);
		free(head);
		return -1;
	}
	if (!header(head, "Sec-WebSocket-Accept", got, sizeof got) || strcmp(got, want) != 0) {
		snprintf(err, QTS_ERR_MAX, "the server's Sec-WebSocket-Accept is %s (not %s): not a WebSocket server",
			 header(head, "Sec-WebSocket-Accept", got, sizeof got) ? got : "missing", want);
		free(head);
		return -1;
	}
	free(head);
	return 0;
}

qts_ws *qts_ws_connect(const char *url, const char *const *headers, int64_t deadline, char *err, int *stopping)
{
	url_parts u;
	*stopping = 0;
	if (parse_url(url, &u, err) < 0)
		return NULL;
	qts_ws *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	w->fd = -1;
	int r = tcp_connect(w, &u, deadline, err);
	if (r == 0 && u.tls)
		r = tls_connect(w, &u, deadline, err);
	if (r == 0)
		r = upgrade(w, &u, headers, deadline, err);
	static const struct wslay_event_callbacks cb = { on_recv, on_send, on_genmask, NULL, NULL, NULL, on_msg };
	if (r == 0 && wslay_event_context_client_init(&w->ev, &cb, w) != 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		r = -1;
	}
	if (r < 0) {
		*stopping = r == -2;
		w->ev = NULL;
		qts_ws_close(w);
		return NULL;
	}
	wslay_event_config_set_max_recv_msg_length(w->ev, MSG_MAX);
	w->last_heard = qts_loop_now();
	return w;
}

/* ---- messages ------------------------------------------------------------- */

int qts_ws_send_text(qts_ws *w, const char *s, size_t n)
{
	struct wslay_event_msg m = { WSLAY_TEXT_FRAME, (const uint8_t *)s, n };
	return wslay_event_queue_msg(w->ev, &m) == 0 ? 0 : -1;
}

int qts_ws_ping(qts_ws *w)
{
	struct wslay_event_msg m = { WSLAY_PING, (const uint8_t *)"qts", 3 };
	return wslay_event_queue_msg(w->ev, &m) == 0 ? 0 : -1;
}

int qts_ws_fd(const qts_ws *w)
{
	return w->fd;
}

int64_t qts_ws_last_heard(const qts_ws *w)
{
	return w->last_heard;
}

/* What qts refused of the server when it closed the stream itself. */
static const char *refused(unsigned code)
{
	switch (code) {
	case WSLAY_CODE_PROTOCOL_ERROR:
		return "a frame that breaks the protocol (reserved bits, opcode, masking or fragments)";
	case WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA:
		return "a text message that is not UTF-8";
	case WSLAY_CODE_MESSAGE_TOO_BIG:
		return "a message larger than " STR(MSG_MAX_MIB) " MiB";
	default:
		return NULL;
	}
}

static void closed(qts_ws *w, char *err)
{
	unsigned sent = wslay_event_get_close_sent(w->ev) ? wslay_event_get_status_code_sent(w->ev) : 0;
	/* wslay answers a frame it refuses with a close of its own: the
	 * server's hanging up after it is not the cause */
	if (!wslay_event_get_close_received(w->ev) && refused(sent)) {
		snprintf(err, QTS_ERR_MAX, "qts closed the stream (code %u): the server sent %s", sent, refused(sent));
		return;
	}
	if (wslay_event_get_close_received(w->ev)) {
		unsigned code = wslay_event_get_status_code_received(w->ev);
		snprintf(err, QTS_ERR_MAX, "the server closed the stream (code %u)", code);
	} else
		io_error(w, "the stream", err);
}

int qts_ws_flush(qts_ws *w, int64_t deadline, char *err)
{
	while (wslay_event_want_write(w->ev)) {
		if (wslay_event_send(w->ev) != 0) {
			closed(w, err);
			return -1;
		}
		if (!wslay_event_want_write(w->ev))
			break;
		int r = wait_fd(w, POLLOUT, deadline, "sending", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int qts_ws_recv(qts_ws *w, int64_t deadline, const char **text, size_t *len, char *err)
{
	free(w->taken);
	w->taken = NULL;
	for (;;) {
		if (w->head) {
			msg *m = w->head;
			if (!(w->head = m->next))
				w->tail = NULL;
			w->taken = m;
			*text = m->text;
			*len = m->len;
			return 1;
		}
		if (w->failed) {
			closed(w, err);
			return -1;
		}
		/* A write that fails does not end the reading: what the server
		 * said before it hung up (its error message) is taken first. */
		int send_failed = wslay_event_want_write(w->ev) && wslay_event_send(w->ev) != 0;
		if (!wslay_event_want_read(w->ev) || wslay_event_recv(w->ev) != 0)
			w->failed = 1; /* the messages that came before the end go out first */
		if (w->head || w->failed)
			continue;
		if (send_failed) {
			w->failed = 1;
			continue;
		}
		if (!wslay_event_want_read(w->ev))
			continue; /* a close came: answered above, then said */
		short events = POLLIN | (wslay_event_want_write(w->ev) ? POLLOUT : 0);
		int r = qts_stage_wait(w->fd, events, deadline);
		if (r < 0)
			return -2;
		if (r == 0)
			return 0;
	}
}

void qts_ws_close(qts_ws *w)
{
	if (!w)
		return;
	if (w->ev) {
		/* goodbye, if the socket takes it at once */
		if (!wslay_event_get_close_sent(w->ev) && wslay_event_get_write_enabled(w->ev))
			wslay_event_queue_close(w->ev, 1000, NULL, 0);
		if (!w->eof && !w->io_errno && !w->ssl_err)
			wslay_event_send(w->ev);
		wslay_event_context_free(w->ev);
	}
	if (w->ssl) {
		if (!w->eof && !w->io_errno && !w->ssl_err)
			SSL_shutdown(w->ssl);
		SSL_free(w->ssl);
	}
	SSL_CTX_free(w->ctx);
	if (w->fd >= 0)
		close(w->fd);
	for (msg *m = w->head, *next; m; m = next) {
		next = m->next;
		free(m);
	}
	free(w->taken);
	free(w->extra);
	free(w);
}
