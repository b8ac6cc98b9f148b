/* actions.c — corporate actions and universe changes for qts-sim
 * --actions: splits, cash dividends, delistings, by date. */
#include "qts_sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int by_date(const void *a, const void *b)
{
	const qts_action *x = a, *y = b;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* Split a line in place at commas (no quoting: symbols and numbers need
 * none); returns the number of fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *c = line; *c; c++)
		if (*c == ',') {
			*c = '\0';
			if (n == max)
				return max + 1;
			f[n++] = c + 1;
		}
	return n;
}

int qts_actions_load(const char *path, qts_action **out, size_t *nout, char *err)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, 512, "%s: %s", path, strerror(errno));
		return -1;
	}
	qts_action *a = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	long lineno = 0;
	ssize_t len;
	int rc = -1;
	while ((len = getline(&line, &lcap, fp)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#' || (lineno == 1 && strncmp(line, "date,", 5) == 0))
			continue;
		char *f[4];
		int nf = split(line, f, 4);
		if (nf < 3 || nf > 4) {
			snprintf(err, 512, "%s:%ld: want date,symbol,action,value", path, lineno);
			goto out;
		}
		qts_action act = { 0 };
		if (qts_time_parse(f[0], strlen(f[0]), &act.ts) < 0) {
			snprintf(err, 512, "%s:%ld: bad date '%s'", path, lineno, f[0]);
			goto out;
		}
		/* A date means the start of that day, in UTC. */
		act.ts -= ((act.ts % QTS_NS_PER_DAY) + QTS_NS_PER_DAY) % QTS_NS_PER_DAY;
		if (!*f[1] || strlen(f[1]) >= QTS_SYM_MAX) {
			snprintf(err, 512, "%s:%ld: bad symbol '%s'", path, lineno, f[1]);
			goto out;
		}
		QTS_SET(act.symbol, f[1]);
		const char *val = nf == 4 ? f[3] : "";
		char e[128];
		if (strcmp(f[2], "split") == 0) {
			act.kind = QTS_ACT_SPLIT;
			if (qts_parse_double(val, 1e-9, 1e9, &act.value, e) < 0) {
				snprintf(err, 512, "%s:%ld: split ratio: %s", path, lineno, e);
				goto out;
			}
		} else if (strcmp(f[2], "dividend") == 0) {
			act.kind = QTS_ACT_DIVIDEND;
			if (qts_parse_double(val, 0, 1e9, &act.value, e) < 0) {
				snprintf(err, 512, "%s:%ld: dividend: %s", path, lineno, e);
				goto out;
			}
		} else if (strcmp(f[2], "delist") == 0) {
			act.kind = QTS_ACT_DELIST;
			if (*val) {
				snprintf(err, 512, "%s:%ld: delist takes no value", path, lineno);
				goto out;
			}
		} else {
			snprintf(err, 512, "%s:%ld: unknown action '%s' (split, dividend, delist)",
				 path, lineno, f[2]);
			goto out;
		}
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			qts_action *na = realloc(a, ncap * sizeof *a);
			if (!na) {
				snprintf(err, 512, "%s: out of memory", path);
				goto out;
			}
			a = na;
			cap = ncap;
		}
		a[n++] = act;
	}
	if (ferror(fp)) {
		snprintf(err, 512, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* Insertion sort: stable, and action files are short and usually
	 * sorted already. */
	for (size_t i = 1; i < n; i++) {
		qts_action x = a[i];
		size_t j = i;
		while (j > 0 && by_date(&a[j - 1], &x) > 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
	*out = a;
	*nout = n;
	a = NULL;
	rc = 0;
out:
	free(a);
	free(line);
	fclose(fp);
	return rc;
}
