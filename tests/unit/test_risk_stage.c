/* Unit tests of qts-risk's stage (lib/risk_stage.c): when the emergency
 * stop's kill file is looked at.  A stat per event would cost more than
 * the rest of the work, so qts-risk(1) promises a look on the first
 * event, after every 1024 events, and on the runtime's tick (a pause of
 * the input, and a timer every 100 ms), then again on the next event. */
#include "qts_stage.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long breaches, resumes;

static int capture(void *arg, const qts_event *ev)
{
	(void)arg;
	if (ev->type != QTS_RISK)
		return 0;
	char line[1024];
	qts_event_to_csv(ev, line, sizeof line);
	breaches += strstr(line, ",kill,breach,") != NULL;
	resumes += strstr(line, ",kill,resume,") != NULL;
	return 0;
}

static long day;

/* n bars of A, a day apart, put one by one; how many were put before the
 * first breach or resume came (n when none did). */
static long bars(qts_stage *st, long n)
{
	long b0 = breaches, r0 = resumes;
	for (long i = 0; i < n; i++) {
		qts_event ev;
		qts_event_init(&ev, QTS_BAR, ++day * 86400 * QTS_NS_PER_SEC);
		QTS_SET(ev.symbol, "A");
		QTS_SET(ev.bar.tf, "1d");
		ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = 10;
		ev.bar.volume = 1000;
		if (st->ops->put(st->eng, &ev) < 0)
			return -1;
		if (breaches != b0 || resumes != r0)
			return i;
	}
	return n;
}

int main(void)
{
	char dir[] = "/tmp/qts-risk-stage-XXXXXX", stop[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(stop, sizeof stop, "%s/stop", dir);
	char *argv[] = { "qts-risk", "--kill-file", stop, NULL };
	qts_stage st;
	memset(&st, 0, sizeof st);
	qts_risk_stage.build(&st, 3, argv, capture, NULL);
	CHECK(st.conf.tick_every == 100 * 1000000LL, "--kill-file: the runtime ticks every 100 ms");

	FILE *f = fopen(stop, "w");
	fclose(f);
	CHECK(bars(&st, 1) == 0 && breaches == 1, "a kill file there before the first event: seen on it");
	unlink(stop);
	CHECK(bars(&st, 2000) == 1023 && resumes == 1, "taken away: seen after 1024 events, not one sooner");

	CHECK(bars(&st, 100) == 100, "then none for 100 events");
	f = fopen(stop, "w");
	fclose(f);
	CHECK(bars(&st, 2000) == 1023 - 100 && breaches == 2, "made meanwhile: seen at the next 1024th event");

	unlink(stop);
	CHECK(st.ops->tick(st.eng, 0, 0) == 0 && resumes == 2, "the timer's tick looks at the file");
	bars(&st, 1); /* the event after a tick looks again: nothing new */
	f = fopen(stop, "w");
	fclose(f);
	CHECK(bars(&st, 10) == 10 && breaches == 2, "not on the events after that one");
	CHECK(st.ops->tick(st.eng, 0, 1) == 0 && breaches == 3, "a pause of the input looks at it");
	unlink(stop);
	/* a file taken away between the tick and the event after it: that
	 * event looks again (a feed resuming after a wait) */
	CHECK(st.ops->tick(st.eng, 0, 1) == 0 && resumes == 3, "a pause sees it gone");
	f = fopen(stop, "w");
	fclose(f);
	CHECK(bars(&st, 10) == 0 && breaches == 4, "the first event after a tick looks again");

	st.ops->free(st.eng);
	unlink(stop);
	rmdir(dir);
	return tap_done();
}
