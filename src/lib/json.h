/* Writing JSON into a buf. */
#ifndef LIB_JSON_H
#define LIB_JSON_H

#include "lib/buf.h"

/* Appends s as a JSON string literal, quotes included. */
void json_str(struct buf *b, const char *s);

#endif
