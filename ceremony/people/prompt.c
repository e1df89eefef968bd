/*
 * Prompts on a terminal or from an answers file. Signals are caught with a self-pipe: the
 * handler sets a flag and writes a byte that poll() sees, so a prompt blocked on the terminal
 * wakes at once without a race between checking the flag and reading.
 */
#include "ceremony/people/prompt.h"
#include "ceremony/base/utf8.h"
#include "media/qr_out.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

static volatile sig_atomic_t interrupted;
static int wake[2] = {-1, -1};

struct prompt {
	bool tty;
	int in, out;
	bool colour;
	unsigned flags;
	struct answers *answers;
	prompt_refused_fn refused;
	void *refused_ctx;
	struct sigaction saved[NCAUGHT];
	char reason[96];
};

static void on_signal(int sig)
{
	int saved = errno;
	ssize_t r;

	(void)sig;
	interrupted = 1;
	r = write(wake[1], "!", 1);
	(void)r;
	errno = saved;
}

bool prompt_interrupted(void)
{
	return interrupted != 0;
}

void prompt_clear_interrupt(void)
{
	char drain[16];

	interrupted = 0;
	while (wake[0] >= 0 && read(wake[0], drain, sizeof(drain)) > 0)
		;
}

const char *prompt_strerror(enum prompt_err err)
{
	switch (err) {
	case PROMPT_E_SIGNED_: /* never returned */
		break;
	case PROMPT_OK:
		return "answered";
	case PROMPT_E_INTERRUPTED:
		return "interrupted";
	case PROMPT_E_MISSING:
		return "no answer in the answers file";
	case PROMPT_E_INVALID:
		return "answer refused";
	case PROMPT_E_EOF:
		return "end of input";
	case PROMPT_E_IO:
		return "terminal input or output failed";
	case PROMPT_E_NOMEM:
		return "out of memory";
	}
	return "unknown result";
}

static enum prompt_err open_common(struct prompt **out, int in_fd, int out_fd, unsigned flags)
{
	struct prompt *p;
	struct sigaction sa;
	const char *term = getenv("TERM");

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return PROMPT_E_NOMEM;
	p->in = in_fd;
	p->out = out_fd;
	p->flags = flags;
	p->colour = !(flags & PROMPT_NO_COLOUR) && isatty(out_fd) && getenv("NO_COLOR") == NULL &&
		    term != NULL && strcmp(term, "dumb") != 0;
	if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(p);
		return PROMPT_E_IO;
	}
	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read must return so the prompt can report the interrupt. */
	sa.sa_flags = 0;
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, &p->saved[i]);
	*out = p;
	return PROMPT_OK;
}

enum prompt_err prompt_open_tty(struct prompt **out, int in_fd, int out_fd, unsigned flags)
{
	enum prompt_err ret;

	*out = NULL;
	if (!isatty(in_fd))
		return PROMPT_E_IO;
	ret = open_common(out, in_fd, out_fd, flags);
	if (ret == PROMPT_OK)
		(*out)->tty = true;
	return ret;
}

enum prompt_err prompt_open_answers(struct prompt **out, struct answers *answers, int out_fd,
				    unsigned flags)
{
	enum prompt_err ret = open_common(out, -1, out_fd, flags);

	if (ret == PROMPT_OK)
		(*out)->answers = answers;
	return ret;
}

void prompt_close(struct prompt *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &p->saved[i], NULL);
	free(p);
}

bool prompt_from_answers(const struct prompt *p)
{
	return !p->tty;
}

void prompt_on_refusal(struct prompt *p, prompt_refused_fn fn, void *ctx)
{
	p->refused = fn;
	p->refused_ctx = ctx;
}

const char *prompt_reason(const struct prompt *p)
{
	return p->reason;
}

/* ---- output ---------------------------------------------------------------------------------- */

static void put(struct prompt *p, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(p->out, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void puts_(struct prompt *p, const char *s)
{
	put(p, s, strlen(s));
}

static const char *style_on(enum prompt_style style)
{
	switch (style) {
	case PROMPT_HEADING:
		return "\033[1m";
	case PROMPT_GOOD:
		return "\033[32m";
	case PROMPT_WARN:
		return "\033[33m";
	case PROMPT_BAD:
		return "\033[1;31m";
	case PROMPT_PLAIN:
		break;
	}
	return "";
}

void prompt_say(struct prompt *p, enum prompt_style style, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (style == PROMPT_HEADING)
		puts_(p, "\n");
	if (p->colour && style != PROMPT_PLAIN) {
		puts_(p, style_on(style));
		puts_(p, line);
		puts_(p, "\033[0m\n");
		return;
	}
	puts_(p, style == PROMPT_HEADING ? "== " : "");
	puts_(p, line);
	puts_(p, style == PROMPT_HEADING ? " ==\n" : "\n");
}

void prompt_block(struct prompt *p, const char *text)
{
	size_t len = strlen(text);

	put(p, text, len);
	if (len == 0 || text[len - 1] != '\n')
		puts_(p, "\n");
}

void prompt_progress(struct prompt *p, const char *what, unsigned done, unsigned total)
{
	char line[160];
	unsigned pct = total ? (unsigned)((unsigned long)done * 100 / total) : 100;

	if (p->tty && isatty(p->out)) {
		snprintf(line, sizeof(line), "\r%s: %3u%%%s", what, pct, done >= total ? "\n" : "");
		puts_(p, line);
	} else if (done >= total) {
		snprintf(line, sizeof(line), "%s: done\n", what);
		puts_(p, line);
	}
}

/* The question. On a terminal it ends with its id, so that answers files can be written from
 * what people saw; from answers the "[answers] id" line follows instead. */
static void ask(struct prompt *p, const char *id, const char *question, const char *hint)
{
	char line[1024];

	if (!p->tty)
		snprintf(line, sizeof(line), "%s%s\n", question, hint);
	else if (p->colour)
		snprintf(line, sizeof(line), "\033[1m%s%s\033[0m \033[2m[%s]\033[0m ", question,
			 hint, id);
	else
		snprintf(line, sizeof(line), "%s%s [%s] ", question, hint, id);
	puts_(p, line);
}

/* ---- terminal input ----------------------------------------------------------------------------
 */

#define LINE_TOO_LONG 100

/* Reads one line into buf (max bytes, not NUL-terminated), waking on a signal. */
static int read_line(struct prompt *p, unsigned char *buf, size_t max, size_t *len)
{
	struct pollfd fds[2] = {{p->in, POLLIN, 0}, {wake[0], POLLIN, 0}};
	size_t n = 0;
	bool over = false;
	int ret = PROMPT_OK;
	unsigned char ch = 0;

	for (;;) {
		ssize_t r;

		if (interrupted) {
			ret = PROMPT_E_INTERRUPTED;
			break;
		}
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = PROMPT_E_IO;
			break;
		}
		if (fds[1].revents & POLLIN) {
			ret = PROMPT_E_INTERRUPTED;
			break;
		}
		if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(p->in, &ch, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			ret = PROMPT_E_IO;
			break;
		}
		if (r == 0) {
			ret = PROMPT_E_EOF;
			break;
		}
		if (ch == '\n')
			break;
		if (n < max)
			buf[n++] = ch;
		else
			over = true;
	}
	sodium_memzero(&ch, sizeof(ch));
	*len = n;
	if (ret == PROMPT_OK && over)
		return LINE_TOO_LONG;
	return ret;
}

/* Reads a line with echo off (or on), restoring the terminal whatever happens. */
static int read_tty(struct prompt *p, bool echo, unsigned char *buf, size_t max, size_t *len)
{
	struct termios saved, quiet;
	int ret;

	if (echo)
		return read_line(p, buf, max, len);
	if (tcgetattr(p->in, &saved) != 0)
		return PROMPT_E_IO;
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	/* TCSAFLUSH: nothing typed before the question becomes part of the secret. */
	if (tcsetattr(p->in, TCSAFLUSH, &quiet) != 0)
		return PROMPT_E_IO;
	ret = read_line(p, buf, max, len);
	tcsetattr(p->in, TCSANOW, &saved);
	return ret;
}

/* A refused answer: on a terminal say why and ask again; from answers, stop. */
static enum prompt_err refuse(struct prompt *p, const char *id, const char *why)
{
	snprintf(p->reason, sizeof(p->reason), "%s", why);
	if (p->tty) {
		prompt_say(p, PROMPT_WARN, "  not accepted: %s", why);
		if (p->refused != NULL)
			p->refused(p->refused_ctx, id, why);
		return PROMPT_OK;
	}
	prompt_say(p, PROMPT_BAD, "[answers] %s: refused: %s", id, why);
	return PROMPT_E_INVALID;
}

/* Gets one raw answer into buf: from the terminal (after asking) or from the answers file.
 * *from_shown is set when an answers file said ANSWERS_SHOWN. */
static int get_answer(struct prompt *p, const char *id, const char *question, const char *hint,
		      bool secret, bool echo, unsigned char *buf, size_t max, size_t *len,
		      bool *from_shown)
{
	const char *value;
	bool shown = false;

	*len = 0;
	*from_shown = false;
	if (interrupted)
		return PROMPT_E_INTERRUPTED;
	ask(p, id, question, hint);
	if (p->tty) {
		int ret = read_tty(p, !secret || echo, buf, max, len);

		if (ret == LINE_TOO_LONG)
			return refuse(p, id, "too long") == PROMPT_OK ? LINE_TOO_LONG
								      : PROMPT_E_INVALID;
		if (ret == PROMPT_E_INTERRUPTED || ret == PROMPT_E_EOF)
			puts_(p, "\n");
		return ret;
	}
	if (!answers_get(p->answers, id, &value, len, &shown)) {
		snprintf(p->reason, sizeof(p->reason), "no answer for prompt '%s'", id);
		prompt_say(p, PROMPT_BAD, "[answers] %s: no answer", id);
		return PROMPT_E_MISSING;
	}
	if (*len > max)
		return refuse(p, id, "too long");
	memcpy(buf, value, *len);
	*from_shown = shown;
	if (secret || shown)
		prompt_say(p, PROMPT_PLAIN, "[answers] %s", id);
	else
		prompt_say(p, PROMPT_PLAIN, "[answers] %s = %s", id, value);
	return PROMPT_OK;
}

/* Runs the ask-check loop shared by every kind: reads into buf (max bytes), checks it is one
 * line of printable UTF-8, then calls check. Returns PROMPT_OK with *len set. */
static enum prompt_err answer_loop(struct prompt *p, const char *id, const char *question,
				   const char *hint, bool secret, unsigned flags,
				   prompt_check_fn check, void *ctx, const char *shown,
				   unsigned char *buf, size_t max, size_t *len)
{
	p->reason[0] = '\0';
	for (;;) {
		const char *why = NULL;
		bool from_shown;
		int ret = get_answer(p, id, question, hint, secret, (flags & PROMPT_ECHO) != 0, buf,
				     max, len, &from_shown);

		if (ret == LINE_TOO_LONG)
			continue;
		if (ret != PROMPT_OK)
			return ret;
		if (from_shown) {
			if (!(p->flags & PROMPT_REHEARSAL))
				why = "@shown is only accepted in a rehearsal";
			else if (shown == NULL)
				why = "@shown does not answer this prompt";
			else if (strlen(shown) > max)
				why = "too long";
			if (why == NULL) {
				*len = strlen(shown);
				memcpy(buf, shown, *len);
			}
		}
		if (why == NULL && utf8_printable(buf, *len, 0, NULL) != 0)
			why = "not printable text";
		if (why == NULL && *len == 0 && !(flags & PROMPT_EMPTY_OK))
			why = "an answer is needed";
		if (why == NULL && check != NULL) {
			buf[*len] = '\0';
			why = check((const char *)buf, *len, ctx);
		}
		if (why == NULL) {
			buf[*len] = '\0';
			return PROMPT_OK;
		}
		sodium_memzero(buf, max + 1);
		ret = refuse(p, id, why);
		if (ret != PROMPT_OK)
			return ret;
	}
}

static const char *check_yes_no(const char *value, size_t len, void *ctx)
{
	(void)len;
	(void)ctx;
	return strcasecmp(value, "yes") == 0 || strcasecmp(value, "no") == 0 ? NULL
									     : "answer yes or no";
}

enum prompt_err prompt_confirm(struct prompt *p, const char *id, const char *question, bool *yes)
{
	unsigned char buf[8];
	size_t len;
	enum prompt_err ret;

	*yes = false;
	ret = answer_loop(p, id, question, " (yes/no)", false, 0, check_yes_no, NULL, NULL, buf,
			  sizeof(buf) - 1, &len);
	if (ret == PROMPT_OK)
		*yes = strcasecmp((const char *)buf, "yes") == 0;
	return ret;
}

enum prompt_err prompt_text(struct prompt *p, const char *id, const char *question, unsigned flags,
			    prompt_check_fn check, void *ctx, char *out, size_t outlen)
{
	unsigned char buf[PROMPT_TEXT_MAX + 1];
	size_t len, max = outlen - 1 < PROMPT_TEXT_MAX ? outlen - 1 : PROMPT_TEXT_MAX;
	enum prompt_err ret;

	if (outlen == 0)
		return PROMPT_E_IO;
	out[0] = '\0';
	ret = answer_loop(p, id, question, "", false, flags & PROMPT_EMPTY_OK, check, ctx, NULL,
			  buf, max, &len);
	if (ret == PROMPT_OK)
		memcpy(out, buf, len + 1);
	return ret;
}

enum prompt_err prompt_secret(struct prompt *p, const char *id, const char *question,
			      unsigned flags, prompt_check_fn check, void *ctx, const char *shown,
			      unsigned char **out, size_t *len)
{
	unsigned char *buf;
	enum prompt_err ret;

	*out = NULL;
	*len = 0;
	buf = sodium_malloc(PROMPT_SECRET_MAX + 1);
	if (buf == NULL)
		return PROMPT_E_NOMEM;
	ret = answer_loop(p, id, question, "", true, flags, check, ctx, shown, buf,
			  PROMPT_SECRET_MAX, len);
	/* Whatever was typed (echoed words, or the length of a passphrase) leaves the screen
	 * before anything else is shown. */
	if (ret == PROMPT_OK)
		prompt_clear(p);
	if (ret == PROMPT_OK) {
		*out = sodium_malloc(*len + 1);
		if (*out == NULL)
			ret = PROMPT_E_NOMEM;
		else
			memcpy(*out, buf, *len + 1);
	}
	if (ret != PROMPT_OK)
		*len = 0;
	sodium_memzero(buf, PROMPT_SECRET_MAX + 1);
	sodium_free(buf);
	return ret;
}

void prompt_secret_free(unsigned char *secret, size_t len)
{
	if (secret == NULL)
		return;
	sodium_memzero(secret, len + 1);
	sodium_free(secret);
}

struct choices {
	const char *const *names;
	size_t n;
	bool numbers;
};

static const char *check_choice(const char *value, size_t len, void *ctx)
{
	const struct choices *c = ctx;

	(void)len;
	for (size_t i = 0; i < c->n; i++) {
		char num[24];

		snprintf(num, sizeof(num), "%zu", i + 1);
		if (strcmp(value, c->names[i]) == 0 || (c->numbers && strcmp(value, num) == 0))
			return NULL;
	}
	return "not one of the choices";
}

enum prompt_err prompt_choice(struct prompt *p, const char *id, const char *question,
			      const char *const *choices, size_t n, size_t *index)
{
	struct choices c = {choices, n, p->tty};
	unsigned char buf[SCRIPT_CEREMONY_ID_MAX + 1];
	char hint[512];
	size_t len, used = 0;
	enum prompt_err ret;

	*index = 0;
	hint[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(hint); i++) {
		int w = snprintf(hint + used, sizeof(hint) - used, "%s%zu) %s", i ? "  " : " (",
				 i + 1, choices[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used < sizeof(hint))
		snprintf(hint + used, sizeof(hint) - used, ")");
	ret = answer_loop(p, id, question, hint, false, 0, check_choice, &c, NULL, buf,
			  sizeof(buf) - 1, &len);
	if (ret != PROMPT_OK)
		return ret;
	for (size_t i = 0; i < n; i++) {
		char num[24];

		snprintf(num, sizeof(num), "%zu", i + 1);
		if (strcmp((const char *)buf, choices[i]) == 0 ||
		    (c.numbers && strcmp((const char *)buf, num) == 0))
			*index = i;
	}
	return PROMPT_OK;
}

enum prompt_err prompt_show_secret(struct prompt *p, const char *id, const char *title,
				   const char *text)
{
	unsigned char buf[16];
	size_t len;
	int ret;

	if (!p->tty) {
		prompt_say(p, PROMPT_PLAIN, "[answers] %s (shown on the terminal only)", id);
		return interrupted ? PROMPT_E_INTERRUPTED : PROMPT_OK;
	}
	/* A screen of its own: nothing of anyone else's above it. */
	prompt_clear(p);
	prompt_say(p, PROMPT_HEADING, "%s", title);
	prompt_block(p, text);
	puts_(p, "\nPress Enter when you have finished. The screen is then cleared.");
	ret = read_tty(p, false, buf, sizeof(buf), &len);
	sodium_memzero(buf, sizeof(buf));
	prompt_clear(p);
	return ret == LINE_TOO_LONG ? PROMPT_OK : ret;
}

void prompt_clear(struct prompt *p)
{
	/* Home, clear screen, clear scrollback (xterm, the Linux console and most serial
	 * terminals honour all three). */
	if (p->tty)
		puts_(p, "\033[H\033[2J\033[3J");
}

bool prompt_screen(const struct prompt *p, unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	*rows = *cols = 0;
	if (!p->tty || ioctl(p->out, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

/* ---- ids ----------------------------------------------------------------------------------- */

int prompt_id(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen || !answers_valid_id(out))
		return -1;
	return 0;
}

static int not_interrupted(void *ctx)
{
	(void)ctx;
	return !interrupted;
}

static const char *check_received(const char *value, size_t len, void *ctx)
{
	(void)len;
	(void)ctx;
	return strcasecmp(value, "yes") == 0 || strcasecmp(value, "replay") == 0
		   ? NULL
		   : "answer yes or replay";
}

enum prompt_err prompt_qr_play(struct prompt *p, const char *id, struct media_qr_anim *anim,
			       const char *caption, unsigned period_ms, size_t max_frames,
			       enum media_err *played)
{
	unsigned char buf[8];
	size_t len;
	enum prompt_err ret;

	/* The codes play, and play again, until the receiving side says it has them: a camera
	 * that missed parts, or a person who looked away, only has to ask. */
	for (;;) {
		*played = media_qr_play(p->out, anim, 0, caption, period_ms, max_frames,
					not_interrupted, NULL);
		if (*played != MEDIA_OK)
			return PROMPT_OK;
		if (interrupted)
			return PROMPT_E_INTERRUPTED;
		ret = answer_loop(p, id, "Was it received?", " (yes/replay)", false, 0,
				  check_received, NULL, NULL, buf, sizeof(buf) - 1, &len);
		if (ret != PROMPT_OK || strcasecmp((const char *)buf, "yes") == 0)
			return ret;
	}
}
