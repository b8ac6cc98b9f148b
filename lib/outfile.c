/* outfile.c — files qts writes whole (reports now; state, journals, caches
 * and metrics later), so that a reader never sees half of one and nobody
 * can make qts write where it did not mean to.
 *
 * The new content goes to a temporary made by mkstemp(3) in the target's
 * own directory (so the rename stays on one file system), created with
 * O_EXCL and never through a symbolic link; at commit it is flushed,
 * synced, given the target's mode, renamed over the target and the
 * directory synced.  A symbolic link at the target itself is replaced, not
 * written through.  A target that exists and is not a regular file (a
 * fifo, a terminal, /dev/null) is written in place: a rename would put a
 * file where the device or pipe was; so is a descriptor named (/dev/stdout,
 * /dev/fd/3), whatever it is open on.
 *
 * A temporary is removed on every way out: commit or abort, exit() (an
 * atexit handler), and the signals that would end the program by default
 * (the handler removes it, then dies of the same signal).  SIGKILL and a
 * crash leave it: its name holds the writer's pid (.NAME.PID.XXXXXX), and
 * the first open of NAME in a process removes those of writers that are
 * gone, a minute old at least (a stage killed again and again under a
 * supervisor would otherwise leave one for each kill).
 *
 * `-` is standard output, the Unix way: the file is made in memory and
 * written out whole at commit, so a failure half-way writes nothing. */
#include "qts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Temporaries alive now, as fixed buffers a signal handler may read. */
#define PENDING_MAX 8
static char pending[PENDING_MAX][PATH_MAX];
static volatile sig_atomic_t pending_used[PENDING_MAX];

static void remove_pending(void)
{
	for (int i = 0; i < PENDING_MAX; i++)
		if (pending_used[i]) {
			unlink(pending[i]);
			pending_used[i] = 0;
		}
}

/* Signals whose default action ends the process; each one met at its
 * default disposition gets a handler that removes the temporaries first. */
static const int fatal_signals[] = { SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
				     SIGVTALRM, SIGPROF, SIGXCPU, SIGPOLL };

static void on_fatal_signal(int sig)
{
	remove_pending(); /* unlink(2) is async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* At every open: a signal may have been set back to its default since. */
static void guard(void)
{
	static int registered;
	if (!registered) {
		registered = 1;
		atexit(remove_pending);
	}
	for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
		struct sigaction old;
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
		    !(old.sa_flags & SA_SIGINFO)) {
			struct sigaction sa = { .sa_handler = on_fatal_signal };
			sigemptyset(&sa.sa_mask);
			sigaction(fatal_signals[i], &sa, NULL);
		}
	}
}

static int seterr(char *err, size_t errlen, const char *path, const char *what, int e)
{
	snprintf(err, errlen, "%s: %s%s%s", path, what, *what ? ": " : "", strerror(e));
	errno = e;
	return -1;
}

/* The directory part of path ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == path)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

#define STALE_AGE 60 /* s: a temporary younger than this may be a live writer's */

/* The temporaries of base in dir left by writers that are gone (SIGKILL,
 * a crash), removed: .BASE.PID.XXXXXX whose PID is no process, untouched
 * for STALE_AGE.  Once for each path in a process: a stage writes its
 * state again and again. */
static void remove_stale(const char *dir, const char *base)
{
	static uint64_t swept[32];
	static size_t nswept;
	char key[2 * PATH_MAX + 2];
	snprintf(key, sizeof key, "%s/%s", dir, base);
	uint64_t h = qts_hash64(key);
	for (size_t i = 0; i < nswept; i++)
		if (swept[i] == h)
			return;
	if (nswept < sizeof swept / sizeof *swept)
		swept[nswept++] = h;
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t lb = strlen(base);
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (n[0] != '.' || strncmp(n + 1, base, lb) != 0 || n[1 + lb] != '.')
			continue;
		char *end;
		errno = 0;
		long pid = strtol(n + 2 + lb, &end, 10);
		if (errno || pid <= 0 || end == n + 2 + lb || *end != '.' || strlen(end + 1) != 6)
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime >= STALE_AGE)
			(void)unlinkat(dirfd(d), n, 0);
	}
	closedir(d);
}

/* `-`: the whole file to standard output, every byte or an error. */
static int commit_stdout(qts_outfile *of, char *err, size_t errlen)
{
	int bad = fclose(of->fp) != 0, e = errno ? errno : ENOMEM;
	of->fp = NULL;
	for (size_t at = 0; !bad && at < of->mem_len;) {
		ssize_t n = write(STDOUT_FILENO, of->mem + at, of->mem_len - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			bad = 1;
			e = n < 0 ? errno : EIO;
		} else {
			at += (size_t)n;
		}
	}
	free(of->mem);
	of->mem = NULL;
	return bad ? seterr(err, errlen, "standard output", "write error", e) : 0;
}

/* N of "/dev/fd/N" or "/proc/self/fd/N", or -1. */
static int fd_path(const char *path)
{
	const char *num = strncmp(path, "/dev/fd/", 8) == 0 ? path + 8
			  : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14 : NULL;
	if (!num || !*num || strspn(num, "0123456789") != strlen(num) || strlen(num) > 6)
		return -1;
	return atoi(num);
}

/* The descriptor path names the way shells and programs name one
 * (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, or a link to
 * one of those), or -1.  /dev/stdout is a link: replaced by a rename
 * (what is done to a link) it would be a file in /dev where the link to
 * the descriptor was, for every program after; and when the descriptor
 * is a file a shell opened, the stat of the name says "regular file". */
static int named_descriptor(const char *path)
{
	int fd = fd_path(path);
	if (fd >= 0)
		return fd;
	/* however the system links them */
	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	struct stat st;
	char to[64];
	ssize_t n;
	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode) || (n = readlink(path, to, sizeof to - 1)) <= 0)
		return -1;
	to[n] = '\0';
	return fd_path(to);
}

int qts_outfile_in_place(const char *path)
{
	struct stat st;
	return strcmp(path, "-") == 0 || named_descriptor(path) >= 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
}

int qts_outfile_open(qts_outfile *of, const char *path, char *err, size_t errlen)
{
	memset(of, 0, sizeof *of);
	of->slot = -1;
	of->durable = 1;
	of->path = path;
	if (strcmp(path, "-") == 0) {
		/* Made whole before any of it goes out: a reader after a pipe
		 * never sees the part of a file that failed half-way. */
		if (!(of->fp = open_memstream(&of->mem, &of->mem_len)))
			return seterr(err, errlen, "standard output", "", errno);
		of->in_place = 1;
		return 0;
	}
	int named = named_descriptor(path);
	struct stat st;
	if (named >= 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		/* A descriptor named: its own open file, its offset and
		 * O_APPEND as the shell set them (a new open of the name would
		 * write from 0).  A device or fifo: written in place, never
		 * created here. */
		int fd = named >= 0 ? fcntl(named, F_DUPFD_CLOEXEC, 3) : open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 || !(of->fp = fdopen(fd, "w"))) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return seterr(err, errlen, path, "", e);
		}
		of->in_place = 1;
		return 0;
	}
	guard();
	int slot = 0;
	while (slot < PENDING_MAX && pending_used[slot])
		slot++;
	if (slot == PENDING_MAX)
		return seterr(err, errlen, path, "too many files being written at once", EMFILE);

	char dir[PATH_MAX];
	dir_of(path, dir, sizeof dir);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	remove_stale(dir, base);
	int n = snprintf(pending[slot], PATH_MAX, "%s/.%s.%ld.XXXXXX", dir, base, (long)getpid());
	if (n < 0 || n >= PATH_MAX)
		return seterr(err, errlen, path, "", ENAMETOOLONG);

	/* Block the fatal signals while the temporary exists but is not yet
	 * registered, so a signal between the two cannot leave it behind. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int fd = mkstemp(pending[slot]); /* O_CREAT|O_EXCL: never through a link */
	if (fd >= 0)
		pending_used[slot] = 1;
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		return seterr(err, errlen, path, "cannot create a temporary beside it", e);

	/* The mode of the file replaced, or what a new file would get. */
	mode_t mode;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, mode) < 0 || !(of->fp = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		unlink(pending[slot]);
		pending_used[slot] = 0;
		return seterr(err, errlen, path, "", e);
	}
	of->slot = slot;
	return 0;
}

int qts_outfile_commit(qts_outfile *of, char *err, size_t errlen)
{
	if (!of->fp)
		return seterr(err, errlen, of->path, "", EBADF);
	if (strcmp(of->path, "-") == 0)
		return commit_stdout(of, err, errlen);
	FILE *fp = of->fp;
	of->fp = NULL;
	if (of->in_place) {
		int bad = fflush(fp) != 0 || ferror(fp);
		int e = errno ? errno : EIO;
		if (fclose(fp) != 0 && !bad) {
			bad = 1;
			e = errno;
		}
		return bad ? seterr(err, errlen, of->path, "", e) : 0;
	}
	int bad = fflush(fp) != 0 || ferror(fp);
	int e = errno ? errno : EIO;
	if (!bad && of->durable && fsync(fileno(fp)) < 0) {
		bad = 1;
		e = errno;
	}
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	const char *tmp = pending[of->slot];
	if (!bad && rename(tmp, of->path) < 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		pending_used[of->slot] = 0;
		return seterr(err, errlen, of->path, "", e);
	}
	pending_used[of->slot] = 0;
	if (!of->durable)
		return 0;
	/* The rename itself is durable only once the directory is synced. */
	char dir[PATH_MAX];
	dir_of(of->path, dir, sizeof dir);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		int r = fsync(dfd);
		e = errno;
		close(dfd);
		/* Some file systems cannot sync a directory; that is no loss. */
		if (r < 0 && e != EINVAL && e != EROFS)
			return seterr(err, errlen, of->path, "syncing its directory", e);
	}
	return 0;
}

void qts_outfile_abort(qts_outfile *of)
{
	if (of->fp)
		fclose(of->fp);
	of->fp = NULL;
	free(of->mem); /* `-`: nothing of it written */
	of->mem = NULL;
	if (!of->in_place && of->slot >= 0 && pending_used[of->slot]) {
		unlink(pending[of->slot]);
		pending_used[of->slot] = 0;
	}
}
