/*
 * Cup WASM controller for Flipt's declarative files.
 *
 *   flipt get    <Flag|Segment> <namespace> <name>       the resource as JSON, exit 2 if absent
 *   flipt list   <Flag|Segment> <namespace> [k=v ...]    one JSON resource per line
 *   flipt put    <Flag|Segment> <namespace> <name>       resource JSON on stdin
 *   flipt delete <Flag|Segment> <namespace> <name>       exit 2 if absent
 *
 * Every flag and segment of a namespace lives in /<namespace>/features.yml (see README.md for
 * the mapping). put and delete change only the text of the one entry they touch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "value.h"
#include "yaml.h"

#define API_VERSION "flipt.io/v1alpha1"

typedef struct {
  const char *kind, *list, *noun;
} Kind;

static const Kind KINDS[] = {{"Flag", "flags", "flag"}, {"Segment", "segments", "segment"}};

/* spec field <-> features.yml field, per kind; everything else is copied as it is */
static const char *RENAMES[][3] = {{"Segment", "matchType", "match_type"}};

/* entry fields that carry resource metadata instead of spec */
static const char *META_FIELDS[] = {"labels", "annotations"};

typedef struct {
  const Kind *kind;
  const char *ns;
  char path[512], dir[512];
  char *src; /* NULL when the file does not exist */
  size_t len;
  YamlStyle style;
  Value *root; /* V_MAP or V_NULL */
  long list_at; /* index of flags/segments in root, -1 when absent */
  Value *list;  /* the sequence, or NULL */
} Doc;

static const char *rename_field(const char *kind, const char *name, int to_file) {
  for (size_t k = 0; k < sizeof RENAMES / sizeof *RENAMES; k++)
    if (strcmp(RENAMES[k][0], kind) == 0 && strcmp(RENAMES[k][to_file ? 1 : 2], name) == 0)
      return RENAMES[k][to_file ? 2 : 1];
  return NULL;
}

static int is_meta_field(const Value *key) {
  for (size_t k = 0; k < sizeof META_FIELDS / sizeof *META_FIELDS; k++)
    if (v_streq(key, META_FIELDS[k])) return 1;
  return 0;
}

static char *read_all(FILE *f, size_t *len, const char *what) {
  Buf b = {0};
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, got);
  if (ferror(f)) die(1, "cannot read %s: %s", what, strerror(errno));
  if (!b.d) buf_add(&b, "", 0);
  *len = b.n;
  return b.d;
}

static void load(Doc *d, const Kind *kind, const char *ns) {
  memset(d, 0, sizeof *d);
  d->kind = kind;
  d->ns = ns;
  d->list_at = -1;
  snprintf(d->dir, sizeof d->dir, "/%s", ns);
  snprintf(d->path, sizeof d->path, "/%s/features.yml", ns);
  d->style.map_indent = 2;
  d->style.seq_indent = 0;
  d->root = v_new(V_NULL);
  FILE *f = fopen(d->path, "rb");
  if (!f) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    die(1, "cannot open %s: %s", d->path + 1, strerror(errno));
  }
  d->src = read_all(f, &d->len, d->path + 1);
  fclose(f);
  d->root = yaml_parse(d->src, d->len, d->path + 1, &d->style);
  if (d->root->type == V_NULL) return;
  if (d->root->type != V_MAP) die(1, "%s: the top level must be a mapping", d->path + 1);
  Value *declared = v_get(d->root, "namespace");
  if (declared && declared->type != V_NULL && !v_streq(declared, ns))
    die(1, "%s: declares another namespace than %s", d->path + 1, ns);
  d->list_at = v_index(d->root, kind->list);
  if (d->list_at < 0) return;
  Value *list = d->root->items[d->list_at];
  if (list->type == V_NULL) return;
  if (list->type != V_SEQ) die(1, "%s: %s must be a list", d->path + 1, kind->list);
  for (size_t k = 0; k < list->len; k++) {
    Value *entry = list->items[k];
    Value *key = v_get(entry, "key");
    if (entry->type != V_MAP || !key || key->type != V_STR)
      die(1, "%s: entry %zu of %s has no string key", d->path + 1, k + 1, kind->list);
  }
  d->list = list;
}

static long find(const Doc *d, const char *name) {
  if (!d->list) return -1;
  for (size_t k = 0; k < d->list->len; k++)
    if (v_streq(v_get(d->list->items[k], "key"), name)) return (long)k;
  return -1;
}

/* ---------------------------------------------------------------- entry <-> resource */

static Value *to_resource(const Doc *d, const Value *entry) {
  Value *res = v_new(V_MAP), *md = v_new(V_MAP), *spec = v_new(V_MAP);
  v_put(res, v_cstr("apiVersion"), v_cstr(API_VERSION));
  v_put(res, v_cstr("kind"), v_cstr(d->kind->kind));
  v_put(md, v_cstr("namespace"), v_cstr(d->ns));
  v_put(md, v_cstr("name"), v_get(entry, "key"));
  for (size_t k = 0; k < sizeof META_FIELDS / sizeof *META_FIELDS; k++) {
    Value *m = v_get(entry, META_FIELDS[k]);
    if (m && m->type == V_MAP && m->len) v_put(md, v_cstr(META_FIELDS[k]), m);
  }
  for (size_t k = 0; k < entry->len; k++) {
    Value *key = entry->keys[k];
    if (is_meta_field(key)) continue;
    const char *spec_name = rename_field(d->kind->kind, key->s, 0);
    v_put(spec, spec_name ? v_cstr(spec_name) : key, entry->items[k]);
  }
  v_put(res, v_cstr("metadata"), md);
  v_put(res, v_cstr("spec"), spec);
  return res;
}

static Value *string_map(const Value *m, const char *what) {
  if (!m || m->type == V_NULL) return NULL;
  if (m->type != V_MAP) die(3, "%s must be an object", what);
  for (size_t k = 0; k < m->len; k++)
    if (m->items[k]->type != V_STR) die(3, "%s.%s must be a string", what, m->keys[k]->s);
  return m->len ? (Value *)m : NULL;
}

static Value *to_entry(const Doc *d, const Value *res, const char *name) {
  const char *kind = d->kind->kind;
  if (res->type != V_MAP) die(3, "the resource on stdin must be a JSON object");
  Value *av = v_get(res, "apiVersion");
  if (!v_streq(av, API_VERSION)) die(3, "apiVersion must be %s", API_VERSION);
  if (!v_streq(v_get(res, "kind"), kind)) die(3, "kind must be %s", kind);
  Value *md = v_get(res, "metadata");
  if (!md || md->type != V_MAP) die(3, "metadata must be an object");
  if (!v_streq(v_get(md, "name"), name))
    die(3, "metadata.name must be the name in the request (%s)", name);
  Value *mns = v_get(md, "namespace");
  if (mns && !v_streq(mns, d->ns))
    die(3, "metadata.namespace must be the namespace in the request (%s)", d->ns);
  Value *spec = v_get(res, "spec");
  if (!spec || spec->type != V_MAP) die(3, "spec must be an object");

  Value *entry = v_new(V_MAP);
  Value *key = v_get(spec, "key");
  if (key && !v_streq(key, name)) die(3, "spec.key must equal metadata.name (%s)", name);
  if (!key) v_put(entry, v_cstr("key"), v_cstr(name));
  for (size_t k = 0; k < spec->len; k++) {
    Value *field = spec->keys[k];
    if (is_meta_field(field))
      die(3, "spec.%s is reserved: it holds metadata.%s in features.yml", field->s, field->s);
    if (rename_field(kind, field->s, 0)) die(3, "spec.%s: use %s", field->s,
                                             rename_field(kind, field->s, 0));
    const char *file_name = rename_field(kind, field->s, 1);
    if (file_name && v_get(spec, file_name)) die(3, "spec.%s: use %s", file_name, field->s);
    v_put(entry, file_name ? v_cstr(file_name) : field, spec->items[k]);
  }
  for (size_t k = 0; k < sizeof META_FIELDS / sizeof *META_FIELDS; k++) {
    char what[64];
    snprintf(what, sizeof what, "metadata.%s", META_FIELDS[k]);
    Value *m = string_map(v_get(md, META_FIELDS[k]), what);
    if (m) v_put(entry, v_cstr(META_FIELDS[k]), m);
  }
  return entry;
}

/* ---------------------------------------------------------------- writing */

typedef struct {
  size_t at, del;
  Buf text;
} Edit;

static void write_doc(Doc *d, Edit *edits, int count) {
  Buf out = {0};
  size_t pos = 0;
  for (int k = 0; k < count; k++) {
    Edit *e = &edits[k];
    if (e->at < pos) die(1, "internal error: overlapping edits");
    buf_add(&out, d->src ? d->src + pos : "", e->at - pos);
    /* new text always starts on a line of its own */
    if (e->at > 0 && d->src[e->at - 1] != '\n' && e->text.n)
      buf_str(&out, d->style.crlf ? "\r\n" : "\n");
    for (size_t j = 0; j < e->text.n; j++) {
      char c = e->text.d[j];
      if (c == '\n' && d->style.crlf && (j == 0 || e->text.d[j - 1] != '\r')) buf_ch(&out, '\r');
      buf_ch(&out, c);
    }
    pos = e->at + e->del;
  }
  if (d->src) buf_add(&out, d->src + pos, d->len - pos);
  if (mkdir(d->dir, 0755) != 0 && errno != EEXIST)
    die(1, "cannot create directory %s: %s", d->dir + 1, strerror(errno));
  FILE *f = fopen(d->path, "wb");
  if (!f) die(1, "cannot write %s: %s", d->path + 1, strerror(errno));
  if ((out.n && fwrite(out.d, 1, out.n, f) != out.n) || fclose(f) != 0)
    die(1, "cannot write %s: %s", d->path + 1, strerror(errno));
}

/* Replaces (or adds) the whole "flags:"/"segments:" entry of the top-level mapping. */
static Edit whole_list(Doc *d, Value *items) {
  Edit e = {0};
  Value *old = d->list_at >= 0 ? d->root->items[d->list_at] : NULL;
  if (d->list_at >= 0) {
    e.at = d->root->istart[d->list_at];
    e.del = old->end - e.at;
  } else {
    long before = d->kind == &KINDS[0] ? v_index(d->root, "segments") : -1;
    e.at = before >= 0 ? d->root->istart[before] : d->len;
  }
  yaml_emit_entry(&e.text, d->kind->list, items, old, 0, &d->style);
  return e;
}

static void put(Doc *d, const char *name) {
  size_t n;
  char *body = read_all(stdin, &n, "stdin");
  Value *entry = to_entry(d, json_parse(body, n, "the resource on stdin"), name);
  if (d->root->type == V_MAP && !(d->root->block && d->root->col == 0))
    die(1, "%s: only a block mapping at the top level can be updated", d->path + 1);
  Edit edits[2];
  int count = 0;
  int ns_missing = d->root->type == V_NULL || !v_get(d->root, "namespace") ||
                   v_get(d->root, "namespace")->type == V_NULL;
  long at = find(d, name);
  if (at >= 0 && !ns_missing && v_equal(d->list->items[at], entry)) return; /* unchanged */
  if (ns_missing) {
    Edit e = {0};
    long old = v_index(d->root, "namespace");
    if (old >= 0) {
      e.at = d->root->istart[old];
      e.del = d->root->items[old]->end - e.at;
    } else {
      e.at = d->root->type == V_MAP ? d->root->istart[0] : d->len;
    }
    yaml_emit_entry(&e.text, "namespace", v_cstr(d->ns), NULL, 0, &d->style);
    edits[count++] = e;
  }
  Value *list = d->list;
  if (list && list->block) {
    Edit e = {0};
    if (at >= 0) {
      e.at = list->istart[at];
      e.del = list->items[at]->end - e.at;
      yaml_emit_item(&e.text, entry, list->items[at], list->col, &d->style);
    } else {
      e.at = list->end;
      yaml_emit_item(&e.text, entry, NULL, list->col, &d->style);
    }
    edits[count++] = e;
  } else {
    Value *items = v_new(V_SEQ);
    for (size_t k = 0; list && k < list->len; k++)
      v_push(items, (long)k == at ? entry : list->items[k]);
    if (at < 0) v_push(items, entry);
    edits[count++] = whole_list(d, items);
  }
  if (count == 2 && edits[1].at < edits[0].at) {
    Edit t = edits[0];
    edits[0] = edits[1];
    edits[1] = t;
  }
  write_doc(d, edits, count);
}

static int delete(Doc *d, const char *name) {
  long at = find(d, name);
  if (at < 0) return 0;
  Value *list = d->list;
  Edit e = {0};
  if (list->block && list->len > 1) {
    e.at = list->istart[at];
    e.del = list->items[at]->end - e.at;
  } else {
    Value *items = v_new(V_SEQ);
    for (size_t k = 0; k < list->len; k++)
      if ((long)k != at) v_push(items, list->items[k]);
    e = whole_list(d, items);
  }
  write_doc(d, &e, 1);
  return 1;
}

/* ---------------------------------------------------------------- main */

static void print_resource(Buf *out, const Doc *d, const Value *entry) {
  json_write(out, to_resource(d, entry));
  buf_ch(out, '\n');
}

static int labels_match(const Value *entry, int argc, char **argv) {
  Value *labels = v_get(entry, "labels");
  for (int k = 0; k < argc; k++) {
    const char *eq = strchr(argv[k], '=');
    char *key = xstrndup(argv[k], (size_t)(eq - argv[k]));
    Value *have = v_get(labels, key);
    if (!v_streq(have, eq + 1)) return 0;
  }
  return 1;
}

static void check_segment(const char *what, const char *s) {
  if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/') || strchr(s, '\\'))
    die(1, "invalid %s: '%s'", what, s);
}

int main(int argc, char **argv) {
  if (argc < 4)
    die(1, "usage: %s get|list|put|delete <Flag|Segment> <namespace> <name>|<k=v ...>",
        argc > 0 ? argv[0] : "flipt");
  const char *op = argv[1], *ns = argv[3];
  const Kind *kind = NULL;
  for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++)
    if (strcmp(argv[2], KINDS[k].kind) == 0) kind = &KINDS[k];
  if (!kind) die(1, "unsupported kind '%s': this controller serves Flag and Segment", argv[2]);
  check_segment("namespace", ns);
  int is_list = strcmp(op, "list") == 0;
  if (!is_list && strcmp(op, "get") && strcmp(op, "put") && strcmp(op, "delete"))
    die(1, "unknown operation '%s': expected get, list, put or delete", op);
  if (!is_list && argc != 5) die(1, "%s takes <kind> <namespace> <name>", op);
  if (!is_list) check_segment("name", argv[4]);
  for (int k = 4; is_list && k < argc; k++)
    if (!strchr(argv[k], '=') || argv[k][0] == '=')
      die(1, "invalid label selector '%s': expected key=value", argv[k]);

  Doc d;
  load(&d, kind, ns);
  Buf out = {0};
  int code = 0;
  if (is_list) {
    for (size_t k = 0; d.list && k < d.list->len; k++)
      if (labels_match(d.list->items[k], argc - 4, argv + 4))
        print_resource(&out, &d, d.list->items[k]);
  } else if (strcmp(op, "get") == 0) {
    long at = find(&d, argv[4]);
    if (at < 0) code = 2;
    else print_resource(&out, &d, d.list->items[at]);
  } else if (strcmp(op, "put") == 0) {
    put(&d, argv[4]);
  } else if (!delete(&d, argv[4])) {
    code = 2;
  }
  if (code == 2) {
    fprintf(stderr, "%s %s/%s not found\n", kind->noun, ns, argv[4]);
    return 2;
  }
  if (out.n && fwrite(out.d, 1, out.n, stdout) != out.n) die(1, "cannot write stdout");
  if (fflush(stdout) != 0) die(1, "cannot write stdout");
  return 0;
}
