/* fuzz_rules — any bytes as a qts-risk rules file (`NAME VALUE` lines).
 * Loading never crashes; a file that loads gives settings every rule
 * accepts (no NaN where a number is set, counts in range), and an engine
 * can be built from it.  Messages may quote the file: they go through
 * qts_escape_text, which must give printable, whole-character text. */
#include "fuzz.h"
#include "qts_risk.h"

#include <stdio.h>

static void check_printable(const char *s)
{
	char out[4096];
	size_t n = qts_escape_text(s, strlen(s), out, sizeof out);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int fd = fuzz_fd(data, size);
	char path[64], err[1024];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	qts_risk_config c;
	qts_risk_config_init(&c);
	err[0] = '\0';
	if (qts_risk_config_load(&c, path, err) < 0) {
		if (!err[0])
			abort(); /* a failure always says why */
		check_printable(err);
	} else {
		if (c.max_orders < -1 || c.vol_window < -1 || c.max_positions < -1 || c.order_window < 0)
			abort();
		/* a sectors or kill file named in the rules may not exist: an error, not a crash */
		qts_risk *r = qts_risk_new(&c, err);
		if (r)
			qts_risk_free(r);
		else
			check_printable(err);
	}
	qts_risk_config_free(&c);
	close(fd);
	return 0;
}
