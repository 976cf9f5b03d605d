/*
 * A controller written for the original Cup WASM protocol, nothing more: one JSON file per
 * resource at <namespace>/<kind>-<name>.json, reached through relative paths (as the original's
 * Go modules did with os.DirFS(".")).
 *
 *   get    <kind> <namespace> <name>   prints the file; exit 2 when it does not exist
 *   list   <kind> <namespace> [...]    prints every <kind>-*.json of the namespace, one per line,
 *                                      sorted by file name; extra arguments are ignored (the
 *                                      original server never passed label selectors)
 *   put    <kind> <namespace> <name>   stores stdin as the file
 *   delete <kind> <namespace> <name>   removes the file; exit 2 when it does not exist
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void fail(int code, const char *msg, const char *arg) {
  fprintf(stderr, "%s: %s\n", msg, arg);
  exit(code);
}

static char *slurp(FILE *f, size_t *len) {
  size_t cap = 4096, n = 0, got;
  char *d = malloc(cap);
  if (!d) fail(1, "out of memory", "read");
  while ((got = fread(d + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap && !(d = realloc(d, cap *= 2))) fail(1, "out of memory", "read");
  }
  if (ferror(f)) fail(1, "read error", strerror(errno));
  *len = n;
  return d;
}

/* Writes a stored JSON document as one line (raw line breaks cannot occur inside JSON strings). */
static void print_line(const char *d, size_t n) {
  while (n && (d[n - 1] == '\n' || d[n - 1] == '\r' || d[n - 1] == ' ')) n--;
  for (size_t i = 0; i < n; i++) putchar(d[i] == '\n' || d[i] == '\r' ? ' ' : d[i]);
  putchar('\n');
}

static void check(const char *what, const char *s) {
  if (!*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, "..")) fail(1, what, s);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc < 4) fail(1, "usage", "get|list|put|delete <kind> <namespace> [<name>]");
  const char *op = argv[1], *kind = argv[2], *ns = argv[3];
  check("invalid kind", kind);
  check("invalid namespace", ns);
  if (!strcmp(op, "list")) {
    DIR *dir = opendir(ns);
    if (!dir) {
      if (errno == ENOENT) return 0;
      fail(1, "cannot list namespace", ns);
    }
    size_t prefix = strlen(kind) + 1, count = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
      size_t len = strlen(e->d_name);
      if (len <= prefix + 5 || strncmp(e->d_name, kind, prefix - 1) || e->d_name[prefix - 1] != '-' ||
          strcmp(e->d_name + len - 5, ".json"))
        continue;
      if (count == cap) names = realloc(names, (cap *= 2) * sizeof *names);
      names[count++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", ns, names[i]);
      FILE *f = fopen(path, "rb");
      if (!f) fail(1, "cannot read", path);
      size_t n;
      char *d = slurp(f, &n);
      fclose(f);
      print_line(d, n);
    }
    return 0;
  }
  if (argc != 5) fail(1, "expected <kind> <namespace> <name> for", op);
  check("invalid name", argv[4]);
  char path[1024];
  snprintf(path, sizeof path, "%s/%s-%s.json", ns, kind, argv[4]);
  if (!strcmp(op, "get")) {
    FILE *f = fopen(path, "rb");
    if (!f) fail(errno == ENOENT ? 2 : 1, "resource not found", path);
    size_t n;
    char *d = slurp(f, &n);
    fclose(f);
    print_line(d, n);
  } else if (!strcmp(op, "put")) {
    size_t n;
    char *d = slurp(stdin, &n);
    if (!n) fail(1, "expected the resource on stdin for", path);
    if (mkdir(ns, 0755) && errno != EEXIST) fail(1, "cannot create namespace directory", ns);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(d, 1, n, f) != n || fclose(f)) fail(1, "cannot write", path);
  } else if (!strcmp(op, "delete")) {
    if (remove(path)) fail(errno == ENOENT ? 2 : 1, "resource not found", path);
  } else {
    fail(1, "unexpected command", op);
  }
  return 0;
}
