/* Files written whole (outfile.c): content, mode, links, and no temporary
 * left behind on any way out — commit, abort, exit() and a fatal signal. */
#include "qts.h"
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/qts-outfile-XXXXXX";

/* Entries in dir other than the ones named (NULL-terminated). */
static int strays(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] == '.' && e->d_name[1] && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void path_in(char *out, const char *name)
{
	snprintf(out, 512, "%s/%s", dir, name);
}

static void commit_and_mode(void)
{
	char p[512], err[600];
	qts_outfile of;
	path_in(p, "r.txt");
	CHECK(qts_outfile_open(&of, p, err, sizeof err) == 0, "open a new file");
	CHECK(slurp(p) == NULL, "the target does not exist before commit");
	/* .r.txt.PID.XXXXXX: a writer killed with SIGKILL leaves it, and the
	 * next one removes it once that pid is gone */
	char want[64];
	snprintf(want, sizeof want, ".r.txt.%ld.", (long)getpid());
	int named = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		named += strncmp(e->d_name, want, strlen(want)) == 0 && strlen(e->d_name) == strlen(want) + 6;
	if (d)
		closedir(d);
	CHECK(named == 1 && strays() == 1, "the temporary is named .NAME.PID.XXXXXX");
	fputs("one\n", of.fp);
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "commit");
	CHECK_STR(slurp(p), "one\n", "content in place after commit");
	CHECK(strays() == 0, "no temporary left after commit");

	chmod(p, 0640);
	CHECK(qts_outfile_open(&of, p, err, sizeof err) == 0, "open an existing file");
	fputs("two\n", of.fp);
	CHECK_STR(slurp(p), "one\n", "the old content stays until commit");
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "commit over it");
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640, "the replaced file's mode is kept");
	CHECK_STR(slurp(p), "two\n", "new content");

	CHECK(qts_outfile_open(&of, p, err, sizeof err) == 0, "open to abort");
	fputs("three\n", of.fp);
	qts_outfile_abort(&of);
	CHECK_STR(slurp(p), "two\n", "abort leaves the target as it was");
	CHECK(strays() == 0, "no temporary left after abort");
}

static void links(void)
{
	char p[512], victim[512], err[600];
	qts_outfile of;
	path_in(victim, "victim");
	path_in(p, "link.txt");
	FILE *f = fopen(victim, "w");
	fputs("keep\n", f);
	fclose(f);
	CHECK(symlink(victim, p) == 0, "a link planted at the target");
	CHECK(qts_outfile_open(&of, p, err, sizeof err) == 0, "open the link's path");
	fputs("new\n", of.fp);
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "commit");
	struct stat st;
	CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode), "the link is replaced by a file");
	CHECK_STR(slurp(victim), "keep\n", "the link's target is not written through");
}

static void errors(void)
{
	char err[600];
	qts_outfile of;
	char p[512];
	path_in(p, "no/such/dir/r.txt");
	CHECK(qts_outfile_open(&of, p, err, sizeof err) < 0, "a missing directory fails");
	CHECK(strstr(err, p) && strstr(err, "No such file"), "the message names the target");

	CHECK(qts_outfile_open(&of, "/dev/null", err, sizeof err) == 0, "/dev/null is written in place");
	fputs("x\n", of.fp);
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "and committed");
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");
}

/* A descriptor named, as /dev/stdout is (a link to /proc/self/fd/1):
 * written through at the descriptor's own offset, the link kept; renamed
 * over, /dev/stdout would be a file for every program after. */
static void descriptors(void)
{
	char err[600], p[512], link[512];
	qts_outfile of;
	path_in(p, "out.txt");
	path_in(link, "fd-link");
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	CHECK(fd >= 0 && write(fd, "before\n", 7) == 7, "a file open on a descriptor, written to");
	char to[64];
	snprintf(to, sizeof to, "/proc/self/fd/%d", fd);
	CHECK(symlink(to, link) == 0, "a link to the descriptor");
	CHECK(qts_outfile_in_place(link) && qts_outfile_in_place("/dev/stdout") && qts_outfile_in_place("/dev/fd/1") &&
	      qts_outfile_in_place("-") && qts_outfile_in_place("/dev/null"),
	      "in place: a descriptor named, `-`, a device");
	CHECK(!qts_outfile_in_place(p) && !qts_outfile_in_place("/dev/fd/x") && !qts_outfile_in_place("/dev/fd/12x"),
	      "not in place: a regular file, names of no descriptor");
	CHECK(qts_outfile_open(&of, link, err, sizeof err) == 0, "open the link");
	fputs("report\n", of.fp);
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "commit");
	struct stat st;
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the link is a link still");
	CHECK_STR(slurp(p), "before\nreport\n", "written after what the descriptor wrote (its offset, O_APPEND)");
	CHECK(strays() == 0, "no temporary made");
	snprintf(to, sizeof to, "/dev/fd/%d", fd);
	CHECK(qts_outfile_open(&of, to, err, sizeof err) == 0, "open /dev/fd/N");
	fputs("again\n", of.fp);
	CHECK(qts_outfile_commit(&of, err, sizeof err) == 0, "commit it");
	CHECK_STR(slurp(p), "before\nreport\nagain\n", "written through the descriptor");
	close(fd);
	unlink(link);
	unlink(p);
}

/* A child that opens a file and then dies one way or another. */
static void dies(int how)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* as a program started from a terminal has them, whatever the
		 * test runner inherited (a background shell ignores SIGQUIT) */
		struct sigaction old;
		if (how && sigaction(how, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			signal(how, SIG_DFL);
		char p[512], err[600];
		qts_outfile of;
		path_in(p, "dying.txt");
		if (qts_outfile_open(&of, p, err, sizeof err) < 0)
			_exit(3);
		fputs("half", of.fp);
		fflush(of.fp);
		if (how == 0)
			exit(1);
		raise(how);
		_exit(4);
	}
	int status;
	waitpid(pid, &status, 0);
	if (how == 0)
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "the child exited 1");
	else
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == how, "the child died of its signal");
	char p[512];
	path_in(p, "dying.txt");
	CHECK(access(p, F_OK) < 0, "no target written");
	CHECK(strays() == 0, "no temporary left behind");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	commit_and_mode();
	links();
	errors();
	descriptors();
	dies(0);
	dies(SIGHUP);
	dies(SIGQUIT);
	dies(SIGALRM);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
