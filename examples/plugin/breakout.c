/* breakout.c — an example qts-strategy plugin: long `size` when the close
 * rises above the highest close of the previous `n` bars, flat when it
 * falls below the lowest; per-symbol state survives a hot reload through
 * save and restore.  Build: make; run:
 *   qts-strategy --plugin ./breakout.so n=20 size=100 < bars.csv */
#include <qts/strategy.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 1000

struct sym {
	char name[32];
	double close[MAXN]; /* the last n closes, a ring */
	long seen;
	double pos;
};

struct self {
	const qts_strategy_host *host;
	long n;
	double size;
	struct sym *sym;
	size_t nsym;
};

static void *init(const qts_strategy_host *host, size_t np, const struct qts_strategy_param *p,
		  char *err, size_t errlen)
{
	struct self *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->host = host;
	s->n = 20;
	s->size = 1;
	for (size_t i = 0; i < np; i++) {
		char *end;
		double v = strtod(p[i].value, &end);
		if (*end || end == p[i].value) {
			snprintf(err, errlen, "%s: '%s' is not a number", p[i].key, p[i].value);
		} else if (!strcmp(p[i].key, "n") && v >= 1 && v <= MAXN && v == floor(v)) {
			s->n = (long)v;
			continue;
		} else if (!strcmp(p[i].key, "size") && v > 0) {
			s->size = v;
			continue;
		} else {
			snprintf(err, errlen, "unknown parameter or out of range: %s=%s (n in [1, %d], size > 0)",
				 p[i].key, p[i].value, MAXN);
		}
		free(s);
		return NULL;
	}
	return s;
}

static struct sym *find(struct self *s, const char *name)
{
	for (size_t i = 0; i < s->nsym; i++)
		if (!strcmp(s->sym[i].name, name))
			return &s->sym[i];
	struct sym *t = realloc(s->sym, (s->nsym + 1) * sizeof *t);
	if (!t)
		return NULL;
	s->sym = t;
	t = &s->sym[s->nsym++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	return t;
}

static void on_bar(void *self, const struct qts_strategy_bar *bar)
{
	struct self *s = self;
	struct sym *y = find(s, bar->symbol);
	if (!y)
		return;
	if (y->seen >= s->n) {
		double hi = -INFINITY, lo = INFINITY;
		for (long i = 0; i < s->n; i++) {
			hi = fmax(hi, y->close[i]);
			lo = fmin(lo, y->close[i]);
		}
		if (bar->close > hi)
			y->pos = s->size;
		else if (bar->close < lo)
			y->pos = 0;
		s->host->target(s->host->ctx, bar->symbol, y->pos, "qty");
	}
	y->close[y->seen++ % s->n] = bar->close;
}

/* The state is the array of symbols as bytes, behind a header naming the
 * layout, so a build with another layout refuses it. */
static const char magic[8] = "brk1";

static int save(void *self, void **data, size_t *len)
{
	struct self *s = self;
	*len = sizeof magic + sizeof s->n + s->nsym * sizeof *s->sym;
	unsigned char *b = malloc(*len);
	if (!b)
		return -1;
	memcpy(b, magic, sizeof magic);
	memcpy(b + sizeof magic, &s->n, sizeof s->n);
	if (s->nsym)
		memcpy(b + sizeof magic + sizeof s->n, s->sym, s->nsym * sizeof *s->sym);
	*data = b;
	return 0;
}

static int restore(void *self, const void *data, size_t len, char *err, size_t errlen)
{
	struct self *s = self;
	const unsigned char *b = data;
	long n;
	if (len < sizeof magic + sizeof n || memcmp(b, magic, sizeof magic) ||
	    (len - sizeof magic - sizeof n) % sizeof *s->sym) {
		snprintf(err, errlen, "saved state is not a breakout state");
		return -1;
	}
	memcpy(&n, b + sizeof magic, sizeof n);
	if (n != s->n) {
		snprintf(err, errlen, "saved with n=%ld, now n=%ld", n, s->n);
		return -1;
	}
	size_t k = (len - sizeof magic - sizeof n) / sizeof *s->sym;
	if (k && !(s->sym = malloc(len))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (k)
		memcpy(s->sym, b + sizeof magic + sizeof n, k * sizeof *s->sym);
	s->nsym = k;
	return 0;
}

static void destroy(void *self)
{
	struct self *s = self;
	free(s->sym);
	free(s);
}

static const qts_strategy strategy = {
	.abi_version = QTS_STRATEGY_ABI_VERSION,
	.name = "breakout",
	.summary = "long above the highest close of the last n bars, flat below the lowest",
	.init = init,
	.on_bar = on_bar,
	.save = save,
	.restore = restore,
	.free = destroy,
};

const qts_strategy *qts_strategy_entry(void)
{
	return &strategy;
}
