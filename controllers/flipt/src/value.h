/*
 * A small document model shared by the JSON and YAML code: null, booleans, numbers (kept as
 * JSON number text), strings (UTF-8, length-counted) and ordered sequences and mappings.
 *
 * The process is short-lived (one call), so nothing is ever freed.
 */
#ifndef FLIPT_VALUE_H
#define FLIPT_VALUE_H

#include <stddef.h>

enum { V_NULL, V_BOOL, V_NUM, V_STR, V_SEQ, V_MAP };

typedef struct Value Value;
struct Value {
  int type;
  char *s;  /* V_STR: content; V_NUM: JSON number text; V_BOOL: "true" or "false" */
  size_t n; /* length of s */

  size_t len, cap; /* children of V_SEQ and V_MAP */
  Value **items;   /* sequence items, mapping values */
  Value **keys;    /* mapping keys (V_STR) */

  /* Where the value came from in a YAML source (all zero for JSON and for new values). */
  int block;          /* 1 for block-style sequences and mappings */
  int col;            /* column of a block collection */
  size_t end;         /* offset just after the last line of the value (after its newline) */
  size_t *istart;     /* block sequence items and block mapping entries: first offset */
  const char *raw;    /* scalars: the source text, reused when the value is written unchanged */
  size_t rawlen;
  int rawcol;         /* column of the parent when the raw text spans several lines, else -1 */
};

typedef struct {
  char *d;
  size_t n, cap;
} Buf;

void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void *xmalloc(size_t n);
char *xstrndup(const char *s, size_t n);

void buf_add(Buf *b, const char *s, size_t n);
void buf_str(Buf *b, const char *s);
void buf_ch(Buf *b, char c);
void buf_pad(Buf *b, int spaces);

Value *v_new(int type);
Value *v_str(const char *s, size_t n);
Value *v_cstr(const char *s);
void v_push(Value *seq, Value *item);
void v_put(Value *map, Value *key, Value *value); /* appends, no duplicate check */
Value *v_get(const Value *map, const char *key);  /* NULL when absent or not a mapping */
long v_index(const Value *map, const char *key);  /* index of key, or -1 */
int v_streq(const Value *v, const char *s);       /* v is a string equal to s */
int v_equal(const Value *a, const Value *b);      /* semantic; mapping order is ignored */

/* JSON. json_parse dies with exit code 1 and a message naming `what` on bad input. */
Value *json_parse(const char *src, size_t n, const char *what);
void json_write(Buf *b, const Value *v);

/* Number text helpers. */
int json_number_ok(const char *s, size_t n);

#endif
