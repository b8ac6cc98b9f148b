/* bus_sub.c — `qts-bus sub SUBJECT`: the events published to a NATS
 * subject, as a stream on standard output.
 *
 * With JetStream it reads through a pull consumer (durable with
 * --durable) in batches, in the stream's order (one stream, one reader:
 * the order of every symbol is the publisher's).  A batch is acknowledged
 * (AckAll: its last message stands for all) only once every event of it
 * is written downstream and flushed, so a subscriber that dies loses
 * nothing: what was not acknowledged comes again.
 *
 * Resuming: a durable consumer keeps its place on the server.  Where it
 * had delivered messages not yet acknowledged (a subscriber killed), the
 * server would send them again only after the ack wait, and after newer
 * ones; the consumer is made again from its acknowledged floor instead,
 * so the stream goes on in order from the first event not known written.
 * Events written but not acknowledged when a subscriber died are written
 * again then: at least once (order ids make a repeated order harmless).
 *
 * The message with the header Qts-End ends the output (exit 0). */
#include "qts_bus.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* An idle fetch waits this long (ms) before the stage's loop runs
 * (heartbeats, timers, signals). */
#define FETCH_WAIT_MS 200
/* How long the server waits for an acknowledgement before sending again. */
#define ACK_WAIT (30 * QTS_NS_PER_SEC)

/* Not static: qts-bus --help prints it with pub's, every option on one page. */
const char qts_bus_sub_usage[] =
	"usage: qts-bus sub [options] SUBJECT\n"
	"Write the events published to the NATS subject SUBJECT to standard output (qts-bus(1)).\n"
	"      --server URL         the NATS server (nats://127.0.0.1:4222)\n"
	"      --stream NAME        the JetStream stream (QTS_ and the subject, made when missing)\n"
	"      --durable NAME       a durable consumer: a subscriber started again resumes\n"
	"      --from-seq N         start at the stream's sequence N (a new consumer)\n"
	"      --from TIME          start at the first event stored at or after TIME (RFC 3339)\n"
	"      --reset              delete the durable consumer first: start anew\n"
	"      --count N            exit after N events\n"
	"      --batch N            events fetched (and acknowledged) at a time (256; 1 to 4096)\n"
	"      --core               core NATS: no JetStream, only what is published while running\n"
	"      --retries N|forever  attempts after a failure before giving up (forever)\n"
	"      --heartbeat DURATION a system event every DURATION (10s, 1m)\n"
	"      --metrics FILE       Prometheus metrics of the stage in FILE, each second\n"
	"      --busy-poll DURATION poll without sleeping up to DURATION before a wait\n"
	"  -M, --msgpack            write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help               this help\n"
	"      --version            print the version\n";
static const char *const usage = qts_bus_sub_usage;

typedef struct sub {
	qts_bus bus;
	const char *subject, *stream, *durable;
	char stream_name[300];
	int core, reset, ready, batch;
	uint64_t from_seq;
	int64_t from_ts;
	int has_from_ts;
	long count;               /* 0: no limit */
	long written;
	natsSubscription *ns;
	natsMsgList list;
	int pos;
	natsMsg *core_msg;        /* core: the message being read */
	natsMsg *to_ack;          /* the last message written, not yet acknowledged */
	uint64_t last_seq;        /* the stream sequence of the last event written */
	qts_reader *rd;           /* the last event's (its strings live there) */
	char where[400];
	uint64_t delivered, acked, redelivered;
	qts_time_order order;     /* of the events written */
	char err[QTS_ERR_MAX];
} sub;

static void said(sub *s, const char *what, natsStatus st, jsErrCode jerr)
{
	char why[400];
	qts_bus_why(st, jerr, why, sizeof why);
	qts_bus_err(s->err, "%s: %s: %s: %s", s->bus.shown, s->subject, what, why);
}

static void consumer_config(const sub *s, jsConsumerConfig *cc, uint64_t start)
{
	jsConsumerConfig_Init(cc);
	cc->Durable = s->durable;
	cc->AckPolicy = js_AckAll;
	cc->AckWait = ACK_WAIT;
	cc->FilterSubject = s->subject;
	cc->MaxAckPending = s->batch * 4;
	if (start) {
		cc->DeliverPolicy = js_DeliverByStartSequence;
		cc->OptStartSeq = start;
	} else if (s->has_from_ts) {
		/* libnats writes a start time's fraction of a second without
		 * its leading zeros (.05 s as ".5"): the whole second is asked
		 * for, and sub_next passes over what came before the time */
		cc->DeliverPolicy = js_DeliverByStartTime;
		cc->OptStartTime = qts_floor_div(s->from_ts, QTS_NS_PER_SEC) * QTS_NS_PER_SEC;
	} else
		cc->DeliverPolicy = js_DeliverAll;
}

/* A JetStream call that may meet an outage: retried with backoff. */
#define RETRY(st, jerr, what, call)                                                      \
	for (;;) {                                                                       \
		jerr = 0;                                                                \
		st = (call);                                                             \
		if (st == NATS_OK || !qts_bus_transient(st, jerr))                       \
			break;                                                           \
		if (qts_bus_retry(&s->bus, what, st, jerr, s->err) < 0)                  \
			return -1;                                                       \
	}

/* The durable consumer as --durable, --reset, --from-seq and --from ask,
 * made again from its acknowledged floor when it has messages out. */
static int durable_consumer(sub *s)
{
	natsStatus st;
	jsErrCode jerr;
	jsConsumerInfo *ci = NULL;
	if (s->reset) {
		RETRY(st, jerr, "delete consumer", js_DeleteConsumer(s->bus.js, s->stream_name, s->durable, NULL, &jerr));
		if (st != NATS_OK && st != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
			said(s, "--reset", st, jerr);
			return -1;
		}
	}
	RETRY(st, jerr, "consumer", js_GetConsumerInfo(&ci, s->bus.js, s->stream_name, s->durable, NULL, &jerr));
	uint64_t start = s->from_seq;
	if (st == NATS_OK) {
		uint64_t floor = ci->AckFloor.Stream;
		int64_t out = ci->NumAckPending;
		jsConsumerInfo_Destroy(ci);
		if (s->from_seq || s->has_from_ts) {
			qts_bus_err(s->err, "--durable %s: the consumer exists (acknowledged to stream "
				 "sequence %llu); --from-seq and --from apply to a new one (--reset deletes it)",
				 s->durable, (unsigned long long)floor);
			return -1;
		}
		s->last_seq = floor;
		if (!out)
			return 0;
		RETRY(st, jerr, "delete consumer", js_DeleteConsumer(s->bus.js, s->stream_name, s->durable, NULL, &jerr));
		start = floor + 1;
	} else if (st != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
		said(s, "consumer", st, jerr);
		return -1;
	}
	jsConsumerConfig cc;
	consumer_config(s, &cc, start);
	RETRY(st, jerr, "consumer", js_AddConsumer(&ci, s->bus.js, s->stream_name, &cc, NULL, &jerr));
	if (st != NATS_OK) {
		said(s, "consumer", st, jerr);
		return -1;
	}
	jsConsumerInfo_Destroy(ci);
	return 0;
}

static int ready(sub *s)
{
	if (s->ready)
		return 0;
	if (qts_bus_connect(&s->bus, s->core, s->err) < 0)
		return -1;
	natsStatus st;
	jsErrCode jerr = 0;
	if (s->core) {
		if ((st = natsConnection_SubscribeSync(&s->ns, s->bus.nc, s->subject)) != NATS_OK) {
			said(s, "subscribe", st, 0);
			return -1;
		}
		s->ready = 1;
		return 0;
	}
	if (s->stream)
		snprintf(s->stream_name, sizeof s->stream_name, "%s", s->stream);
	else
		qts_bus_stream_name(s->subject, s->stream_name, sizeof s->stream_name);
	if (qts_bus_ensure_stream(&s->bus, s->stream_name, s->subject, 0, s->err) < 0)
		return -1;
	if (s->durable && durable_consumer(s) < 0)
		return -1;
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = s->stream_name;
	if (s->durable)
		so.Consumer = s->durable;
	else
		consumer_config(s, &so.Config, s->from_seq);
	RETRY(st, jerr, "subscribe", js_PullSubscribe(&s->ns, s->bus.js, s->subject, s->durable, NULL, &so, &jerr));
	if (st != NATS_OK) {
		said(s, "subscribe", st, jerr);
		return -1;
	}
	qts_bus_ok(&s->bus);
	s->ready = 1;
	return 0;
}

/* Everything returned so far is written downstream and flushed; then the
 * last of it is acknowledged (and all before it: AckAll), retried until
 * the server has it, so that it never comes again.  0, or -1. */
static int ack_written(sub *s)
{
	if (!s->to_ack)
		return 0;
	if (qts_stage_wait(-1, 0, 0) < 0) /* flushes; -1: the output is gone or a signal */
		return -1;
	for (;;) {
		jsErrCode jerr = 0;
		natsStatus st = natsMsg_AckSync(s->to_ack, NULL, &jerr);
		if (st == NATS_OK)
			break;
		if (!qts_bus_transient(st, jerr)) {
			said(s, "acknowledge", st, jerr);
			return -1;
		}
		if (qts_bus_retry(&s->bus, "acknowledge", st, jerr, s->err) < 0)
			return -1;
	}
	qts_bus_ok(&s->bus);
	s->to_ack = NULL;
	s->acked = s->last_seq;
	return 0;
}

/* The next message: from the batch, else fetched.  1 with *m, 0 when the
 * stage is to stop quietly, -1 on failure. */
static int next_msg(sub *s, natsMsg **m)
{
	if (s->core) {
		natsMsg_Destroy(s->core_msg);
		s->core_msg = NULL;
		for (;;) {
			if (qts_bus_report(&s->bus, s->err) < 0)
				return -1;
			natsStatus st = natsSubscription_NextMsg(&s->core_msg, s->ns, FETCH_WAIT_MS);
			if (st == NATS_OK) {
				*m = s->core_msg;
				return 1;
			}
			if (st != NATS_TIMEOUT && !qts_bus_transient(st, 0)) {
				said(s, "receive", st, 0);
				return -1;
			}
			if (qts_stage_wait(-1, 0, qts_loop_now() + 1000000) < 0)
				return 0;
		}
	}
	for (;;) {
		if (s->pos < s->list.Count) {
			*m = s->list.Msgs[s->pos++];
			return 1;
		}
		if (ack_written(s) < 0)
			return s->err[0] ? -1 : 0;
		natsMsgList_Destroy(&s->list);
		memset(&s->list, 0, sizeof s->list);
		s->pos = 0;
		if (qts_bus_report(&s->bus, s->err) < 0)
			return -1;
		jsErrCode jerr = 0;
		/* A request that waits, never the "no wait" one natsSubscription_Fetch
		 * sends first and then sends again: across a restart of the server,
		 * libnats 3.4 could then gather more than the batch it made room for. */
		jsFetchRequest rq;
		jsFetchRequest_Init(&rq);
		rq.Batch = s->batch;
		rq.Expires = (int64_t)FETCH_WAIT_MS * 1000000;
		natsStatus st = natsSubscription_FetchRequest(&s->list, s->ns, &rq);
		if (st == NATS_OK) {
			qts_bus_ok(&s->bus);
			continue;
		}
		if (st == NATS_TIMEOUT && natsConnection_Status(s->bus.nc) == NATS_CONN_STATUS_CONNECTED) {
			/* nothing new: the stage's loop runs a little */
			if (qts_stage_wait(-1, 0, qts_loop_now() + 1000000) < 0)
				return 0;
			continue;
		}
		/* a pull request the server ended (it shut down: 409) is
		 * asked again once it is back */
		if (!qts_bus_transient(st, jerr) && st != NATS_ERR) {
			said(s, "fetch", st, jerr);
			return -1;
		}
		if (qts_bus_retry(&s->bus, "fetch", st, jerr, s->err) < 0)
			return s->err[0] ? -1 : 0;
	}
}

/* Whether ev comes after an event of a later time (several publishers
 * to one subject are not in time order between them): written, it would
 * stop the next stage's reader, so it is dropped, said the first time
 * and counted: 1; 0 when it is in order; -1 when out of memory. */
static int is_late(sub *s, const qts_event *ev)
{
	if (!qts_time_order_late(&s->order, ev)) {
		if (qts_time_order_take(&s->order, ev) < 0) {
			QTS_SET(s->err, "out of memory");
			return -1;
		}
		return 0;
	}
	qts_time_order_drop(&s->order, ev, "", s->where,
			    "a stream is in time order, and the publishers of a subject are not between them");
	return 1;
}

static int sub_next(void *eng, qts_event *ev)
{
	sub *s = eng;
	if (s->rd) {
		qts_reader_close(s->rd);
		s->rd = NULL;
	}
	if (ready(s) < 0)
		return -1;
	for (;;) {
		if (s->count && s->written >= s->count)
			return ack_written(s) < 0 && s->err[0] ? -1 : 0;
		natsMsg *m;
		int got = next_msg(s, &m);
		if (got <= 0)
			return got;
		s->delivered++;
		uint64_t seq = 0;
		if (!s->core) {
			jsMsgMetaData *meta = NULL;
			int64_t stored = INT64_MAX;
			if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
				seq = meta->Sequence.Stream;
				stored = meta->Timestamp;
				jsMsgMetaData_Destroy(meta);
			}
			if (seq && seq <= s->last_seq) { /* sent again: written already */
				s->redelivered++;
				/* Acknowledged again, once all written is: a server
				 * killed can lose acknowledgements, and sends again
				 * what they covered; left waiting, as many as it lets
				 * wait (MaxAckPending), it would send nothing new.
				 * One written since and not yet acknowledged covers
				 * this one (AckAll). */
				if (!s->to_ack)
					s->to_ack = m;
				continue;
			}
			if (s->has_from_ts && stored < s->from_ts) {
				/* stored before --from, in its second (consumer_config):
				 * acknowledged with what comes after it */
				s->to_ack = m;
				s->last_seq = seq;
				continue;
			}
			snprintf(s->where, sizeof s->where, "%s: stream sequence %llu", s->subject,
				 (unsigned long long)seq);
		} else
			snprintf(s->where, sizeof s->where, "%s: message %llu", s->subject,
				 (unsigned long long)s->delivered);
		const char *v;
		if (natsMsgHeader_Get(m, QTS_BUS_END_HEADER, &v) == NATS_OK) {
			if (!s->core) {
				s->to_ack = m;
				s->last_seq = seq;
			}
			return ack_written(s) < 0 && s->err[0] ? -1 : 0;
		}
		int len = natsMsg_GetDataLength(m);
		qts_input *in = qts_input_mem(natsMsg_GetData(m), (size_t)len, s->where);
		if (!in || !(s->rd = qts_reader_new(in))) {
			QTS_SET(s->err, "out of memory");
			return -1;
		}
		int r = qts_reader_next(s->rd, ev);
		if (r <= 0) {
			qts_bus_err(s->err, "%s", r < 0 ? qts_reader_error(s->rd) : s->where);
			if (r == 0)
				qts_bus_err(s->err, "%s: an empty message (no event)", s->where);
			return -1;
		}
		if (!s->core) {
			s->to_ack = m;
			s->last_seq = seq;
		}
		/* one without a time is as late as those before it: never late */
		int late = qts_reader_untimed_last(s->rd) ? 0 : is_late(s, ev);
		if (late < 0)
			return -1;
		if (late) {
			qts_reader_close(s->rd);
			s->rd = NULL;
			continue;
		}
		s->written++;
		return 1;
	}
}

static const char *sub_error(void *eng)
{
	return ((sub *)eng)->err[0] ? ((sub *)eng)->err : NULL;
}

static void sub_counts(void *eng, char *buf, size_t size)
{
	sub *s = eng;
	snprintf(buf, size, "delivered=%llu written=%ld acked_seq=%llu redelivered=%llu late=%ld",
		 (unsigned long long)s->delivered, s->written, (unsigned long long)s->acked,
		 (unsigned long long)s->redelivered, s->order.late);
}

static void sub_free(void *eng)
{
	sub *s = eng;
	char err[QTS_ERR_MAX];
	qts_bus_report(&s->bus, err); /* a reconnection after the last fetch is said too */
	qts_time_order_said(&s->order, "");
	if (s->rd)
		qts_reader_close(s->rd);
	qts_time_order_free(&s->order);
	natsMsgList_Destroy(&s->list);
	natsMsg_Destroy(s->core_msg);
	/* Destroy, not unsubscribe: a durable consumer stays on the server. */
	if (s->ns)
		natsSubscription_Destroy(s->ns);
	qts_bus_close(&s->bus);
	free(s);
}

static const qts_stage_ops sub_ops = {
	.next = sub_next,
	.error = sub_error,
	.counts = sub_counts,
	.free = sub_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	enum { OPT_SERVER = 256, OPT_STREAM, OPT_DURABLE, OPT_FROM_SEQ, OPT_FROM, OPT_RESET, OPT_COUNT, OPT_BATCH,
	       OPT_CORE, OPT_RETRIES, OPT_VERSION };
	static const struct option longs[] = {
		{ "server", required_argument, NULL, OPT_SERVER }, { "stream", required_argument, NULL, OPT_STREAM },
		{ "durable", required_argument, NULL, OPT_DURABLE },
		{ "from-seq", required_argument, NULL, OPT_FROM_SEQ }, { "from", required_argument, NULL, OPT_FROM },
		{ "reset", no_argument, NULL, OPT_RESET }, { "count", required_argument, NULL, OPT_COUNT },
		{ "batch", required_argument, NULL, OPT_BATCH }, { "core", no_argument, NULL, OPT_CORE },
		{ "retries", required_argument, NULL, OPT_RETRIES }, QTS_STAGE_OPTIONS,
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	(void)emit, (void)arg;
	sub *s = calloc(1, sizeof *s);
	if (!s)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	/* held by the caller's stage at once: a usage error below exits without
	 * freeing it, and the leak checker must still find it reachable */
	st->eng = s;
	s->order = QTS_TIME_ORDER_START;
	qts_stage_conf conf = { 0 };
	const char *server = QTS_BUS_DEFAULT_URL;
	long retries = -1, n;
	int code;
	char err[128];
	s->batch = 256;
	int c;
	while ((c = getopt_long(argc, argv, "Mh", longs, NULL)) != -1)
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
			s->stream = optarg;
			break;
		case OPT_DURABLE:
			if (!*optarg || strpbrk(optarg, ".*> \t\r\n/\\"))
				qts_usage_error(usage, "--durable: '%s' is not a consumer name (no dots, wildcards, "
					"blanks or slashes)", optarg);
			s->durable = optarg;
			break;
		case OPT_FROM_SEQ:
			if (qts_parse_long(optarg, 1, LONG_MAX, &n, err) < 0)
				qts_usage_error(usage, "--from-seq: %s", err);
			s->from_seq = (uint64_t)n;
			break;
		case OPT_FROM:
			if ((code = qts_time_parse(optarg, strlen(optarg), &s->from_ts)) < 0)
				qts_usage_error(usage, "--from: '%s' %s", optarg, qts_time_wrong(code));
			s->has_from_ts = 1;
			break;
		case OPT_RESET: s->reset = 1; break;
		case OPT_COUNT:
			if (qts_parse_long(optarg, 1, LONG_MAX, &s->count, err) < 0)
				qts_usage_error(usage, "--count: %s", err);
			break;
		case OPT_BATCH:
			if (qts_parse_long(optarg, 1, 4096, &n, err) < 0)
				qts_usage_error(usage, "--batch: %s", err);
			s->batch = (int)n;
			break;
		case OPT_CORE: s->core = 1; break;
		case OPT_RETRIES: retries = qts_bus_parse_retries(optarg, usage); break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &conf, usage))
				qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no SUBJECT given");
	s->subject = argv[optind++];
	if (optind < argc)
		qts_usage_error(usage, "one SUBJECT: '%s' is one too many", argv[optind]);
	if (!qts_bus_subject_ok(s->subject, 1))
		qts_usage_error(usage, "'%s' is not a subject (tokens separated by dots, no blanks; * and > "
			"as whole tokens, > last)", s->subject);
	if (s->from_seq && s->has_from_ts)
		qts_usage_error(usage, "--from-seq and --from: one starting point");
	if (s->reset && !s->durable)
		qts_usage_error(usage, "--reset: deletes a --durable consumer; none named");
	if (s->core && (s->stream || s->durable || s->from_seq || s->has_from_ts || s->reset))
		qts_usage_error(usage, "--core: no JetStream, so no --stream, --durable, --from-seq, --from or --reset");
	qts_bus_init(&s->bus, server, retries);
	conf.files = NULL;
	conf.nfiles = 0;
	st->name = "qts-bus-sub";
	st->ops = &sub_ops;
	st->eng = s;
	st->conf = conf;
}

static const qts_stage_def bus_sub_stage = { "qts-bus-sub", build };

int qts_bus_sub_main(int argc, char **argv)
{
	argv[0] = (char *)(qts_progname = "qts-bus sub"); /* and getopt's messages */
	qts_stage st = { 0 };
	qts_runtime *r = qts_runtime_new();
	bus_sub_stage.build(&st, argc, argv, qts_runtime_emit, r);
	return qts_runtime_run(r, &st);
}
