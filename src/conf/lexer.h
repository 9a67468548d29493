/* A small tokenizer for line-oriented configuration files (anycastd.conf and friends).
 *
 * Tokens: bare words, "quoted strings" (escapes \" \\ \n \t \r), '{', '}', and the end of a
 * line. '#' starts a comment that runs to the end of the line when it begins a token (so a
 * word such as "http://h/p#x" keeps its '#'). Every token carries the 1-based line and column
 * of its first byte; columns count bytes, a tab is one column. A UTF-8 byte order mark at the
 * very start is skipped. Control characters other than tab, CR and LF, and NUL bytes, are
 * errors: a config file is text, and a stray byte is more likely damage than intent. */
#ifndef CONF_LEXER_H
#define CONF_LEXER_H

#include <stddef.h>

enum lex_kind {
	LEX_EOF,
	LEX_NEWLINE,
	LEX_WORD,
	LEX_STRING,
	LEX_LBRACE,
	LEX_RBRACE,
};

struct lex_tok {
	enum lex_kind kind;
	char *text;    /* LEX_WORD, LEX_STRING: NUL-terminated, owned by the token; else NULL */
	size_t len;    /* bytes in text (a string may not contain NUL, so strlen(text) == len) */
	int line, col; /* 1-based position of the token's first byte (the quote, for a string) */
};

struct lex {
	const unsigned char *p, *end;
	int line, col;         /* position of *p */
	char err[128];         /* after lex_next() returned -1: the message, without position */
	int err_line, err_col; /* ... and where the offending byte is */
};

void lex_init(struct lex *lx, const char *text, size_t len);
/* Reads the next token into *t (which it overwrites: free the previous one first).
 * Returns 0, or -1 on a lexical error with lx->err/err_line/err_col set and *t empty.
 * After LEX_EOF every further call returns LEX_EOF again. */
int lex_next(struct lex *lx, struct lex_tok *t);
/* Frees the token's text and empties it; safe on an empty token. */
void lex_tok_free(struct lex_tok *t);
/* "word", "string", "'{'", ... for messages. */
const char *lex_kind_name(enum lex_kind k);

#endif
