/* fetch_cache.c — qts-fetch's cache of network history on disk: its
 * options, its entries (the format is described in cache_priv.h), and
 * --cache-list and --cache-clear. */
#include "cache_priv.h"
#include "qts_time.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

int qts_cache_option(int c, const char *arg, qts_cache_opts *co, const char *usage)
{
	switch (c) {
	case QTS_OPT_CACHE_DIR:
		if (!*arg)
			qts_usage_error(usage, "--cache-dir: an empty file name");
		co->dir = arg;
		return 1;
	case QTS_OPT_NO_CACHE: co->off = 1; return 1;
	case QTS_OPT_OFFLINE: co->offline = 1; return 1;
	case QTS_OPT_MAX_AGE:
		if (qts_duration_parse(arg, &co->max_age) < 0 || co->max_age <= 0)
			qts_usage_error(usage, "--max-age: '%s' is not a positive duration (30m, 12h, 7d)", arg);
		return 1;
	case QTS_OPT_CACHE_LIST: co->list = 1; return 1;
	case QTS_OPT_CACHE_CLEAR: co->clear = 1; return 1;
	default: return 0;
	}
}

/* ---- where -------------------------------------------------------------- */

int qts_cache_dir(const qts_cache_opts *co, char *dir, size_t n, char *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int len;
	if (co->dir)
		len = snprintf(dir, n, "%s", co->dir);
	else if (xdg && xdg[0] == '/') /* a relative one is to be ignored (XDG Base Directory) */
		len = snprintf(dir, n, "%s/qts", xdg);
	else if (home && *home)
		len = snprintf(dir, n, "%s/.cache/qts", home);
	else {
		snprintf(err, QTS_ERR_MAX, "cache: neither XDG_CACHE_HOME nor HOME is set; name one with --cache-dir");
		return -1;
	}
	if (len < 0 || (size_t)len >= n) {
		snprintf(err, QTS_ERR_MAX, "cache: the directory's name is too long");
		return -1;
	}
	return 0;
}

int qts_cache_key_of(const qts_feed_kind *k, const qts_feed_request *rq, qts_cache_key *key)
{
	*key = (qts_cache_key){ .adjust = !!rq->adjust };
	if (strlen(k->name) >= sizeof key->source || strlen(rq->symbol) >= sizeof key->symbol || !*rq->symbol)
		return -1;
	QTS_SET(key->source, k->name);
	QTS_SET(key->symbol, rq->symbol);
	qts_tf_format(rq->tf.n ? rq->tf : (qts_tf){ 1, 'd' }, key->tf);
	/* Bars of another feed are other bars: an entry of their own. */
	const char *feed = k->key_env ? getenv(k->key_env) : NULL;
	if (feed && *feed) {
		if (strlen(feed) >= sizeof key->feed)
			return -1;
		QTS_SET(key->feed, feed);
	}
	return 0;
}

/* A symbol as a file name: letters, digits, '-', '_', '=' and '^' as they
 * are, every other byte (a '/', a '.') as %XX. */
static int escape_symbol(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   strchr("-_=^", c) != NULL;
		if (o + 4 > n)
			return -1;
		o += keep ? (size_t)snprintf(out + o, n - o, "%c", c) : (size_t)snprintf(out + o, n - o, "%%%02X", c);
	}
	out[o] = '\0';
	return 0;
}

static int unescape_symbol(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (o + 1 >= n)
			return -1;
		if (s[i] == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

int qts_cache_path(const char *dir, const qts_cache_key *key, char *path, size_t n)
{
	char sym[3 * QTS_CACHE_SYM_MAX + 1], feed[3 * QTS_WORD_MAX + 1];
	if (escape_symbol(key->symbol, sym, sizeof sym) < 0 || escape_symbol(key->feed, feed, sizeof feed) < 0)
		return -1;
	int len = snprintf(path, n, "%s/%s/%s.%s%s%s%s.qtc", dir, key->source, sym, key->tf, key->adjust ? ".adj" : "",
			   feed[0] ? "." : "", feed);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* ---- the header --------------------------------------------------------- */

enum { HEAD_SIZE = 256, REC_SIZE = 48, VERSION = 1 };
static const char magic[8] = "QTSCACHE";

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_str(unsigned char *p, const char *s, size_t n)
{
	memset(p, 0, n);
	memcpy(p, s, strnlen(s, n - 1));
}

static void get_str(const unsigned char *p, size_t n, char *out, size_t outn)
{
	size_t len = strnlen((const char *)p, n);
	if (len >= outn)
		len = outn - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

static void encode_head(unsigned char *b, const qts_cache_key *k, const qts_cache_head *h)
{
	memset(b, 0, HEAD_SIZE);
	memcpy(b, magic, 8);
	put64(b + 8, VERSION | (uint64_t)REC_SIZE << 32);
	put64(b + 16, (uint64_t)h->from);
	put64(b + 24, (uint64_t)h->to);
	put64(b + 32, (uint64_t)h->fetched);
	put64(b + 40, h->bars);
	put64(b + 48, h->body_len);
	put64(b + 56, h->actions_len);
	put64(b + 64, (uint64_t)k->adjust);
	put_str(b + 72, k->source, 32);
	put_str(b + 104, k->symbol, 64);
	put_str(b + 168, k->tf, 16);
	put_str(b + 184, h->evsym, 32);
	put_str(b + 216, h->evtf, 16);
	put_str(b + 232, k->feed, 16); /* zeros in the entries before it: no feed */
}

/* 0, or -1 when b is no header of this version. */
static int decode_head(const unsigned char *b, qts_cache_key *k, qts_cache_head *h)
{
	if (memcmp(b, magic, 8) || get64(b + 8) != (VERSION | (uint64_t)REC_SIZE << 32))
		return -1;
	h->from = (int64_t)get64(b + 16);
	h->to = (int64_t)get64(b + 24);
	h->fetched = (int64_t)get64(b + 32);
	h->bars = get64(b + 40);
	h->body_len = get64(b + 48);
	h->actions_len = get64(b + 56);
	k->adjust = (int)get64(b + 64);
	get_str(b + 72, 32, k->source, sizeof k->source);
	get_str(b + 104, 64, k->symbol, sizeof k->symbol);
	get_str(b + 168, 16, k->tf, sizeof k->tf);
	get_str(b + 184, 32, h->evsym, sizeof h->evsym);
	get_str(b + 216, 16, h->evtf, sizeof h->evtf);
	get_str(b + 232, 16, k->feed, sizeof k->feed);
	return 0;
}

static void encode_rec(unsigned char *p, const qts_cache_rec *r)
{
	const double *d[5] = { &r->open, &r->high, &r->low, &r->close, &r->volume };
	put64(p, (uint64_t)r->ts);
	for (int i = 0; i < 5; i++) {
		uint64_t u;
		memcpy(&u, d[i], 8);
		put64(p + 8 + 8 * i, u);
	}
}

static void decode_rec(const unsigned char *p, qts_cache_rec *r)
{
	double *d[5] = { &r->open, &r->high, &r->low, &r->close, &r->volume };
	r->ts = (int64_t)get64(p);
	for (int i = 0; i < 5; i++) {
		uint64_t u = get64(p + 8 + 8 * i);
		memcpy(d[i], &u, 8);
	}
}

/* Read n bytes at off: 0, or -1 (a short read is the file cut short). */
static int read_at(int fd, void *buf, size_t n, off_t off)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* ---- reading an entry ------------------------------------------------------ */

enum { IN_SIZE = 1 << 14, BATCH = 256 };

/* Between the check at open and the first read, a reader holds no file
 * and no buffers: a run opens the histories of all its symbols at once. */
struct qts_cache_reader {
	int fd;                  /* -1: parked */
	const char *path;
	qts_cache_head h;
	unsigned char head[HEAD_SIZE]; /* as read at open, to know the file again */
	ZSTD_DCtx *z;
	unsigned char *in;       /* IN_SIZE */
	ZSTD_inBuffer zin;
	uint64_t left;           /* compressed bytes not yet read */
	int frame_done;
	unsigned char *out;      /* BATCH records */
};

static void park(qts_cache_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	ZSTD_freeDCtx(r->z);
	free(r->in);
	free(r->out);
	r->z = NULL;
	r->in = r->out = NULL;
}

/* Ready to read on fd (taken over): 0, or -1 when out of memory. */
static int wake(qts_cache_reader *r, int fd)
{
	r->fd = fd;
	if (!(r->z = ZSTD_createDCtx()) || !(r->in = malloc(IN_SIZE)) || !(r->out = malloc(BATCH * REC_SIZE)))
		return -1;
	return 0;
}

static void rewind_body(qts_cache_reader *r)
{
	ZSTD_DCtx_reset(r->z, ZSTD_reset_session_only);
	r->zin = (ZSTD_inBuffer){ r->in, 0, 0 };
	r->left = r->h.body_len;
	r->frame_done = 0;
}

/* Decompress up to max records into out (bytes): how many, or -1. */
static long decode_batch(qts_cache_reader *r, size_t max, char *err)
{
	ZSTD_outBuffer zout = { r->out, max * REC_SIZE, 0 };
	while (zout.pos < zout.size && !r->frame_done) {
		if (r->zin.pos == r->zin.size) {
			if (!r->left)
				break;
			size_t n = r->left < IN_SIZE ? (size_t)r->left : IN_SIZE;
			off_t off = HEAD_SIZE + (off_t)(r->h.body_len - r->left);
			if (read_at(r->fd, r->in, n, off) < 0) {
				snprintf(err, QTS_ERR_MAX, "%s: %s", r->path, strerror(errno));
				return -1;
			}
			r->zin = (ZSTD_inBuffer){ r->in, n, 0 };
			r->left -= n;
		}
		size_t ret = ZSTD_decompressStream(r->z, &zout, &r->zin);
		if (ZSTD_isError(ret)) {
			snprintf(err, QTS_ERR_MAX, "%s: corrupt (%s)", r->path, ZSTD_getErrorName(ret));
			return -1;
		}
		if (ret == 0) {
			r->frame_done = 1;
			if (r->left || r->zin.pos < r->zin.size) {
				snprintf(err, QTS_ERR_MAX, "%s: corrupt (bytes after its bars)", r->path);
				return -1;
			}
		}
	}
	if (zout.pos % REC_SIZE || (zout.pos == 0 && !r->frame_done)) {
		snprintf(err, QTS_ERR_MAX, "%s: corrupt (its bars cut short)", r->path);
		return -1;
	}
	return (long)(zout.pos / REC_SIZE);
}

/* Every bar of the entry read once: the frame whole (zstd's checksum),
 * as many bars as the header says, in time order, within its span. */
static int verify(qts_cache_reader *r, char *err)
{
	uint64_t bars = 0;
	int64_t last = INT64_MIN;
	long n;
	while ((n = decode_batch(r, BATCH, err)) > 0)
		for (long i = 0; i < n; i++) {
			qts_cache_rec rec;
			decode_rec(r->out + (size_t)i * REC_SIZE, &rec);
			if ((bars && rec.ts <= last) || rec.ts < r->h.from || rec.ts >= r->h.to) {
				snprintf(err, QTS_ERR_MAX, "%s: corrupt (bar %llu out of order or of its span)", r->path,
					 (unsigned long long)bars + 1);
				return -1;
			}
			last = rec.ts;
			bars++;
		}
	if (n < 0)
		return -1;
	if (bars != r->h.bars) {
		snprintf(err, QTS_ERR_MAX, "%s: corrupt (%llu bars where its header says %llu)", r->path,
			 (unsigned long long)bars, (unsigned long long)r->h.bars);
		return -1;
	}
	rewind_body(r);
	return 0;
}

void qts_cache_reader_close(qts_cache_reader *r)
{
	if (!r)
		return;
	park(r);
	free((char *)r->path);
	free(r);
}

/* The header of the entry open on fd: 0, or -1 with err. */
static int read_head(int fd, const char *path, qts_cache_key *k, qts_cache_head *h, char *err)
{
	unsigned char b[HEAD_SIZE];
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_size < HEAD_SIZE || read_at(fd, b, HEAD_SIZE, 0) < 0 || decode_head(b, k, h) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: not a qts cache entry (or cut short)", path);
		return -1;
	}
	h->size = (long long)st.st_size;
	if (h->body_len > (uint64_t)st.st_size || h->actions_len > (uint64_t)st.st_size ||
	    (uint64_t)st.st_size != HEAD_SIZE + h->body_len + h->actions_len) {
		snprintf(err, QTS_ERR_MAX, "%s: corrupt (%lld bytes where its header says %llu)", path,
			 (long long)st.st_size, (unsigned long long)(HEAD_SIZE + h->body_len + h->actions_len));
		return -1;
	}
	if (h->to < h->from) {
		snprintf(err, QTS_ERR_MAX, "%s: corrupt (its span ends before it starts)", path);
		return -1;
	}
	return 0;
}

int qts_cache_open(const char *path, const qts_cache_key *key, qts_cache_head *h, char **actions,
		   qts_cache_reader **out, char *err)
{
	*out = NULL;
	*actions = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		return -1;
	}
	qts_cache_reader *r = calloc(1, sizeof *r);
	if (!r || !(r->path = strdup(path)) || wake(r, fd) < 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		if (r)
			qts_cache_reader_close(r);
		else
			close(fd);
		return -1;
	}
	qts_cache_key k;
	if (read_head(fd, path, &k, &r->h, err) < 0 || read_at(fd, r->head, HEAD_SIZE, 0) < 0)
		goto fail;
	if (strcmp(k.source, key->source) || strcmp(k.symbol, key->symbol) || strcmp(k.tf, key->tf) ||
	    k.adjust != key->adjust || strcmp(k.feed, key->feed)) {
		snprintf(err, QTS_ERR_MAX, "%s: holds %s:%s %s, not %s:%s %s", path, k.source, k.symbol, k.tf,
			 key->source, key->symbol, key->tf);
		goto fail;
	}
	if (!(*actions = malloc(r->h.actions_len + 1))) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		goto fail;
	}
	if (read_at(fd, *actions, r->h.actions_len, HEAD_SIZE + (off_t)r->h.body_len) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		goto fail;
	}
	(*actions)[r->h.actions_len] = '\0';
	rewind_body(r);
	if (verify(r, err) < 0)
		goto fail;
	park(r);
	*h = r->h;
	*out = r;
	return 1;
fail:
	free(*actions);
	*actions = NULL;
	qts_cache_reader_close(r);
	return -1;
}

/* The entry opened again, to be read: 0, or -1 with err when it is gone
 * or is another file now (replaced by another run, say). */
static int unpark(qts_cache_reader *r, char *err)
{
	unsigned char b[HEAD_SIZE];
	struct stat st;
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", r->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || (long long)st.st_size != r->h.size || read_at(fd, b, HEAD_SIZE, 0) < 0 ||
	    memcmp(b, r->head, HEAD_SIZE)) {
		close(fd);
		snprintf(err, QTS_ERR_MAX, "%s: changed while qts-fetch ran; run it again", r->path);
		return -1;
	}
	if (wake(r, fd) < 0) {
		park(r);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	rewind_body(r);
	return 0;
}

long qts_cache_read(qts_cache_reader *r, qts_cache_rec *out, size_t max, char *err)
{
	if (r->fd < 0 && unpark(r, err) < 0)
		return -1;
	if (max > BATCH)
		max = BATCH;
	long n = decode_batch(r, max, err);
	for (long i = 0; i < n; i++)
		decode_rec(r->out + (size_t)i * REC_SIZE, &out[i]);
	return n;
}

/* ---- writing an entry ----------------------------------------------------- */

struct qts_cache_writer {
	int fd;
	char *path, *tmp;
	qts_cache_key key;
	ZSTD_CCtx *z;
	uint64_t bars, body_len;
	unsigned char in[BATCH * REC_SIZE];
	size_t nin;
	unsigned char *out;
	size_t out_size;
};

/* mkdir -p of the directories above path. */
static int make_dirs(const char *path, char *err)
{
	char d[PATH_MAX];
	QTS_SET(d, path);
	for (char *p = d + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST) {
			snprintf(err, QTS_ERR_MAX, "%.400s: %s", d, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static void writer_free(qts_cache_writer *w, int unlink_tmp)
{
	if (w->fd >= 0)
		close(w->fd);
	if (unlink_tmp && w->tmp)
		unlink(w->tmp);
	ZSTD_freeCCtx(w->z);
	free(w->out);
	free(w->path);
	free(w->tmp);
	free(w);
}

qts_cache_writer *qts_cache_create(const char *path, const qts_cache_key *key, char *err)
{
	qts_cache_writer *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	w->fd = -1;
	w->key = *key;
	const char *base = strrchr(path, '/');
	size_t dirlen = base ? (size_t)(base - path) + 1 : 0;
	base = base ? base + 1 : path;
	w->out_size = ZSTD_CStreamOutSize();
	if (!(w->path = strdup(path)) || !(w->tmp = malloc(strlen(path) + 16)) || !(w->z = ZSTD_createCCtx()) ||
	    !(w->out = malloc(w->out_size))) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		writer_free(w, 0);
		return NULL;
	}
	/* A dot first: --cache-list passes over it; --cache-clear removes
	 * what a crash left. */
	sprintf(w->tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_checksumFlag, 1);
	/* A small window: a reader's buffers follow it (160 KiB at 16 KiB, 2.5
	 * MiB at the level's own 2 MiB), a run may read many entries at once,
	 * and 50000 minute bars compress only 4% less (700 KB, not 670 KB). */
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_windowLog, 14);
	unsigned char zero[HEAD_SIZE] = { 0 };
	if (make_dirs(path, err) < 0) {
		writer_free(w, 0);
		return NULL;
	}
	if ((w->fd = mkstemp(w->tmp)) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
		writer_free(w, 0);
		return NULL;
	}
	if (write_all(w->fd, zero, sizeof zero) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, strerror(errno));
		writer_free(w, 1);
		return NULL;
	}
	return w;
}

/* Compress what in holds (all of it with end, to the frame's end). */
static int compress_in(qts_cache_writer *w, int end, char *err)
{
	ZSTD_inBuffer zin = { w->in, w->nin, 0 };
	for (;;) {
		ZSTD_outBuffer zout = { w->out, w->out_size, 0 };
		size_t left = ZSTD_compressStream2(w->z, &zout, &zin, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left)) {
			snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, ZSTD_getErrorName(left));
			return -1;
		}
		if (write_all(w->fd, w->out, zout.pos) < 0) {
			snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, strerror(errno));
			return -1;
		}
		w->body_len += zout.pos;
		if (end ? left == 0 : zin.pos == zin.size)
			break;
	}
	w->nin = 0;
	return 0;
}

int qts_cache_put(qts_cache_writer *w, const qts_cache_rec *r, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++) {
		if (w->nin == sizeof w->in && compress_in(w, 0, err) < 0)
			return -1;
		encode_rec(w->in + w->nin, &r[i]);
		w->nin += REC_SIZE;
		w->bars++;
	}
	return 0;
}

int qts_cache_commit(qts_cache_writer *w, qts_cache_head *h, const char *actions, char *err)
{
	unsigned char b[HEAD_SIZE];
	h->bars = w->bars;
	h->actions_len = actions ? strlen(actions) : 0;
	if (compress_in(w, 1, err) < 0)
		goto fail;
	h->body_len = w->body_len;
	encode_head(b, &w->key, h);
	if (write_all(w->fd, actions ? actions : "", h->actions_len) < 0 || pwrite(w->fd, b, HEAD_SIZE, 0) != HEAD_SIZE ||
	    fsync(w->fd) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	if (close(w->fd) < 0) {
		w->fd = -1;
		snprintf(err, QTS_ERR_MAX, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	w->fd = -1;
	if (rename(w->tmp, w->path) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", w->path, strerror(errno));
		goto fail;
	}
	/* The rename itself made durable. */
	char *slash = strrchr(w->path, '/');
	if (slash) {
		*slash = '\0';
		int dfd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	writer_free(w, 0);
	return 0;
fail:
	writer_free(w, 1);
	return -1;
}

void qts_cache_abort(qts_cache_writer *w)
{
	if (w)
		writer_free(w, 1);
}

/* ---- --cache-list and --cache-clear ------------------------------------------ */

/* Does the entry SOURCE/NAME match one of --cache-list's or
 * --cache-clear's sources (a kind, or kind:SYM)? */
static int matches(const qts_cache_opts *co, const char *source, const char *name)
{
	if (!co->nmatch)
		return 1;
	char sym[QTS_CACHE_SYM_MAX];
	const char *dot = strchr(name, '.');
	if (unescape_symbol(name, dot ? (size_t)(dot - name) : strlen(name), sym, sizeof sym) < 0)
		sym[0] = '\0';
	for (size_t i = 0; i < co->nmatch; i++) {
		const char *m = co->match[i], *colon = strchr(m, ':');
		size_t kl = colon ? (size_t)(colon - m) : strlen(m);
		if (strlen(source) == kl && !memcmp(source, m, kl) && (!colon || !strcmp(colon + 1, sym)))
			return 1;
	}
	return 0;
}

static int is_entry(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".qtc");
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef int (*entry_fn)(void *ctx, const char *path, const char *source, const char *name);

/* Call fn for every file under dir's source directories (entries and
 * the temporaries a crash left); 0, or -1 when dir cannot be read. */
static int each_file(const char *dir, entry_fn fn, void *ctx)
{
	DIR *top = opendir(dir);
	if (!top)
		return errno == ENOENT ? 0 : -1;
	struct dirent *s;
	int rc = 0;
	while ((s = readdir(top))) {
		if (s->d_name[0] == '.')
			continue;
		char sub[PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s/%s", dir, s->d_name) >= (int)sizeof sub)
			continue;
		DIR *d = opendir(sub);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d))) {
			char path[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			    snprintf(path, sizeof path, "%s/%s", sub, e->d_name) >= (int)sizeof path)
				continue;
			if (fn(ctx, path, s->d_name, e->d_name) < 0)
				rc = -1;
		}
		closedir(d);
	}
	closedir(top);
	return rc;
}

typedef struct listing {
	const qts_cache_opts *co;
	char **line;
	size_t n, cap;
	int oom;
} listing;

static void fmt_time(int64_t t, char *buf)
{
	if (t == INT64_MIN)
		strcpy(buf, "-");
	else
		qts_time_format(t, buf);
}

static int list_one(void *ctx, const char *path, const char *source, const char *name)
{
	listing *l = ctx;
	if (!is_entry(name) || !matches(l->co, source, name))
		return 0;
	char err[QTS_ERR_MAX];
	qts_cache_key k;
	qts_cache_head h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qts_warn("cache: %s: %s", path, strerror(errno));
		return 0;
	}
	int r = read_head(fd, path, &k, &h, err);
	close(fd);
	if (r < 0) {
		qts_warn("cache: %s", err);
		return 0;
	}
	/* One line of fields apart: no tab or newline from a symbol. */
	for (char *c = k.symbol; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	for (char *c = k.feed; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	char from[48], to[48], fetched[48], buf[512], *line;
	fmt_time(h.from, from);
	fmt_time(h.to, to);
	fmt_time(h.fetched, fetched);
	/* The feed, a tenth field, for the entries that have one. */
	snprintf(buf, sizeof buf, "%s\t%s\t%s\t%s\t%s\t%llu\t%lld\t%s\t%s%s%s\n", k.source, k.symbol, k.tf, from, to,
		 (unsigned long long)h.bars, h.size, fetched, k.adjust ? "adjusted" : "raw", k.feed[0] ? "\t" : "",
		 k.feed);
	if (!(line = strdup(buf))) {
		l->oom = 1;
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **n = realloc(l->line, cap * sizeof *n);
		if (!n) {
			free(line);
			l->oom = 1;
			return -1;
		}
		l->line = n;
		l->cap = cap;
	}
	l->line[l->n++] = line;
	return 0;
}

int qts_cache_list(const qts_cache_opts *co, FILE *out)
{
	char dir[PATH_MAX], err[QTS_ERR_MAX];
	if (qts_cache_dir(co, dir, sizeof dir, err) < 0) {
		qts_warn("%s", err);
		return QTS_EXIT_FAIL;
	}
	listing l = { .co = co };
	int rc = each_file(dir, list_one, &l);
	if (rc < 0 && !l.oom)
		qts_warn("cache: %s: %s", dir, strerror(errno));
	if (l.oom)
		qts_warn("out of memory");
	if (l.n)
		qsort(l.line, l.n, sizeof *l.line, by_text);
	for (size_t i = 0; i < l.n; i++) {
		fputs(l.line[i], out);
		free(l.line[i]);
	}
	free(l.line);
	return rc < 0 ? QTS_EXIT_FAIL : QTS_EXIT_OK;
}

static int clear_one(void *ctx, const char *path, const char *source, const char *name)
{
	const qts_cache_opts *co = ctx;
	/* A temporary (".NAME.qtc.XXXXXX") goes with its entry. */
	if (!matches(co, source, name[0] == '.' ? name + 1 : name))
		return 0;
	if (unlink(path) < 0 && errno != ENOENT) {
		qts_warn("cache: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int qts_cache_clear(const qts_cache_opts *co)
{
	char dir[PATH_MAX], err[QTS_ERR_MAX];
	if (qts_cache_dir(co, dir, sizeof dir, err) < 0) {
		qts_warn("%s", err);
		return QTS_EXIT_FAIL;
	}
	int rc = each_file(dir, clear_one, (void *)co);
	if (rc < 0 && errno != 0 && access(dir, R_OK) < 0)
		qts_warn("cache: %s: %s", dir, strerror(errno));
	/* The source directories left empty go too (rmdir fails on the others). */
	DIR *top = opendir(dir);
	if (top) {
		struct dirent *s;
		while ((s = readdir(top))) {
			char sub[PATH_MAX];
			if (s->d_name[0] != '.' && snprintf(sub, sizeof sub, "%s/%s", dir, s->d_name) < (int)sizeof sub)
				rmdir(sub);
		}
		closedir(top);
	}
	return rc < 0 ? QTS_EXIT_FAIL : QTS_EXIT_OK;
}
