/* instrument.c — contract specifications (multiplier, margin, tick) from
 * `--instrument SYM,multiplier=M,margin=X,tick=T` and from a file of such
 * lines, for qts-sim(1). */
#include "qts_sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A spec from its comma-separated fields: 0, or -1 with err (256 bytes). */
static int from_fields(char *const *f, int nf, qts_instrument *ins, char *err)
{
	memset(ins, 0, sizeof *ins);
	ins->multiplier = 1;
	ins->margin = NAN;
	if (nf < 1 || !*f[0] || strchr(f[0], '=')) {
		snprintf(err, 256, "instrument: a spec starts with its symbol (SYM,multiplier=M,margin=X,tick=T)");
		return -1;
	}
	if (strlen(f[0]) >= QTS_SYM_MAX) {
		snprintf(err, 256, "instrument: symbol '%.40s...' is longer than %d bytes", f[0],
			 QTS_SYM_MAX - 1);
		return -1;
	}
	/* as the stream refuses it: a contract of such a symbol would never apply */
	char shown[4 * QTS_SYM_MAX + 8];
	const char *fault = qts_symbol_name_fault(f[0], strlen(f[0]), shown);
	if (fault) {
		snprintf(err, 256, "instrument: symbol '%.100s' %s", shown, fault);
		return -1;
	}
	QTS_SET(ins->symbol, f[0]);
	int seen[3] = { 0, 0, 0 };
	for (int i = 1; i < nf; i++) {
		static const char *const keys[] = { "multiplier", "margin", "tick" };
		/* Bounds: a multiplier or tick of 0 means nothing; a margin of
		 * 0 is a contract settled daily with nothing held. */
		static const double lo[] = { 1e-9, 0, 1e-12 }, hi[] = { 1e9, 1e12, 1e9 };
		char key[32], e[128];
		const char *val;
		int k;
		if (qts_split_kv(f[i], key, sizeof key, &val) < 0) {
			snprintf(err, 256, "instrument %s: '%.64s' is not key=value", ins->symbol, f[i]);
			return -1;
		}
		for (k = 0; k < 3 && strcmp(key, keys[k]) != 0; k++)
			;
		if (k == 3) {
			snprintf(err, 256, "instrument %s: unknown key '%s' (multiplier, margin, tick)",
				 ins->symbol, key);
			return -1;
		}
		if (seen[k]++) {
			snprintf(err, 256, "instrument %s: %s given twice", ins->symbol, key);
			return -1;
		}
		double v;
		if (qts_parse_double(val, lo[k], hi[k], &v, e) < 0) {
			snprintf(err, 256, "instrument %s: %s: %s", ins->symbol, key, e);
			return -1;
		}
		if (k == 0)
			ins->multiplier = v;
		else if (k == 1)
			ins->margin = v;
		else
			ins->tick = v;
	}
	return 0;
}

int qts_instrument_parse(const char *spec, qts_instrument *ins, char *err)
{
	char buf[512], *f[16];
	int nf = 0;
	if (strlen(spec) >= sizeof buf) {
		snprintf(err, 256, "instrument: spec longer than %zu bytes", sizeof buf - 1);
		return -1;
	}
	strcpy(buf, spec);
	for (char *p = buf; nf < 16;) {
		f[nf++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	if (nf == 16) {
		snprintf(err, 256, "instrument: too many fields in '%.64s'", spec);
		return -1;
	}
	return from_fields(f, nf, ins, err);
}

const qts_instrument *qts_instrument_find(const qts_instrument *list, size_t n, const char *symbol)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].symbol, symbol) == 0)
			return &list[i];
	return NULL;
}

void qts_instruments_check_used(const qts_instrument *list, size_t n, size_t nseen,
				int (*seen)(void *arg, const char *symbol), void *arg)
{
	if (!n || !nseen)
		return;
	for (size_t i = 0; i < n; i++)
		if (seen(arg, list[i].symbol))
			return;
	qts_warn("no contract given (--instrument, --instruments) is a symbol of the stream (%s is not): "
		 "every symbol was taken as a share", list[0].symbol);
}

int qts_instrument_add(qts_instrument **list, size_t *n, const qts_instrument *ins, char *err)
{
	qts_instrument *same = (qts_instrument *)qts_instrument_find(*list, *n, ins->symbol);
	if (same) {
		*same = *ins; /* the last word wins, as with any flag */
		return 0;
	}
	qts_instrument *nl = realloc(*list, (*n + 1) * sizeof **list);
	if (!nl) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	nl[(*n)++] = *ins;
	*list = nl;
	return 0;
}

int qts_instrument_add_spec(qts_instrument **list, size_t *n, const char *spec, char *err)
{
	qts_instrument ins;
	if (qts_instrument_parse(spec, &ins, err) < 0)
		return -1;
	return qts_instrument_add(list, n, &ins, err) < 0 ? -2 : 0;
}

int qts_instruments_load(const char *path, qts_instrument **list, size_t *n, char *err)
{
	qts_input *in = qts_input_open(path);
	qts_csv *csv = in ? qts_csv_open(in) : NULL;
	if (!csv) {
		snprintf(err, 512, "%s: %s", path, strerror(errno));
		qts_input_close(in);
		return -1;
	}
	int rc = 0, nf, read = 0;
	char **f;
	size_t *lens;
	/* the line of each symbol of the file: one listed twice in it is a
	 * mistake (which is meant?), where a flag after the file, the last
	 * word, replaces its contract */
	qts_symtab *lines = qts_symtab_new(sizeof(long));
	if (!lines)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_csv_skip_bom(csv);
	while ((nf = qts_csv_next(csv, &f, &lens)) > 0) {
		/* CSV_EMPTY_IS_NULL: an empty field may come back as NULL. */
		qts_instrument ins;
		read++;
		char e[256];
		int nul = qts_csv_nul_field(f, lens, nf);
		for (int i = 0; i < nf; i++)
			if (!f[i])
				f[i] = "";
		if (nul)
			snprintf(e, sizeof e, "field %d holds a NUL byte", nul);
		if (nul || from_fields(f, nf, &ins, e) < 0) {
			snprintf(err, 512, "%s:%ld: %s", path, qts_csv_line(csv), e);
			rc = -1;
			break;
		}
		long *line = qts_symtab_find(lines, ins.symbol);
		if (line) {
			snprintf(err, 512, "%s:%ld: symbol '%s' is listed twice (line %ld too)", path, qts_csv_line(csv),
				 ins.symbol, *line);
			rc = -1;
			break;
		}
		if (!(line = qts_symtab_get(lines, ins.symbol)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		*line = qts_csv_line(csv);
		if (qts_instrument_add(list, n, &ins, e) < 0) {
			snprintf(err, 512, "%s:%ld: %s", path, qts_csv_line(csv), e);
			rc = -1;
			break;
		}
	}
	qts_symtab_free(lines);
	if (rc == 0 && nf < 0) {
		snprintf(err, 512, "%s", qts_csv_error(csv));
		rc = -1;
	}
	/* A file of no contract does nothing, as one of no symbol of the
	 * stream does (qts_instruments_check_used): said, not taken for
	 * contracts given.  Said as read: the list holds --instrument's
	 * contracts too, and the end cannot tell the file's from them. */
	if (rc == 0 && !read)
		qts_warn("--instruments %s: no contract in it (it is empty, or comments): it makes no symbol a contract",
			 path);
	qts_csv_close(csv);
	qts_input_close(in);
	return rc;
}
