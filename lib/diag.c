/* diag.c — messages, exit, signals: the manners every qts program shares. */
#include "qts.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

const char *qts_progname = "qts";
volatile int qts_interrupted;
void (*volatile qts_interrupt_hook)(int sig);

static void on_signal(int sig)
{
	qts_interrupted = sig;
	if (qts_interrupt_hook)
		qts_interrupt_hook(sig);
}

volatile int qts_inputs_mapped;

/* Input files are mapped into memory (input.c): one cut short while it
 * is read makes its pages beyond the new end fault.  Said plainly rather
 * than left as "Bus error"; any other bus error (a plug-in's, say) keeps
 * its default action.  Only async-signal-safe calls here. */
static void on_bus_error(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (info->si_code != BUS_ADRERR || !qts_inputs_mapped) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	static const char what[] = ": an input file was cut short while being read\n";
	qts_outfile_remove_pending();
	struct iovec msg[2] = { { (void *)qts_progname, strlen(qts_progname) }, { (void *)what, sizeof what - 1 } };
	if (writev(STDERR_FILENO, msg, 2) < 0)
		_exit(QTS_EXIT_FAIL);
	_exit(QTS_EXIT_FAIL);
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
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sigaction bus = { .sa_sigaction = on_bus_error, .sa_flags = SA_SIGINFO };
	sigemptyset(&bus.sa_mask);
	sigaction(SIGBUS, &bus, NULL);
	/* Past a file-size limit (ulimit -f) a write fails with EFBIG and is
	 * reported like any failed write, with whole records left, instead of
	 * the process dying mid-record. */
	signal(SIGXFSZ, SIG_IGN);
}

size_t qts_escape_text(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 :
			     c >= 0xf0 && c < 0xf5 ? 4 : 0;
		int whole = len > 0 && i + len <= n;
		for (size_t k = 1; whole && k < len; k++)
			whole = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		/* overlong forms and UTF-16 surrogates are not text either */
		if (whole && len == 3)
			whole = !(c == 0xe0 && (unsigned char)s[i + 1] < 0xa0) &&
				!(c == 0xed && (unsigned char)s[i + 1] >= 0xa0);
		if (whole && len == 4)
			whole = !(c == 0xf0 && (unsigned char)s[i + 1] < 0x90) &&
				!(c == 0xf4 && (unsigned char)s[i + 1] >= 0x90);
		if (whole && len == 1 && (c < 0x20 || c == 0x7f))
			whole = 0;
		if (whole) {
			if (o + len >= outlen)
				break;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			if (o + 4 >= outlen)
				break;
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

static void vwarn(const char *fmt, va_list ap)
{
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
	buf[len++] = '\n';
	/* One write, so messages of concurrent stages do not interleave. */
	ssize_t w = write(STDERR_FILENO, buf, len);
	(void)w;
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
	exit(status);
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
	exit(QTS_EXIT_USAGE);
}

void qts_print_version(void)
{
	printf("%s %s\n", qts_progname, QTS_VERSION);
	exit(qts_close_stdout());
}

int qts_close_stdout(void)
{
	int bad = ferror(stdout);
	if (fclose(stdout) != 0 || bad) {
		if (errno == EPIPE)
			return QTS_EXIT_OK;
		qts_warn("write error: %s", strerror(errno ? errno : EIO));
		return QTS_EXIT_FAIL;
	}
	return QTS_EXIT_OK;
}
