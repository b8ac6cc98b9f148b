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

static void on_signal(int sig)
{
	qts_interrupted = sig;
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
}

/* The last message, without the program's name: what a failing stage
 * says in its stream too (qts_fail_hook). */
static char last_message[1024];

const char *qts_last_message(void)
{
	return last_message;
}

static void vwarn(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "%s: ", qts_progname);
	if (n < 0 || (size_t)n >= sizeof buf)
		n = 0;
	vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	snprintf(last_message, sizeof last_message, "%s", buf + n);
	size_t len = strlen(buf);
	buf[len++] = '\n';
	/* One write, so messages of concurrent stages do not interleave. */
	ssize_t w = write(STDERR_FILENO, buf, len);
	(void)w;
}

void (*qts_fail_hook)(const char *why);

/* A failing exit says so in the stream as well, for the stages after. */
static _Noreturn void fail_exit(int status)
{
	void (*hook)(const char *) = qts_fail_hook;
	qts_fail_hook = NULL; /* once, even if the hook itself dies */
	if (hook && status != QTS_EXIT_OK)
		hook(last_message);
	exit(status);
}

/* The first failure a stage upstream reported in the stream. */
static char upstream[QTS_NAME_MAX + QTS_TEXT_MAX + 16];

void qts_upstream_failed(const char *source, const char *message)
{
	if (!upstream[0])
		snprintf(upstream, sizeof upstream, "%s failed: %s", source[0] ? source : "a stage",
			 message[0] ? message : "(no message)");
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

int qts_close_stdout(void)
{
	int bad = ferror(stdout), status = QTS_EXIT_OK;
	if (fclose(stdout) != 0 || bad) {
		if (errno != EPIPE) {
			qts_warn("write error: %s", strerror(errno ? errno : EIO));
			status = QTS_EXIT_FAIL;
		}
	}
	/* Last, so it is the line read at the end of a pipeline's messages:
	 * what came in was cut short by a failure, so what went out is
	 * incomplete too, however normal it looks. */
	if (qts_upstream_failure()) {
		qts_warn("the input is incomplete: %s", qts_upstream_failure());
		status = QTS_EXIT_FAIL;
	}
	return status;
}
