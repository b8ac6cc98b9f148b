/* qts_inputs: stdin when no file is named, one file as it comes, several
 * merged by the time their events became known, positions and errors. */
#include "qts.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/qts-inputs-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		exit(1);
	close(fd);
	return path;
}

int main(void)
{
	char *a = write_tmp("tick,2024-01-02T00:00:01Z,A,1,1\ntick,2024-01-02T00:00:03Z,A,1,1\n");
	char *b = write_tmp("#c\ntick,2024-01-02T00:00:02Z,B,1,1\ntick,2024-01-02T00:00:04Z,B,x,1\n");
	char err[256];
	qts_event ev;

	char *one[] = { a };
	qts_inputs *in = qts_inputs_open(one, 1, NULL, err, sizeof err);
	CHECK(in && qts_inputs_next(in, &ev) == 1 && strcmp(ev.symbol, "A") == 0, "one file as it comes");
	char want[300];
	snprintf(want, sizeof want, "%s:1", a);
	CHECK_STR(qts_inputs_where(in), want, "the position of the last event");
	qts_inputs_close(in);

	char *two[] = { a, b };
	in = qts_inputs_open(two, 2, NULL, err, sizeof err);
	int order_ok = qts_inputs_next(in, &ev) == 1 && !strcmp(ev.symbol, "A");
	order_ok &= qts_inputs_next(in, &ev) == 1 && !strcmp(ev.symbol, "B");
	CHECK(order_ok, "two files merged in time order");
	snprintf(want, sizeof want, "%s:2", b);
	CHECK_STR(qts_inputs_where(in), want, "a merge names the line in the file the event came from");
	/* the merge reads b's next line to know what comes next: the error */
	CHECK(qts_inputs_next(in, &ev) == -1, "then b's bad line");
	snprintf(want, sizeof want, "%s:3: price: 'x' is not a number", b);
	CHECK_STR(qts_inputs_error(in), want, "with its error and line");
	qts_inputs_close(in);

	char *missing[] = { a, "/nonexistent/x.csv" };
	CHECK(qts_inputs_open(missing, 2, NULL, err, sizeof err) == NULL, "a missing file fails the open");
	CHECK_STR(err, "/nonexistent/x.csv: No such file or directory", "and says which");
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	return tap_done();
}
