// SPDX-License-Identifier: MIT
/*
 * JSON circuit inputs to a witness through --witness-cmd, e.g.
 * 'snarkjs wtns calculate {wasm} {input} {output}'. The template is split
 * at blanks into argv once; an argument that is exactly {wasm}, {input} or
 * {output} is replaced by a path, nothing else is interpreted (no shell).
 * The command runs in a private temporary directory with a time limit
 * (--witness-timeout) and its output on a log whose tail becomes the error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proverd.h"

#define MAX_ARGS 64
#define MAX_WTNS (1ULL << 32)

static int write_all(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		data += n;
		len -= (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

static int read_all(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > MAX_WTNS) {
		close(fd);
		return -EINVAL;
	}
	*out = malloc((size_t)st.st_size + 1);
	if (!*out) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *out + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

static void log_tail(const char *path, char *out, size_t len)
{
	char buf[400];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size;
	ssize_t n;
	size_t i;

	out[0] = 0;
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')
			buf[i] = ' ';
		else if ((unsigned char)buf[i] < 32)
			buf[i] = '?';
	while (n && buf[n - 1] == ' ')
		buf[--n] = 0;
	snprintf(out, len, ": %s", buf);
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = { "input.json", "witness.wtns", "log" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int witness_from_json(const struct pd_circuit *c, const char *json, size_t len,
		      uint8_t **wtns, size_t *wtns_len, char *err, size_t errlen)
{
	char tmpl[4096], dir[256], input[300], output[300], logp[300], tail[420];
	char *argv[MAX_ARGS + 1], *tok, *save;
	const char *tmp = getenv("TMPDIR");
	double deadline;
	int argc = 0, status, fd, ret = -1;
	pid_t pid, w;

	*wtns = NULL;
	snprintf(tmpl, sizeof(tmpl), "%s", g.cfg.witness_cmd);
	for (tok = strtok_r(tmpl, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (argc == MAX_ARGS) {
			snprintf(err, errlen, "--witness-cmd has more than %d words", MAX_ARGS);
			return -1;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (!argc) {
		snprintf(err, errlen, "--witness-cmd is empty");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/zkasic-proverd-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "mkdtemp %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(input, sizeof(input), "%s/input.json", dir);
	snprintf(output, sizeof(output), "%s/witness.wtns", dir);
	snprintf(logp, sizeof(logp), "%s/log", dir);
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "{wasm}"))
			argv[i] = (char *)c->wasm_path;
		else if (!strcmp(argv[i], "{input}"))
			argv[i] = input;
		else if (!strcmp(argv[i], "{output}"))
			argv[i] = output;
	}
	if (write_all(input, json, len)) {
		snprintf(err, errlen, "cannot write %s", input);
		goto out;
	}
	fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s", logp);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		close(fd);
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (!pid) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chdir(dir))
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	deadline = pd_now_ms() + g.cfg.witness_timeout * 1000.0;
	for (;;) {
		struct timespec ts = { 0, 10 * 1000000L };

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (pd_now_ms() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errlen, "%s timed out after %u s (--witness-timeout)", argv[0],
				 g.cfg.witness_timeout);
			goto out;
		}
		nanosleep(&ts, NULL);
	}
	log_tail(logp, tail, sizeof(tail));
	if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (w == pid && WIFSIGNALED(status))
			snprintf(err, errlen, "%s killed by signal %d%s", argv[0], WTERMSIG(status), tail);
		else
			snprintf(err, errlen, "%s exited with status %d%s", argv[0],
				 w == pid ? WEXITSTATUS(status) : -1, tail);
		goto out;
	}
	if (read_all(output, wtns, wtns_len)) {
		snprintf(err, errlen, "%s wrote no witness%s", argv[0], tail);
		goto out;
	}
	ret = 0;
out:
	remove_dir(dir);
	return ret;
}
