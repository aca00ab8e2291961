/* scenario-yaml.h -- reading YAML nodes against key tables, with positions.
 * The scenario loader (scenario.h) and the manifest reader share it; it is
 * the loader's own toolkit, so only models/scenario*.c include it.
 *
 * Every reader returns FALSE with 'error' set in KN_INPUT_ERROR, its message
 * "file:line:col: error: field.path: what", with the source line and a
 * caret (sim/diag.h). */
#pragma once

#include <glib.h>
#include <yaml.h>
#include "sim/diag.h"

typedef struct KnYamlCtx {
    const char *file;            /* name in messages; borrowed */
    const char *source;          /* the whole text, for excerpts; borrowed */
    yaml_document_t *doc;        /* the document being read */
    GString *path;               /* field path of the node being read */
} KnYamlCtx;

/* Reads 'node' into 'target' (a field of the struct being filled). */
typedef gboolean (*KnYamlParseFunc)(KnYamlCtx *ctx, yaml_node_t *node, gpointer target,
                                    GError **error);

/* Reads one item of a list into 'out'. */
typedef gboolean (*KnYamlItemFunc)(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out,
                                   GError **error);

typedef struct KnYamlField KnYamlField;

/* A key of a mapping: its name, the node type it takes, and how to read it.
 * A table ends with a NULL key. */
struct KnYamlField {
    const char *key;
    yaml_node_type_t type;       /* the node type it takes; YAML_NO_NODE: any */
    KnYamlParseFunc parse;       /* reads the value; NULL for a nested mapping */
    gsize offset;                /* where in the target struct */
    const KnYamlField *fields;   /* a nested mapping's keys, read into the same target */
    const char *what;            /* a nested mapping's name in messages */
};

KnSrcLoc kn_scenario_yaml_loc(KnYamlCtx *ctx, const yaml_node_t *node);

/* Sets 'error' at 'node', prefixed with the current field path; returns
 * FALSE.  _error uses KN_INPUT_ERROR_VALUE. */
gboolean kn_scenario_yaml_error(KnYamlCtx *ctx, const yaml_node_t *node, GError **error,
                                const char *format, ...) G_GNUC_PRINTF(4, 5);
gboolean kn_scenario_yaml_error_code(KnYamlCtx *ctx, const yaml_node_t *node, GError **error,
                                     gint code, const char *format, ...) G_GNUC_PRINTF(5, 6);

const char *kn_scenario_yaml_scalar(const yaml_node_t *node);  /* borrowed */

/* Push ".key" or "[i]" onto the field path; return the length to truncate
 * the path back to. */
gsize kn_scenario_yaml_path_push_key(KnYamlCtx *ctx, const char *key);
gsize kn_scenario_yaml_path_push_index(KnYamlCtx *ctx, gsize index);

gboolean kn_scenario_yaml_expect_type(KnYamlCtx *ctx, yaml_node_t *node, yaml_node_type_t type,
                                      GError **error);

/* Reads the mapping 'node' into 'target' through 'fields'; 'what' names the
 * mapping in messages ("unknown key 'x' in WHAT (expected ...)"). */
gboolean kn_scenario_yaml_mapping(KnYamlCtx *ctx, yaml_node_t *node, const KnYamlField *fields,
                                  gpointer target, const char *what, GError **error);

/* The value of 'key' in the mapping 'node', or NULL; borrowed. */
yaml_node_t *kn_scenario_yaml_get(KnYamlCtx *ctx, yaml_node_t *node, const char *key);

/* Readers for KnYamlField tables.  'target' is a char ** (string, ip, cidr,
 * dns1123_subdomain), a KnTime * (duration) or a GStrv * (string_list). */
gboolean kn_scenario_yaml_string(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error);
gboolean kn_scenario_yaml_duration(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error);
gboolean kn_scenario_yaml_ip(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error);
gboolean kn_scenario_yaml_cidr(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error);
gboolean kn_scenario_yaml_dns1123_subdomain(KnYamlCtx *ctx, yaml_node_t *node, gpointer target,
                                            GError **error);
gboolean kn_scenario_yaml_string_list(KnYamlCtx *ctx, yaml_node_t *node, gpointer target,
                                      GError **error);

/* An unsigned integer from 0 to 'max' into '*out'. */
gboolean kn_scenario_yaml_u64(KnYamlCtx *ctx, yaml_node_t *node, guint64 max, guint64 *out,
                              GError **error);

/* One of 'names' (NULL-terminated); its index into '*target'. */
gboolean kn_scenario_yaml_enum(KnYamlCtx *ctx, yaml_node_t *node, const char *const *names,
                               int *target, GError **error);

/* Reads each item of the sequence 'node' with 'parse_item', with "[i]" on
 * the path. */
gboolean kn_scenario_yaml_list(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out,
                               KnYamlItemFunc parse_item, GError **error);

/* Sets 'error' for the syntax error 'parser' stopped at, in 'file' whose
 * text is 'source'; returns FALSE. */
gboolean kn_scenario_yaml_syntax_error(const char *file, const char *source,
                                       const yaml_parser_t *parser, GError **error);

/* The deepest flow collections ([...], {...}) a document may nest, as
 * yaml.v3's scanner allows: libyaml's time grows with the square of it. */
#define KN_YAML_MAX_FLOW_DEPTH 10000

/* TRUE if no flow collection in 'text' opens deeper than
 * KN_YAML_MAX_FLOW_DEPTH; else FALSE with '*at' the byte offset of the one
 * that does.  Quoted scalars and comments are skipped; brackets in block
 * scalars count, which only an adversary's 10,000 of them could notice. */
gboolean kn_yaml_flow_depth_ok(const char *text, gsize length, gsize *at);

/* The same for a file's text, as a syntax error at the bracket's
 * line:col ("exceeded max depth of 10000"). */
gboolean kn_scenario_yaml_check_depth(const char *file, const char *source, GError **error);

/* TRUE if 'text' is an IPv4 or IPv6 address literal. */
gboolean kn_scenario_yaml_is_ip(const char *text);

/* FALSE, with the error at the first scalar (value or key) of the
 * document that holds a NUL character ("\0", "\x00" or "\u0000" in a
 * double-quoted scalar): knetsim's strings end at the first NUL, so such a
 * value would be silently cut short.  The path is built with
 * kn_scenario_yaml_path_push_key() and _index() from ctx->path. */
gboolean kn_scenario_yaml_check_nul(KnYamlCtx *ctx, GError **error);
