/* bus_pub.c — `qts-bus pub SUBJECT [FILE...]`: the events of its input
 * published to a NATS subject, one event a message.
 *
 * With JetStream, messages go out asynchronously in windows of up to
 * WINDOW; a window is done when the server has acknowledged every one of
 * them.  Anything short of that (a timeout, an error, the server gone)
 * sends the whole window again, one by one, waiting for each
 * acknowledgement and retrying with backoff: the server drops what it
 * already holds by the message id, PREFIX-N-HASH, N the event's number in
 * the input and HASH a hash chained over the encoded events up to it.  A
 * publisher that starts again over the same input so makes the same ids,
 * and the stream holds each event once (within the stream's duplicate
 * window); another input makes other ids.
 *
 * At the end of a whole input a message with the header Qts-End (and the
 * id PREFIX-end-N-HASH) tells subscribers that the stream is complete. */
#include "qts_bus.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 256
/* How long a window's acknowledgements are waited for before it is sent
 * again (ms); a wait that also bounds how late a signal is seen. */
#define ACK_WAIT_MS 1000

/* Not static: qts-bus --help prints it with sub's, every option on one page. */
const char qts_bus_pub_usage[] =
	"usage: qts-bus pub [options] SUBJECT [FILE...]\n"
	"Publish the events of FILE (or standard input) to the NATS subject SUBJECT (qts-bus(1)).\n"
	"      --server URL         the NATS server (nats://127.0.0.1:4222)\n"
	"      --stream NAME        the JetStream stream (QTS_ and the subject, made when missing)\n"
	"      --id PREFIX          the message ids' prefix (the subject)\n"
	"      --dedup-window DURATION  a new stream's duplicate window (the server's: 2m)\n"
	"      --no-end             publish no end-of-stream message at the end of the input\n"
	"      --core               core NATS: no JetStream, no acknowledgements\n"
	"      --retries N|forever  attempts after a failure before giving up (forever)\n"
	"      --metrics FILE       Prometheus metrics of the stage in FILE, each second\n"
	"  -h, --help               this help\n"
	"      --version            print the version\n";
static const char *const usage = qts_bus_pub_usage;

typedef struct slot {
	char *data;
	size_t len, cap;
	char id[QTS_ID_MAX + 64];
} slot;

typedef struct pub {
	qts_bus bus;
	const char *subject, *stream, *prefix;
	int64_t dedup;
	int core, no_end, ready, in_settle;
	slot win[WINDOW];
	size_t nwin;
	uint64_t n, chain;        /* events put; the hash chained over them */
	uint64_t published, confirmed, resent, duplicates;
	atomic_uint async_failed;
	char err[QTS_ERR_MAX];
} pub;

/* FNV-1a over bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void said(pub *p, const char *what, natsStatus s, jsErrCode jerr)
{
	char why[400];
	qts_bus_why(s, jerr, why, sizeof why);
	qts_bus_err(p->err, "%s: %s %s: %s", p->bus.shown, p->subject, what, why);
}

/* The first event (or the end) connects: an empty input still says
 * whether the server is there. */
static int ready(pub *p)
{
	if (p->ready)
		return 0;
	if (qts_bus_connect(&p->bus, p->core, p->err) < 0 ||
	    (!p->core && qts_bus_ensure_stream(&p->bus, p->stream, p->subject, p->dedup, p->err) < 0))
		return -1;
	p->ready = 1;
	return 0;
}

/* One message, its acknowledgement waited for, retried with backoff
 * while the failure may pass; the same id each time. */
static int publish_sync(pub *p, const void *data, size_t len, const char *id, int end)
{
	for (;;) {
		natsMsg *m = NULL;
		jsPubAck *ack = NULL;
		jsErrCode jerr = 0;
		natsStatus s = natsMsg_Create(&m, p->subject, NULL, data, (int)len);
		if (s == NATS_OK && end)
			s = natsMsgHeader_Set(m, QTS_BUS_END_HEADER, "1");
		if (s == NATS_OK) {
			if (p->core) {
				s = natsConnection_PublishMsg(p->bus.nc, m);
			} else {
				jsPubOptions po;
				jsPubOptions_Init(&po);
				po.MsgId = id;
				po.MaxWait = ACK_WAIT_MS;
				s = js_PublishMsg(&ack, p->bus.js, m, &po, &jerr);
			}
		}
		natsMsg_Destroy(m);
		if (s == NATS_OK) {
			if (ack && ack->Duplicate)
				p->duplicates++;
			jsPubAck_Destroy(ack);
			qts_bus_ok(&p->bus);
			return 0;
		}
		if (qts_bus_report(&p->bus, p->err) < 0)
			return -1;
		if (!qts_bus_transient(s, jerr)) {
			said(p, "publish", s, jerr);
			return -1;
		}
		if (qts_bus_retry(&p->bus, "publish", s, jerr, p->err) < 0)
			return -1;
	}
}

static void on_async_error(jsCtx *js, jsPubAckErr *pae, void *arg)
{
	(void)js, (void)pae;
	atomic_fetch_add(&((pub *)arg)->async_failed, 1);
}

/* The window is done when every acknowledgement is in; else it all goes
 * again, one by one (the server drops what it has by id). */
static int settle(pub *p)
{
	if (p->core || !p->nwin || p->in_settle)
		return 0;
	p->in_settle = 1;
	jsPubOptions po;
	jsPubOptions_Init(&po);
	po.MaxWait = ACK_WAIT_MS;
	natsStatus s = js_PublishAsyncComplete(p->bus.js, &po);
	int rc = 0;
	if (s != NATS_OK || atomic_load(&p->async_failed)) {
		natsMsgList pending;
		if (js_PublishAsyncGetPendingList(&pending, p->bus.js) == NATS_OK)
			natsMsgList_Destroy(&pending);
		atomic_store(&p->async_failed, 0);
		for (size_t i = 0; i < p->nwin && rc == 0; i++) {
			rc = publish_sync(p, p->win[i].data, p->win[i].len, p->win[i].id, 0);
			p->resent += rc == 0;
		}
	}
	if (rc == 0) {
		p->confirmed += p->nwin;
		p->nwin = 0;
	}
	p->in_settle = 0;
	return rc;
}

static int pub_put(void *eng, const qts_event *ev)
{
	pub *p = eng;
	if (ready(p) < 0)
		return -1;
	slot *sl = &p->win[p->nwin];
	size_t n = qts_event_to_msgpack(ev, sl->data, sl->cap);
	if (n > sl->cap) {
		char *d = realloc(sl->data, n);
		if (!d) {
			QTS_SET(p->err, "out of memory");
			return -1;
		}
		sl->data = d;
		sl->cap = n;
		n = qts_event_to_msgpack(ev, sl->data, sl->cap);
	}
	if (!n) {
		QTS_SET(p->err, "out of memory");
		return -1;
	}
	sl->len = n;
	p->n++;
	p->chain = fnv(p->chain, sl->data, n);
	snprintf(sl->id, sizeof sl->id, "%s-%llu-%016llx", p->prefix, (unsigned long long)p->n,
		 (unsigned long long)p->chain);
	p->published++;
	if (p->core)
		return publish_sync(p, sl->data, n, NULL, 0);
	p->nwin++;
	jsPubOptions po;
	jsPubOptions_Init(&po);
	po.MsgId = sl->id;
	natsStatus s = js_PublishAsync(p->bus.js, p->subject, sl->data, (int)n, &po);
	if (s != NATS_OK)
		atomic_fetch_add(&p->async_failed, 1); /* settle sends it again */
	if (qts_bus_report(&p->bus, p->err) < 0)
		return -1;
	return p->nwin == WINDOW || s != NATS_OK ? settle(p) : 0;
}

/* The input paused: what was sent is confirmed now, not at the next
 * window, so that a live stream's events are safe as they come. */
static int pub_tick(void *eng, int64_t now, int idle)
{
	pub *p = eng;
	(void)now, (void)idle;
	if (!p->ready)
		return 0;
	if (qts_bus_report(&p->bus, p->err) < 0)
		return -1;
	return settle(p);
}

static int pub_finish(void *eng)
{
	pub *p = eng;
	if (ready(p) < 0 || settle(p) < 0)
		return -1;
	if (!p->no_end) {
		char id[QTS_ID_MAX + 64];
		snprintf(id, sizeof id, "%s-end-%llu-%016llx", p->prefix, (unsigned long long)p->n,
			 (unsigned long long)p->chain);
		if (publish_sync(p, NULL, 0, id, 1) < 0)
			return -1;
	}
	if (p->core && natsConnection_FlushTimeout(p->bus.nc, 5000) != NATS_OK) {
		qts_bus_err(p->err, "%s: %s: the server did not confirm the last messages", p->bus.shown,
			 p->subject);
		return -1;
	}
	return 0;
}

static const char *pub_error(void *eng)
{
	pub *p = eng;
	if (!p->err[0] && qts_interrupted)
		return ""; /* stopped by a signal, which the exit status says */
	return p->err[0] ? p->err : NULL;
}

static void pub_counts(void *eng, char *buf, size_t size)
{
	pub *p = eng;
	snprintf(buf, size, "published=%llu confirmed=%llu resent=%llu duplicates=%llu",
		 (unsigned long long)p->published, (unsigned long long)p->confirmed, (unsigned long long)p->resent,
		 (unsigned long long)p->duplicates);
}

static void pub_free(void *eng)
{
	pub *p = eng;
	if (p->ready && !p->core && p->nwin) {
		/* stopped (a signal, an error): what is in flight gets a last
		 * chance; a publisher started again sends the rest */
		jsPubOptions po;
		jsPubOptions_Init(&po);
		po.MaxWait = ACK_WAIT_MS;
		js_PublishAsyncComplete(p->bus.js, &po);
	}
	qts_bus_close(&p->bus);
	for (size_t i = 0; i < WINDOW; i++)
		free(p->win[i].data);
	free(p);
}

static const qts_stage_ops pub_ops = {
	.put = pub_put,
	.tick = pub_tick,
	.finish = pub_finish,
	.error = pub_error,
	.counts = pub_counts,
	.free = pub_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	enum { OPT_SERVER = 256, OPT_STREAM, OPT_ID, OPT_DEDUP, OPT_NO_END, OPT_CORE, OPT_RETRIES, OPT_VERSION };
	static const struct option longs[] = {
		{ "server", required_argument, NULL, OPT_SERVER }, { "stream", required_argument, NULL, OPT_STREAM },
		{ "id", required_argument, NULL, OPT_ID }, { "dedup-window", required_argument, NULL, OPT_DEDUP },
		{ "no-end", no_argument, NULL, OPT_NO_END }, { "core", no_argument, NULL, OPT_CORE },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "metrics", required_argument, NULL, QTS_OPT_METRICS },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	(void)emit, (void)arg;
	pub *p = calloc(1, sizeof *p);
	if (!p)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	/* held by the caller's stage at once: a usage error below exits without
	 * freeing it, and the leak checker must still find it reachable */
	st->eng = p;
	qts_stage_conf conf = { 0 };
	const char *server = QTS_BUS_DEFAULT_URL;
	long retries = -1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1)
		switch (c) {
		case OPT_SERVER:
			if (!*optarg)
				qts_usage_error(usage, "--server: an empty URL");
			server = optarg;
			break;
		case OPT_STREAM:
			if (!*optarg || strpbrk(optarg, ".*> \t\r\n/\\"))
				qts_usage_error(usage, "--stream: '%s' is not a stream name (no dots, wildcards, "
					"blanks or slashes)", optarg);
			p->stream = optarg;
			break;
		case OPT_ID:
			if (!*optarg || strlen(optarg) > QTS_ID_MAX)
				qts_usage_error(usage, "--id: a prefix of 1 to %d bytes", QTS_ID_MAX);
			p->prefix = optarg;
			break;
		case OPT_DEDUP:
			if (qts_duration_parse(optarg, &p->dedup) < 0 || p->dedup <= 0)
				qts_usage_error(usage, "--dedup-window: '%s' is not a positive duration (2m, 1h)", optarg);
			break;
		case OPT_NO_END: p->no_end = 1; break;
		case OPT_CORE: p->core = 1; break;
		case OPT_RETRIES: retries = qts_bus_parse_retries(optarg, usage); break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &conf, usage))
				qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no SUBJECT given");
	p->subject = argv[optind++];
	if (!qts_bus_subject_ok(p->subject, 0))
		qts_usage_error(usage, "'%s' is not a subject to publish to (tokens separated by dots, no blanks "
			"or wildcards)", p->subject);
	if (p->core && (p->stream || p->dedup))
		qts_usage_error(usage, "--core: no JetStream, so no --stream or --dedup-window");
	if (!p->prefix)
		p->prefix = p->subject;
	p->chain = 14695981039346656037ULL;
	qts_bus_init(&p->bus, server, retries);
	p->bus.on_pub_error = on_async_error;
	p->bus.on_pub_error_arg = p;
	conf.files = argv + optind;
	conf.nfiles = (size_t)(argc - optind);
	conf.no_events = 1; /* a sink: the events go to the server */
	st->name = "qts-bus-pub";
	st->ops = &pub_ops;
	st->eng = p;
	st->conf = conf;
}

static const qts_stage_def bus_pub_stage = { "qts-bus-pub", build };

int qts_bus_pub_main(int argc, char **argv)
{
	argv[0] = (char *)(qts_progname = "qts-bus pub"); /* and getopt's messages */
	qts_stage st = { 0 };
	qts_runtime *r = qts_runtime_new();
	bus_pub_stage.build(&st, argc, argv, qts_runtime_emit, r);
	return qts_runtime_run(r, &st);
}
