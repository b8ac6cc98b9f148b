/* fuzz_broker_journal — any bytes as qts-broker's order journal
 * (broker_journal.c): read without a crash, every entry whole (an id, a
 * symbol, a side, a quantity > 0), and opening the file for appending
 * cuts at most a torn end, never grows it. */
#include "fuzz.h"
#include "qts_broker_journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[QTS_ERR_MAX] = "";
	size_t torn = 0;
	qts_broker_journal *j = qts_bj_parse((const char *)data, size, "fuzz", &torn, err);
	if (!j && !err[0])
		abort();
	if (j) {
		if (torn > size)
			abort();
		for (size_t i = 0; i < qts_bj_count(j); i++) {
			qts_bj_entry *e = qts_bj_at(j, i);
			if (!e->o.id[0] || !e->o.symbol[0] || !e->o.side || !(e->o.qty > 0) || qts_bj_find(j, e->o.id) != e)
				abort();
		}
		qts_bj_close(j);
	}
	/* The same bytes as a file: what opening cuts is the torn end. */
	char path[] = "/tmp/fuzz_broker_journal.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	err[0] = '\0';
	j = qts_bj_open(path, err);
	struct stat st;
	if (stat(path, &st) < 0)
		abort();
	if (j) {
		/* only a torn end is lost; a journal left empty gets its header */
		size_t want = size - torn ? size - torn : sizeof "qts-broker-journal\t2\n" - 1;
		if ((size_t)st.st_size != want)
			abort();
		qts_bj_close(j);
	} else if (!err[0] || (size_t)st.st_size != size)
		abort();
	unlink(path);
	return 0;
}
