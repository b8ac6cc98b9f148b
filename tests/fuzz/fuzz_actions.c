/* fuzz_actions — any bytes as a qts-sim corporate actions file
 * (`date,symbol,action,value` rows).  Loading never crashes; what loads is
 * sorted by date, each action's value is finite and in its range (a split
 * ratio > 0, a dividend >= 0), and the symbol is not empty. */
#include "fuzz.h"
#include "qts_sim.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	fuzz_pick_read_size(&data, &size);
	int fd = fuzz_fd(data, size);
	char path[64], err[1024];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	qts_action *a = NULL;
	size_t n = 0;
	err[0] = '\0';
	if (qts_actions_load(path, &a, &n, err) < 0) {
		if (!err[0])
			abort();
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i && a[i].ts < a[i - 1].ts)
				abort();
			if (!a[i].symbol[0])
				abort();
			if (a[i].kind == QTS_ACT_SPLIT && !(isfinite(a[i].value) && a[i].value > 0))
				abort();
			if (a[i].kind == QTS_ACT_DIVIDEND && !(isfinite(a[i].value) && a[i].value >= 0))
				abort();
		}
	}
	free(a);
	close(fd);
	return 0;
}
