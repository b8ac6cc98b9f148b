/* qts_bus.h — qts-bus pub|sub: an event stream bridged to NATS
 * (libnats, the C client), so that stages on different machines exchange
 * events through subjects.  With JetStream (the default) a stream on the
 * server keeps the events: publishes carry a message id that the server
 * deduplicates on, subscribers read through a consumer (durable with
 * --durable) and acknowledge what they have written downstream; core NATS
 * (--core) is fire and forget.
 *
 * On the wire each message is one event, encoded as qts's msgpack record
 * (exact numbers, nothing to parse); a message with the header Qts-End and
 * no body marks the end of a publisher's input.
 *
 * Internal to qts (not installed). */
#ifndef QTS_BUS_H
#define QTS_BUS_H

#include "qts.h"

#include <nats/nats.h>
#include <stdatomic.h>

/* The header that marks the end of a publisher's input. */
#define QTS_BUS_END_HEADER "Qts-End"

/* A connection to a NATS server and, unless core, its JetStream context. */
typedef struct qts_bus {
	natsConnection *nc;
	jsCtx *js;
	natsOptions *opts;
	char url[512];      /* as given, for libnats */
	char shown[512];    /* for messages: user and password masked */
	long retries;       /* attempts after a failure before giving up; -1: forever */
	int64_t base, cap;  /* backoff, ns */
	uint64_t rng;       /* the main thread's jitter */
	uint64_t rng_nats;  /* libnats' reconnecting thread's */
	/* Counted by libnats' threads, said by the main one (qts_bus_report). */
	atomic_uint disconnects, reconnects, closed;
	unsigned said_disconnects, said_reconnects;
	int said_down;  /* a disconnection said, its reconnection not yet */
	int said_ahead; /* a reconnection said before libnats' callback counted it */
	int failing;        /* a failure has been said and not yet its end */
	int attempt;        /* failed attempts in a row */
	/* Called by libnats' thread for a failed asynchronous publish. */
	jsPubAckErrHandler on_pub_error;
	void *on_pub_error_arg;
} qts_bus;

/* The default server: NATS's own default port on this machine. */
#define QTS_BUS_DEFAULT_URL "nats://127.0.0.1:4222"

/* Set up b for url (not connected yet); retries as --retries. */
void qts_bus_init(qts_bus *b, const char *url, long retries);
/* Connect (and make the JetStream context unless core), retrying a server
 * that does not answer with backoff in the stage's loop, and saying so:
 * 0, or -1 with why in err (empty when interrupted). */
int qts_bus_connect(qts_bus *b, int core, char *err);
/* The JetStream stream that holds subject: stream (NULL: the name made of
 * the subject by qts_bus_stream_name) is made when it does not exist,
 * with a duplicate window of dedup ns (0: the server's, 2 minutes).
 * 0, or -1 with err. */
int qts_bus_ensure_stream(qts_bus *b, const char *stream, const char *subject, int64_t dedup, char *err);
/* QTS_ + the subject in capitals, its dots, wildcards and other bytes
 * that a stream name cannot hold made `_`. */
void qts_bus_stream_name(const char *subject, char *out, size_t size);
/* Is subject a valid NATS subject (tokens separated by dots, no blanks;
 * wildcards * and > only when wild)?  1 or 0. */
int qts_bus_subject_ok(const char *subject, int wild);
/* What libnats said about status s (and the JetStream error code jerr
 * when not 0), for a message. */
void qts_bus_why(natsStatus s, jsErrCode jerr, char *out, size_t size);
/* May status s pass once the server is back (a timeout, no server, no
 * responders while JetStream starts)?  1 or 0. */
int qts_bus_transient(natsStatus s, jsErrCode jerr);
/* After a transient failure of what (`publish`, `fetch`): say it (once
 * an outage), wait the backoff in the stage's loop, count the attempt.
 * 0 to try again; -1 when the retries are spent (err says so) or the
 * stage is to stop (err empty). */
int qts_bus_retry(qts_bus *b, const char *what, natsStatus s, jsErrCode jerr, char *err);
/* A success after failures: say that it works again. */
void qts_bus_ok(qts_bus *b);
/* Say what libnats' threads saw since the last call (disconnected,
 * reconnected); 0, or -1 with err when the connection is closed for good. */
int qts_bus_report(qts_bus *b, char *err);
/* A message into err (QTS_ERR_MAX bytes), cut short when too long. */
void qts_bus_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Close and free (the connection is flushed first). */
void qts_bus_close(qts_bus *b);

/* qts-bus's main after --help and --version (bus_main.c): pub or sub. */
int qts_bus_main(int argc, char **argv);
/* The usages of qts-bus and of its two commands; qts-bus --help prints
 * all three, so that one page lists every option. */
extern const char qts_bus_usage[], qts_bus_pub_usage[], qts_bus_sub_usage[];
/* The two stages (bus_pub.c, bus_sub.c), run by qts_bus_main. */
int qts_bus_pub_main(int argc, char **argv);
int qts_bus_sub_main(int argc, char **argv);
/* Parse --retries's value (a count, or `forever`): exits 2 when bad. */
long qts_bus_parse_retries(const char *s, const char *usage);

#endif
