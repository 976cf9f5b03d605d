#include "yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *s;
  size_t n, i;
  const char *what;
  int depth;
  YamlStyle *st;
} Y;

/* ---------------------------------------------------------------- helpers */

static int line_of(const Y *y, size_t at) {
  int line = 1;
  for (size_t k = 0; k < at && k < y->n; k++)
    if (y->s[k] == '\n') line++;
  return line;
}

__attribute__((noreturn)) static void fail(const Y *y, const char *msg) {
  die(1, "%s: line %d: %s", y->what, line_of(y, y->i), msg);
}

static size_t line_start(const Y *y, size_t at) {
  while (at > 0 && y->s[at - 1] != '\n') at--;
  return at;
}

static int column(const Y *y, size_t at) { return (int)(at - line_start(y, at)); }

static int sep_at(const Y *y, size_t at) {
  if (at >= y->n) return 1;
  char c = y->s[at];
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int cur(const Y *y) { return y->i < y->n ? (unsigned char)y->s[y->i] : -1; }

static void skip_sp(Y *y) {
  while (y->i < y->n && (y->s[y->i] == ' ' || y->s[y->i] == '\t')) y->i++;
}

static int at_eol(const Y *y) {
  int c = cur(y);
  return c < 0 || c == '\n' || c == '\r' || c == '#';
}

/* After a value: spaces, an optional comment, the line break. */
static void finish_line(Y *y) {
  skip_sp(y);
  if (cur(y) == '#')
    while (y->i < y->n && y->s[y->i] != '\n') y->i++;
  if (cur(y) == '\r') y->i++;
  if (cur(y) == '\n') {
    y->i++;
  } else if (y->i < y->n) {
    fail(y, "unexpected text after the value");
  }
}

/* From the start of a line: skips blank and comment lines, stops on the first content. */
static void skip_blank(Y *y) {
  for (;;) {
    while (y->i < y->n && y->s[y->i] == ' ') y->i++;
    if (cur(y) == '\t') {
      skip_sp(y);
      if (!at_eol(y)) fail(y, "tab characters cannot indent YAML");
    }
    if (y->i >= y->n) return;
    if (cur(y) == '#')
      while (y->i < y->n && y->s[y->i] != '\n') y->i++;
    if (cur(y) == '\r' && y->i + 1 < y->n && y->s[y->i + 1] == '\n') y->i++;
    if (cur(y) == '\n') {
      y->i++;
      continue;
    }
    return;
  }
}

static int doc_marker(const Y *y, const char *m) {
  return y->i + 3 <= y->n && column(y, y->i) == 0 && memcmp(y->s + y->i, m, 3) == 0 &&
         sep_at(y, y->i + 3);
}

static int any_marker(const Y *y) { return doc_marker(y, "---") || doc_marker(y, "..."); }

static long key_pos(const Value *map, const Value *key) {
  for (size_t k = 0; k < map->len; k++) {
    const Value *m = map->keys[k];
    if (m->n == key->n && memcmp(m->s, key->s, m->n) == 0) return (long)k;
  }
  return -1;
}

static void push_item(Value *c, Value *key, Value *item, size_t start) {
  if (c->type == V_MAP) v_put(c, key, item);
  else v_push(c, item);
  c->istart[c->len - 1] = start;
}

/* ---------------------------------------------------------------- scalars */

static int all_digits(const char *s, size_t n, const char *set) {
  if (!n) return 0;
  for (size_t k = 0; k < n; k++)
    if (!strchr(set, s[k])) return 0;
  return 1;
}

static Value *num(const char *text) {
  Value *v = v_new(V_NUM);
  v->s = xstrndup(text, strlen(text));
  v->n = strlen(text);
  return v;
}

/* Types a plain scalar by the YAML 1.2 core schema; numbers become JSON number text. */
static Value *resolve_plain(const char *s, size_t n) {
  static const char *nulls[] = {"~", "null", "Null", "NULL"};
  static const char *trues[] = {"true", "True", "TRUE"};
  static const char *falses[] = {"false", "False", "FALSE"};
  for (int k = 0; k < 4; k++)
    if (n == strlen(nulls[k]) && memcmp(s, nulls[k], n) == 0) return v_new(V_NULL);
  for (int k = 0; k < 3; k++) {
    if (n == strlen(trues[k]) && memcmp(s, trues[k], n) == 0) {
      Value *v = v_new(V_BOOL);
      v->s = "true";
      v->n = 4;
      return v;
    }
    if (n == strlen(falses[k]) && memcmp(s, falses[k], n) == 0) {
      Value *v = v_new(V_BOOL);
      v->s = "false";
      v->n = 5;
      return v;
    }
  }
  if (n == 0) return v_str(s, 0);
  Buf b = {0};
  size_t k = 0;
  int neg = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    k = 1;
  }
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o') &&
      all_digits(s + 2, n - 2, s[1] == 'x' ? "0123456789abcdefABCDEF" : "01234567")) {
    char text[32];
    char *digits = xstrndup(s + 2, n - 2);
    snprintf(text, sizeof text, "%llu", strtoull(digits, NULL, s[1] == 'x' ? 16 : 8));
    return num(text);
  }
  /* [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE][-+]?[0-9]+ )? */
  size_t ib = k;
  while (k < n && s[k] >= '0' && s[k] <= '9') k++;
  size_t ie = k, fb = k, fe = k;
  int dot = 0;
  if (k < n && s[k] == '.') {
    dot = 1;
    fb = ++k;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    fe = k;
  }
  if (ie == ib && fe == fb) return v_str(s, n);
  size_t eb = k, ee = k;
  if (k < n && (s[k] == 'e' || s[k] == 'E')) {
    eb = ++k;
    if (k < n && (s[k] == '+' || s[k] == '-')) k++;
    size_t d = k;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    if (k == d) return v_str(s, n);
    ee = k;
  }
  if (k != n) return v_str(s, n);
  (void)dot;
  if (neg) buf_ch(&b, '-');
  while (ib < ie - 1 && s[ib] == '0') ib++;
  if (ie == ib) buf_ch(&b, '0');
  else buf_add(&b, s + ib, ie - ib);
  if (fe > fb) {
    buf_ch(&b, '.');
    buf_add(&b, s + fb, fe - fb);
  }
  if (ee > eb) {
    buf_ch(&b, 'e');
    buf_add(&b, s + eb, ee - eb);
  }
  return num(b.d);
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

static unsigned long hex_escape(Y *y, int digits) {
  unsigned long c = 0;
  for (int k = 0; k < digits; k++) {
    if (y->i >= y->n) fail(y, "short escape");
    char h = y->s[y->i++];
    c <<= 4;
    if (h >= '0' && h <= '9') c |= (unsigned long)(h - '0');
    else if (h >= 'a' && h <= 'f') c |= (unsigned long)(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F') c |= (unsigned long)(h - 'A' + 10);
    else fail(y, "bad hexadecimal escape");
  }
  return c;
}

/* A quoted scalar starting at the quote; multi-line ones are folded as YAML says. */
static Value *parse_quoted(Y *y) {
  char q = y->s[y->i++];
  Buf b = {0};
  size_t keep = 0; /* trailing white space up to here came from escapes */
  for (;;) {
    if (y->i >= y->n) fail(y, "unterminated quoted string");
    char c = y->s[y->i];
    if (q == '\'' && c == '\'') {
      if (y->i + 1 < y->n && y->s[y->i + 1] == '\'') {
        buf_ch(&b, '\'');
        y->i += 2;
        continue;
      }
      y->i++;
      break;
    }
    if (q == '"' && c == '"') {
      y->i++;
      break;
    }
    if (q == '"' && c == '\\') {
      y->i++;
      if (y->i >= y->n) fail(y, "unterminated quoted string");
      char e = y->s[y->i++];
      switch (e) {
        case '0': buf_ch(&b, '\0'); break;
        case 'a': buf_ch(&b, '\a'); break;
        case 'b': buf_ch(&b, '\b'); break;
        case 't': case '\t': buf_ch(&b, '\t'); break;
        case 'n': buf_ch(&b, '\n'); break;
        case 'v': buf_ch(&b, '\v'); break;
        case 'f': buf_ch(&b, '\f'); break;
        case 'r': buf_ch(&b, '\r'); break;
        case 'e': buf_ch(&b, 0x1B); break;
        case ' ': buf_ch(&b, ' '); break;
        case '"': buf_ch(&b, '"'); break;
        case '/': buf_ch(&b, '/'); break;
        case '\\': buf_ch(&b, '\\'); break;
        case 'N': put_utf8(&b, 0x85); break;
        case '_': put_utf8(&b, 0xA0); break;
        case 'L': put_utf8(&b, 0x2028); break;
        case 'P': put_utf8(&b, 0x2029); break;
        case 'x': put_utf8(&b, hex_escape(y, 2)); break;
        case 'u': put_utf8(&b, hex_escape(y, 4)); break;
        case 'U': put_utf8(&b, hex_escape(y, 8)); break;
        case '\r':
        case '\n':
          /* escaped line break: joins the lines without a space */
          if (e == '\r' && cur(y) == '\n') y->i++;
          skip_sp(y);
          break;
        default:
          fail(y, "unknown escape in double-quoted string");
      }
      keep = b.n;
      continue;
    }
    if (c == '\n' || c == '\r') {
      while (b.n > keep && (b.d[b.n - 1] == ' ' || b.d[b.n - 1] == '\t')) b.n--;
      int breaks = 0;
      for (;;) {
        if (cur(y) == '\r') y->i++;
        if (cur(y) != '\n') break;
        y->i++;
        breaks++;
        skip_sp(y);
        if (cur(y) != '\n' && cur(y) != '\r') break;
      }
      if (y->i >= y->n) fail(y, "unterminated quoted string");
      if (any_marker(y)) fail(y, "document marker inside a quoted string");
      if (breaks == 1) buf_ch(&b, ' ');
      for (int k = 1; k < breaks; k++) buf_ch(&b, '\n');
      keep = b.n;
      continue;
    }
    buf_ch(&b, c);
    y->i++;
  }
  Value *v = v_new(V_STR);
  v->s = b.d ? b.d : xstrndup("", 0);
  v->n = b.n;
  return v;
}

/* End of the plain text on the current line: stops at the line end or " #". */
static size_t plain_line_end(Y *y) {
  size_t k = y->i, st = y->i;
  while (k < y->n && y->s[k] != '\n') {
    if (y->s[k] == '\r' && (k + 1 == y->n || y->s[k + 1] == '\n')) break;
    if (y->s[k] == '#' && k > st && (y->s[k - 1] == ' ' || y->s[k - 1] == '\t')) break;
    k++;
  }
  while (k > st && (y->s[k - 1] == ' ' || y->s[k - 1] == '\t')) k--;
  return k;
}

/* A plain scalar in block context, with continuation lines indented deeper than pcol. */
static Value *parse_plain(Y *y, int pcol) {
  size_t st = y->i;
  Buf b = {0};
  size_t e = plain_line_end(y);
  buf_add(&b, y->s + st, e - st);
  size_t last = e;
  y->i = e;
  int comment = (skip_sp(y), cur(y) == '#');
  finish_line(y);
  size_t lineend = y->i;
  int multi = 0;
  while (!comment) {
    int empties = 0;
    for (;;) {
      size_t ls = y->i;
      while (y->i < y->n && (y->s[y->i] == ' ' || y->s[y->i] == '\t')) y->i++;
      if (cur(y) == '\r') y->i++;
      if (cur(y) == '\n') {
        y->i++;
        empties++;
        continue;
      }
      y->i = ls;
      break;
    }
    while (y->i < y->n && y->s[y->i] == ' ') y->i++;
    if (y->i >= y->n || any_marker(y) || cur(y) == '#' || column(y, y->i) <= pcol) break;
    size_t cs = y->i, ce = plain_line_end(y);
    if (empties)
      for (int k = 0; k < empties; k++) buf_ch(&b, '\n');
    else
      buf_ch(&b, ' ');
    buf_add(&b, y->s + cs, ce - cs);
    last = ce;
    y->i = ce;
    skip_sp(y);
    comment = cur(y) == '#';
    finish_line(y);
    lineend = y->i;
    multi = 1;
  }
  y->i = lineend;
  skip_blank(y);
  Value *v = multi ? v_str(b.d, b.n) : resolve_plain(b.d ? b.d : "", b.n);
  v->raw = y->s + st;
  v->rawlen = last - st;
  v->rawcol = multi ? pcol : -1;
  v->end = lineend;
  return v;
}

/* A literal (|) or folded (>) block scalar; pcol is the column of its key or dash. */
static Value *parse_block_scalar(Y *y, int pcol) {
  size_t st = y->i;
  char kind = y->s[y->i++];
  int chomp = 0, ind = 0;
  for (int k = 0; k < 2; k++) {
    int c = cur(y);
    if (c == '-' || c == '+') {
      chomp = c == '-' ? -1 : 1;
      y->i++;
    } else if (c >= '1' && c <= '9') {
      ind = c - '0';
      y->i++;
    }
  }
  skip_sp(y);
  if (!at_eol(y)) fail(y, "unexpected text after a block scalar indicator");
  finish_line(y);
  int base = pcol < 0 ? 0 : pcol;
  int indent = ind ? base + ind : 0;
  Buf b = {0};
  int first = 1, prev_more = 0, pending = 0;
  size_t last_end = y->i, last_content = y->i;
  while (y->i < y->n) {
    size_t ls = y->i, k = ls;
    while (k < y->n && y->s[k] == ' ') k++;
    if (k >= y->n || y->s[k] == '\n' || (y->s[k] == '\r' && k + 1 < y->n && y->s[k + 1] == '\n')) {
      if (k >= y->n) {
        y->i = k;
        break;
      }
      pending++;
      y->i = y->s[k] == '\r' ? k + 2 : k + 1;
      continue;
    }
    int sp = (int)(k - ls);
    if (!indent) {
      if (sp <= pcol) {
        y->i = ls;
        break;
      }
      indent = sp;
    }
    if (sp < indent) {
      y->i = ls;
      break;
    }
    size_t cs = ls + (size_t)indent, ce = cs;
    while (ce < y->n && y->s[ce] != '\n') ce++;
    size_t le = ce < y->n ? ce + 1 : ce;
    if (ce > cs && y->s[ce - 1] == '\r') ce--;
    int more = y->s[cs] == ' ' || y->s[cs] == '\t';
    if (kind == '|' || first || more || prev_more) {
      for (int j = first ? 0 : -1; j < pending; j++) buf_ch(&b, '\n');
    } else if (pending) {
      for (int j = 0; j < pending; j++) buf_ch(&b, '\n');
    } else {
      buf_ch(&b, ' ');
    }
    buf_add(&b, y->s + cs, ce - cs);
    first = 0;
    pending = 0;
    prev_more = more;
    last_content = ce;
    y->i = le;
    last_end = le;
  }
  if (!first) {
    if (chomp == 0) buf_ch(&b, '\n');
    if (chomp == 1)
      for (int j = 0; j <= pending; j++) buf_ch(&b, '\n');
  }
  if (chomp == 1 && pending) last_end = y->i;
  y->i = last_end;
  skip_blank(y);
  Value *v = v_str(b.d ? b.d : "", b.n);
  v->raw = y->s + st;
  v->rawlen = (first ? last_end : last_content) - st;
  while (v->rawlen && (v->raw[v->rawlen - 1] == '\n' || v->raw[v->rawlen - 1] == '\r')) v->rawlen--;
  v->rawcol = pcol;
  v->end = last_end;
  return v;
}

/* ---------------------------------------------------------------- flow collections */

static void flow_ws(Y *y) {
  for (;;) {
    int c = cur(y);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      y->i++;
    } else if (c == '#') {
      while (y->i < y->n && y->s[y->i] != '\n') y->i++;
    } else {
      return;
    }
  }
}

static Value *flow_plain(Y *y, int is_key) {
  size_t st = y->i;
  while (y->i < y->n) {
    char c = y->s[y->i];
    if (strchr(",[]{}\n\r", c)) break;
    if (c == ':' && (sep_at(y, y->i + 1) || strchr(",[]{}", y->s[y->i + 1]))) break;
    if (c == '#' && y->i > st && (y->s[y->i - 1] == ' ' || y->s[y->i - 1] == '\t')) break;
    y->i++;
  }
  size_t e = y->i;
  while (e > st && (y->s[e - 1] == ' ' || y->s[e - 1] == '\t')) e--;
  if (e == st) fail(y, "expected a value in a flow collection");
  Value *v = is_key ? v_str(y->s + st, e - st) : resolve_plain(y->s + st, e - st);
  v->raw = y->s + st;
  v->rawlen = e - st;
  return v;
}

static Value *flow_node(Y *y) {
  if (++y->depth > 200) fail(y, "nested too deeply");
  flow_ws(y);
  int c = cur(y);
  Value *v;
  if (c == '[') {
    y->i++;
    v = v_new(V_SEQ);
    for (;;) {
      flow_ws(y);
      if (cur(y) == ']') {
        y->i++;
        break;
      }
      v_push(v, flow_node(y));
      flow_ws(y);
      if (cur(y) == ',') {
        y->i++;
        continue;
      }
      if (cur(y) == ']') {
        y->i++;
        break;
      }
      fail(y, "expected ',' or ']' in a flow sequence");
    }
  } else if (c == '{') {
    y->i++;
    v = v_new(V_MAP);
    for (;;) {
      flow_ws(y);
      if (cur(y) == '}') {
        y->i++;
        break;
      }
      Value *k;
      if (cur(y) == '"' || cur(y) == '\'') {
        size_t st = y->i;
        k = parse_quoted(y);
        k->raw = y->s + st;
        k->rawlen = y->i - st;
      } else {
        k = flow_plain(y, 1);
      }
      if (key_pos(v, k) >= 0) fail(y, "duplicate key");
      flow_ws(y);
      Value *val;
      if (cur(y) == ':') {
        y->i++;
        flow_ws(y);
        val = (cur(y) == ',' || cur(y) == '}') ? v_new(V_NULL) : flow_node(y);
      } else {
        val = v_new(V_NULL);
      }
      v_put(v, k, val);
      flow_ws(y);
      if (cur(y) == ',') {
        y->i++;
        continue;
      }
      if (cur(y) == '}') {
        y->i++;
        break;
      }
      fail(y, "expected ',' or '}' in a flow mapping");
    }
  } else if (c == '"' || c == '\'') {
    size_t st = y->i;
    v = parse_quoted(y);
    v->raw = y->s + st;
    v->rawlen = y->i - st;
  } else if (c == '&' || c == '*') {
    fail(y, "anchors and aliases are not supported");
  } else if (c == '!') {
    fail(y, "tags are not supported");
  } else if (c < 0) {
    fail(y, "unterminated flow collection");
  } else {
    v = flow_plain(y, 0);
  }
  y->depth--;
  return v;
}

/* ---------------------------------------------------------------- block structure */

static int looks_like_key(const Y *y, size_t at) {
  const char *s = y->s;
  size_t k = at;
  if (k >= y->n) return 0;
  if (s[k] == '"' || s[k] == '\'') {
    char q = s[k++];
    while (k < y->n && s[k] != '\n') {
      if (q == '"' && s[k] == '\\') {
        k += 2;
        continue;
      }
      if (s[k] == q) {
        if (q == '\'' && k + 1 < y->n && s[k + 1] == '\'') {
          k += 2;
          continue;
        }
        k++;
        while (k < y->n && (s[k] == ' ' || s[k] == '\t')) k++;
        return k < y->n && s[k] == ':' && sep_at(y, k + 1);
      }
      k++;
    }
    return 0;
  }
  if (strchr("[{#|>&*!%@`", s[k])) return 0;
  for (; k < y->n && s[k] != '\n'; k++) {
    if (s[k] == ':' && sep_at(y, k + 1)) return 1;
    if (s[k] == '#' && k > at && (s[k - 1] == ' ' || s[k - 1] == '\t')) return 0;
  }
  return 0;
}

static Value *parse_key(Y *y) {
  size_t st = y->i;
  Value *k;
  if (cur(y) == '"' || cur(y) == '\'') {
    k = parse_quoted(y);
    k->raw = y->s + st;
    k->rawlen = y->i - st;
    skip_sp(y);
  } else {
    while (!(y->s[y->i] == ':' && sep_at(y, y->i + 1))) y->i++;
    size_t e = y->i;
    while (e > st && (y->s[e - 1] == ' ' || y->s[e - 1] == '\t')) e--;
    k = v_str(y->s + st, e - st);
    k->raw = y->s + st;
    k->rawlen = e - st;
  }
  if (cur(y) != ':') fail(y, "expected ':' after a key");
  y->i++;
  return k;
}

static Value *parse_node(Y *y, int pcol, int ctx);

static Value *parse_bseq(Y *y, int col) {
  Value *seq = v_new(V_SEQ);
  seq->block = 1;
  seq->col = col;
  for (;;) {
    size_t ls = line_start(y, y->i);
    y->i++;
    skip_sp(y);
    Value *item;
    if (at_eol(y)) {
      finish_line(y);
      size_t e = y->i;
      skip_blank(y);
      if (y->i < y->n && !any_marker(y) && column(y, y->i) > col) {
        item = parse_node(y, col, 0);
      } else {
        item = v_new(V_NULL);
        item->end = e;
      }
    } else {
      item = parse_node(y, col, 2);
    }
    push_item(seq, NULL, item, ls);
    seq->end = item->end;
    if (y->i >= y->n || any_marker(y)) break;
    int c = column(y, y->i);
    if (c > col) fail(y, "bad indentation");
    if (c < col || !(cur(y) == '-' && sep_at(y, y->i + 1))) break;
  }
  return seq;
}

static Value *parse_bmap(Y *y, int col) {
  Value *map = v_new(V_MAP);
  map->block = 1;
  map->col = col;
  for (;;) {
    size_t ks = y->i;
    Value *key = parse_key(y);
    if (key_pos(map, key) >= 0) {
      y->i = ks;
      fail(y, "duplicate key");
    }
    skip_sp(y);
    Value *val;
    if (at_eol(y)) {
      finish_line(y);
      size_t e = y->i;
      skip_blank(y);
      if (y->i < y->n && !any_marker(y) && column(y, y->i) > col) {
        /* the first nested block sets the style (before its own children can) */
        int sub = column(y, y->i) - col;
        if (cur(y) == '-' && sep_at(y, y->i + 1)) {
          if (y->st->seq_indent < 0) y->st->seq_indent = sub;
        } else if (looks_like_key(y, y->i) && y->st->map_indent < 0) {
          y->st->map_indent = sub;
        }
        val = parse_node(y, col, 0);
      } else if (y->i < y->n && !any_marker(y) && column(y, y->i) == col && cur(y) == '-' &&
                 sep_at(y, y->i + 1)) {
        val = parse_bseq(y, col);
        if (y->st->seq_indent < 0) y->st->seq_indent = 0;
      } else {
        val = v_new(V_NULL);
        val->end = e;
      }
    } else {
      val = parse_node(y, col, 1);
    }
    push_item(map, key, val, ks);
    map->end = val->end;
    if (y->i >= y->n || any_marker(y)) break;
    int c = column(y, y->i);
    if (c < col) break;
    if (c > col) fail(y, "bad indentation");
    if (cur(y) == '-' && sep_at(y, y->i + 1)) break;
    if (!looks_like_key(y, y->i)) fail(y, "expected a 'key: value' line");
  }
  return map;
}

/*
 * A node whose first character is at y->i. ctx: 0 on its own line, 1 after "key: ",
 * 2 after "- ". Returns with y->i on the next content (or the end).
 */
static Value *parse_node(Y *y, int pcol, int ctx) {
  if (++y->depth > 200) fail(y, "nested too deeply");
  int c = cur(y);
  int col = column(y, y->i);
  Value *v;
  if (c == '&' || c == '*') fail(y, "anchors and aliases are not supported");
  if (c == '!') fail(y, "tags are not supported");
  if (c == '?' && sep_at(y, y->i + 1)) fail(y, "complex keys are not supported");
  if (c == '-' && sep_at(y, y->i + 1)) {
    if (ctx == 1) fail(y, "a block sequence cannot start on the line of its key");
    v = parse_bseq(y, col);
  } else if (c == '|' || c == '>') {
    v = parse_block_scalar(y, pcol);
  } else if (looks_like_key(y, y->i)) {
    if (ctx == 1) fail(y, "a block mapping cannot start on the line of its key");
    v = parse_bmap(y, col);
  } else if (c == '[' || c == '{' || c == '"' || c == '\'') {
    size_t st = y->i;
    v = (c == '"' || c == '\'') ? parse_quoted(y) : flow_node(y);
    v->raw = y->s + st;
    v->rawlen = y->i - st;
    v->rawcol = memchr(v->raw, '\n', v->rawlen) ? pcol : -1;
    finish_line(y);
    v->end = y->i;
    skip_blank(y);
  } else {
    v = parse_plain(y, pcol);
  }
  y->depth--;
  return v;
}

Value *yaml_parse(const char *src, size_t n, const char *what, YamlStyle *style) {
  Y y = {src, n, 0, what, 0, style};
  style->map_indent = -1;
  style->seq_indent = -1;
  const char *nl = memchr(src, '\n', n);
  style->crlf = nl && nl > src && nl[-1] == '\r';
  if (n >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) y.i = 3;
  skip_blank(&y);
  while (y.i < n && column(&y, y.i) == 0 && src[y.i] == '%') {
    while (y.i < n && src[y.i] != '\n') y.i++;
    skip_blank(&y);
  }
  if (doc_marker(&y, "---")) {
    y.i += 3;
    skip_sp(&y);
    if (!at_eol(&y)) fail(&y, "content on the '---' line is not supported");
    finish_line(&y);
    skip_blank(&y);
  }
  Value *root = (y.i >= n || any_marker(&y)) ? v_new(V_NULL) : parse_node(&y, -1, 0);
  if (doc_marker(&y, "...")) {
    y.i += 3;
    finish_line(&y);
    skip_blank(&y);
  }
  if (doc_marker(&y, "---")) fail(&y, "files holding several YAML documents are not supported");
  if (y.i < n) fail(&y, "unexpected content");
  if (style->map_indent <= 0) style->map_indent = 2;
  if (style->seq_indent < 0) style->seq_indent = 0;
  return root;
}

/* ---------------------------------------------------------------- writing */

static int plain_safe(const char *s, size_t n) {
  static const char *words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                "on", "On", "ON", "off", "Off", "OFF", "=", "<<"};
  if (n == 0) return 0;
  if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t') return 0;
  if (strchr(",[]{}#&*!|>'\"%@`", s[0])) return 0;
  if (strchr("-?:", s[0]) && (n == 1 || s[1] == ' ')) return 0;
  if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0)) return 0;
  for (size_t k = 0; k < n; k++) {
    unsigned char c = (unsigned char)s[k];
    if (c < 0x20 || c == 0x7F) return 0;
    if (c == ':' && (k + 1 == n || s[k + 1] == ' ')) return 0;
    if (c == '#' && k > 0 && s[k - 1] == ' ') return 0;
  }
  for (size_t k = 0; k < sizeof words / sizeof *words; k++)
    if (n == strlen(words[k]) && memcmp(s, words[k], n) == 0) return 0;
  if (resolve_plain(s, n)->type != V_STR) return 0;
  /* anything that looks like a number (.inf, 1_000, 0b1 in YAML 1.1) stays quoted */
  if ((s[0] >= '0' && s[0] <= '9') || ((s[0] == '-' || s[0] == '+' || s[0] == '.') && n > 1 &&
                                       ((s[1] >= '0' && s[1] <= '9') || s[1] == 'i' ||
                                        s[1] == 'I' || s[1] == 'n' || s[1] == 'N')))
    return 0;
  return 1;
}

static void emit_quoted(Buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  buf_ch(b, '"');
  for (size_t k = 0; k < n; k++) {
    unsigned char c = (unsigned char)s[k];
    switch (c) {
      case '"': buf_str(b, "\\\""); break;
      case '\\': buf_str(b, "\\\\"); break;
      case '\n': buf_str(b, "\\n"); break;
      case '\t': buf_str(b, "\\t"); break;
      case '\r': buf_str(b, "\\r"); break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
          buf_add(b, e, 4);
        } else {
          buf_ch(b, (char)c);
        }
    }
  }
  buf_ch(b, '"');
}

/* A literal block keeps multi-line text readable; only used when it round-trips exactly. */
static int literal_ok(const char *s, size_t n) {
  if (!memchr(s, '\n', n) || s[0] == ' ' || s[0] == '\t' || s[0] == '\n') return 0;
  size_t ls = 0;
  for (size_t k = 0; k < n; k++) {
    unsigned char c = (unsigned char)s[k];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return 0;
    if (c == '\n') {
      size_t j = ls;
      while (j < k && s[j] == ' ') j++;
      if (j == k && k > ls) return 0; /* a line of only spaces */
      ls = k + 1;
    }
  }
  return 1;
}

static void emit_literal(Buf *b, const char *s, size_t n, int indent) {
  size_t body = n;
  while (body && s[body - 1] == '\n') body--;
  size_t trailing = n - body;
  buf_ch(b, '|');
  if (trailing == 0) buf_ch(b, '-');
  if (trailing > 1) buf_ch(b, '+');
  buf_ch(b, '\n');
  size_t ls = 0;
  for (size_t k = 0; k <= body; k++) {
    if (k == body || s[k] == '\n') {
      if (k > ls) {
        buf_pad(b, indent);
        buf_add(b, s + ls, k - ls);
      }
      buf_ch(b, '\n');
      ls = k + 1;
    }
  }
  for (size_t k = 1; k < trailing; k++) buf_ch(b, '\n');
}

static int reuse_raw(const Value *v, const Value *old, int pcol) {
  return old && old->raw && (old->rawcol < 0 || old->rawcol == pcol) && v_equal(v, old);
}

/* Writes a scalar after "key: " or "- ", then the line break. */
static void emit_scalar(Buf *b, const Value *v, const Value *old, int pcol, const YamlStyle *st) {
  if (reuse_raw(v, old, pcol)) {
    buf_add(b, old->raw, old->rawlen);
    buf_ch(b, '\n');
    return;
  }
  switch (v->type) {
    case V_NULL:
      buf_str(b, "null");
      break;
    case V_BOOL:
    case V_NUM:
      buf_add(b, v->s, v->n);
      break;
    default:
      if (plain_safe(v->s, v->n)) {
        buf_add(b, v->s, v->n);
      } else if (literal_ok(v->s, v->n)) {
        emit_literal(b, v->s, v->n, pcol + st->map_indent);
        return;
      } else {
        emit_quoted(b, v->s, v->n);
      }
  }
  buf_ch(b, '\n');
}

static void emit_key(Buf *b, const Value *key, const Value *oldkey) {
  if (oldkey && oldkey->raw) buf_add(b, oldkey->raw, oldkey->rawlen);
  else if (plain_safe(key->s, key->n)) buf_add(b, key->s, key->n);
  else emit_quoted(b, key->s, key->n);
  buf_ch(b, ':');
}

static void emit_map(Buf *b, const Value *m, const Value *old, int col, int inline_first,
                     const YamlStyle *st);
static void emit_seq(Buf *b, const Value *s, const Value *old, int col, int inline_first,
                     const YamlStyle *st);

/* oldkcol: the column the key had in the source, or -1; a nested block keeps its old offset */
static void emit_after_key(Buf *b, const Value *v, const Value *old, int kcol, int oldkcol,
                           const YamlStyle *st) {
  int keep = old && old->block && old->type == v->type && oldkcol >= 0 && old->col >= oldkcol;
  if ((v->type == V_MAP || v->type == V_SEQ) && reuse_raw(v, old, kcol)) {
    buf_ch(b, ' ');
    emit_scalar(b, v, old, kcol, st);
  } else if (v->type == V_MAP && v->len) {
    buf_ch(b, '\n');
    emit_map(b, v, old && old->type == V_MAP ? old : NULL,
             kcol + (keep ? old->col - oldkcol : st->map_indent), 0, st);
  } else if (v->type == V_SEQ && v->len) {
    buf_ch(b, '\n');
    emit_seq(b, v, old && old->type == V_SEQ ? old : NULL,
             kcol + (keep ? old->col - oldkcol : st->seq_indent), 0, st);
  } else if (v->type == V_MAP) {
    buf_str(b, " {}\n");
  } else if (v->type == V_SEQ) {
    buf_str(b, " []\n");
  } else {
    buf_ch(b, ' ');
    emit_scalar(b, v, old, kcol, st);
  }
}

static void emit_map(Buf *b, const Value *m, const Value *old, int col, int inline_first,
                     const YamlStyle *st) {
  int first = 1;
  /* keys the old mapping had, in its order, then the new ones in theirs */
  for (int pass = 0; pass < 2; pass++) {
    size_t count = pass == 0 ? (old ? old->len : 0) : m->len;
    for (size_t k = 0; k < count; k++) {
      const Value *key, *oldkey = NULL, *oldval = NULL;
      long at;
      if (pass == 0) {
        oldkey = old->keys[k];
        oldval = old->items[k];
        at = key_pos(m, oldkey);
        if (at < 0) continue;
        key = m->keys[at];
      } else {
        key = m->keys[k];
        if (old && key_pos(old, key) >= 0) continue;
        at = (long)k;
      }
      if (!(inline_first && first)) buf_pad(b, col);
      first = 0;
      emit_key(b, key, oldkey);
      emit_after_key(b, m->items[at], oldval, col, old && old->block ? old->col : -1, st);
    }
  }
}

static void emit_seq(Buf *b, const Value *s, const Value *old, int col, int inline_first,
                     const YamlStyle *st) {
  for (size_t k = 0; k < s->len; k++) {
    const Value *item = s->items[k];
    const Value *olditem = old && k < old->len ? old->items[k] : NULL;
    if (!(inline_first && k == 0)) buf_pad(b, col);
    buf_str(b, "- ");
    if (item->type == V_MAP && item->len && !reuse_raw(item, olditem, col)) {
      emit_map(b, item, olditem && olditem->type == V_MAP ? olditem : NULL, col + 2, 1, st);
    } else if (item->type == V_SEQ && item->len && !reuse_raw(item, olditem, col)) {
      emit_seq(b, item, olditem && olditem->type == V_SEQ ? olditem : NULL, col + 2, 1, st);
    } else if (item->type == V_MAP && !item->len && !reuse_raw(item, olditem, col)) {
      buf_str(b, "{}\n");
    } else if (item->type == V_SEQ && !item->len && !reuse_raw(item, olditem, col)) {
      buf_str(b, "[]\n");
    } else {
      emit_scalar(b, item, olditem, col, st);
    }
  }
}

void yaml_emit_item(Buf *b, const Value *item, const Value *old, int col, const YamlStyle *st) {
  Value one = {0};
  Value *items[1] = {(Value *)item};
  one.type = V_SEQ;
  one.len = 1;
  one.items = items;
  Value oldone = {0};
  Value *olditems[1] = {(Value *)old};
  oldone.type = V_SEQ;
  oldone.len = 1;
  oldone.items = olditems;
  emit_seq(b, &one, old ? &oldone : NULL, col, 0, st);
}

void yaml_emit_entry(Buf *b, const char *key, const Value *v, const Value *old, int col,
                     const YamlStyle *st) {
  Value *k = v_cstr(key);
  buf_pad(b, col);
  emit_key(b, k, NULL);
  emit_after_key(b, v, old, col, col, st);
}
