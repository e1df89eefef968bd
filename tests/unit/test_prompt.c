/*
 * The prompt layer: answers mode through a pipe, terminal mode through a real pseudo-terminal
 * (what the master side sees is what a person would see), signals, and the prompt ids of a plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ceremony/people/prompt.h"

/* ---- helpers ---- */

static struct answers *answers_from(const char *text)
{
	struct answers *a = NULL;
	struct answers_error err;

	if (answers_parse((const unsigned char *)text, strlen(text), &a, &err) != ANSWERS_OK)
		fail_msg("%u: %s", err.line, err.message);
	return a;
}

/* Everything readable on fd now (it must be non-blocking), appended to buf. */
static void drain(int fd, char *buf, size_t size)
{
	size_t used = strlen(buf);

	for (;;) {
		ssize_t n;

		if (used + 1 >= size)
			break;
		n = read(fd, buf + used, size - used - 1);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
}

static const char *ask_plain(const char *value, size_t len, void *ctx)
{
	(void)ctx;
	return len > 4 && strncmp(value, "TEB-", 4) == 0 ? NULL : "a bag number starts TEB-";
}

static const char *const sources[] = {"medium", "words", "qr"};

/* ---- answers mode ---- */

static const char answers_text[] = "version = 1\n"
				   "go.clock = yes\n"
				   "go.image = maybe\n"
				   "share.root.1.bag = TEB-100001\n"
				   "share.root.2.bag = 100002\n"
				   "entropy.carol.dice =\n"
				   "share.root.1.passphrase = correct horse battery staple\n"
				   "share.root.1.words = @shown\n"
				   "collect.root.1.source = words\n"
				   "collect.root.2.source = 2\n";

static void test_answers_mode(void **state)
{
	struct answers *a = answers_from(answers_text);
	struct prompt *p = NULL;
	int out[2];
	char seen[8192] = "", text[64];
	unsigned char *secret;
	size_t len, idx;
	bool yes;

	(void)state;
	assert_int_equal(pipe2(out, O_NONBLOCK), 0);
	assert_int_equal(prompt_open_answers(&p, a, out[1], PROMPT_REHEARSAL), PROMPT_OK);
	assert_true(prompt_from_answers(p));

	assert_int_equal(prompt_confirm(p, "go.clock", "Is the time right?", &yes), PROMPT_OK);
	assert_true(yes);
	assert_int_equal(prompt_confirm(p, "go.image", "Image hash matches?", &yes),
			 PROMPT_E_INVALID);
	assert_string_equal(prompt_reason(p), "answer yes or no");
	assert_int_equal(prompt_confirm(p, "go.script", "Script hash matches?", &yes),
			 PROMPT_E_MISSING);
	assert_string_equal(prompt_reason(p), "no answer for prompt 'go.script'");

	assert_int_equal(prompt_text(p, "share.root.1.bag", "Bag number?", 0, ask_plain, NULL, text,
				     sizeof(text)),
			 PROMPT_OK);
	assert_string_equal(text, "TEB-100001");
	assert_int_equal(prompt_text(p, "share.root.2.bag", "Bag number?", 0, ask_plain, NULL, text,
				     sizeof(text)),
			 PROMPT_E_INVALID);
	assert_string_equal(prompt_reason(p), "a bag number starts TEB-");
	assert_int_equal(prompt_text(p, "share.root.1.bag", "Bag?", 0, NULL, NULL, text, 5),
			 PROMPT_E_INVALID);
	assert_string_equal(prompt_reason(p), "too long");

	/* Empty answers only where allowed. */
	assert_int_equal(
	    prompt_secret(p, "entropy.carol.dice", "Dice?", 0, NULL, NULL, NULL, &secret, &len),
	    PROMPT_E_INVALID);
	assert_null(secret);
	assert_int_equal(prompt_secret(p, "entropy.carol.dice", "Dice?", PROMPT_EMPTY_OK, NULL,
				       NULL, NULL, &secret, &len),
			 PROMPT_OK);
	assert_int_equal(len, 0);
	prompt_secret_free(secret, len);

	assert_int_equal(prompt_secret(p, "share.root.1.passphrase", "Passphrase?", 0, NULL, NULL,
				       NULL, &secret, &len),
			 PROMPT_OK);
	assert_int_equal(len, strlen("correct horse battery staple"));
	assert_string_equal((char *)secret, "correct horse battery staple");
	prompt_secret_free(secret, len);

	/* @shown: the words on the screen, in a rehearsal only. */
	assert_int_equal(prompt_secret(p, "share.root.1.words", "Words?", PROMPT_ECHO, NULL, NULL,
				       "academic acid acne", &secret, &len),
			 PROMPT_OK);
	assert_string_equal((char *)secret, "academic acid acne");
	prompt_secret_free(secret, len);
	assert_int_equal(
	    prompt_secret(p, "share.root.1.words", "Words?", 0, NULL, NULL, NULL, &secret, &len),
	    PROMPT_E_INVALID);
	assert_string_equal(prompt_reason(p), "@shown does not answer this prompt");

	/* Choices by name; numbers are for people at a terminal. */
	assert_int_equal(prompt_choice(p, "collect.root.1.source", "How?", sources, 3, &idx),
			 PROMPT_OK);
	assert_int_equal(idx, 1);
	assert_int_equal(prompt_choice(p, "collect.root.2.source", "How?", sources, 3, &idx),
			 PROMPT_E_INVALID);

	assert_int_equal(
	    prompt_show_secret(p, "share.root.1.shown", "Your words", "academic acid acne"),
	    PROMPT_OK);
	prompt_say(p, PROMPT_BAD, "NO-GO: %s", "air gap");
	prompt_progress(p, "Writing share", 5, 5);
	prompt_close(p);

	drain(out[0], seen, sizeof(seen));
	assert_non_null(strstr(seen, "Is the time right? (yes/no)\n[answers] go.clock = yes\n"));
	assert_non_null(strstr(seen, "[answers] share.root.1.passphrase\n"));
	assert_non_null(strstr(seen, "[answers] share.root.1.words\n"));
	assert_non_null(strstr(seen, "[answers] entropy.carol.dice\n"));
	assert_non_null(strstr(seen, "[answers] go.script: no answer\n"));
	assert_non_null(strstr(seen, "[answers] share.root.1.shown (shown on the terminal only)"));
	assert_non_null(strstr(seen, "NO-GO: air gap\n"));
	assert_non_null(strstr(seen, "Writing share: done\n"));
	/* No secret, no shown words, no colour on a pipe. */
	assert_null(strstr(seen, "horse"));
	assert_null(strstr(seen, "academic"));
	assert_null(strchr(seen, '\033'));
	close(out[0]);
	close(out[1]);
	answers_free(a);
}

static void test_shown_needs_rehearsal(void **state)
{
	struct answers *a = answers_from(answers_text);
	struct prompt *p = NULL;
	unsigned char *secret;
	size_t len;
	int devnull = open("/dev/null", O_WRONLY);

	(void)state;
	assert_int_equal(prompt_open_answers(&p, a, devnull, 0), PROMPT_OK);
	assert_int_equal(prompt_secret(p, "share.root.1.words", "Words?", PROMPT_ECHO, NULL, NULL,
				       "academic acid acne", &secret, &len),
			 PROMPT_E_INVALID);
	assert_string_equal(prompt_reason(p), "@shown is only accepted in a rehearsal");
	assert_null(secret);
	prompt_close(p);
	close(devnull);
	answers_free(a);
}

static void test_signals(void **state)
{
	struct answers *a = answers_from(answers_text);
	struct prompt *p = NULL;
	struct sigaction before, now;
	int devnull = open("/dev/null", O_WRONLY);
	bool yes;

	(void)state;
	/* What the test was started with: SIG_DFL, or SIG_IGN when a shell started it in the
	 * background (it ignores SIGINT for such jobs). */
	assert_int_equal(sigaction(SIGINT, NULL, &before), 0);
	assert_int_equal(prompt_open_answers(&p, a, devnull, 0), PROMPT_OK);
	assert_false(prompt_interrupted());
	/* Ctrl-C does not kill the process: the next prompt reports it. */
	assert_int_equal(raise(SIGINT), 0);
	assert_true(prompt_interrupted());
	assert_int_equal(prompt_confirm(p, "go.clock", "Time?", &yes), PROMPT_E_INTERRUPTED);
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(prompt_confirm(p, "go.clock", "Time?", &yes), PROMPT_E_INTERRUPTED);
	prompt_clear_interrupt();
	assert_false(prompt_interrupted());
	assert_int_equal(prompt_confirm(p, "go.clock", "Time?", &yes), PROMPT_OK);
	prompt_close(p);
	/* The previous handlers are back. */
	assert_int_equal(sigaction(SIGINT, NULL, &now), 0);
	assert_true(now.sa_handler == before.sa_handler);
	close(devnull);
	answers_free(a);
}

/* ---- terminal mode ---- */

struct pty {
	int master, slave;
	pid_t child;
};

static void pty_open(struct pty *t)
{
	t->master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(t->master >= 0);
	assert_int_equal(grantpt(t->master), 0);
	assert_int_equal(unlockpt(t->master), 0);
	t->slave = open(ptsname(t->master), O_RDWR | O_NOCTTY);
	assert_true(t->slave >= 0);
	t->child = -1;
}

static void pty_close(struct pty *t)
{
	close(t->slave);
	close(t->master);
}

/* A person at the keyboard: after delay_ms (and, for a secret, once echo is off, since typing
 * earlier would be discarded with the typeahead), types text, or sends SIGINT when text is
 * NULL. */
static void later(struct pty *t, unsigned delay_ms, bool quiet, const char *text)
{
	pid_t parent = getpid();

	t->child = fork();
	assert_true(t->child >= 0);
	if (t->child == 0) {
		struct termios tio;

		usleep(delay_ms * 1000);
		for (int i = 0; quiet && i < 2000; i++) {
			if (tcgetattr(t->slave, &tio) != 0)
				_exit(1);
			if (!(tio.c_lflag & ECHO))
				break;
			usleep(10 * 1000);
		}
		if (text == NULL) {
			kill(parent, SIGINT);
		} else {
			/* One line at a time, as typed. */
			for (const char *s = text; *s != '\0';) {
				size_t n = strcspn(s, "\n") + (s[strcspn(s, "\n")] == '\n');

				if (write(t->master, s, n) != (ssize_t)n)
					_exit(1);
				s += n;
				usleep(50 * 1000);
			}
		}
		_exit(0);
	}
}

static void wait_child(struct pty *t)
{
	int status;

	assert_int_equal(waitpid(t->child, &status, 0), t->child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* What the person saw on the terminal so far: read until it has been quiet for 200 ms (the
 * pty hands output over asynchronously). */
static void screen(struct pty *t, char *buf, size_t size)
{
	int fl = fcntl(t->master, F_GETFL);
	struct pollfd pf = {t->master, POLLIN, 0};

	buf[0] = '\0';
	fcntl(t->master, F_SETFL, fl | O_NONBLOCK);
	while (poll(&pf, 1, 200) == 1 && strlen(buf) + 1 < size)
		drain(t->master, buf, size);
	fcntl(t->master, F_SETFL, fl);
}

static void test_tty(void **state)
{
	struct pty t;
	struct prompt *p = NULL;
	struct termios tio;
	char seen[8192], text[64];
	unsigned char *secret;
	size_t len, idx;
	bool yes;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(prompt_open_tty(&p, fds[0], fds[1], 0), PROMPT_E_IO);
	assert_null(p);
	close(fds[0]);
	close(fds[1]);

	pty_open(&t);
	assert_int_equal(prompt_open_tty(&p, t.slave, t.slave, PROMPT_NO_COLOUR), PROMPT_OK);
	assert_false(prompt_from_answers(p));

	/* A wrong answer is explained and the question asked again. */
	later(&t, 100, false, "maybe\nyes\n");
	assert_int_equal(prompt_confirm(p, "go.clock", "Is 2025-03-08T11:30:00Z right?", &yes),
			 PROMPT_OK);
	wait_child(&t);
	assert_true(yes);
	screen(&t, seen, sizeof(seen));
	assert_non_null(strstr(seen, "Is 2025-03-08T11:30:00Z right? (yes/no) [go.clock] "));
	assert_non_null(strstr(seen, "not accepted: answer yes or no"));
	assert_non_null(strstr(seen, "maybe")); /* confirmations echo */

	/* A secret: not echoed, and what was typed before the question is discarded. */
	assert_int_equal(write(t.master, "typed-ahead\n", 12), 12);
	{
		/* The pty delivers to the slave's queue asynchronously: wait until it is there. */
		struct pollfd pf = {t.slave, POLLIN, 0};

		assert_int_equal(poll(&pf, 1, 10000), 1);
	}
	later(&t, 10, true, "hunter2 horse\n");
	assert_int_equal(prompt_secret(p, "share.root.1.passphrase", "Passphrase:", 0, NULL, NULL,
				       NULL, &secret, &len),
			 PROMPT_OK);
	wait_child(&t);
	assert_string_equal((char *)secret, "hunter2 horse");
	prompt_secret_free(secret, len);
	screen(&t, seen, sizeof(seen));
	assert_non_null(strstr(seen, "Passphrase: [share.root.1.passphrase] "));
	assert_null(strstr(seen, "hunter2"));
	assert_int_equal(tcgetattr(t.slave, &tio), 0);
	assert_true(tio.c_lflag & ECHO);

	/* Words typed back are echoed (PROMPT_ECHO) but still returned as a secret. */
	later(&t, 100, false, "academic acid acne\n");
	assert_int_equal(prompt_secret(p, "share.root.1.words", "Words:", PROMPT_ECHO, NULL, NULL,
				       "academic acid acne", &secret, &len),
			 PROMPT_OK);
	wait_child(&t);
	assert_string_equal((char *)secret, "academic acid acne");
	prompt_secret_free(secret, len);

	/* "@shown" means nothing at a terminal: it is just text. */
	later(&t, 100, false, "TEB-000042\n");
	assert_int_equal(
	    prompt_text(p, "share.root.1.bag", "Bag:", 0, ask_plain, NULL, text, sizeof(text)),
	    PROMPT_OK);
	wait_child(&t);
	assert_string_equal(text, "TEB-000042");

	/* Choices by number or by name. */
	later(&t, 100, false, "3\n");
	assert_int_equal(prompt_choice(p, "collect.root.1.source", "How?", sources, 3, &idx),
			 PROMPT_OK);
	wait_child(&t);
	assert_int_equal(idx, 2);
	screen(&t, seen, sizeof(seen));
	assert_non_null(strstr(seen, "How? (1) medium  2) words  3) qr) [collect.root.1.source]"));

	/* Ctrl-C while waiting for a secret: interrupted, echo restored. */
	later(&t, 10, true, NULL);
	assert_int_equal(prompt_secret(p, "share.root.2.passphrase", "Passphrase:", 0, NULL, NULL,
				       NULL, &secret, &len),
			 PROMPT_E_INTERRUPTED);
	wait_child(&t);
	assert_null(secret);
	assert_true(prompt_interrupted());
	assert_int_equal(tcgetattr(t.slave, &tio), 0);
	assert_true(tio.c_lflag & ECHO);
	prompt_clear_interrupt();

	/* Secret display: shown, then the screen is cleared after Enter. */
	later(&t, 10, true, "\n");
	assert_int_equal(
	    prompt_show_secret(p, "share.root.2.shown", "Dave: your words", "1 academic  2 acid"),
	    PROMPT_OK);
	wait_child(&t);
	screen(&t, seen, sizeof(seen));
	assert_non_null(strstr(seen, "== Dave: your words =="));
	assert_non_null(strstr(seen, "1 academic  2 acid"));
	assert_non_null(strstr(seen, "\033[H\033[2J\033[3J"));

	/* End of input (Ctrl-D at the start of a line). */
	later(&t, 100, false, "\004");
	assert_int_equal(prompt_confirm(p, "go.media", "Media?", &yes), PROMPT_E_EOF);
	wait_child(&t);

	prompt_close(p);
	pty_close(&t);
}

/* ---- ids ---- */

struct tally {
	unsigned n, kinds[4];
	char first[64], last[64];
};

static int count(void *ctx, const char *id, enum prompt_kind kind, const struct script_step *step)
{
	struct tally *t = ctx;

	assert_non_null(step);
	if (t->n++ == 0)
		snprintf(t->first, sizeof(t->first), "%s", id);
	snprintf(t->last, sizeof(t->last), "%s", id);
	t->kinds[kind]++;
	return 0;
}

static int stop_at_third(void *ctx, const char *id, enum prompt_kind kind,
			 const struct script_step *step)
{
	unsigned *n = ctx;

	(void)id;
	(void)kind;
	(void)step;
	return ++*n == 3 ? 7 : 0;
}

static void test_ids(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	struct tally t;
	char id[ANSWERS_ID_MAX + 1];
	unsigned n = 0;

	(void)state;
	assert_int_equal(prompt_id(id, sizeof(id), PROMPT_ID_SHARE, "root", 3u, SHARE_FIELD_WORDS),
			 0);
	assert_string_equal(id, "share.root.3.words");
	assert_int_equal(prompt_id(id, sizeof(id), PROMPT_ID_GO_OVERRIDE, "air-gap.pci"), 0);
	assert_string_equal(id, "go.override.air-gap.pci");
	assert_int_equal(prompt_id(id, sizeof(id), PROMPT_ID_ATTENDANCE, "Alice"), -1);
	assert_int_equal(prompt_id(id, 10, PROMPT_ID_ATTENDANCE, "alice-long"), -1);
	assert_string_equal(prompt_kind_name(PROMPT_KIND_SECRET), "secret");
	assert_string_equal(prompt_strerror(PROMPT_E_INTERRUPTED), "interrupted");

	assert_int_equal(script_load("scripts/smki-keygen.yaml", &plan, &err), SCRIPT_OK);
	memset(&t, 0, sizeof(t));
	assert_int_equal(prompt_plan_ids(plan, count, &t), 0);
	assert_int_equal(t.n, 98);
	assert_string_equal(t.first, "attendance.alice");
	assert_string_equal(t.last, "close.wendy");
	/* Secrets: 6 dice, 14 shares x (passphrase, repeat, words), 3+2+2+2 test passphrases. */
	assert_int_equal(t.kinds[PROMPT_KIND_SECRET], 6 + 14 * 3 + 9);
	/* Text: one bag per custodian, asked after the last test reconstruction. */
	assert_int_equal(t.kinds[PROMPT_KIND_TEXT], 6);
	assert_int_equal(t.kinds[PROMPT_KIND_CHOICE], 0);
	assert_int_equal(prompt_plan_ids(plan, stop_at_third, &n), 7);
	script_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answers_mode), cmocka_unit_test(test_shown_needs_rehearsal),
	    cmocka_unit_test(test_signals),	 cmocka_unit_test(test_tty),
	    cmocka_unit_test(test_ids),
	};

	if (sodium_init() < 0)
		return 1;
	/* A prompt that never returns fails the test instead of hanging the suite. */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
