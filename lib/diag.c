/* diag.c — messages, exit, signals: the manners every qts program shares. */
#include "qts.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Thread_local const char *qts_progname = "qts";
volatile int qts_interrupted;
void (*volatile qts_interrupt_hook)(int sig);
volatile int qts_wake_fd = -1;

static void on_signal(int sig)
{
	qts_interrupted = sig;
	/* A live stage's loop (loop.c) learns of it even when the signal
	 * came just before it began to wait. */
	int fd = qts_wake_fd, e = errno;
	char b = (char)sig;
	if (fd >= 0 && write(fd, &b, 1) < 0)
		errno = e;
	errno = e;
	if (qts_interrupt_hook)
		qts_interrupt_hook(sig);
}

void qts_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		qts_progname = slash ? slash + 1 : argv0;
	/* No SA_RESTART: a blocking read returns EINTR so the program can
	 * flush what it has and exit. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	/* An interrupt (^C) and a hangup (the terminal or ssh session of a
	 * pipeline closed) stop a stage as SIGTERM does, its stream ending
	 * with the reason; but ignored at the start they stay ignored: nohup
	 * asks it of SIGHUP, and a shell of SIGINT for a script's background
	 * job, which the ^C that stops the script is not meant to stop. */
	static const int inherited[] = { SIGINT, SIGHUP };
	for (size_t i = 0; i < sizeof inherited / sizeof inherited[0]; i++) {
		struct sigaction was;
		if (sigaction(inherited[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(inherited[i], &sa, NULL);
	}
	/* A bus error (sent, or a plug-in's) keeps its default action and
	 * status, 128 + SIGBUS, even where a sanitizer's runtime took the
	 * signal for its reports. */
	signal(SIGBUS, SIG_DFL);
	/* Past a file-size limit (ulimit -f) a write fails with EFBIG and is
	 * reported like any failed write, with whole records left, instead of
	 * the process dying mid-record. */
	signal(SIGXFSZ, SIG_IGN);
}

/* The last message, without the program's name: what a failing stage
 * says in its stream too (qts_fail_hook). */
static char last_message[1024];

const char *qts_last_message(void)
{
	return last_message;
}

int (*qts_warn_gate)(void);

static void vwarn(const char *fmt, va_list ap)
{
	if (qts_warn_gate && qts_warn_gate())
		return;
	char raw[1024];
	vsnprintf(raw, sizeof raw, fmt, ap);
	/* Messages quote what they were given (file names, fields, plugin
	 * logs): control bytes and broken UTF-8 in it are shown as \xNN,
	 * never sent to the terminal as they are. */
	char buf[4200];
	int n = snprintf(buf, sizeof buf, "%s: ", qts_progname);
	if (n < 0 || (size_t)n >= sizeof buf)
		n = 0;
	size_t len = (size_t)n + qts_escape_text(raw, strlen(raw), buf + n, sizeof buf - (size_t)n - 1);
	/* the escaped text, cut between characters, for the stream's error event */
	qts_escape_text(raw, strlen(raw), last_message, sizeof last_message);
	buf[len++] = '\n';
	/* One write, so messages of concurrent stages do not interleave. */
	ssize_t w = write(STDERR_FILENO, buf, len);
	(void)w;
}

void (*qts_fail_hook)(const char *why);
int qts_fail_status;

/* A failing exit says so in the stream as well, for the stages after. */
static _Noreturn void fail_exit(int status)
{
	void (*hook)(const char *) = qts_fail_hook;
	qts_fail_hook = NULL; /* once, even if the hook itself dies */
	qts_fail_status = status;
	if (hook && status != QTS_EXIT_OK)
		hook(last_message);
	exit(status);
}

/* The first failure a stage upstream reported in the stream. */
static char upstream[QTS_UPSTREAM_MAX];

void qts_upstream_format(char *buf, const char *source, const char *message)
{
	snprintf(buf, QTS_UPSTREAM_MAX, "%s failed: %s", source[0] ? source : "a stage",
		 message[0] ? message : "(no message)");
}

void qts_upstream_failed(const char *source, const char *message)
{
	if (!upstream[0])
		qts_upstream_format(upstream, source, message);
}

void qts_upstream_set(const char *text)
{
	snprintf(upstream, sizeof upstream, "%s", text ? text : "");
}

const char *qts_upstream_failure(void)
{
	return upstream[0] ? upstream : NULL;
}

void qts_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void qts_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fail_exit(status);
}

void qts_usage_error(const char *usage, const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vwarn(fmt, ap);
		va_end(ap);
	}
	fputs(usage, stderr);
	fail_exit(QTS_EXIT_USAGE);
}

void qts_print_version(void)
{
	printf("%s %s\n", qts_progname, QTS_VERSION);
	exit(qts_close_stdout());
}

/* Whether a failed write to standard output was said: a program says it
 * once, though the writer's flush and the close of stdout after it both
 * meet it (qts_finish). */
static int write_error_said;

void qts_write_error(int err)
{
	if (write_error_said)
		return;
	write_error_said = 1;
	qts_warn("write error: %s", strerror(err ? err : EIO));
}

void qts_warn_incomplete(const char *failure)
{
	qts_warn("the input is incomplete: %s", failure);
}

int qts_close_stdout(void)
{
	int status = QTS_EXIT_OK;
	/* What came in was cut short by a failure, so what went out is
	 * incomplete too, however normal it looks.  Said while standard
	 * output is still open: the stage after sees its end of input only
	 * after this line, so the last line of a pipeline's messages is the
	 * last stage's. */
	if (qts_upstream_failure()) {
		qts_warn_incomplete(qts_upstream_failure());
		status = QTS_EXIT_FAIL;
	}
	int bad = ferror(stdout);
	if (fclose(stdout) != 0 || bad) {
		if (errno != EPIPE) {
			qts_write_error(errno);
			status = QTS_EXIT_FAIL;
		}
	}
	return status;
}

/* The length of the valid UTF-8 character at s[0..n), 0 when none is:
 * no overlong forms, no surrogates, nothing above U+10FFFF.  *cp gets
 * the code point. */
static size_t utf8_char(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
	if (!len || len > n || c > 0xf4)
		return 0;
	unsigned v = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	static const unsigned least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* The text of the character at s[i..n) as qts_quote writes it, in piece
 * (16 bytes); its length, and in *used how many bytes of s it stands for. */
static size_t quote_piece(const unsigned char *s, size_t n, char *piece, size_t *used,
			  int keep_backslash)
{
	unsigned c = s[0], cp;
	*used = 1;
	if (c >= 0x20 && c < 0x7f && (c != '\\' || keep_backslash)) {
		piece[0] = (char)c;
		return 1;
	}
	if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
		piece[0] = '\\';
		piece[1] = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		return 2;
	}
	size_t len = c >= 0x80 ? utf8_char(s, n, &cp) : 0;
	if (!len)
		return (size_t)snprintf(piece, 16, "\\x%02x", c);
	*used = len;
	/* C1 controls and the bidirectional overrides move or recolour what
	 * a terminal shows: named, not passed on */
	if (cp < 0xa0 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return (size_t)snprintf(piece, 16, "\\u%04x", cp);
	memcpy(piece, s, len);
	return len;
}

static size_t quote_with(char *dst, size_t size, const char *src, size_t n, int keep_backslash)
{
	const unsigned char *s = (const unsigned char *)src;
	char piece[16];
	size_t used, need = 0;
	if (!size)
		return 0;
	for (size_t i = 0; i < n && need < size; i += used)
		need += quote_piece(s + i, n - i, piece, &used, keep_backslash);
	/* whole characters and escapes only; what does not fit ends in ... */
	size_t room = need < size ? size - 1 : size > 3 ? size - 4 : 0, len = 0;
	for (size_t i = 0; i < n; i += used) {
		size_t k = quote_piece(s + i, n - i, piece, &used, keep_backslash);
		if (len + k > room)
			break;
		memcpy(dst + len, piece, k);
		len += k;
	}
	if (need >= size)
		for (size_t d = 0; d < 3 && len < size - 1; d++)
			dst[len++] = '.';
	dst[len] = '\0';
	return len;
}

size_t qts_quote(char *dst, size_t size, const char *src, size_t n)
{
	return quote_with(dst, size, src, n, 0);
}

/* A backslash passes as it is: text already quoted by qts_quote comes
 * through unchanged. */
size_t qts_escape_text(const char *s, size_t n, char *out, size_t outlen)
{
	return quote_with(out, outlen, s, n, 1);
}

void qts_text_set(char *field, size_t size, const char *src)
{
	qts_escape_text(src, strlen(src), field, size);
}

void qts_text_vformat(char *field, size_t size, const char *fmt, va_list ap)
{
	/* Longer than any field holds: what is cut here is past the field's
	 * end and shows as its `...`. */
	char raw[4 * QTS_TEXT_MAX];
	vsnprintf(raw, sizeof raw, fmt, ap);
	qts_text_set(field, size, raw);
}

void qts_text_format(char *field, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	qts_text_vformat(field, size, fmt, ap);
	va_end(ap);
}
