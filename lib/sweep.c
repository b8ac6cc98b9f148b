/* sweep.c — `qts sweep 'PIPELINE' PARAM=SPEC... [FILE...]`: every
 * combination of a grid of parameters (or a seeded random sample of it)
 * run by the engines of `qts pipe`, built from the pipeline's own words
 * with the combination's values in them, over the input read once into
 * memory (sweep_data.c); each combination's figures are qts-report's,
 * computed by its own code, and the table is ranked by one of them.
 *
 * The combinations run in -j worker processes forked from the one that
 * holds the input (copy on write: the input is shared, not copied), each
 * taking one combination after another: an engine that refuses a
 * combination (fast above slow) exits its worker as its program would,
 * another worker takes its place, and the sweep goes on.  The figures
 * come back through shared memory.  Shards (--shard I/N) cover every N-th
 * combination, and --merge ranks their tables into the one a single run
 * writes; --walk-forward picks a combination in each training window and
 * runs it in the test window after it. */
#include "qts_ind.h"
#include "qts_stage.h"
#include "sweep_priv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts sweep [OPTION...] 'STAGE [ARG...] | ...' PARAM=SPEC... [FILE...]\n"
	"       qts sweep --merge [--sort METRIC] [--top N] [--json] [-o FILE] [--overfit FILE]\n"
	"                 [--periods N] FILE...\n"
	"       qts sweep --version | --help\n"
	"  PARAM=LO:HI:STEP      values from LO to HI (included) by STEP\n"
	"  PARAM=A,B,C           these values; PARAM=A one value\n"
	"                        $PARAM in the pipeline takes the value; a PARAM it does\n"
	"                        not name goes to its first stage (qts-strategy) as PARAM=VALUE\n"
	"  -j, --jobs N          combinations run at once (default: the processors it may run on)\n"
	"      --samples N       a random sample of N combinations of the grid\n"
	"      --seed S          the sample's and the bootstrap's seed (1)\n"
	"      --sort METRIC     rank by a metric of qts-report (sharpe); descending, but\n"
	"                        ascending for volatility, max_drawdown_duration,\n"
	"                        total_commission, total_slippage and turnover\n"
	"      --top N           the N first rows only\n"
	"      --json            a JSON array of objects, not CSV\n"
	"  -o, --output FILE     write the table to FILE, whole or not at all (stdout)\n"
	"      --shard I/N       the I-th of every N combinations (1 <= I <= N)\n"
	"      --merge           rank the tables FILE... written by shards as one\n"
	"      --overfit FILE    the deflated Sharpe ratio of the top row over every trial,\n"
	"                        and a bootstrap interval of its Sharpe ratio, to FILE\n"
	"      --bootstrap N     resamples of the bootstrap (1000)\n"
	"      --periods N       --merge: return periods a year of the tables (252)\n"
	"      --walk-forward TRAIN:TEST  windows of TRAIN then TEST (3y:1y; y, m, w, d):\n"
	"                        the best by --sort in each TRAIN, run in the TEST after it\n"
	"      --oos-equity FILE the test windows' equity, stitched, as an event stream\n"
	"  -h, --help            this help\n"
	"      --version         print the version\n";

#define MAX_COMBOS 10000000ULL

typedef struct param {
	char name[64];
	char **val;
	size_t n;
	int named;   /* $name appears in the pipeline */
} param;

/* What a child leaves for the parent, in shared memory. */
typedef struct slot {
	int done;
	double periods, risk_free;
	size_t nseries;
	qts_summary sum;
} slot;

enum { SERIES_NONE, SERIES_RETURNS, SERIES_POINTS };

typedef struct task {
	uint64_t id;       /* in the grid, from 0 */
	int64_t from, to;  /* the events' times */
	int64_t count;     /* the report counts events from then on */
	slot *out;
	void *series;      /* shared: the returns, or the points */
	size_t cap;        /* in elements */
	int want;
} task;

typedef struct sweep {
	long jobs, samples, top, boots;
	uint64_t seed;
	int json, merge, seed_given;
	long shard_i, shard_n;
	const char *sort, *overfit, *oos, *output;
	double periods;
	int64_t wf_train[2], wf_test[2]; /* count and unit ('y', 'm', 'w', 'd') */
	int walk;
	const char *pipeline;
	param *p;
	size_t np;
	char **files;
	size_t nfiles;
	uint64_t total;
	uint64_t *ids;
	size_t nids;
	qts_sweep_data *data;
	qts_ind_share *share; /* the indicators' series the combinations share */
	/* failures */
	size_t failed;
	int fail_status;
	uint64_t fail_id;
	char *fail_text;
} sweep;

static void *shared(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

/* ---- parameters -------------------------------------------------------- */

static int ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/* Digits after the point in a number as written. */
static int decimals(const char *s)
{
	/* those after the point, less the exponent: 1e-7 has 7, 2.5e-3 has
	 * 4, 1.25e1 has 1 (written without them, 1e-7 steps were all 0) */
	const char *dot = strchr(s, '.'), *e = strpbrk(s, "eE");
	long n = 0;
	if (dot)
		for (dot++; *dot >= '0' && *dot <= '9'; dot++)
			n++;
	if (e)
		n -= strtol(e + 1, NULL, 10); /* a number of qts_num_parse: a few digits */
	return n < 0 ? 0 : n > 40 ? 40 : (int)n;
}

/* A parameter's value, a number when it reads as one. */
typedef struct param_value {
	const char *text;
	double num;
	int is_num;
} param_value;

/* Numbers first, by value; the rest by text. */
static int by_value(const void *pa, const void *pb)
{
	const param_value *a = pa, *b = pb;
	if (a->is_num != b->is_num)
		return b->is_num - a->is_num;
	if (a->is_num)
		return (a->num > b->num) - (a->num < b->num);
	return strcmp(a->text, b->text);
}

/* Each value once: a value given twice would run its combinations twice
 * and count them as trials of their own (--overfit).  Numbers are one
 * value however written (5, 05, 5.0): the stage reads them alike. */
static void distinct(const param *p, const char *spec)
{
	param_value *v = sweep_xcalloc(p->n, sizeof *v);
	char err[QTS_ERR_MAX];
	for (size_t i = 0; i < p->n; i++) {
		v[i].text = p->val[i];
		v[i].is_num = qts_parse_double(p->val[i], -1e300, 1e300, &v[i].num, err) == 0;
	}
	qsort(v, p->n, sizeof *v, by_value);
	for (size_t i = 1; i < p->n; i++) {
		if (by_value(&v[i - 1], &v[i]) != 0)
			continue;
		if (strcmp(v[i - 1].text, v[i].text) != 0)
			qts_usage_error(usage, "%s: '%.200s': %s and %s are one number, in it twice", p->name, spec,
					v[i - 1].text, v[i].text);
		qts_usage_error(usage, "%s: '%.200s': %s is in it twice%s", p->name, spec, v[i].text,
				strchr(spec, ':') ? " (a step finer than a double holds there)" : "");
	}
	free(v);
}

/* LO:HI:STEP into values, written with the decimals of LO and STEP (so
 * 0.1:0.3:0.1 is 0.1, 0.2, 0.3, not 0.30000000000000004). */
static void grid_values(param *p, const char *spec)
{
	char a[64], b[64], c[64], err[QTS_ERR_MAX];
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':') || (size_t)(c1 - spec) >= sizeof a || (size_t)(c2 - c1) > sizeof b ||
	    strlen(c2 + 1) >= sizeof c)
		qts_usage_error(usage, "%s: '%s' is not LO:HI:STEP", p->name, spec);
	snprintf(a, sizeof a, "%.*s", (int)(c1 - spec), spec);
	snprintf(b, sizeof b, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	snprintf(c, sizeof c, "%s", c2 + 1);
	double lo, hi, step;
	if (qts_parse_double(a, -1e15, 1e15, &lo, err) < 0 || qts_parse_double(b, -1e15, 1e15, &hi, err) < 0)
		qts_usage_error(usage, "%s: %s", p->name, err);
	if (qts_parse_double(c, 1e-12, 1e15, &step, err) < 0)
		qts_usage_error(usage, "%s: step: %s", p->name, err);
	if (hi < lo)
		qts_usage_error(usage, "%s: '%s': HI is below LO", p->name, spec);
	double count = floor((hi - lo) / step + 1e-9) + 1;
	if (count > 1e6)
		qts_usage_error(usage, "%s: '%s': more than 1000000 values", p->name, spec);
	int dec = decimals(a) > decimals(c) ? decimals(a) : decimals(c);
	p->n = (size_t)count;
	p->val = sweep_xcalloc(p->n, sizeof *p->val);
	for (size_t i = 0; i < p->n; i++) {
		char buf[96];
		snprintf(buf, sizeof buf, "%.*f", dec, lo + (double)i * step);
		if (dec) { /* 1.50 -> 1.5, 2.0 -> 2 */
			char *e = buf + strlen(buf) - 1;
			while (*e == '0')
				*e-- = '\0';
			if (*e == '.')
				*e = '\0';
		}
		if (strcmp(buf, "-0") == 0)
			strcpy(buf, "0");
		p->val[i] = sweep_xstrdup(buf);
	}
	distinct(p, spec);
}

static void parse_param(sweep *sw, const char *arg)
{
	const char *eq = strchr(arg, '=');
	param *p;
	sw->p = sweep_xrealloc(sw->p, (sw->np + 1) * sizeof *sw->p);
	p = &sw->p[sw->np++];
	memset(p, 0, sizeof *p);
	if ((size_t)(eq - arg) >= sizeof p->name)
		qts_usage_error(usage, "'%.40s...': a parameter's name is at most 63 bytes", arg);
	snprintf(p->name, sizeof p->name, "%.*s", (int)(eq - arg), arg);
	for (size_t i = 0; i + 1 < sw->np; i++)
		if (strcmp(sw->p[i].name, p->name) == 0)
			qts_usage_error(usage, "%s given twice", p->name);
	if (strcmp(p->name, "id") == 0 || sweep_metric_index(p->name) >= 0)
		qts_usage_error(usage, "%s: a column of the table has that name: name the parameter "
			       "otherwise ($NAME in the pipeline)", p->name);
	const char *spec = eq + 1;
	if (!*spec)
		qts_usage_error(usage, "%s: no value", p->name);
	if (strchr(spec, ':')) {
		grid_values(p, spec);
		return;
	}
	for (const char *s = spec;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (!len)
			qts_usage_error(usage, "%s: '%s': an empty value in the list", p->name, spec);
		p->val = sweep_xrealloc(p->val, (p->n + 1) * sizeof *p->val);
		p->val[p->n] = sweep_xcalloc(len + 1, 1);
		memcpy(p->val[p->n++], s, len);
		if (!comma)
			break;
		s = comma + 1;
	}
	distinct(p, spec);
}

/* Whether arg reads as PARAM=SPEC. */
static int is_param(const char *arg)
{
	if (!ident_start(arg[0]))
		return 0;
	while (ident_char(*arg))
		arg++;
	return *arg == '=';
}

/* Where the first stage ends in line: its first '|' outside quotes. */
static size_t first_stage_end(const char *line)
{
	size_t i = 0;
	while (line[i] && line[i] != '|') {
		if (line[i] == '\'') {
			const char *e = strchr(line + i + 1, '\'');
			i = e ? (size_t)(e - line) + 1 : strlen(line);
		} else if (line[i] == '"') {
			for (i++; line[i] && line[i] != '"'; i++)
				if (line[i] == '\\' && line[i + 1])
					i++;
			if (line[i])
				i++;
		} else if (line[i] == '\\' && line[i + 1]) {
			i += 2;
		} else {
			i++;
		}
	}
	return i;
}

/* $NAME or ${NAME} at s: the parameter, and the length of the reference. */
static param *reference(sweep *sw, const char *s, size_t *len)
{
	int brace = s[1] == '{';
	const char *n = s + 1 + brace;
	size_t k = 0;
	while (ident_char(n[k]))
		k++;
	if (!k || !ident_start(n[0]) || (brace && n[k] != '}'))
		return NULL;
	*len = 1 + (size_t)brace + k + (size_t)brace;
	for (size_t i = 0; i < sw->np; i++)
		if (strlen(sw->p[i].name) == k && memcmp(sw->p[i].name, n, k) == 0)
			return &sw->p[i];
	qts_usage_error(usage, "'%.*s' in the pipeline: no parameter %.*s given", (int)*len, s, (int)k, n);
}

static void check_pipeline(sweep *sw)
{
	for (const char *s = strchr(sw->pipeline, '$'); s; s = strchr(s + 1, '$')) {
		size_t len;
		param *p = reference(sw, s, &len);
		if (p)
			p->named = 1;
	}
	const char *w = sw->pipeline;
	while (*w == ' ' || *w == '\t' || *w == '\n')
		w++;
	size_t wl = strcspn(w, " \t\n|");
	int strategy_first = (wl == 8 && !strncmp(w, "strategy", 8)) || (wl == 12 && !strncmp(w, "qts-strategy", 12));
	for (size_t i = 0; i < sw->np; i++)
		if (!sw->p[i].named && !strategy_first)
			qts_usage_error(usage, "%s: the pipeline names no $%s, and its first stage is not "
				       "qts-strategy (which would take %s=VALUE)", sw->p[i].name, sw->p[i].name,
				       sw->p[i].name);
}

/* The value index of parameter k in combination id (the first parameter
 * varies slowest, as in nested loops). */
static size_t value_of(const sweep *sw, uint64_t id, size_t k)
{
	for (size_t j = sw->np; j-- > k + 1;)
		id /= sw->p[j].n;
	return (size_t)(id % sw->p[k].n);
}

/* " NAME=VALUE" for the pipeline's words, the value single-quoted when
 * a shell would read it otherwise. */
static void put_kv(FILE *f, const char *name, const char *s)
{
	fprintf(f, " %s=", name);
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-:,/@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		fputs(*s == '\'' ? "'\\''" : (char[]){ *s, 0 }, f);
	fputc('\'', f);
}

/* The pipeline of combination id: $NAME replaced by its value, and
 * NAME=VALUE after the first stage's words for the others. */
static char *combo_line(const sweep *sw, uint64_t id)
{
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	const char *line = sw->pipeline;
	size_t end = first_stage_end(line);
	while (end && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\n'))
		end--;
	for (size_t i = 0; line[i]; i++) {
		if (i == end)
			for (size_t k = 0; k < sw->np; k++)
				if (!sw->p[k].named)
					put_kv(f, sw->p[k].name, sw->p[k].val[value_of(sw, id, k)]);
		size_t rl;
		param *p = line[i] == '$' ? reference((sweep *)sw, line + i, &rl) : NULL;
		if (p) {
			fputs(p->val[value_of(sw, id, (size_t)(p - sw->p))], f);
			i += rl - 1;
		} else {
			fputc(line[i], f);
		}
	}
	if (!line[end])
		for (size_t k = 0; k < sw->np; k++)
			if (!sw->p[k].named)
				put_kv(f, sw->p[k].name, sw->p[k].val[value_of(sw, id, k)]);
	fclose(f);
	return out;
}

/* ---- one combination, in a child process ------------------------------- */

typedef struct runner {
	qts_stage st, rep;   /* the chain, and the report when not its last */
	void *report;        /* the report's engine */
	size_t at;           /* the event being put, from 1 */
	char where[64];
} runner;

static int to_report(void *arg, const qts_event *ev)
{
	runner *r = arg;
	if (!r->rep.ops)
		return 0;
	return r->rep.ops->put(r->rep.eng, ev);
}

static const char *where_at(void *arg)
{
	runner *r = arg;
	snprintf(r->where, sizeof r->where, "input: event %zu", r->at);
	return r->where;
}

static int put_one(void *arg, const qts_event *ev)
{
	runner *r = arg;
	r->at++;
	return r->st.ops->put(r->st.eng, ev);
}

/* The combination being run: its pipeline's words, for the messages. */
static char *combo_text;

/* The combination of t, its chain built and fed the events of its window:
 * the report's engine.  With share, its indicators take part in the
 * series shared between the combinations; -1 when what it read of them
 * was not what it would have computed (it must be made again alone).  A
 * chain that fails exits the worker, as its program would. */
static int run_combo(const sweep *sw, const task *t, runner *r, qts_ind_share *share)
{
	memset(r, 0, sizeof *r);
	qts_pipe_build_to(&r->st, combo_text, to_report, r, where_at, r);
	/* the chain's own messages are its stages'; these are the sweep's */
	const char *first = qts_progname;
	qts_progname = "qts sweep";
	if (r->st.conf.nfiles)
		qts_die(QTS_EXIT_USAGE, "'%s' in the pipeline: name the files after the parameters",
			r->st.conf.files[0]);
	if (r->st.conf.feedback)
		qts_die(QTS_EXIT_USAGE, "--feedback: a sweep's stages take no feedback");
	const qts_stage *last = NULL;
	for (size_t i = 0; qts_pipe_stage(&r->st, i); i++)
		last = qts_pipe_stage(&r->st, i);
	if (last && strcmp(last->name, "qts-report") == 0) {
		r->report = last->eng;
	} else {
		char *av[] = { "qts-report", NULL };
		optind = 0;
		qts_report_stage.build(&r->rep, 1, av, NULL, NULL);
		r->report = r->rep.eng;
	}
	char err[QTS_ERR_MAX];
	if (qts_report_stage_hold(r->report, t->count, err) < 0)
		qts_die(QTS_EXIT_USAGE, "%s", err);
	qts_progname = first;
	if (share)
		qts_ind_share_join(share, t->from, t->to, &r->at);
	size_t where;
	int ok = qts_sweep_data_replay(sw->data, t->from, t->to, put_one, r, &where) == 0 &&
		 r->st.ops->finish(r->st.eng) == 0 && (!r->rep.ops || r->rep.ops->finish(r->rep.eng) == 0);
	if (share && qts_ind_share_leave(ok) < 0)
		return -1;
	if (!ok)
		_exit(QTS_EXIT_FAIL); /* the chain said why */
	return 0;
}

static void runner_free(runner *r)
{
	r->st.ops->free(r->st.eng);
	if (r->rep.ops)
		r->rep.ops->free(r->rep.eng);
}

/* The messages of the combination run last go: the file holds those of
 * the one being run alone. */
static void messages_anew(void)
{
	fflush(stderr);
	if (ftruncate(STDERR_FILENO, 0) == 0)
		lseek(STDERR_FILENO, 0, SEEK_SET);
}

/* One combination, its figures into t->out (and its series). */
static void run_task(const sweep *sw, const task *t)
{
	messages_anew();
	combo_text = combo_line(sw, t->id);
	runner r;
	if (run_combo(sw, t, &r, sw->share) < 0) {
		/* its messages are said again by the run that counts */
		runner_free(&r);
		messages_anew();
		run_combo(sw, t, &r, NULL);
	}
	qts_run run;
	qts_report_stage_run(r.report, &run);
	t->out->sum = run.sum;
	t->out->periods = run.periods;
	t->out->risk_free = run.risk_free;
	if (t->want == SERIES_RETURNS) {
		double *ret;
		size_t n;
		if (qts_perf_returns(run.pt, run.npt, &ret, NULL, &n) < 0)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		n = n < t->cap ? n : t->cap;
		memcpy(t->series, ret, n * sizeof *ret);
		free(ret);
		t->out->nseries = n;
	} else if (t->want == SERIES_POINTS) {
		size_t n = run.npt < t->cap ? run.npt : t->cap;
		memcpy(t->series, run.pt, n * sizeof *run.pt);
		t->out->nseries = n;
	}
	t->out->done = 1;
	runner_free(&r);
	free(combo_text);
	combo_text = NULL;
}

/* ---- workers, -j of them ------------------------------------------------ */

/* What the workers share with the process that forks them: the next task
 * to take, and the one each runs (to name a task whose worker died). */
typedef struct control {
	atomic_size_t next;
	size_t cur[]; /* by worker; SIZE_MAX: between tasks */
} control;

/* A worker takes tasks until there are none: a combination's engines
 * are built, run and freed in it, one after another, so that a
 * combination costs no fork and no fresh memory (each page a process
 * touches first costs a fault).  A combination that fails ends its
 * worker, as its program would end; another takes its place. */
static _Noreturn void worker(const sweep *sw, task *t, size_t n, control *c, size_t k)
{
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0)
		dup2(null, STDOUT_FILENO);
	for (;;) {
		size_t i = atomic_fetch_add(&c->next, 1);
		if (i >= n || qts_interrupted) {
			fflush(stderr);
			_exit(0);
		}
		c->cur[k] = i;
		run_task(sw, &t[i]);
		c->cur[k] = SIZE_MAX;
	}
}

typedef struct running {
	pid_t pid;
	int errfd;
} running;

static int stderr_file(void)
{
#ifdef SYS_memfd_create
	int fd = (int)syscall(SYS_memfd_create, "qts-sweep", 0);
	if (fd >= 0)
		return fd;
#endif
	char path[] = "/tmp/qts-sweep-XXXXXX";
	int fd2 = mkstemp(path);
	if (fd2 >= 0)
		unlink(path);
	return fd2;
}

/* A worker ended with status: when it died in task i (SIZE_MAX: between
 * tasks, or none left), the first failure is kept with its messages. */
static void reap(sweep *sw, running *r, int status, size_t i, task *t)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (code == 0 && i != SIZE_MAX && !t[i].out->done)
		code = QTS_EXIT_FAIL;
	if (code != 0) {
		if (!sw->failed++) {
			sw->fail_status = code;
			sw->fail_id = i != SIZE_MAX ? t[i].id : t[0].id;
			off_t size = lseek(r->errfd, 0, SEEK_END);
			if (size > 0) {
				if (size > 65536)
					size = 65536;
				sw->fail_text = sweep_xcalloc((size_t)size + 1, 1);
				if (pread(r->errfd, sw->fail_text, (size_t)size, 0) < 0)
					sw->fail_text[0] = '\0';
			}
		}
		if (code >= 128 && code != 128 + SIGABRT && code != 128 + SIGSEGV)
			sw->fail_status = code; /* interrupted */
	}
	close(r->errfd);
	r->pid = 0;
}

static void start_worker(const sweep *sw, task *t, size_t n, control *c, running *r, size_t k)
{
	int fd = stderr_file();
	if (fd < 0)
		qts_die(QTS_EXIT_FAIL, "a file for messages: %s", strerror(errno));
	c->cur[k] = SIZE_MAX;
	pid_t pid = fork();
	if (pid < 0)
		qts_die(QTS_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
		worker(sw, t, n, c, k);
	}
	r[k] = (running){ pid, fd };
}

static void run_tasks(sweep *sw, task *t, size_t n)
{
	size_t nr = (size_t)sw->jobs < n ? (size_t)sw->jobs : n;
	if (!nr)
		return;
	running *r = sweep_xcalloc(nr, sizeof *r);
	size_t csize = sizeof(control) + nr * sizeof(size_t);
	control *c = shared(csize);
	atomic_init(&c->next, 0);
	size_t active = 0;
	fflush(stdout);
	fflush(stderr);
	for (size_t k = 0; k < nr; k++, active++)
		start_worker(sw, t, n, c, r, k);
	while (active && !qts_interrupted) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t k = 0; k < nr; k++)
			if (r[k].pid == pid) {
				size_t i = c->cur[k];
				reap(sw, &r[k], status, i, t);
				active--;
				/* a task whose worker died is done with; the
				 * others still to take get a worker */
				if (atomic_load(&c->next) < n && !qts_interrupted) {
					start_worker(sw, t, n, c, r, k);
					active++;
				}
			}
	}
	if (qts_interrupted) {
		for (size_t k = 0; k < nr; k++)
			if (r[k].pid)
				kill(r[k].pid, SIGTERM);
		while (wait(NULL) > 0)
			;
		exit(128 + qts_interrupted);
	}
	munmap(c, csize);
	free(r);
}

/* After a run: the first failure said, with how many. */
static void say_failures(sweep *sw, size_t tried)
{
	if (!sw->failed)
		return;
	if (sw->fail_text) {
		/* a builder's usage after its message says nothing of the sweep */
		char *u = strncmp(sw->fail_text, "usage: ", 7) ? strstr(sw->fail_text, "\nusage: ") : sw->fail_text;
		if (u)
			u[u == sw->fail_text ? 0 : 1] = '\0';
		fputs(sw->fail_text, stderr);
	}
	if (sw->fail_status >= 128)
		exit(sw->fail_status);
	char *line = combo_line(sw, sw->fail_id);
	qts_warn("%zu of %zu combination%s failed; the first (id %llu: %s) said the above", sw->failed, tried,
		 tried == 1 ? "" : "s", (unsigned long long)sw->fail_id + 1, line);
	free(line);
	if (sw->failed == tried)
		exit(sw->fail_status == QTS_EXIT_USAGE ? QTS_EXIT_USAGE : QTS_EXIT_FAIL);
	free(sw->fail_text);
	sw->fail_text = NULL;
	sw->failed = 0;
}

/* ---- overfitting guards -------------------------------------------------- */

static void overfit_write(const sweep *sw, const table *tb, double periods, const double *boot)
{
	size_t sc = sweep_column(tb, "sharpe"), kc = sweep_column(tb, "skew"), uc = sweep_column(tb, "kurtosis"),
	       dc = sweep_column(tb, "days");
	size_t n = 0;
	double mean = 0, m2 = 0;
	for (size_t i = 0; i < tb->n; i++) {
		double s = sweep_cell(tb->row[i][sc]);
		if (isnan(s))
			continue;
		s /= sqrt(periods); /* per period */
		n++;
		double d = s - mean;
		mean += d / (double)n;
		m2 += d * (s - mean);
	}
	double var = n > 1 ? m2 / (double)(n - 1) : NAN;
	double v[9];
	const char *name[9] = { "trials", "best_id", "sharpe", "sharpe_std", "expected_max_sharpe",
				"deflated_sharpe", "bootstrap_low", "bootstrap_high", "bootstrap_resamples" };
	for (int i = 0; i < 9; i++)
		v[i] = NAN;
	v[0] = (double)n;
	if (tb->n) {
		double sr = sweep_cell(tb->row[0][sc]) / sqrt(periods);
		double sr0 = n > 1 ? qts_expected_max_sharpe(var, n) : 0;
		v[1] = sweep_cell(tb->row[0][0]);
		v[2] = sr * sqrt(periods);
		v[3] = sqrt(var) * sqrt(periods);
		v[4] = sr0 * sqrt(periods);
		v[5] = qts_psr(sr, sr0, sweep_cell(tb->row[0][dc]), sweep_cell(tb->row[0][kc]),
			       sweep_cell(tb->row[0][uc]));
	}
	if (boot) {
		v[6] = boot[0];
		v[7] = boot[1];
		v[8] = (double)sw->boots;
	}
	char err[QTS_ERR_MAX];
	qts_outfile of;
	if (qts_outfile_open(&of, sw->overfit, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	FILE *f = of.fp;
	fputs(sw->json ? "{" : "metric,value\n", f);
	for (int i = 0; i < 9; i++) {
		char buf[40];
		buf[qts_num_format(v[i], buf)] = '\0';
		if (sw->json)
			fprintf(f, "%s\n  \"%s\": %s", i ? "," : "", name[i], buf[0] ? buf : "null");
		else
			fprintf(f, "%s,%s\n", name[i], buf);
	}
	if (sw->json)
		fputs("\n}\n", f);
	if (ferror(f)) {
		qts_outfile_abort(&of);
		qts_die(QTS_EXIT_FAIL, "%s: %s", sw->overfit, strerror(errno ? errno : EIO));
	}
	if (qts_outfile_commit(&of, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
}

/* ---- the sweep ------------------------------------------------------------ */

/* The combinations to run: the grid, or a sample of it (Floyd's
 * algorithm: n distinct draws), in grid order; then this shard's. */
static void choose(sweep *sw)
{
	uint64_t total = 1;
	for (size_t i = 0; i < sw->np; i++) {
		if (total > MAX_COMBOS * 1000 / sw->p[i].n)
			qts_usage_error(usage, "the grid has more than %llu combinations",
					(unsigned long long)MAX_COMBOS * 1000);
		total *= sw->p[i].n;
	}
	sw->total = total;
	uint64_t want = sw->samples && (uint64_t)sw->samples < total ? (uint64_t)sw->samples : total;
	if (want > MAX_COMBOS)
		qts_usage_error(usage, "%llu combinations: more than %llu (sample them: --samples N)",
				(unsigned long long)want, (unsigned long long)MAX_COMBOS);
	sw->ids = sweep_xcalloc((size_t)want, sizeof *sw->ids);
	if (want == total) {
		for (uint64_t i = 0; i < total; i++)
			sw->ids[i] = i;
	} else {
		/* Floyd: for j in total-want .. total-1, draw t in [0, j]; take t,
		 * or j when t is taken.  A hash set keeps what is taken. */
		size_t hcap = 1;
		while (hcap < 2 * want)
			hcap *= 2;
		uint64_t *set = sweep_xcalloc(hcap, sizeof *set); /* value + 1; 0 empty */
		uint64_t state = sw->seed;
		size_t k = 0;
		for (uint64_t j = total - want; j < total; j++) {
			double u = (double)(qts_splitmix64(&state) >> 11) * (1.0 / 9007199254740992.0);
			uint64_t t = (uint64_t)(u * (double)(j + 1));
			if (t > j)
				t = j;
			for (int pass = 0; pass < 2; pass++) {
				size_t h = (size_t)((t * 0x9e3779b97f4a7c15ULL) >> 11) & (hcap - 1);
				while (set[h] && set[h] != t + 1)
					h = (h + 1) & (hcap - 1);
				if (!set[h]) {
					set[h] = t + 1;
					sw->ids[k++] = t;
					break;
				}
				t = j;
			}
		}
		free(set);
		qsort(sw->ids, (size_t)want, sizeof *sw->ids, sweep_cmp_u64);
	}
	sw->nids = (size_t)want;
	if (sw->shard_n) {
		size_t k = 0;
		for (size_t i = 0; i < sw->nids; i++)
			if (i % (size_t)sw->shard_n == (size_t)sw->shard_i - 1)
				sw->ids[k++] = sw->ids[i];
		sw->nids = k;
	}
}

static char **param_names(const sweep *sw)
{
	char **n = sweep_xcalloc(sw->np, sizeof *n);
	for (size_t i = 0; i < sw->np; i++)
		n[i] = (char *)sw->p[i].name;
	return n;
}

static void fill_row(const sweep *sw, table *tb, uint64_t id, const qts_summary *s)
{
	char **row = sweep_table_add(tb);
	char buf[32];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)id + 1);
	row[0] = sweep_xstrdup(buf);
	for (size_t k = 0; k < sw->np; k++)
		row[1 + k] = sweep_xstrdup(sw->p[k].val[value_of(sw, id, k)]);
	for (int i = 0; i < QTS_NMETRICS; i++)
		row[1 + sw->np + (size_t)i] = sweep_metric_text(s, i);
}

/* Run ids over [from, to): a table of those that ran, in id order. */
static void evaluate(sweep *sw, const uint64_t *ids, size_t n, int64_t from, int64_t to, table *tb,
		     slot **slots_out)
{
	slot *slots = shared(n * sizeof *slots);
	task *t = sweep_xcalloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (task){ ids[i], from, to, INT64_MIN, &slots[i], NULL, 0, SERIES_NONE };
	run_tasks(sw, t, n);
	say_failures(sw, n);
	char **names = param_names(sw);
	sweep_table_columns(tb, sw->np, names);
	free(names);
	for (size_t i = 0; i < n; i++)
		if (slots[i].done)
			fill_row(sw, tb, ids[i], &slots[i].sum);
	free(t);
	if (slots_out)
		*slots_out = slots;
	else
		munmap(slots, n * sizeof *slots);
}

/* One combination again over [from, to), keeping its series. */
static size_t rerun(sweep *sw, uint64_t id, int64_t from, int64_t count, int64_t to, int want, void **series,
		    slot *out)
{
	int64_t first, last;
	qts_sweep_data_span(sw->data, &first, &last);
	if (from < first)
		from = first;
	if (to > last + 1)
		to = last + 1;
	size_t cap = (size_t)((to - (count > from ? count : from)) / QTS_NS_PER_DAY) + 8;
	size_t el = want == SERIES_POINTS ? sizeof(qts_point) : sizeof(double);
	slot *s = shared(sizeof *s);
	void *buf = shared(cap * el);
	task t = { id, from, to, count, s, buf, cap, want };
	run_tasks(sw, &t, 1);
	say_failures(sw, 1);
	*out = *s;
	*series = buf;
	munmap(s, sizeof *s);
	return out->nseries;
}

/* The table to -o FILE (written whole) or standard output; the exit
 * status. */
static int write_table(const sweep *sw, const table *tb, size_t top)
{
	if (!sw->output) {
		sweep_table_write(stdout, tb, top, sw->json);
		return qts_close_stdout();
	}
	char err[QTS_ERR_MAX + 256];
	qts_outfile of;
	if (qts_outfile_open(&of, sw->output, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	sweep_table_write(of.fp, tb, top, sw->json);
	if (ferror(of.fp)) {
		qts_outfile_abort(&of);
		qts_die(QTS_EXIT_FAIL, "%s: %s", sw->output, strerror(errno ? errno : EIO));
	}
	if (qts_outfile_commit(&of, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	return qts_close_stdout();
}

/* ---- walk-forward ---------------------------------------------------------- */

static int parse_span(const char *s, int64_t out[2])
{
	char *end;
	errno = 0;
	/* strtol alone would take a leading blank or sign */
	long n = isdigit((unsigned char)*s) ? strtol(s, &end, 10) : 0;
	if (!isdigit((unsigned char)*s) || errno || n < 1 || n > 10000 || !strchr("ymwd", *end) || !*end || end[1])
		return -1;
	out[0] = n;
	out[1] = *end;
	return 0;
}

/* A span as months and days: y and m count months, w and d days. */
static int64_t span_months(const int64_t span[2])
{
	return span[1] == 'y' ? 12 * span[0] : span[1] == 'm' ? span[0] : 0;
}

static int64_t span_days(const int64_t span[2])
{
	return span[1] == 'w' ? 7 * span[0] : span[1] == 'd' ? span[0] : 0;
}

/* The day months and then days after day0, in days since 1970-01-01.  A
 * day of the month the month lacks is its last (January 31 and a month:
 * February 28 or 29).  Every boundary of the windows is reckoned from the
 * first day this way, never from another boundary: a clamped day carried
 * on would drift (January 31, February 28, March 28...) and a window's
 * end, reckoned from its own start, would miss the next window's start. */
static int64_t day_after(int64_t day0, int64_t months, int64_t days)
{
	int y;
	unsigned m, d;
	qts_civil_from_days(day0, &y, &m, &d);
	int64_t mo = (int64_t)y * 12 + (m - 1) + months;
	y = (int)(mo / 12);
	m = (unsigned)(mo % 12) + 1;
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
	return qts_days_from_civil(y, m, d < last ? d : last) + days;
}

/* Where window k (from 0) starts training, or with train set, starts
 * testing: k tests after the first day, and the training before it.  The
 * test of window k ends where that of k + 1 starts, so the tests tile
 * time; each training window is the span before its test (rolling, not
 * anchored at the first day). */
static int64_t window_day(const sweep *sw, int64_t day0, int64_t k, int train)
{
	return day_after(day0, k * span_months(sw->wf_test) + (train ? span_months(sw->wf_train) : 0),
			 k * span_days(sw->wf_test) + (train ? span_days(sw->wf_train) : 0));
}

static char *date_of(int64_t day)
{
	int y;
	unsigned m, d;
	char buf[32];
	qts_civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
	return sweep_xstrdup(buf);
}

static char *num_text(double v)
{
	char buf[40];
	buf[qts_num_format(v, buf)] = '\0';
	return sweep_xstrdup(buf);
}

static int walk_forward(sweep *sw)
{
	int64_t first, last;
	qts_sweep_data_span(sw->data, &first, &last);
	int64_t day0 = first >= 0 ? first / QTS_NS_PER_DAY : (first - QTS_NS_PER_DAY + 1) / QTS_NS_PER_DAY;
	int64_t end_day = (last >= 0 ? last / QTS_NS_PER_DAY : (last - QTS_NS_PER_DAY + 1) / QTS_NS_PER_DAY) + 1;
	int mi = sweep_metric_index(sw->sort);
	table out = { 0 };
	const char *fixed[] = { "window", "train_start", "train_end", "test_start", "test_end", "id" };
	out.nparam = sw->np;
	out.ncol = 6 + sw->np + 3;
	out.col = sweep_xcalloc(out.ncol, sizeof *out.col);
	out.kind = sweep_xcalloc(out.ncol, sizeof *out.kind);
	for (size_t i = 0; i < 6; i++)
		out.col[i] = sweep_xstrdup(fixed[i]), out.kind[i] = i == 0 || i == 5 ? K_INT : K_DATE;
	for (size_t i = 0; i < sw->np; i++)
		out.col[6 + i] = sweep_xstrdup(sw->p[i].name), out.kind[6 + i] = K_PARAM;
	out.col[6 + sw->np] = sweep_xstrdup("in_sample");
	out.col[7 + sw->np] = sweep_xstrdup("out_of_sample");
	out.col[8 + sw->np] = sweep_xstrdup("gap");
	/* The stitched curve is kept until the windows are done: a file
	 * being written must not be open while children that may exit run
	 * (each would remove its temporary on the way out). */
	qts_point *oos = NULL;
	size_t noos = 0, capoos = 0;
	double carry = NAN; /* the stitched equity at the end of the last test */
	long windows = 0;
	for (int64_t win = 0;; win++) {
		int64_t start = window_day(sw, day0, win, 0), tr_end = window_day(sw, day0, win, 1),
			te_end = window_day(sw, day0, win + 1, 1);
		if (tr_end >= end_day)
			break;
		table tr = { 0 };
		evaluate(sw, sw->ids, sw->nids, start * QTS_NS_PER_DAY, tr_end * QTS_NS_PER_DAY, &tr, NULL);
		sweep_table_sort(&tr, sw->sort);
		if (!tr.n || isnan(tr.key[0])) {
			char *a = date_of(start), *b = date_of(tr_end);
			qts_die(QTS_EXIT_FAIL, "training window %s to %s: no combination has a %s", a, b,
				sw->sort);
		}
		uint64_t id = (uint64_t)sweep_cell(tr.row[0][0]) - 1;
		slot s;
		void *series;
				/* the training window warms the engines up; the test counts */
		size_t n = rerun(sw, id, start * QTS_NS_PER_DAY, tr_end * QTS_NS_PER_DAY, te_end * QTS_NS_PER_DAY,
				 SERIES_POINTS, &series, &s);
		windows++;
		char **row = sweep_table_add(&out);
		char buf[32];
		snprintf(buf, sizeof buf, "%ld", windows);
		row[0] = sweep_xstrdup(buf);
		row[1] = date_of(start), row[2] = date_of(tr_end), row[3] = date_of(tr_end);
		row[4] = date_of(te_end < end_day ? te_end : end_day);
		row[5] = sweep_xstrdup(tr.row[0][0]);
		for (size_t k = 0; k < sw->np; k++)
			row[6 + k] = sweep_xstrdup(tr.row[0][1 + k]);
		double is = tr.key[0], os = s.sum.v[mi];
		row[6 + sw->np] = sweep_xstrdup(tr.row[0][1 + sw->np + (size_t)mi]);
		row[7 + sw->np] = sweep_metric_text(&s.sum, mi);
		row[8 + sw->np] = num_text(is - os);
		if (sw->oos) {
			const qts_point *pt = series;
			double scale = isnan(carry) || !n ? 1 : carry / pt[0].equity;
			for (size_t i = 0; i < n; i++) {
				if (i == 0 && !isnan(carry))
					continue; /* the start: the last window's end */
				if (noos == capoos)
					oos = sweep_xrealloc(oos, (capoos = capoos ? 2 * capoos : 1024) * sizeof *oos);
				oos[noos] = pt[i];
				oos[noos++].equity = pt[i].equity * scale;
			}
			if (n)
				carry = pt[n - 1].equity * scale;
		}
		munmap(series, 1);
		sweep_table_free(&tr);
		if (te_end >= end_day)
			break;
	}
	if (!windows)
		qts_die(QTS_EXIT_FAIL, "--walk-forward: the input's %lld days hold no training window and a test "
			"after it", (long long)(end_day - day0));
	if (sw->oos) {
		char err[QTS_ERR_MAX + 256];
		qts_outfile of;
		qts_writer *w;
		if (qts_outfile_open(&of, sw->oos, err, sizeof err) < 0)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		fflush(of.fp);
		if (!(w = qts_writer_new(fileno(of.fp), qts_output_format(0))))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		for (size_t i = 0; i < noos; i++) {
			/* the equity alone (the other fields 0): a stitched
			 * curve has no cash or positions of its own.  Its time
			 * is noon UTC of the point's session day, not the time
			 * of the equity event it was: a stream without bars is
			 * dated by the date of its times, and a daily bar's
			 * equity comes at its end, the next midnight, a day
			 * late.  Noon, a day's middle as qts-report dates a
			 * bar by its middle, keeps the date in a --tz zone
			 * west of UTC+12 too.  (A day at the ends of the
			 * times qts keeps, without a noon, keeps its time.) */
			int64_t day = oos[i].day, ts = oos[i].ts;
			if (day > INT64_MIN / QTS_NS_PER_DAY && day < (INT64_MAX - QTS_NS_PER_DAY) / QTS_NS_PER_DAY)
				ts = day * QTS_NS_PER_DAY + QTS_NS_PER_DAY / 2;
			qts_event ev;
			qts_event_init(&ev, QTS_EQUITY, ts);
			ev.equity.equity = oos[i].equity;
			if (qts_writer_put(w, &ev) < 0) {
				qts_outfile_abort(&of);
				qts_die(QTS_EXIT_FAIL, "%s: %s", sw->oos, strerror(errno));
			}
		}
		if (qts_writer_close(w) < 0) {
			qts_outfile_abort(&of);
			qts_die(QTS_EXIT_FAIL, "%s: %s", sw->oos, strerror(errno));
		}
		if (qts_outfile_commit(&of, err, sizeof err) < 0)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		free(oos);
	}
	int status = write_table(sw, &out, 0);
	sweep_table_free(&out);
	return status;
}

/* ---- options and main --------------------------------------------------------- */

static void parse(sweep *sw, int argc, char **argv)
{
	enum { O_SAMPLES = 256, O_SEED, O_SORT, O_TOP, O_JSON, O_SHARD, O_MERGE, O_OVERFIT, O_BOOT,
	       O_PERIODS, O_WALK, O_OOS, O_VERSION };
	static const struct option lo[] = {
		{ "jobs", required_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' }, { "samples", required_argument, NULL, O_SAMPLES },
		{ "seed", required_argument, NULL, O_SEED }, { "sort", required_argument, NULL, O_SORT },
		{ "top", required_argument, NULL, O_TOP }, { "json", no_argument, NULL, O_JSON },
		{ "shard", required_argument, NULL, O_SHARD }, { "merge", no_argument, NULL, O_MERGE },
		{ "overfit", required_argument, NULL, O_OVERFIT },
		{ "bootstrap", required_argument, NULL, O_BOOT },
		{ "periods", required_argument, NULL, O_PERIODS },
		{ "walk-forward", required_argument, NULL, O_WALK },
		{ "oos-equity", required_argument, NULL, O_OOS }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION }, { 0 } };
	char err[QTS_ERR_MAX];
	int periods_given = 0;
	*sw = (sweep){ .jobs = qts_cpus_allowed(), .seed = 1, .sort = "sharpe", .boots = 1000,
		       .periods = QTS_PERIODS_PER_YEAR };
	int c;
	optind = 1;
	/* options anywhere, as every stage takes them: the pipeline is one
	 * word, its stages' options inside it */
	while ((c = getopt_long(argc, argv, "j:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (qts_parse_long(optarg, 1, 1024, &sw->jobs, err) < 0)
				qts_usage_error(usage, "--jobs: %s", err);
			break;
		case O_SAMPLES:
			if (qts_parse_long(optarg, 1, (long)MAX_COMBOS, &sw->samples, err) < 0)
				qts_usage_error(usage, "--samples: %s", err);
			break;
		case O_SEED: {
			long s;
			if (qts_parse_long(optarg, 0, 2147483647L, &s, err) < 0)
				qts_usage_error(usage, "--seed: %s", err);
			sw->seed = (uint64_t)s;
			sw->seed_given = 1;
			break;
		}
		case O_SORT:
			if (sweep_metric_index(optarg) < 0 || qts_metric_table()[sweep_metric_index(optarg)].kind == QTS_MK_DATE)
				qts_usage_error(usage, "--sort: '%s' is not a metric of qts-report (its names in "
					       "qts-report --csv, not a date)", optarg);
			sw->sort = optarg;
			break;
		case O_TOP:
			if (qts_parse_long(optarg, 1, 1000000000L, &sw->top, err) < 0)
				qts_usage_error(usage, "--top: %s", err);
			break;
		case O_JSON: sw->json = 1; break;
		case 'o':
			if (!*optarg)
				qts_usage_error(usage, "--output: an empty file name");
			sw->output = optarg;
			break;
		case O_SHARD: {
			char *slash = strchr(optarg, '/');
			if (!slash)
				qts_usage_error(usage, "--shard: '%s' is not I/N", optarg);
			*slash = '\0';
			int bad = qts_parse_long(optarg, 1, 1000000, &sw->shard_i, err) < 0 ||
				  qts_parse_long(slash + 1, 1, 1000000, &sw->shard_n, err) < 0;
			*slash = '/';
			if (bad || sw->shard_i > sw->shard_n)
				qts_usage_error(usage, "--shard: '%s' is not I/N with 1 <= I <= N", optarg);
			break;
		}
		case O_MERGE: sw->merge = 1; break;
		case O_OVERFIT:
			if (!*optarg)
				qts_usage_error(usage, "--overfit: an empty file name");
			sw->overfit = optarg;
			break;
		case O_BOOT:
			if (qts_parse_long(optarg, 1, 1000000, &sw->boots, err) < 0)
				qts_usage_error(usage, "--bootstrap: %s", err);
			break;
		case O_PERIODS:
			if (qts_parse_double(optarg, 1, 1e6, &sw->periods, err) < 0)
				qts_usage_error(usage, "--periods: %s", err);
			periods_given = 1;
			break;
		case O_WALK: {
			char *colon = strchr(optarg, ':');
			int bad = !colon;
			if (colon) {
				*colon = '\0';
				bad = parse_span(optarg, sw->wf_train) < 0 || parse_span(colon + 1, sw->wf_test) < 0;
				*colon = ':';
			}
			if (bad)
				qts_usage_error(usage, "--walk-forward: '%s' is not TRAIN:TEST (such as 3y:1y; "
					       "y, m, w or d)", optarg);
			sw->walk = 1;
			break;
		}
		case O_OOS:
			if (!*optarg)
				qts_usage_error(usage, "--oos-equity: an empty file name");
			sw->oos = optarg;
			break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case O_VERSION: qts_print_version();
		default: qts_usage_error(usage, NULL);
		}
	}
	/* `-` is standard output (qts_outfile), which holds the table unless
	 * -o names a file: one of them goes there. */
	int to_stdout = (!sw->output || strcmp(sw->output, "-") == 0) + (sw->overfit && strcmp(sw->overfit, "-") == 0) +
			(sw->oos && strcmp(sw->oos, "-") == 0);
	if (to_stdout > 1)
		qts_usage_error(usage, "'-' is standard output, where the table goes unless -o names a file: "
			       "one output there");
	if (sw->merge) {
		if (optind >= argc)
			qts_usage_error(usage, "--merge: no table named");
		if (sw->samples || sw->shard_n || sw->walk || sw->oos || sw->seed_given)
			qts_usage_error(usage, "--merge ranks tables: no --samples, --seed, --shard, "
				       "--walk-forward or --oos-equity");
		sw->files = argv + optind;
		sw->nfiles = (size_t)(argc - optind);
		return;
	}
	if (periods_given)
		qts_usage_error(usage, "--periods goes with --merge (a sweep takes qts-report's own)");
	if (optind >= argc)
		qts_usage_error(usage, "no pipeline given");
	sw->pipeline = argv[optind++];
	while (optind < argc && is_param(argv[optind]))
		parse_param(sw, argv[optind++]);
	if (!sw->np)
		qts_usage_error(usage, "no PARAM=SPEC given");
	sw->files = argv + optind;
	sw->nfiles = (size_t)(argc - optind);
	if (sw->oos && !sw->walk)
		qts_usage_error(usage, "--oos-equity goes with --walk-forward");
	if (sw->walk && (sw->shard_n || sw->overfit || sw->top))
		qts_usage_error(usage, "--walk-forward writes its windows: no --shard, --overfit or --top");
	check_pipeline(sw);
}

static int merge_main(sweep *sw)
{
	table tb = { 0 };
	sweep_merge_read(&tb, sw->files, sw->nfiles);
	sweep_table_sort(&tb, sw->sort);
	if (sw->overfit)
		overfit_write(sw, &tb, sw->periods, NULL);
	int status = write_table(sw, &tb, (size_t)sw->top);
	sweep_table_free(&tb);
	return status;
}

static void sweep_free(sweep *sw)
{
	for (size_t i = 0; i < sw->np; i++) {
		for (size_t k = 0; k < sw->p[i].n; k++)
			free(sw->p[i].val[k]);
		free(sw->p[i].val);
	}
	free(sw->p);
	free(sw->ids);
	free(sw->fail_text);
	qts_sweep_data_free(sw->data);
	qts_ind_share_free(sw->share);
}

int qts_sweep_main(int argc, char **argv)
{
	sweep sw;
	parse(&sw, argc, argv);
	if (sw.merge)
		return merge_main(&sw);
	int status;
	choose(&sw);
	char err[QTS_ERR_MAX];
	if (!(sw.data = qts_sweep_data_read(sw.files, sw.nfiles, err)))
		qts_die(QTS_EXIT_FAIL, "%s", err);
	/* series shared up to four times the memory the input takes (64 MB
	 * at least): a grid of 20 averages over 1.3M bars takes 208 MB */
	size_t budget = 4 * qts_sweep_data_size(sw.data), least = (size_t)64 << 20;
	sw.share = qts_ind_share_new(qts_sweep_data_count(sw.data), budget > least ? budget : least);
	if (sw.walk) {
		status = walk_forward(&sw);
		sweep_free(&sw);
		return status;
	}
	table tb = { 0 };
	slot *slots = NULL;
	if (!sw.nids) {
		char **names = param_names(&sw);
		sweep_table_columns(&tb, sw.np, names);
		free(names);
	} else {
		evaluate(&sw, sw.ids, sw.nids, INT64_MIN, INT64_MAX, &tb, &slots);
	}
	sweep_table_sort(&tb, sw.sort);
	if (sw.overfit) {
		double boot[2] = { NAN, NAN };
		if (tb.n) {
			slot s;
			void *series;
			uint64_t id = (uint64_t)sweep_cell(tb.row[0][0]) - 1;
			size_t n = rerun(&sw, id, INT64_MIN, INT64_MIN, INT64_MAX, SERIES_RETURNS, &series, &s);
			qts_bootstrap_sharpe(series, n, qts_risk_free_per_period(s.risk_free, s.periods), s.periods,
					     (size_t)sw.boots, sw.seed, 0.95, &boot[0], &boot[1]);
			sw.periods = s.periods;
		}
		overfit_write(&sw, &tb, sw.periods, boot);
	}
	status = write_table(&sw, &tb, (size_t)sw.top);
	sweep_table_free(&tb);
	if (slots)
		munmap(slots, sw.nids * sizeof *slots);
	sweep_free(&sw);
	return status;
}
