/*
 * Regression replay without libFuzzer: linked with one fuzz target (and built by whatever
 * compiler builds the tests, sanitizers included), it feeds every file named on the command line,
 * or found directly inside a directory named there, to LLVMFuzzerTestOneInput, each in a child
 * process so that one crashing input is counted and the rest still run. It prints each failure
 * and a last line "NAME: N passed, N failed"; the exit status is 0 only when none failed.
 */
#include <dirent.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as in libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A guard against a hang, not a performance bound: the slowest input takes well under a second. */
#define REPLAY_ALARM_SECONDS 300

static unsigned passed, failed;

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL)
		return -1;
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *b = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (b == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees a read past the input's end. */
	*data = malloc(len ? len : 1);
	if (*data == NULL) {
		free(buf);
		return -1;
	}
	memcpy(*data, buf, len);
	free(buf);
	*size = len;
	return 0;
}

static void replay(const char *path)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		uint8_t *data;
		size_t size;

		alarm(REPLAY_ALARM_SECONDS);
		if (read_file(path, &data, &size) != 0) {
			perror(path);
			_exit(2);
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("fork");
		failed++;
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		return;
	}
	failed++;
	if (WIFSIGNALED(status))
		printf("FAIL %s: signal %d%s\n", path, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (hung)" : "");
	else
		printf("FAIL %s: exit %d\n", path, WEXITSTATUS(status));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly inside dir, in name order. */
static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL) {
		perror(dir);
		failed++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char **more;

		if (e->d_name[0] == '.')
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (more == NULL)
			abort();
		names = more;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;

		names[n] = malloc(len);
		if (names[n] == NULL)
			abort();
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (LLVMFuzzerInitialize != NULL && LLVMFuzzerInitialize(&argc, &argv) != 0) {
		fprintf(stderr, "%s: LLVMFuzzerInitialize failed\n", name);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			/* A target without crash inputs has no crashes/ directory. */
			continue;
		}
		if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay(argv[i]);
	}
	printf("%s: %u passed, %u failed\n", name, passed, failed);
	return failed == 0 ? 0 : 1;
}
