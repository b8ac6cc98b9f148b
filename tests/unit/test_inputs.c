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

	/* Each file of a merge keeps its own order; one that goes back in
	 * time is named with both lines and times (qts-events(5)). */
	char *c = write_tmp("tick,2024-01-02T00:00:05Z,C,1,1\ntick,2024-01-02T00:00:02Z,D,1,1\n");
	char *three[] = { a, c };
	in = qts_inputs_open(three, 2, NULL, err, sizeof err);
	int got = 0, r;
	while ((r = qts_inputs_next(in, &ev)) == 1)
		got++;
	CHECK(r == -1 && got == 3, "a file out of time order stops the merge after what came before");
	snprintf(want, sizeof want, "%s:2: out of time order: tick D known at 2024-01-02T00:00:02Z comes after line 1, "
		 "at 2024-01-02T00:00:05Z; a stream is in time order as a whole (name several files to merge them; cat does not)", c);
	CHECK_STR(qts_inputs_error(in), want, "naming the file, both lines and both times");
	qts_inputs_close(in);

	/* Equal times are in order, a bar is known at its end, an unknown
	 * event without a time goes with its neighbours, and a system error
	 * is noted for the end of the program. */
	char *d = write_tmp("bar,2024-01-02,A,1d,1,1,1,1,1\ntick,2024-01-02T12:00:00Z,B,1,1\nnote,x\n"
			    "bar,2024-01-02,C,1d,1,1,1,1,1\nsystem,2024-01-03,qts-x,error,\"it broke\"\n");
	char *four[] = { d };
	in = qts_inputs_open(four, 1, NULL, err, sizeof err);
	got = 0;
	int64_t untimed = 0;
	while ((r = qts_inputs_next(in, &ev)) == 1)
		if (++got == 3)
			untimed = ev.ts;
	CHECK(r == 0 && got == 5, "ties and bars known at their end are in order");
	CHECK(untimed == 1704196800LL * QTS_NS_PER_SEC, "an unknown event without a time takes the latest time before it");
	CHECK_STR(qts_upstream_failure() ? qts_upstream_failure() : "", "qts-x failed: it broke",
		  "a system error event read is kept for the end");
	qts_inputs_close(in);

	char *missing[] = { a, "/nonexistent/x.csv" };
	CHECK(qts_inputs_open(missing, 2, NULL, err, sizeof err) == NULL, "a missing file fails the open");
	CHECK_STR(err, "/nonexistent/x.csv: No such file or directory", "and says which");
	unlink(a);
	unlink(b);
	unlink(c);
	unlink(d);
	free(a);
	free(b);
	free(c);
	free(d);
	return tap_done();
}
