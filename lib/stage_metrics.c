/* stage_metrics.c — a running stage's figures for --metrics FILE and
 * SIGUSR1: events in and out by type, errors, lag, a histogram of the
 * time each event takes through the stage, uptime.  Written in the
 * Prometheus text exposition format, atomically (qts_outfile: a temporary
 * beside FILE, never through a link, renamed over it), as node_exporter's
 * textfile collector expects. */
#include "qts_stage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds of the latency buckets, ns: 1 us to 100 ms. */
static const int64_t bounds[] = { 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
				  1000000, 2500000, 5000000, 10000000, 25000000, 50000000, 100000000 };
#define NBOUNDS (sizeof bounds / sizeof *bounds)
#define NTYPES QTS_METRICS_TYPES
_Static_assert(NBOUNDS == QTS_METRICS_BOUNDS, "one bucket count for each bound");

qts_stage_metrics *qts_stage_metrics_new(const char *stage, const char *path, int64_t wall_now)
{
	/* its counts out are on lines apart */
	qts_stage_metrics *m = qts_calloc_aligned(_Alignof(qts_stage_metrics), sizeof *m);
	if (!m)
		return NULL;
	QTS_SET(m->stage, stage);
	if (path && !(m->path = strdup(path))) {
		qts_stage_metrics_free(m);
		return NULL;
	}
	m->started = wall_now;
	m->last_ts = INT64_MIN;
	return m;
}

void qts_stage_metrics_free(qts_stage_metrics *m)
{
	if (!m)
		return;
	free(m->path);
	free(m);
}

void qts_stage_metrics_system(qts_stage_metrics *m, const qts_event *ev)
{
	if (strcmp(ev->system.level, "error") == 0)
		m->errors++;
	else if (strcmp(ev->system.level, "warn") == 0)
		m->warnings++;
}

void qts_stage_metrics_failed(qts_stage_metrics *m)
{
	m->errors++;
}

void qts_stage_metrics_latency(qts_stage_metrics *m, int64_t ns)
{
	size_t i = 0;
	while (i < NBOUNDS && ns > bounds[i])
		i++;
	m->buckets[i]++;
	m->latency_n++;
	m->latency_sum += (double)ns / 1e9;
}

static const char *type_label(size_t i)
{
	const char *n = i < NTYPES - 1 ? qts_type_name((qts_type)i) : NULL;
	return n ? n : "unknown";
}

static void counter(FILE *f, const char *stage, const char *name, const char *help, const uint64_t *by_type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (size_t i = 0; i < NTYPES; i++)
		if (by_type[i] || i != NTYPES - 1) /* every type, and unknown ones when met */
			fprintf(f, "%s{stage=\"%s\",type=\"%s\"} %llu\n", name, stage, type_label(i),
				(unsigned long long)by_type[i]);
}

static void exposition(const qts_stage_metrics *m, FILE *f, int64_t wall_now)
{
	const char *s = m->stage;
	counter(f, s, "qts_events_in_total", "Events read by the stage, by type.", m->in);
	counter(f, s, "qts_events_out_total", "Events written by the stage, by type.", m->out);
	fprintf(f, "# HELP qts_errors_total Errors: system events of level error written, and a failed run.\n"
		   "# TYPE qts_errors_total counter\nqts_errors_total{stage=\"%s\"} %llu\n", s,
		(unsigned long long)m->errors);
	fprintf(f, "# HELP qts_warnings_total System events of level warn written.\n"
		   "# TYPE qts_warnings_total counter\nqts_warnings_total{stage=\"%s\"} %llu\n", s,
		(unsigned long long)m->warnings);
	fprintf(f, "# HELP qts_dropped_total Events a source dropped with --overflow drop.\n"
		   "# TYPE qts_dropped_total counter\nqts_dropped_total{stage=\"%s\"} %llu\n", s,
		(unsigned long long)m->dropped);
	fprintf(f, "# HELP qts_lag_seconds Wall clock minus the time of the latest event written.\n"
		   "# TYPE qts_lag_seconds gauge\n");
	if (m->last_ts != INT64_MIN)
		fprintf(f, "qts_lag_seconds{stage=\"%s\"} %.9g\n", s, ((double)wall_now - (double)m->last_ts) / 1e9);
	else
		fprintf(f, "qts_lag_seconds{stage=\"%s\"} NaN\n", s);
	fprintf(f, "# HELP qts_event_seconds Time an event takes through the stage.\n"
		   "# TYPE qts_event_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < NBOUNDS; i++) {
		cum += m->buckets[i];
		fprintf(f, "qts_event_seconds_bucket{stage=\"%s\",le=\"%g\"} %llu\n", s, (double)bounds[i] / 1e9,
			(unsigned long long)cum);
	}
	cum += m->buckets[NBOUNDS];
	fprintf(f, "qts_event_seconds_bucket{stage=\"%s\",le=\"+Inf\"} %llu\n", s, (unsigned long long)cum);
	fprintf(f, "qts_event_seconds_sum{stage=\"%s\"} %.9g\n", s, m->latency_sum);
	fprintf(f, "qts_event_seconds_count{stage=\"%s\"} %llu\n", s, (unsigned long long)m->latency_n);
	fprintf(f, "# HELP qts_uptime_seconds Seconds since the stage started.\n"
		   "# TYPE qts_uptime_seconds gauge\nqts_uptime_seconds{stage=\"%s\"} %.3f\n", s,
		(double)(wall_now - m->started) / 1e9);
	fprintf(f, "# HELP qts_start_time_seconds When the stage started, seconds since the epoch.\n"
		   "# TYPE qts_start_time_seconds gauge\nqts_start_time_seconds{stage=\"%s\"} %.3f\n", s,
		(double)m->started / 1e9);
}

int qts_stage_metrics_print(const qts_stage_metrics *m, FILE *f, int64_t wall_now)
{
	exposition(m, f, wall_now);
	return fflush(f) == 0 ? 0 : -1;
}

int qts_stage_metrics_write(const qts_stage_metrics *m, int64_t wall_now, char *err)
{
	if (!m->path)
		return 0;
	/* A file rewritten each second, and read by a collector: a device
	 * or fifo written in place would mix the figures into what it
	 * carries (/dev/stdout: the events) or block the stage on a fifo
	 * nobody reads; renamed over, a device is gone (/dev/null as root). */
	if (qts_outfile_in_place(m->path)) {
		snprintf(err, QTS_ERR_MAX, "--metrics %s: not a file of its own (a directory, device, fifo or descriptor): "
			 "the figures are a file rewritten each second", m->path);
		return -1;
	}
	char why[QTS_ERR_MAX];
	qts_outfile of;
	if (qts_outfile_open(&of, m->path, why, sizeof why) < 0) {
		snprintf(err, QTS_ERR_MAX, "--metrics %.400s", why);
		return -1;
	}
	/* figures of a moment: a crash loses nothing the next second would
	 * not write again, so no sync a second */
	of.durable = 0;
	exposition(m, of.fp, wall_now);
	if (qts_outfile_commit(&of, why, sizeof why) < 0) {
		snprintf(err, QTS_ERR_MAX, "--metrics %.400s", why);
		return -1;
	}
	return 0;
}
