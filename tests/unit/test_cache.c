/* The cache of network history (fetch_history.c over fetch_cache.c),
 * against a source defined here: it counts its requests, keeps the spans
 * asked for, and serves a daily bar for every day of any span, up to the
 * test's clock.  A bar not yet final (its day not over at the clock)
 * closes 0.5 higher than it will: a cache that kept it would show it. */
#include "cache_priv.h"
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define DAY QTS_NS_PER_DAY
static int64_t clock_ns;           /* the source's now, and the cache's */
static int requests, fail_next;
static int64_t asked_from[16], asked_to[16];
static qts_net *asked_net[16];
static const int64_t first_day = 18262 * DAY; /* 2020-01-01: the source's history starts */

typedef struct it {
	int64_t at, to;
	int n;
} it;

static int64_t day(int y, unsigned m, unsigned d)
{
	return qts_days_from_civil(y, m, d) * DAY;
}

static double final_close(int64_t ts)
{
	return 100 + (double)(ts / DAY % 97) / 4;
}

static int serves(qts_tf tf)
{
	return tf.n == 0 || (tf.n == 1 && tf.unit == 'd');
}

static void *t_open(qts_net *net, const char *url, const qts_feed_request *rq, char *err)
{
	(void)url, (void)err;
	if (requests < 16) {
		asked_net[requests] = net;
		asked_from[requests] = rq->from;
		asked_to[requests] = rq->to;
	}
	requests++;
	it *i = calloc(1, sizeof *i);
	/* Like a vendor given dates: from the start of the day asked for. */
	i->at = rq->from < first_day ? first_day : qts_floor_div(rq->from, DAY) * DAY;
	i->to = rq->to;
	return i;
}

/* Chunks of 40 bars, as pages. */
static int t_next(void *p, qts_evbuf *out, char *err)
{
	it *i = p;
	if (fail_next && ++i->n > 1) {
		snprintf(err, QTS_ERR_MAX, "tfeed: HTTP 500");
		return -1;
	}
	for (int k = 0; k < 40; k++, i->at += DAY) {
		if (i->at >= i->to || i->at > clock_ns)
			return 0;
		qts_event ev;
		qts_event_init(&ev, QTS_BAR, i->at);
		QTS_SET(ev.symbol, "SYM");
		QTS_SET(ev.bar.tf, "1d");
		ev.bar.close = final_close(i->at) + (i->at + DAY > clock_ns ? 0.5 : 0);
		ev.bar.open = ev.bar.low = ev.bar.close - 1;
		ev.bar.high = ev.bar.close + 1;
		ev.bar.volume = 1000;
		qts_evbuf_push(out, &ev);
	}
	return 1;
}

static const char *t_actions(void *p)
{
	(void)p;
	return "2024-01-15,SYM,split,2\n2019-03-01,SYM,dividend,0.5\n";
}

static void t_close(void *p)
{
	free(p);
}

static const qts_feed_kind tfeed = { "tfeed", "QTS_TFEED_URL", "http://127.0.0.1:9", 60, 1, "1d", serves,
				     t_open, t_next, t_actions, t_close };

typedef struct got {
	int n, ok;
	int64_t first, last;
	double sum;
	char err[QTS_ERR_MAX];
} got;

/* Read the history of sym over [from, to) whole. */
static got fetch(const char *sym, int64_t from, int64_t to, const qts_cache_opts *co)
{
	got g = { .ok = 1 };
	qts_feed_request rq = { .symbol = sym, .from = from, .to = to };
	qts_history *h = qts_history_open(&tfeed, NULL, &rq, co, g.err);
	if (!h) {
		g.ok = 0;
		return g;
	}
	qts_event ev;
	int r;
	int64_t prev = INT64_MIN;
	while ((r = qts_history_next(h, &ev, g.err)) > 0) {
		if (!g.n)
			g.first = ev.ts;
		if (ev.ts <= prev || strcmp(ev.symbol, "SYM") || strcmp(ev.bar.tf, "1d") ||
		    ev.bar.close != final_close(ev.ts) + (ev.ts + DAY > clock_ns ? 0.5 : 0))
			g.ok = 0;
		prev = g.last = ev.ts;
		g.n++;
		g.sum += ev.bar.close;
	}
	if (r < 0)
		g.ok = 0;
	qts_history_close(h);
	return g;
}

/* Files in dir/tfeed: entries, and (hidden) temporaries. */
static int files(const char *dir, int hidden)
{
	char sub[512];
	snprintf(sub, sizeof sub, "%s/tfeed", dir);
	DIR *d = opendir(sub);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (e->d_name[0] == '.') == hidden)
			n++;
	if (d)
		closedir(d);
	return n;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? -1 : (long long)st.st_size;
}

/* Replace the bars of the entry at path with body (n bytes), its header
 * saying bars and n, no actions. */
static void rewrite(const char *path, const void *body, size_t n, uint64_t bars)
{
	unsigned char head[256];
	int fd = open(path, O_RDWR);
	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
		return;
	for (int i = 0; i < 8; i++) {
		head[40 + i] = (unsigned char)(bars >> (8 * i));
		head[48 + i] = (unsigned char)((uint64_t)n >> (8 * i));
		head[56 + i] = 0;
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, head, sizeof head, 0) < 0 || pwrite(fd, body, n, 256) < 0)
		CHECK(0, "rewrite");
	close(fd);
}

/* The bars of recs compressed, as an entry holds them. */
static size_t pack(const qts_cache_rec *recs, size_t nrec, size_t extra, void *out, size_t cap)
{
	unsigned char raw[48 * 8 + 8] = { 0 };
	for (size_t i = 0; i < nrec; i++) {
		uint64_t u[6] = { (uint64_t)recs[i].ts };
		memcpy(&u[1], &recs[i].open, 8 * 5);
		for (int j = 0; j < 6; j++)
			for (int b = 0; b < 8; b++)
				raw[i * 48 + (size_t)j * 8 + (size_t)b] = (unsigned char)(u[j] >> (8 * b));
	}
	return ZSTD_compress(out, cap, raw, nrec * 48 + extra, 1);
}

int main(void)
{
	char dir[] = "/tmp/qts-test-cache-XXXXXX", path[600], list[4096];
	if (!mkdtemp(dir))
		return 1;
	qts_cache_opts co = { .dir = dir };
	clock_ns = co.now = day(2024, 6, 1) + 12 * 3600 * QTS_NS_PER_SEC;
	int64_t jan = day(2024, 1, 1), mar = day(2024, 3, 1);

	/* ---- a miss, then a hit without a request */
	got a = fetch("AAA", jan, mar, &co);
	CHECK(a.ok && a.n == 60 && requests == 1, "a miss: fetched, 60 days of January and February 2024");
	CHECK(asked_from[0] == jan && asked_to[0] == mar, "the source asked for the span of the request");
	CHECK(files(dir, 0) == 1 && files(dir, 1) == 0, "one entry written, no temporary left");
	qts_history_forget();
	got b = fetch("AAA", jan, mar, &co);
	CHECK(b.ok && b.n == 60 && b.sum == a.sum && requests == 1, "a hit: the same bars, no request");
	qts_history_forget();
	b = fetch("AAA", day(2024, 1, 10), day(2024, 1, 20), &co);
	CHECK(b.ok && b.n == 10 && b.first == day(2024, 1, 10) && requests == 1, "a span within the entry: no request");

	/* ---- wider: only the spans lacking, before and after */
	qts_history_forget();
	requests = 0;
	got w = fetch("AAA", day(2023, 12, 1), day(2024, 4, 1), &co);
	CHECK(w.ok && w.n == 31 + 60 + 31 && w.first == day(2023, 12, 1) && w.last == day(2024, 3, 31),
	      "a wider request: December 2023 to March 2024 whole, in order, once each");
	CHECK(requests == 2, "two requests");
	CHECK(asked_from[0] == day(2023, 12, 1) && asked_to[0] == jan, "the first: December, before the entry");
	CHECK(asked_from[1] == mar && asked_to[1] == day(2024, 4, 1), "the second: March, after it");
	qts_history_forget();
	requests = 0;
	w = fetch("AAA", day(2023, 12, 1), day(2024, 4, 1), &co);
	CHECK(w.ok && w.n == 122 && requests == 0, "the entry now covers December to March");
	FILE *f = fmemopen(list, sizeof list, "w");
	qts_cache_list(&co, f);
	fclose(f);
	CHECK(!strncmp(list, "tfeed\tAAA\t1d\t2023-12-01T00:00:00Z\t2024-04-01T00:00:00Z\t122\t", 59),
	      "--cache-list's line: source, symbol, tf, from, to, bars, then the size");
	CHECK(strstr(list, "\t2024-06-01T12:00:00Z\traw\n") != NULL, "and ends with when fetched, raw prices");

	/* ---- the actions met are kept, within the span asked for */
	qts_history_forget();
	qts_feed_request rq = { .symbol = "AAA", .from = jan, .to = mar };
	char err[QTS_ERR_MAX];
	qts_history *h = qts_history_open(&tfeed, NULL, &rq, &co, err);
	CHECK(h && qts_history_actions(h) && !strcmp(qts_history_actions(h), "2024-01-15,SYM,split,2\n"),
	      "actions from the cache, those of the span only");
	qts_history_close(h);

	/* ---- bars not final are fetched again */
	qts_history_forget();
	requests = 0;
	got u = fetch("UNF", day(2024, 5, 1), INT64_MAX, &co);
	CHECK(u.ok && u.n == 32 && u.last == day(2024, 6, 1), "to now: May and the day not over, June 1st");
	snprintf(path, sizeof path, "%s/tfeed/UNF.1d.qtc", dir);
	f = fmemopen(list, sizeof list, "w");
	qts_cache_opts only = co;
	const char *m1[] = { "tfeed:UNF" };
	only.match = m1;
	only.nmatch = 1;
	qts_cache_list(&only, f);
	fclose(f);
	CHECK(strstr(list, "\t2024-05-01T00:00:00Z\t2024-05-31T12:00:00Z\t31\t") != NULL,
	      "cached up to a day before the fetch: 31 final bars, June 1st not");
	qts_history_forget();
	clock_ns = co.now = day(2024, 6, 3) + 12 * 3600 * QTS_NS_PER_SEC;
	u = fetch("UNF", day(2024, 5, 1), INT64_MAX, &co);
	CHECK(u.ok && u.n == 34 && requests == 2, "a day later: one request more, June 1st final now, to June 3rd");
	CHECK(asked_from[1] == day(2024, 5, 31) + 12 * 3600 * QTS_NS_PER_SEC && asked_to[1] == INT64_MAX,
	      "asked from where the final bars end");

	/* ---- --max-age */
	qts_history_forget();
	requests = 0;
	co.max_age = 3 * DAY;
	fetch("UNF", day(2024, 5, 1), day(2024, 5, 20), &co);
	CHECK(requests == 0, "younger than --max-age: from the cache");
	qts_history_forget();
	co.max_age = DAY;
	got o = fetch("UNF", day(2024, 5, 1), day(2024, 5, 20), &co);
	CHECK(o.ok && o.n == 19 && requests == 1 && asked_from[0] == day(2024, 5, 1), "older: fetched again, whole");
	co.max_age = 0;

	/* ---- --offline */
	qts_history_forget();
	requests = 0;
	co.offline = 1;
	h = qts_history_open(&tfeed, NULL, &(qts_feed_request){ .symbol = "NONE", .from = jan, .to = mar }, &co, err);
	CHECK(!h && requests == 0, "offline, a miss: fails without a request");
	CHECK_STR(err, "offline: the cache lacks tfeed:NONE 1d from 2024-01-01T00:00:00Z to 2024-03-01T00:00:00Z",
		  "naming the source, the symbol and the span");
	h = qts_history_open(&tfeed, NULL, &(qts_feed_request){ .symbol = "AAA", .from = jan, .to = day(2024, 5, 1) },
			     &co, err);
	CHECK(!h, "offline, a span beyond the entry: fails");
	CHECK_STR(err, "offline: the cache lacks tfeed:AAA 1d from 2024-04-01T00:00:00Z to 2024-05-01T00:00:00Z",
		  "naming the span lacking");
	o = fetch("AAA", jan, mar, &co);
	CHECK(o.ok && o.n == 60 && requests == 0, "offline, a hit: served");
	qts_history_forget();
	o = fetch("AAA", INT64_MIN, INT64_MAX, &co);
	CHECK(!o.ok && strstr(o.err, "lacks tfeed:AAA 1d from the start to 2023-12-01"), "offline: from the start");
	qts_history_forget();
	o = fetch("AAA", day(2024, 2, 1), INT64_MAX, &co);
	CHECK(o.ok && o.n == 60 && requests == 0, "offline, an open end: what the entry holds");
	co.offline = 0;

	/* ---- --no-cache */
	char dir2[] = "/tmp/qts-test-cache-XXXXXX";
	if (!mkdtemp(dir2))
		return 1;
	qts_cache_opts off = { .dir = dir2, .off = 1, .now = co.now };
	qts_history_forget();
	requests = 0;
	o = fetch("AAA", jan, mar, &off);
	CHECK(o.ok && o.n == 60 && requests == 1, "--no-cache: fetched though cached elsewhere");
	qts_history_forget();
	o = fetch("AAA", jan, mar, &off);
	CHECK(requests == 2 && files(dir2, 0) == 0 && files(dir2, 1) == 0, "and again, nothing written");

	/* ---- a corrupt entry: a warning, a miss, written anew */
	snprintf(path, sizeof path, "%s/tfeed/AAA.1d.qtc", dir);
	long long size = file_size(path);
	CHECK(size > 256 && truncate(path, size / 2 + 128) == 0, "an entry cut short");
	qts_history_forget();
	requests = 0;
	o = fetch("AAA", jan, mar, &co);
	CHECK(o.ok && o.n == 60 && requests == 1, "a corrupt entry: fetched again");
	CHECK(strstr(qts_last_message(), "corrupt") && strstr(qts_last_message(), "fetching it again"),
	      "with a warning");
	CHECK(file_size(path) > 256 && files(dir, 1) == 0, "written anew, no temporary left");
	qts_history_forget();
	o = fetch("AAA", jan, mar, &co);
	CHECK(o.ok && requests == 1, "and read back");
	/* a byte changed in the bars: zstd's checksum */
	int fd = open(path, O_RDWR);
	char byte;
	pread(fd, &byte, 1, 300);
	byte ^= 0x55;
	pwrite(fd, &byte, 1, 300);
	close(fd);
	qts_history_forget();
	o = fetch("AAA", jan, mar, &co);
	CHECK(o.ok && o.n == 60 && requests == 2 && strstr(qts_last_message(), "corrupt"),
	      "a byte changed: a warning, fetched again, never half served");
	/* not an entry at all */
	fd = open(path, O_WRONLY | O_TRUNC);
	write(fd, "hello\n", 6);
	close(fd);
	qts_history_forget();
	o = fetch("AAA", jan, mar, &co);
	CHECK(o.ok && requests == 3 && strstr(qts_last_message(), "not a qts cache entry"), "a stranger: a miss");

	/* entries corrupt in each way an entry is checked */
	qts_history_forget();
	o = fetch("AAA", jan, day(2024, 1, 4), &co); /* written anew: [Jan 1, Jan 4), 3 bars */
	qts_cache_rec recs[3] = { { jan }, { jan + 2 * DAY }, { jan + DAY } };
	unsigned char body[1024];
	struct { size_t nrec, extra; uint64_t bars; const char *why; } bad[] = {
		{ 3, 0, 3, "corrupt (bar 3 out of order or of its span)" },
		{ 2, 0, 3, "corrupt (2 bars where its header says 3)" },
		{ 2, 7, 2, "corrupt (its bars cut short)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int had = requests;
		rewrite(path, body, pack(recs, bad[i].nrec, bad[i].extra, body, sizeof body), bad[i].bars);
		qts_history_forget();
		o = fetch("AAA", jan, day(2024, 1, 4), &co);
		CHECK(o.ok && o.n == 3 && requests == had + 1 && strstr(qts_last_message(), bad[i].why), bad[i].why);
	}
	size_t n = pack(recs, 1, 0, body, sizeof body);
	memcpy(body + n, "junk", 4);
	rewrite(path, body, n + 4, 1);
	qts_history_forget();
	o = fetch("AAA", jan, day(2024, 1, 4), &co);
	CHECK(o.ok && o.n == 3 && strstr(qts_last_message(), "corrupt (bytes after its bars)"), "bytes after the frame");
	char other[600];
	snprintf(other, sizeof other, "%s/tfeed/BBB.1d.qtc", dir);
	rename(path, other);
	qts_history_forget();
	o = fetch("BBB", jan, day(2024, 1, 4), &co);
	CHECK(o.ok && strstr(qts_last_message(), "BBB.1d.qtc: holds tfeed:AAA 1d, not tfeed:BBB 1d"),
	      "an entry of another key under this one's name");
	unsigned char to_before[8] = { 0 };
	fd = open(other, O_RDWR);
	pwrite(fd, to_before, 8, 24); /* to: 1970, before from */
	close(fd);
	qts_history_forget();
	o = fetch("BBB", jan, day(2024, 1, 4), &co);
	CHECK(o.ok && strstr(qts_last_message(), "corrupt (its span ends before it starts)"), "a span backwards");

	/* a cache that cannot be written: a warning, the history served */
	qts_cache_opts nowhere = { .dir = "/dev/null/qts", .now = co.now };
	qts_history_forget();
	o = fetch("AAA", jan, mar, &nowhere);
	CHECK(o.ok && o.n == 60, "a cache directory that cannot be made: served");
	CHECK_STR(qts_last_message(), "cache: /dev/null/qts: Not a directory; /dev/null/qts/tfeed/AAA.1d.qtc not cached",
		  "with a warning");
	/* names that cannot be cached */
	char longsym[80];
	memset(longsym, 'X', 70);
	longsym[70] = '\0';
	co.offline = 1;
	qts_history_forget();
	h = qts_history_open(&tfeed, NULL, &(qts_feed_request){ .symbol = longsym, .from = jan, .to = mar }, &co, err);
	CHECK(!h && strstr(err, "cannot be cached (its name is too long)"), "offline, a symbol too long to cache");
	co.offline = 0;
	o = fetch(longsym, jan, mar, &co);
	CHECK(o.ok && o.n == 60, "online, it is fetched, not cached");
	char longdir[5000];
	memset(longdir, 'd', sizeof longdir - 1);
	longdir[0] = '/';
	longdir[sizeof longdir - 1] = '\0';
	qts_cache_opts far = { .dir = longdir };
	CHECK(qts_cache_list(&far, stdout) == 1 && !strcmp(qts_last_message(), "cache: the directory's name is too long"),
	      "a directory's name too long");

	/* ---- a history left half read, or failing, writes nothing */
	qts_history_forget();
	h = qts_history_open(&tfeed, NULL, &(qts_feed_request){ .symbol = "HALF", .from = jan, .to = mar }, &co, err);
	qts_event ev;
	CHECK(h && qts_history_next(h, &ev, err) == 1, "a bar of a history");
	qts_history_close(h);
	CHECK(files(dir, 1) == 0 && access(strcat(strcpy(path, dir), "/tfeed/HALF.1d.qtc"), F_OK) < 0,
	      "closed half read: no entry, no temporary");
	fail_next = 1;
	o = fetch("FAIL", jan, mar, &co);
	fail_next = 0;
	CHECK(!o.ok && !strcmp(o.err, "tfeed: HTTP 500") && o.n == 40, "the source fails after a chunk: its error");
	CHECK(files(dir, 1) == 0 && access(strcat(strcpy(path, dir), "/tfeed/FAIL.1d.qtc"), F_OK) < 0,
	      "nothing cached of it");

	/* ---- a request made again in the process: from memory */
	qts_history_forget();
	requests = 0;
	o = fetch("MEM", jan, mar, &off);
	got o2 = fetch("MEM", jan, mar, &off);
	CHECK(requests == 1 && o2.ok && o2.n == 60 && o2.sum == o.sum, "the same request again: from memory");
	o2 = fetch("MEM", day(2024, 2, 1), mar, &off);
	CHECK(requests == 1 && o2.n == 29, "a span within it: from memory too");
	/* two readers at once, as qts-fetch's merge reads the same symbol named twice */
	qts_history_forget();
	requests = 0;
	qts_feed_request r2 = { .symbol = "TWO", .from = jan, .to = mar };
	qts_history *h1 = qts_history_open(&tfeed, NULL, &r2, &off, err);
	qts_history *h2 = qts_history_open(&tfeed, NULL, &r2, &off, err);
	int n1 = 0, n2 = 0, same = 1;
	qts_event e1, e2;
	while (qts_history_next(h1, &e1, err) > 0 && qts_history_next(h2, &e2, err) > 0) {
		n1++, n2++;
		same &= e1.ts == e2.ts && e1.bar.close == e2.bar.close;
	}
	CHECK(h1 && h2 && n1 == 60 && n2 == 60 && same && requests == 1, "read side by side: one request");
	qts_history_close(h1);
	qts_history_close(h2);
	/* the first reader leaves half way, and frees its network client:
	 * the second goes on with its own, from the last bar taken */
	qts_history_forget();
	requests = 0;
	qts_net *net1 = (qts_net *)&n1, *net2 = (qts_net *)&n2;
	r2.symbol = "HAND";
	r2.to = day(2024, 5, 1);
	h1 = qts_history_open(&tfeed, net1, &r2, &off, err);
	h2 = qts_history_open(&tfeed, net2, &r2, &off, err);
	n1 = n2 = 0;
	for (int i = 0; i < 50; i++)
		n1 += qts_history_next(h1, &e1, err) > 0, n2 += qts_history_next(h2, &e2, err) > 0;
	qts_history_close(h1);
	while (qts_history_next(h2, &e2, err) > 0)
		n2++;
	qts_history_close(h2);
	CHECK(n1 == 50 && n2 == 121 && e2.ts == day(2024, 4, 30), "a reader left: the other reads all 121 bars");
	CHECK(requests == 2 && asked_net[0] == net1 && asked_net[1] == net2 &&
		      asked_from[1] == day(2024, 3, 20) + 1 && asked_to[1] == day(2024, 5, 1),
	      "through its own client, from after the 80 bars of two chunks");
	/* a retry after a failure asks again */
	qts_history_forget();
	requests = 0;
	fail_next = 1;
	fetch("RETRY", jan, mar, &off);
	fail_next = 0;
	o = fetch("RETRY", jan, mar, &off);
	CHECK(o.ok && o.n == 60 && requests == 2, "after a failure, the request made again is fetched");

	/* the entry replaced by another run between the open and the read */
	qts_history_forget();
	fetch("CHG", jan, mar, &co);
	qts_history_forget();
	h = qts_history_open(&tfeed, NULL, &(qts_feed_request){ .symbol = "CHG", .from = jan, .to = mar }, &co, err);
	fetch("CHG", day(2023, 12, 1), day(2024, 4, 1), &co);
	CHECK(h && qts_history_next(h, &ev, err) < 0 && strstr(err, "CHG.1d.qtc: changed while qts-fetch ran; run it again"),
	      "an entry replaced after the open: an error, not another entry's bars");
	qts_history_close(h);

	/* ---- --cache-clear of one source, then all */
	const char *m2[] = { "tfeed:UNF" };
	only.match = m2;
	only.nmatch = 1;
	int before = files(dir, 0);
	CHECK(qts_cache_clear(&only) == 0 && files(dir, 0) == before - 1, "--cache-clear tfeed:UNF: that entry");
	CHECK(qts_cache_clear(&co) == 0 && files(dir, 0) == 0, "--cache-clear: all");
	qts_history_forget();
	rmdir(dir);
	rmdir(dir2);
	return tap_done();
}
