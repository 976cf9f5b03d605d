#include "value.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("flipt: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die(1, "out of memory");
  return p;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die(1, "out of memory");
  return p;
}

char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void buf_add(Buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->n + n + 1) cap *= 2;
    b->d = xrealloc(b->d, cap);
    b->cap = cap;
  }
  memcpy(b->d + b->n, s, n);
  b->n += n;
  b->d[b->n] = 0;
}

void buf_str(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_ch(Buf *b, char c) { buf_add(b, &c, 1); }

void buf_pad(Buf *b, int spaces) {
  for (int i = 0; i < spaces; i++) buf_ch(b, ' ');
}

Value *v_new(int type) {
  Value *v = xmalloc(sizeof *v);
  memset(v, 0, sizeof *v);
  v->type = type;
  v->rawcol = -1;
  return v;
}

Value *v_str(const char *s, size_t n) {
  Value *v = v_new(V_STR);
  v->s = xstrndup(s, n);
  v->n = n;
  return v;
}

Value *v_cstr(const char *s) { return v_str(s, strlen(s)); }

static void grow(Value *c) {
  if (c->len < c->cap) return;
  c->cap = c->cap ? c->cap * 2 : 8;
  c->items = xrealloc(c->items, c->cap * sizeof *c->items);
  if (c->type == V_MAP) c->keys = xrealloc(c->keys, c->cap * sizeof *c->keys);
  if (c->block) c->istart = xrealloc(c->istart, c->cap * sizeof *c->istart);
}

void v_push(Value *seq, Value *item) {
  grow(seq);
  seq->items[seq->len++] = item;
}

void v_put(Value *map, Value *key, Value *value) {
  grow(map);
  map->keys[map->len] = key;
  map->items[map->len++] = value;
}

long v_index(const Value *map, const char *key) {
  if (!map || map->type != V_MAP) return -1;
  for (size_t i = 0; i < map->len; i++)
    if (v_streq(map->keys[i], key)) return (long)i;
  return -1;
}

Value *v_get(const Value *map, const char *key) {
  long i = v_index(map, key);
  return i < 0 ? NULL : map->items[i];
}

int v_streq(const Value *v, const char *s) {
  size_t n = strlen(s);
  return v && v->type == V_STR && v->n == n && memcmp(v->s, s, n) == 0;
}

static long key_index(const Value *map, const Value *key) {
  for (size_t i = 0; i < map->len; i++) {
    const Value *k = map->keys[i];
    if (k->n == key->n && memcmp(k->s, key->s, k->n) == 0) return (long)i;
  }
  return -1;
}

int v_equal(const Value *a, const Value *b) {
  if (a->type != b->type) return 0;
  switch (a->type) {
    case V_NULL:
      return 1;
    case V_BOOL:
    case V_STR:
      return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    case V_NUM:
      if (a->n == b->n && memcmp(a->s, b->s, a->n) == 0) return 1;
      return strtod(a->s, NULL) == strtod(b->s, NULL);
    case V_SEQ:
      if (a->len != b->len) return 0;
      for (size_t i = 0; i < a->len; i++)
        if (!v_equal(a->items[i], b->items[i])) return 0;
      return 1;
    default:
      if (a->len != b->len) return 0;
      for (size_t i = 0; i < a->len; i++) {
        long j = key_index(b, a->keys[i]);
        if (j < 0 || !v_equal(a->items[i], b->items[j])) return 0;
      }
      return 1;
  }
}

/* ---------------------------------------------------------------- JSON parsing */

typedef struct {
  const char *s;
  size_t n, i;
  const char *what;
  int depth;
} Json;

__attribute__((noreturn)) static void json_fail(Json *j, const char *msg) {
  die(1, "%s: invalid JSON at offset %zu: %s", j->what, j->i, msg);
}

static void json_ws(Json *j) {
  while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
                         j->s[j->i] == '\r'))
    j->i++;
}

static void put_utf8(Buf *b, unsigned long c) {
  char t[4];
  if (c < 0x80) {
    buf_ch(b, (char)c);
  } else if (c < 0x800) {
    t[0] = (char)(0xC0 | (c >> 6));
    t[1] = (char)(0x80 | (c & 0x3F));
    buf_add(b, t, 2);
  } else if (c < 0x10000) {
    t[0] = (char)(0xE0 | (c >> 12));
    t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    t[2] = (char)(0x80 | (c & 0x3F));
    buf_add(b, t, 3);
  } else {
    t[0] = (char)(0xF0 | (c >> 18));
    t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    t[3] = (char)(0x80 | (c & 0x3F));
    buf_add(b, t, 4);
  }
}

static long hex4(Json *j) {
  if (j->i + 4 > j->n) json_fail(j, "short \\u escape");
  long c = 0;
  for (int k = 0; k < 4; k++) {
    char h = j->s[j->i++];
    c <<= 4;
    if (h >= '0' && h <= '9') c |= h - '0';
    else if (h >= 'a' && h <= 'f') c |= h - 'a' + 10;
    else if (h >= 'A' && h <= 'F') c |= h - 'A' + 10;
    else json_fail(j, "bad \\u escape");
  }
  return c;
}

static Value *json_string(Json *j) {
  Buf b = {0};
  j->i++; /* opening quote */
  for (;;) {
    if (j->i >= j->n) json_fail(j, "unterminated string");
    unsigned char c = (unsigned char)j->s[j->i++];
    if (c == '"') break;
    if (c < 0x20) json_fail(j, "control character in string");
    if (c != '\\') {
      buf_ch(&b, (char)c);
      continue;
    }
    if (j->i >= j->n) json_fail(j, "unterminated string");
    char e = j->s[j->i++];
    switch (e) {
      case '"': buf_ch(&b, '"'); break;
      case '\\': buf_ch(&b, '\\'); break;
      case '/': buf_ch(&b, '/'); break;
      case 'b': buf_ch(&b, '\b'); break;
      case 'f': buf_ch(&b, '\f'); break;
      case 'n': buf_ch(&b, '\n'); break;
      case 'r': buf_ch(&b, '\r'); break;
      case 't': buf_ch(&b, '\t'); break;
      case 'u': {
        long c1 = hex4(j);
        if (c1 >= 0xD800 && c1 < 0xDC00) {
          if (j->i + 2 <= j->n && j->s[j->i] == '\\' && j->s[j->i + 1] == 'u') {
            j->i += 2;
            long c2 = hex4(j);
            if (c2 < 0xDC00 || c2 > 0xDFFF) json_fail(j, "bad surrogate pair");
            c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
          } else {
            json_fail(j, "lone surrogate");
          }
        } else if (c1 >= 0xDC00 && c1 <= 0xDFFF) {
          json_fail(j, "lone surrogate");
        }
        put_utf8(&b, (unsigned long)c1);
        break;
      }
      default:
        json_fail(j, "bad escape");
    }
  }
  Value *v = v_new(V_STR);
  v->s = b.d ? b.d : xstrndup("", 0);
  v->n = b.n;
  return v;
}

int json_number_ok(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return 0;
  if (s[i] == '0') {
    i++;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  } else {
    return 0;
  }
  if (i < n && s[i] == '.') {
    i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
  }
  return i == n;
}

static Value *json_value(Json *j);

static Value *json_value(Json *j) {
  json_ws(j);
  if (j->i >= j->n) json_fail(j, "unexpected end of input");
  if (++j->depth > 256) json_fail(j, "nested too deeply");
  char c = j->s[j->i];
  Value *v;
  if (c == '{') {
    v = v_new(V_MAP);
    j->i++;
    json_ws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
      j->i++;
    } else {
      for (;;) {
        json_ws(j);
        if (j->i >= j->n || j->s[j->i] != '"') json_fail(j, "expected a string key");
        Value *k = json_string(j);
        if (key_index(v, k) >= 0) json_fail(j, "duplicate key");
        json_ws(j);
        if (j->i >= j->n || j->s[j->i] != ':') json_fail(j, "expected ':'");
        j->i++;
        v_put(v, k, json_value(j));
        json_ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
          j->i++;
          continue;
        }
        if (j->i < j->n && j->s[j->i] == '}') {
          j->i++;
          break;
        }
        json_fail(j, "expected ',' or '}'");
      }
    }
  } else if (c == '[') {
    v = v_new(V_SEQ);
    j->i++;
    json_ws(j);
    if (j->i < j->n && j->s[j->i] == ']') {
      j->i++;
    } else {
      for (;;) {
        v_push(v, json_value(j));
        json_ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
          j->i++;
          continue;
        }
        if (j->i < j->n && j->s[j->i] == ']') {
          j->i++;
          break;
        }
        json_fail(j, "expected ',' or ']'");
      }
    }
  } else if (c == '"') {
    v = json_string(j);
  } else if (c == 't' && j->n - j->i >= 4 && memcmp(j->s + j->i, "true", 4) == 0) {
    v = v_new(V_BOOL);
    v->s = "true";
    v->n = 4;
    j->i += 4;
  } else if (c == 'f' && j->n - j->i >= 5 && memcmp(j->s + j->i, "false", 5) == 0) {
    v = v_new(V_BOOL);
    v->s = "false";
    v->n = 5;
    j->i += 5;
  } else if (c == 'n' && j->n - j->i >= 4 && memcmp(j->s + j->i, "null", 4) == 0) {
    v = v_new(V_NULL);
    j->i += 4;
  } else {
    size_t st = j->i;
    while (j->i < j->n && strchr("+-0123456789.eE", j->s[j->i])) j->i++;
    if (!json_number_ok(j->s + st, j->i - st)) {
      j->i = st;
      json_fail(j, "unexpected character");
    }
    v = v_new(V_NUM);
    v->s = xstrndup(j->s + st, j->i - st);
    v->n = j->i - st;
  }
  j->depth--;
  return v;
}

Value *json_parse(const char *src, size_t n, const char *what) {
  Json j = {src, n, 0, what, 0};
  Value *v = json_value(&j);
  json_ws(&j);
  if (j.i != j.n) json_fail(&j, "trailing content after the value");
  return v;
}

/* ---------------------------------------------------------------- JSON writing */

static void json_write_str(Buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  buf_ch(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': buf_str(b, "\\\""); break;
      case '\\': buf_str(b, "\\\\"); break;
      case '\n': buf_str(b, "\\n"); break;
      case '\r': buf_str(b, "\\r"); break;
      case '\t': buf_str(b, "\\t"); break;
      case '\b': buf_str(b, "\\b"); break;
      case '\f': buf_str(b, "\\f"); break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
          buf_add(b, e, 6);
        } else {
          buf_ch(b, (char)c);
        }
    }
  }
  buf_ch(b, '"');
}

void json_write(Buf *b, const Value *v) {
  switch (v->type) {
    case V_NULL:
      buf_str(b, "null");
      break;
    case V_BOOL:
    case V_NUM:
      buf_add(b, v->s, v->n);
      break;
    case V_STR:
      json_write_str(b, v->s, v->n);
      break;
    case V_SEQ:
      buf_ch(b, '[');
      for (size_t i = 0; i < v->len; i++) {
        if (i) buf_ch(b, ',');
        json_write(b, v->items[i]);
      }
      buf_ch(b, ']');
      break;
    default:
      buf_ch(b, '{');
      for (size_t i = 0; i < v->len; i++) {
        if (i) buf_ch(b, ',');
        json_write_str(b, v->keys[i]->s, v->keys[i]->n);
        buf_ch(b, ':');
        json_write(b, v->items[i]);
      }
      buf_ch(b, '}');
  }
}
