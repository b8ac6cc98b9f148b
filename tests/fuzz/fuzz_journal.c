/* fuzz_journal — any bytes as a journal file (journal.c): every block
 * header that parses is checked and inflated without a crash and within
 * its bounds, its records checked against it, and reopening the file
 * for appending cuts at most a torn end, never grows or crashes. */
#include "fuzz.h"
#include "qts_journal.h"

#include <stdio.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static unsigned char out[QTS_JOURNAL_BLOCK_MAX];
	char why[256];
	for (size_t off = 0; off < size; off++) {
		qts_journal_block b;
		if (qts_journal_parse_head(data + off, size - off, &b) != 1 || b.size > size - off)
			continue;
		why[0] = '\0';
		long n = qts_journal_inflate(data + off, &b, out, sizeof out, why, sizeof why);
		if (n > (long)QTS_JOURNAL_BLOCK_MAX || (n < 0 && !why[0]))
			abort();
		/* the records of a block that inflates, against its header */
		why[0] = '\0';
		if (n >= 0 && qts_journal_check(out, (size_t)n, &b, "fuzz", why, sizeof why) < 0 && !why[0])
			abort();
	}
	int fd = fuzz_fd(data, size);
	char path[64], warn[QTS_ERR_MAX], err[QTS_ERR_MAX];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err[0] = '\0';
	qts_journal *j = qts_journal_open(path, &(qts_journal_opts){ .sync = QTS_JOURNAL_SYNC_NONE }, warn,
					  sizeof warn, err);
	struct stat st;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > size)
		abort();
	if (j) {
		if (qts_journal_close(j, err) < 0)
			abort();
	} else if (!err[0])
		abort();
	close(fd);
	return 0;
}
