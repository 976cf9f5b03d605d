/*
 * Cup WASM controller: one JSON file per resource, all resources of a kind in one directory.
 *
 *   per-file get    <Kind> <namespace> <name>       the stored resource, exit 2 if absent
 *   per-file list   <Kind> <namespace> [k=v ...]    every resource of the kind, sorted by name
 *   per-file put    <Kind> <namespace> <name>       resource JSON on stdin
 *   per-file delete <Kind> <namespace> <name>       exit 2 if absent
 *
 * A resource is stored at /<namespace>/<kind>/<name>.json, <kind> in lower case, as JSON with a
 * two-space indent and a final newline (as Cup's template controller writes). See README.md.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("per-file: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

/* ---------------------------------------------------------------- buffers */

typedef struct {
  char *d;
  size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n + 1) cap *= 2;
    b->d = realloc(b->d, cap);
    if (!b->d) die(1, "out of memory");
    b->cap = cap;
  }
  memcpy(b->d + b->n, s, n);
  b->n += n;
  b->d[b->n] = 0;
}

static void buf_ch(Buf *b, char c) { buf_add(b, &c, 1); }

/* Appends the whole file at path to b; 0, or -1 with errno set. */
static int read_file(const char *path, Buf *b) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char chunk[16384];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(b, chunk, got);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    errno = EIO;
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- JSON
 * A validating reader that writes the document back with a two-space indent, and notes the
 * top-level "kind" and "apiVersion" and metadata's "name" and "namespace" when they are strings.
 */

typedef struct {
  const char *begin, *s, *end;
  Buf *out;
  int depth;
  const char *path[3]; /* keys from the top: path[0] at depth 1, path[1] at depth 2 */
  char *kind, *name, *namespace;
  int has_metadata;
} Json;

static void bad(Json *j, const char *why) {
  die(1, "the resource on stdin is not valid JSON: %s at byte %ld", why, (long)(j->s - j->begin));
}

static void ws(Json *j) {
  while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r')) j->s++;
}

static void indent(Json *j) {
  buf_ch(j->out, '\n');
  for (int k = 0; k < j->depth; k++) buf_add(j->out, "  ", 2);
}

/* Copies a string token; returns its raw content (between the quotes) as a new C string. */
static char *string(Json *j) {
  const char *start = j->s;
  if (j->s >= j->end || *j->s != '"') bad(j, "expected a string");
  j->s++;
  while (j->s < j->end && *j->s != '"') {
    unsigned char c = (unsigned char)*j->s;
    if (c < 0x20) bad(j, "control character in a string");
    if (c == '\\') {
      j->s++;
      if (j->s >= j->end || !strchr("\"\\/bfnrtu", *j->s)) bad(j, "bad escape");
      if (*j->s == 'u') {
        for (int k = 1; k <= 4; k++)
          if (j->s + k >= j->end || !isxdigit((unsigned char)j->s[k])) bad(j, "bad \\u escape");
        j->s += 4;
      }
    }
    j->s++;
  }
  if (j->s >= j->end) bad(j, "unterminated string");
  j->s++;
  buf_add(j->out, start, (size_t)(j->s - start));
  size_t n = (size_t)(j->s - start - 2);
  char *raw = malloc(n + 1);
  if (!raw) die(1, "out of memory");
  memcpy(raw, start + 1, n);
  raw[n] = 0;
  return raw;
}

static void value(Json *j);

static void object(Json *j) {
  j->s++;
  buf_ch(j->out, '{');
  ws(j);
  if (j->s < j->end && *j->s == '}') {
    j->s++;
    buf_ch(j->out, '}');
    return;
  }
  j->depth++;
  for (;;) {
    ws(j);
    indent(j);
    char *key = string(j);
    ws(j);
    if (j->s >= j->end || *j->s != ':') bad(j, "expected ':'");
    j->s++;
    buf_add(j->out, ": ", 2);
    ws(j);
    if (j->depth <= 2) j->path[j->depth - 1] = key;
    int top = j->depth == 1, meta = j->depth == 2 && strcmp(j->path[0], "metadata") == 0;
    if (top && strcmp(key, "metadata") == 0 && j->s < j->end && *j->s == '{') j->has_metadata = 1;
    if (j->s < j->end && *j->s == '"' && (top || meta)) {
      size_t before = j->out->n;
      value(j);
      /* the string as written, without quotes; names and kinds need no escapes */
      char *text = strndup(j->out->d + before + 1, j->out->n - before - 2);
      if (top && strcmp(key, "kind") == 0) j->kind = text;
      if (meta && strcmp(key, "name") == 0) j->name = text;
      if (meta && strcmp(key, "namespace") == 0) j->namespace = text;
    } else {
      value(j);
    }
    ws(j);
    if (j->s < j->end && *j->s == ',') {
      j->s++;
      buf_ch(j->out, ',');
      continue;
    }
    if (j->s < j->end && *j->s == '}') {
      j->s++;
      break;
    }
    bad(j, "expected ',' or '}'");
  }
  j->depth--;
  indent(j);
  buf_ch(j->out, '}');
}

static void array(Json *j) {
  j->s++;
  buf_ch(j->out, '[');
  ws(j);
  if (j->s < j->end && *j->s == ']') {
    j->s++;
    buf_ch(j->out, ']');
    return;
  }
  j->depth++;
  for (;;) {
    ws(j);
    indent(j);
    value(j);
    ws(j);
    if (j->s < j->end && *j->s == ',') {
      j->s++;
      buf_ch(j->out, ',');
      continue;
    }
    if (j->s < j->end && *j->s == ']') {
      j->s++;
      break;
    }
    bad(j, "expected ',' or ']'");
  }
  j->depth--;
  indent(j);
  buf_ch(j->out, ']');
}

static void literal(Json *j) {
  const char *start = j->s;
  if (*j->s == '-' || isdigit((unsigned char)*j->s)) {
    if (*j->s == '-') j->s++;
    if (j->s >= j->end || !isdigit((unsigned char)*j->s)) bad(j, "bad number");
    if (*j->s == '0') j->s++;
    else while (j->s < j->end && isdigit((unsigned char)*j->s)) j->s++;
    if (j->s < j->end && *j->s == '.') {
      j->s++;
      if (j->s >= j->end || !isdigit((unsigned char)*j->s)) bad(j, "bad number");
      while (j->s < j->end && isdigit((unsigned char)*j->s)) j->s++;
    }
    if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
      j->s++;
      if (j->s < j->end && (*j->s == '+' || *j->s == '-')) j->s++;
      if (j->s >= j->end || !isdigit((unsigned char)*j->s)) bad(j, "bad number");
      while (j->s < j->end && isdigit((unsigned char)*j->s)) j->s++;
    }
  } else {
    static const char *words[] = {"true", "false", "null"};
    size_t k = 0;
    for (; k < 3; k++) {
      size_t n = strlen(words[k]);
      if ((size_t)(j->end - j->s) >= n && memcmp(j->s, words[k], n) == 0) {
        j->s += n;
        break;
      }
    }
    if (k == 3) bad(j, "unexpected character");
  }
  buf_add(j->out, start, (size_t)(j->s - start));
}

static void value(Json *j) {
  ws(j);
  if (j->s >= j->end) bad(j, "unexpected end");
  if (j->depth > 256) bad(j, "nested too deeply");
  switch (*j->s) {
    case '{': object(j); break;
    case '[': array(j); break;
    case '"': free(string(j)); break;
    default: literal(j);
  }
}

/* ---------------------------------------------------------------- main */

static void check_segment(const char *what, const char *s) {
  if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/') || strchr(s, '\\'))
    die(1, "invalid %s: '%s'", what, s);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n > m && strcmp(s + n - m, suffix) == 0;
}

static void write_out(const Buf *out) {
  if (out->n && fwrite(out->d, 1, out->n, stdout) != out->n) die(1, "cannot write stdout");
  if (fflush(stdout) != 0) die(1, "cannot write stdout");
}

static void print_resource(Buf *out, const char *path, const char *name) {
  size_t before = out->n;
  if (read_file(path, out) != 0) die(1, "cannot read %s: %s", path + 1, strerror(errno));
  /* one object per file, one line apart */
  while (out->n > before && isspace((unsigned char)out->d[out->n - 1])) out->n--;
  if (out->n == before) die(1, "%s is empty: no resource %s", path + 1, name);
  buf_ch(out, '\n');
}

static int list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    if (errno == ENOENT) return 0; /* no resource of this kind in the namespace yet */
    die(1, "cannot list %s: %s", dir + 1, strerror(errno));
  }
  size_t count = 0, cap = 256;
  char **names = malloc(cap * sizeof *names);
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    if (entry->d_name[0] == '.' || !ends_with(entry->d_name, ".json")) continue;
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    if (count == cap) names = realloc(names, (cap *= 2) * sizeof *names);
    if (!names) die(1, "out of memory");
    names[count++] = strdup(entry->d_name);
  }
  closedir(d);
  qsort(names, count, sizeof *names, by_name);
  Buf out = {0}, path = {0};
  for (size_t k = 0; k < count; k++) {
    path.n = 0;
    buf_add(&path, dir, strlen(dir));
    buf_ch(&path, '/');
    buf_add(&path, names[k], strlen(names[k]));
    print_resource(&out, path.d, names[k]);
  }
  write_out(&out);
  return 0;
}

static void put(const char *kind, const char *ns, const char *name, const char *ns_dir,
                const char *dir, const char *path) {
  Buf in = {0};
  char chunk[16384];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0) buf_add(&in, chunk, got);
  if (ferror(stdin)) die(1, "cannot read stdin: %s", strerror(errno));
  Buf text = {0};
  const char *body = in.d ? in.d : "";
  Json j = {.begin = body, .s = body, .end = body + in.n, .out = &text};
  ws(&j);
  if (j.s >= j.end || *j.s != '{') die(3, "the resource on stdin is not a JSON object");
  value(&j);
  ws(&j);
  if (j.s != j.end) bad(&j, "more than one value");
  buf_ch(&text, '\n');
  if (!j.kind || strcmp(j.kind, kind) != 0)
    die(3, "kind is '%s', not '%s'", j.kind ? j.kind : "(missing)", kind);
  if (!j.has_metadata || !j.name || strcmp(j.name, name) != 0)
    die(3, "metadata.name is '%s', not '%s'", j.name ? j.name : "(missing)", name);
  if (j.namespace && strcmp(j.namespace, ns) != 0)
    die(3, "metadata.namespace is '%s', not '%s'", j.namespace, ns);

  Buf old = {0};
  if (read_file(path, &old) == 0 && old.n == text.n && memcmp(old.d, text.d, text.n) == 0)
    return; /* already stored as it would be written: leave the file alone */
  if (mkdir(ns_dir, 0755) != 0 && errno != EEXIST) die(1, "cannot create %s: %s", ns_dir + 1, strerror(errno));
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) die(1, "cannot create %s: %s", dir + 1, strerror(errno));
  FILE *f = fopen(path, "wb");
  if (!f) die(1, "cannot write %s: %s", path + 1, strerror(errno));
  if (fwrite(text.d, 1, text.n, f) != text.n || fclose(f) != 0)
    die(1, "cannot write %s: %s", path + 1, strerror(errno));
}

int main(int argc, char **argv) {
  if (argc < 4)
    die(1, "usage: %s get|list|put|delete <Kind> <namespace> <name>|<k=v ...>",
        argc > 0 ? argv[0] : "per-file");
  const char *op = argv[1], *kind = argv[2], *ns = argv[3];
  check_segment("kind", kind);
  check_segment("namespace", ns);
  int is_list = strcmp(op, "list") == 0;
  if (!is_list && strcmp(op, "get") && strcmp(op, "put") && strcmp(op, "delete"))
    die(1, "unknown operation '%s': expected get, list, put or delete", op);
  if (!is_list && argc != 5) die(1, "%s takes <kind> <namespace> <name>", op);
  if (!is_list) check_segment("name", argv[4]);

  char lower[256];
  size_t n = strlen(kind);
  if (n >= sizeof lower) die(1, "kind '%s' is too long", kind);
  for (size_t k = 0; k <= n; k++) lower[k] = (char)tolower((unsigned char)kind[k]);
  size_t size = strlen(ns) + n + (is_list ? 0 : strlen(argv[4])) + 16;
  char *ns_dir = malloc(size), *dir = malloc(size), *path = malloc(size);
  snprintf(ns_dir, size, "/%s", ns);
  snprintf(dir, size, "/%s/%s", ns, lower);
  if (is_list) return list(dir); /* label arguments: Cup filters the output itself */
  const char *name = argv[4];
  snprintf(path, size, "%s/%s.json", dir, name);

  if (strcmp(op, "get") == 0) {
    Buf out = {0};
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
      fprintf(stderr, "%s %s/%s not found\n", kind, ns, name);
      return 2;
    }
    print_resource(&out, path, name);
    write_out(&out);
  } else if (strcmp(op, "put") == 0) {
    put(kind, ns, name, ns_dir, dir, path);
  } else if (unlink(path) != 0) {
    if (errno == ENOENT) {
      fprintf(stderr, "%s %s/%s not found\n", kind, ns, name);
      return 2;
    }
    die(1, "cannot delete %s: %s", path + 1, strerror(errno));
  }
  return 0;
}
