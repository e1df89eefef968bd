/*
 * The YAML subset of ceremony scripts: libyaml events become a small tree with line numbers,
 * and everything the format forbids (a second document, directives, anchors, aliases, tags,
 * non-plain keys, deep nesting, escapes that decode to invisible characters) stops here with
 * its line. Memory comes from an arena freed in one call.
 */
#include "ceremony/script/script_impl.h"
#include "ceremony/base/utf8.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deep enough for the format (script > steps > step > name-constraints > list). */
#define MAX_DEPTH  8
#define CHUNK_SIZE (16 * 1024)

/* ---- memory: every string and array of a plan lives in one arena, freed at once ---------- */

void *script_arena_alloc(struct script_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct script_chunk *ch = a->head;
	unsigned char *p;

	if (n > SIZE_MAX / 4)
		return NULL;
	n = (n + align - 1) / align * align;
	if (ch == NULL || ch->cap - ch->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		ch = calloc(1, sizeof(*ch) + cap);
		if (ch == NULL)
			return NULL;
		ch->cap = cap;
		ch->next = a->head;
		a->head = ch;
	}
	p = (unsigned char *)ch->data + ch->used;
	ch->used += n;
	return p;
}

void script_arena_free(struct script_arena *a)
{
	while (a != NULL && a->head != NULL) {
		struct script_chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

char *script_arena_strndup(struct script_arena *a, const char *s, size_t len)
{
	char *d = script_arena_alloc(a, len + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* ---- the YAML tree ------------------------------------------------------------------------ */

static unsigned mark_line(yaml_mark_t m)
{
	return m.line >= UINT_MAX - 1 ? UINT_MAX : (unsigned)m.line + 1;
}

static enum script_err add_node(struct script_ctx *c, struct script_arena *a, struct ynode **stack,
				unsigned depth, struct ynode **root, const yaml_event_t *ev,
				struct ynode **out)
{
	struct ynode *n, *parent = depth > 0 ? stack[depth - 1] : NULL;
	unsigned line = mark_line(ev->start_mark);
	const yaml_char_t *anchor = NULL, *tag = NULL;

	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor, tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor, tag = ev->data.sequence_start.tag;
	} else {
		anchor = ev->data.mapping_start.anchor, tag = ev->data.mapping_start.tag;
	}
	if (anchor != NULL)
		return script_fail(c, line, SCRIPT_E_YAML,
				   "YAML anchors are not allowed: write each value out");
	if (tag != NULL)
		return script_fail(c, line, SCRIPT_E_YAML, "YAML tags are not allowed");
	n = script_arena_alloc(a, sizeof(*n));
	if (n == NULL)
		return script_nomem(c);
	n->line = line;
	if (ev->type == YAML_SCALAR_EVENT) {
		const char *v = (const char *)ev->data.scalar.value;
		size_t len = ev->data.scalar.length;

		/* Escapes in quoted scalars can produce anything: check what they decode to. */
		if (utf8_printable(ev->data.scalar.value, len, UTF8_NEWLINE, NULL) != 0)
			return script_fail(c, line, SCRIPT_E_TEXT,
					   "a value decodes to a non-printable character");
		n->type = Y_SCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->text = script_arena_strndup(a, v, len);
		n->len = len;
		if (n->text == NULL)
			return script_nomem(c);
	} else {
		n->type = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
	}
	if (parent == NULL) {
		if (*root != NULL)
			return script_fail(c, line, SCRIPT_E_YAML, "more than one YAML document");
		*root = n;
	} else {
		if (parent->type == Y_MAP && parent->count % 2 == 0 &&
		    (n->type != Y_SCALAR || !n->plain || n->len == 0))
			return script_fail(c, line, SCRIPT_E_YAML,
					   "mapping keys must be plain words");
		if (parent->tail == NULL)
			parent->head = n;
		else
			parent->tail->next = n;
		parent->tail = n;
		parent->count++;
	}
	*out = n;
	return SCRIPT_OK;
}

enum script_err script_yaml_tree(struct script_ctx *c, struct script_arena *a,
				 const unsigned char *buf, size_t len, struct ynode **root)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct ynode *stack[MAX_DEPTH];
	unsigned depth = 0, docs = 0;
	int done = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return script_nomem(c);
	yaml_parser_set_input_string(&parser, buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		struct ynode *n;
		unsigned line;

		if (!yaml_parser_parse(&parser, &ev)) {
			script_fail(
			    c, mark_line(parser.problem_mark), SCRIPT_E_YAML, "YAML syntax: %s%s%s",
			    parser.problem ? parser.problem : "error", parser.context ? " " : "",
			    parser.context ? parser.context : "");
			goto out;
		}
		line = mark_line(ev.start_mark);
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				script_fail(c, line, SCRIPT_E_YAML, "more than one YAML document");
				goto event;
			}
			if (ev.data.document_start.version_directive != NULL ||
			    ev.data.document_start.tag_directives.start !=
				ev.data.document_start.tag_directives.end) {
				script_fail(c, line, SCRIPT_E_YAML,
					    "YAML directives (%%YAML, %%TAG) are not allowed");
				goto event;
			}
			break;
		case YAML_ALIAS_EVENT:
			script_fail(c, line, SCRIPT_E_YAML,
				    "YAML aliases are not allowed: write each value out");
			goto event;
		case YAML_SCALAR_EVENT:
			if (add_node(c, a, stack, depth, root, &ev, &n) != SCRIPT_OK)
				goto event;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == MAX_DEPTH) {
				script_fail(c, line, SCRIPT_E_YAML, "nested too deeply");
				goto event;
			}
			if (add_node(c, a, stack, depth, root, &ev, &n) != SCRIPT_OK)
				goto event;
			stack[depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		case YAML_NO_EVENT:
			script_fail(c, line, SCRIPT_E_YAML, "YAML syntax: unexpected end");
			goto event;
		}
		yaml_event_delete(&ev);
	}
	if (*root == NULL)
		script_fail(c, 1, SCRIPT_E_SCHEMA, "the script is empty");
	goto out;
event:
	yaml_event_delete(&ev);
out:
	yaml_parser_delete(&parser);
	return script_failed(c);
}
