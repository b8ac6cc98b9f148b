/* Unit tests of the plugin host (lib/plugin_host.c): the ways loading
 * fails, what the host accepts from a plugin, and reloading.  The plugins
 * are built here with cc from include/qts/strategy.h. */
#include "qts_plugin.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_plugin-XXXXXX";
static char got[4096];

static int capture(void *ctx, const qts_event *ev)
{
	(void)ctx;
	size_t n = strlen(got);
	n += qts_event_to_csv(ev, got + n, sizeof got - n - 1);
	got[n] = '\0';
	return 0;
}

/* dir/NAME.so from the C source body (after the ABI header); 0 or -1. */
static int build(const char *name, const char *body)
{
	char src[256], cmd[1024];
	snprintf(src, sizeof src, "%s/%s.c", dir, name);
	FILE *f = fopen(src, "w");
	if (!f)
		return -1;
	fprintf(f, "#include <qts/strategy.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
		   "#include <string.h>\n#include <math.h>\n%s\n", body);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cc -shared -fPIC -Iinclude -o %s/%s.so %s", dir, name, src);
	return system(cmd) == 0 ? 0 : -1;
}

/* A plugin counting bars: target n * K, an order on the second bar, and
 * its count as its state.  RESTORE is what restore returns. */
#define COUNTER(K, RESTORE)                                                                           \
	"struct s { const qts_strategy_host *h; long n; };\n"                                        \
	"static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p,"  \
	" char *err, size_t len) {\n"                                                                \
	"  if (np && strcmp(p[0].key, \"ok\")) { snprintf(err, len, \"unknown %s\", p[0].key); return NULL; }\n" \
	"  struct s *s = calloc(1, sizeof *s); s->h = h; return s; }\n"                               \
	"static void on_bar(void *x, const struct qts_strategy_bar *b) { struct s *s = x; s->n++;\n" \
	"  s->h->target(s->h->ctx, b->symbol, s->n * " #K ", \"qty\");\n"                            \
	"  s->h->target(s->h->ctx, b->symbol, s->n * " #K ", \"qty\");\n"                            \
	"  if (s->h->target(s->h->ctx, b->symbol, 1, \"shares\") != -1) abort();\n"                  \
	"  struct qts_strategy_order bad = { b->symbol, \"buy\", 1, \"limit\", NAN, NAN, NULL, NULL };\n" \
	"  if (s->h->order(s->h->ctx, &bad) != -1) abort();\n"                                       \
	"  if (s->n == 2) { struct qts_strategy_order o = { b->symbol, \"sell\", 5, \"stop\", 1, 9.5, NULL, NULL };\n" \
	"    s->h->order(s->h->ctx, &o); } }\n"                                                      \
	"static void on_tick(void *x, const struct qts_strategy_tick *t) { struct s *s = x;\n"       \
	"  s->h->log(s->h->ctx, \"a tick\"); s->h->target(s->h->ctx, t->symbol, -1, \"weight\"); }\n" \
	"static int save(void *x, void **d, size_t *l) { *d = malloc(sizeof(long));\n"               \
	"  memcpy(*d, &((struct s *)x)->n, sizeof(long)); *l = sizeof(long); return 0; }\n"          \
	"static int restore(void *x, const void *d, size_t l, char *err, size_t len) {\n"            \
	"  if (" #RESTORE ") { snprintf(err, len, \"format unknown\"); return -1; }\n"               \
	"  memcpy(&((struct s *)x)->n, d, l); return 0; }\n"                                         \
	"static void fr(void *x) { free(x); }\n"                                                     \
	"static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, \"count\", \"counts\", init,\n"  \
	"  on_bar, on_tick, NULL, NULL, save, restore, fr };\n"                                      \
	"const qts_strategy *qts_strategy_entry(void) { return &d; }\n"

static qts_plugin *open_plugin(const char *name, const char *strategy, int nparams, char *err)
{
	static const struct qts_strategy_param params[] = { { "ok", "1" }, { "bad", "1" } };
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	qts_plugin_config c = { path, nparams < 0 ? &params[1] : params, nparams < 0 ? 1 : (size_t)nparams,
				strategy, 0, capture, NULL };
	err[0] = '\0';
	return qts_plugin_open(&c, err, 512);
}

static void test_load_failures(void)
{
	char err[512];
	CHECK(!open_plugin("none.so", NULL, 0, err), "a missing file does not load");
	CHECK_STR(err, "No such file or directory", "and says so");

	char path[256];
	snprintf(path, sizeof path, "%s/junk.so", dir);
	FILE *f = fopen(path, "w");
	fputs("not a shared object\n", f);
	fclose(f);
	CHECK(!open_plugin("junk.so", NULL, 0, err) && err[0], "not a shared object: the loader's message");

	build("noentry", "int x(void) { return 1; }");
	CHECK(!open_plugin("noentry.so", NULL, 0, err), "no entry point does not load");
	CHECK_STR(err, "no qts_strategy_entry function", "and says so");

	build("null", "const qts_strategy *qts_strategy_entry(void) { return NULL; }");
	CHECK(!open_plugin("null.so", NULL, 0, err) && !strcmp(err, "no qts_strategy_entry function"),
	      "an entry point returning NULL: the same");

	build("abi", "static const qts_strategy d = { 99, \"x\", \"x\" };\n"
		     "const qts_strategy *qts_strategy_entry(void) { return &d; }");
	CHECK(!open_plugin("abi.so", NULL, 0, err), "another ABI version does not load");
	CHECK_STR(err, "built for ABI version 99, not 1 or 2", "and says which");

	build("noinit", "static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, \"x\", \"x\" };\n"
			"const qts_strategy *qts_strategy_entry(void) { return &d; }");
	CHECK(!open_plugin("noinit.so", NULL, 0, err), "no init does not load");
	CHECK_STR(err, "init failed", "and says init failed");

	build("silent", "static void *init(const qts_strategy_host *h, size_t n,"
			" const struct qts_strategy_param *p, char *e, size_t l)"
			" { (void)h; (void)n; (void)p; (void)e; (void)l; return NULL; }\n"
			"static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, \"x\", \"x\", init };\n"
			"const qts_strategy *qts_strategy_entry(void) { return &d; }");
	CHECK(!open_plugin("silent.so", NULL, 0, err) && !strcmp(err, "init failed"),
	      "init refusing without a word: init failed");

	build("count", COUNTER(1, 0));
	CHECK(!open_plugin("count.so", NULL, -1, err), "init refusing a parameter does not load");
	CHECK_STR(err, "unknown bad", "and its message is passed on");

	/* A build cut short (a linker still writing it) is not loaded: the
	 * loader would map pages past its end and die of SIGBUS on them. */
	char cmd0[600];
	for (int keep = 64; keep <= 8192; keep *= 2) {
		snprintf(cmd0, sizeof cmd0, "head -c %d %s/count.so > %s/half.so", keep, dir, dir);
		if (system(cmd0) != 0)
			break;
		CHECK(!open_plugin("half.so", NULL, 0, err) && !strncmp(err, "incomplete file: ", 17),
		      "a shared object cut short is refused as incomplete");
	}
	CHECK(!open_plugin("half.so", NULL, 0, err), "a half file does not load");
	printf("# %s\n", err);

	/* The private copy lives in memory: nothing in TMPDIR, even while
	 * loaded, so a crash cannot leave one behind. */
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	char tmpdir[300];
	snprintf(tmpdir, sizeof tmpdir, "%s/tmpdir", dir);
	mkdir(tmpdir, 0700);
	setenv("TMPDIR", tmpdir, 1);
	qts_plugin *p = open_plugin("count.so", NULL, 0, err);
	CHECK(p, "loads with its copy in memory");
	char cmd[400];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", tmpdir);
	CHECK(system(cmd) == 0, "no copy of the plugin on disk while it is loaded");
	qts_plugin_close(p);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}

static qts_event event(qts_type type, int64_t day)
{
	qts_event ev;
	qts_event_init(&ev, type, day * QTS_NS_PER_DAY);
	QTS_SET(ev.symbol, "ACME");
	if (type == QTS_BAR)
		QTS_SET(ev.bar.tf, "1d");
	return ev;
}

static void test_host(void)
{
	char err[512];
	got[0] = '\0';
	qts_plugin *p = open_plugin("count.so", NULL, 1, err);
	if (!CHECK(p, "a good plugin loads")) {
		printf("#   %s\n", err);
		return;
	}
	CHECK_STR(qts_plugin_name(p), "count", "its name is the strategy field");
	qts_event bar = event(QTS_BAR, 0);
	qts_plugin_bar(p, &bar, QTS_NS_PER_DAY);
	bar = event(QTS_BAR, 1);
	qts_plugin_bar(p, &bar, 2 * QTS_NS_PER_DAY);
	qts_event tick = event(QTS_TICK, 3);
	qts_plugin_event(p, &tick);
	qts_event cancel = event(QTS_CANCEL, 4);
	qts_plugin_event(p, &cancel);
	CHECK_STR(got,
		  "target,1970-01-02T00:00:00Z,ACME,1,qty,count\n"
		  "target,1970-01-03T00:00:00Z,ACME,2,qty,count\n"
		  "order,1970-01-03T00:00:00Z,ACME,count-1,sell,5,stop,,9.5,day,count\n"
		  "target,1970-01-04T00:00:00Z,ACME,-1,weight,count\n",
		  "targets on a change, stamped when the bar was known; orders numbered, "
		  "prices their kind does not use dropped; refused ones not written");

	/* a new build takes over the count */
	build("v2", COUNTER(1000, 0));
	char from[256], to[256];
	snprintf(from, sizeof from, "%s/v2.so", dir);
	snprintf(to, sizeof to, "%s/count.so", dir);
	rename(from, to);
	got[0] = '\0';
	CHECK(qts_plugin_reload(p) == 0, "reload: 0");
	bar = event(QTS_BAR, 2);
	qts_plugin_bar(p, &bar, 3 * QTS_NS_PER_DAY);
	CHECK_STR(got, "target,1970-01-04T00:00:00Z,ACME,3000,qty,count\n",
		  "the new build counts on from the old one's state");

	build("v3", COUNTER(7, 1));
	snprintf(from, sizeof from, "%s/v3.so", dir);
	rename(from, to);
	got[0] = '\0';
	CHECK(qts_plugin_reload(p) == -1, "a build that cannot restore: -1");
	qts_plugin_bar(p, &bar, 3 * QTS_NS_PER_DAY);
	CHECK_STR(got, "target,1970-01-04T00:00:00Z,ACME,4000,qty,count\n", "the running one stays");

	FILE *f = fopen(to, "w");
	fputs("broken", f);
	fclose(f);
	CHECK(qts_plugin_reload(p) == -1, "a broken file: -1, the running one stays");
	qts_plugin_close(p);

	/* --watch: a changed file is looked at when input runs dry */
	build("count", COUNTER(1, 0));
	got[0] = '\0';
	char path[256];
	snprintf(path, sizeof path, "%s/count.so", dir);
	qts_plugin_config c = { path, NULL, 0, "w", 1, capture, NULL };
	p = qts_plugin_open(&c, err, sizeof err);
	CHECK(p && !strcmp(qts_plugin_name(p), "w"), "a name given wins over the plugin's");
	qts_plugin_bar(p, &bar, 0);
	build("v2", COUNTER(1000, 0));
	snprintf(from, sizeof from, "%s/v2.so", dir);
	rename(from, to);
	qts_plugin_poll(p, 0, 0);
	qts_plugin_bar(p, &bar, 0);
	qts_plugin_poll(p, 0, 1);
	qts_plugin_bar(p, &bar, 0);
	CHECK_STR(got,
		  "target,1970-01-01T00:00:00Z,ACME,1,qty,w\n"
		  "target,1970-01-01T00:00:00Z,ACME,2,qty,w\n"
		  "order,1970-01-01T00:00:00Z,ACME,w-1,sell,5,stop,,9.5,day,w\n"
		  "target,1970-01-01T00:00:00Z,ACME,3000,qty,w\n",
		  "with watch, a new file is taken when input runs dry; ids from the name given");
	qts_plugin_close(p);
}

int main(void)
{
	qts_progname = "test_plugin";
	if (!CHECK(mkdtemp(dir), "a scratch directory"))
		return tap_done();
	test_load_failures();
	test_host();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
