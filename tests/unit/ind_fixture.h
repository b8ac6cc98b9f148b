/* ind_fixture.h — read the indicator fixtures of tests/fixtures/ind: the
 * input series (open high low close volume ts a row) and the reference
 * outputs (see gen.js there for their origin and format). */
#ifndef QTS_IND_FIXTURE_H
#define QTS_IND_FIXTURE_H
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qts_ind.h"

#define FIX_DIR "tests/fixtures/ind"
#define FIX_MAXBARS 512

struct series {
	char name[32];
	int n;
	double col[6][FIX_MAXBARS]; /* open high low close volume ts */
};

struct ref {
	char file[128], ind[32];
	int nopt, lookback, n;
	double opt[4];
	double out[FIX_MAXBARS][3];
};

static const char *const fix_cols[6] = { "open", "high", "low", "close", "volume", "ts" };

static inline int fix_series(struct series *s, const char *name)
{
	char path[256], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.txt", FIX_DIR, name);
	if (!(f = fopen(path, "r")))
		return -1;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->n = 0;
	while (fgets(line, sizeof line, f) && s->n < FIX_MAXBARS) {
		char *p = line, *end;
		if (line[0] == '#')
			continue;
		for (int c = 0; c < 6; c++, p = end)
			s->col[c][s->n] = strtod(p, &end);
		s->n++;
	}
	fclose(f);
	return s->n > 0 ? 0 : -1;
}

/* The column feeding an indicator input, by its name. */
static inline const double *fix_input(const struct series *s, const char *input)
{
	for (int c = 0; c < 6; c++)
		if (strcmp(fix_cols[c], input) == 0)
			return s->col[c];
	return NULL;
}

static inline int fix_ref(struct ref *r, const char *file)
{
	char path[256], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", FIX_DIR, file);
	if (!(f = fopen(path, "r")))
		return -1;
	snprintf(r->file, sizeof r->file, "%s", file);
	r->n = r->nopt = 0;
	r->lookback = -1;
	r->ind[0] = 0;
	while (fgets(line, sizeof line, f) && r->n < FIX_MAXBARS) {
		char *p, *end;
		if (line[0] == '#')
			continue;
		if (strncmp(line, "ind ", 4) == 0) {
			sscanf(line + 4, "%31s", r->ind);
		} else if (strncmp(line, "opt", 3) == 0) {
			for (p = line + 3; r->nopt < 4; p = end) {
				double v = strtod(p, &end);
				if (end == p)
					break;
				r->opt[r->nopt++] = v;
			}
		} else if (strncmp(line, "lookback ", 9) == 0) {
			r->lookback = atoi(line + 9);
		} else {
			p = line;
			for (int k = 0; k < 3; k++, p = end) {
				r->out[r->n][k] = strtod(p, &end);
				if (end == p)
					break;
			}
			r->n++;
		}
	}
	fclose(f);
	return r->ind[0] && r->lookback >= 0 ? 0 : -1;
}

/* Reference files of one series, "SERIES-*.txt", sorted; returns how many
 * names were put in names[] (each malloc'd). */
static inline int fix_list(const char *series, char **names, int max)
{
	DIR *d = opendir(FIX_DIR);
	struct dirent *e;
	size_t len = strlen(series);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);
		if (strncmp(e->d_name, series, len) == 0 && e->d_name[len] == '-' && l > 4 &&
		    strcmp(e->d_name + l - 4, ".txt") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	return n;
}

/* Feed a whole series to ind; out[i][k] gets output k of bar i, ok[i] the
 * return of qts_ind_update. */
static inline void fix_run(qts_ind *ind, const struct series *s, double (*out)[3], int *ok)
{
	const qts_ind_info *info = qts_ind_info_of(ind);
	const double *cols[5];
	double in[5];

	for (int k = 0; k < info->ninputs; k++)
		cols[k] = fix_input(s, info->inputs[k]);
	for (int i = 0; i < s->n; i++) {
		for (int k = 0; k < info->ninputs; k++)
			in[k] = cols[k][i];
		ok[i] = qts_ind_update(ind, in, out[i]);
	}
}

/* Closeness: both NaN, or within tol relative (absolute below 1). */
static inline int fix_near(double got, double want, double tol)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	return fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1);
}
#endif
