/* shell.c -- a small POSIX shell on the simulated clock.
 *
 * DOC: Shell
 *
 * Mirrors the shells that `kubectl exec POD -- sh -c '…'` meets: busybox
 * ash (busybox, Alpine: netshoot, agnhost, curlimages/curl), dash (Debian:
 * nginx) and GNU bash.  Sources checked: POSIX.1-2017 XCU chapter 2 (the
 * grammar, word expansion order, field splitting on IFS white space,
 * command search giving 127); busybox shell/ash.c (raise_error_unexpected_
 * syntax: "syntax error: unexpected %s (expecting %s)", token names
 * "end of file", "newline", "word" or the quoted token; "%s: not found");
 * dash src/parser.c and src/error.c ("%s: %d: Syntax error: %s unexpected
 * (expecting %s)", "Unterminated quoted string", "%s: %d: %s: not found");
 * bash 5.2 ("bash: -c: line 1: syntax error near unexpected token `done'",
 * "bash: line 1: x: command not found").  dash's echo always interprets
 * backslash escapes and knows no -e (so `echo -e 'a\n'` prints "-e a");
 * ash's and bash's take -n, -e and -E.  The filters follow GNU coreutils
 * and grep on Debian images and busybox on the others: `uniq -c` prints the
 * count as "%7d " in both; `wc` with one count on standard input prints
 * the bare number in both, with several GNU pads each count to 7 columns and
 * busybox to 9; `sort` compares bytes (the C locale of a kubectl exec, which
 * passes no LANG), -n sorts by the leading number with the whole line as the
 * last resort, as GNU does.  A program the image lacks, run without a shell,
 * fails as runc reports it ("exec: \"x\": executable file not found in
 * $PATH") with status 126.
 *
 * The interpreter is a machine over an explicit stack of frames, one per
 * running construct (shell, subshell, list, and-or, pipeline, command,
 * loop, expansion), so that a command waiting for the network (curl) or the
 * clock (sleep) simply leaves its frame on the stack until the event
 * arrives.  Parsing is done first, one complete command (line) at a time as
 * dash and ash do: lines before a syntax error still run.
 *
 * Simplified: no pathname expansion (globs stay as typed), no here-documents,
 * case, functions, `read`, traps, job control or background `&` (it runs in
 * the foreground); `${VAR:-word}` and `${VAR-word}` take a literal word;
 * pipeline stages run one after another; loops stop after 100000
 * iterations with a note on standard error; variable assignments before a
 * command are not exported to it. */
#include <config.h>
#include "models/shell.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/tools.h"

/*****************************************************************************
 * The syntax tree.
 *****************************************************************************/

typedef struct Node Node;

typedef enum {
    PART_LIT,                    /* literal text (quoted or not) */
    PART_VAR,                    /* $name, ${name…}, $?, $#, $1 */
    PART_CMD,                    /* $(…) or `…` */
    PART_ARITH,                  /* $((…)) */
} PartKind;

typedef struct Part {
    PartKind kind;
    gboolean quoted;             /* inside double (or single) quotes: no field splitting */
    char *text;                  /* literal, variable name (with any :- word), expression */
    Node *cmd;                   /* PART_CMD: the command list */
} Part;

typedef struct Word {
    GPtrArray *parts;            /* Part * */
    char *raw;                   /* the source text, for keywords and messages */
    gboolean plain;              /* no quotes, escapes or expansions */
} Word;

typedef enum {
    REDIR_OUT,                   /* [n]> */
    REDIR_APPEND,                /* [n]>> */
    REDIR_IN,                    /* [n]< */
    REDIR_DUP,                   /* [n]>&m, [n]<&m */
} RedirKind;

typedef struct Redir {
    RedirKind kind;
    int fd;
    Word *target;
} Redir;

typedef struct Assign {
    char *name;
    Word *value;
} Assign;

typedef enum {
    N_SIMPLE, N_PIPELINE, N_ANDOR, N_LIST, N_FOR, N_IF, N_WHILE, N_UNTIL, N_GROUP, N_SUBSHELL,
} NodeKind;

enum { OP_AND, OP_OR };

struct Node {
    NodeKind kind;
    GPtrArray *kids;             /* Node *: list items, and-or items, stages, if's
                                  * cond/body pairs then else, while's cond and body */
    GArray *ops;                 /* N_ANDOR: OP_AND / OP_OR between kids */
    gboolean bang;               /* N_PIPELINE: `! pipeline` */
    gboolean has_else;           /* N_IF */
    GPtrArray *words;            /* N_SIMPLE words; N_FOR words after `in` (NULL: "$@") */
    GPtrArray *assigns;          /* N_SIMPLE: Assign * */
    GPtrArray *redirs;           /* Redir *, on any command */
    char *var;                   /* N_FOR */
    Node *body;                  /* N_FOR, N_GROUP, N_SUBSHELL */
    int line;                    /* where it starts, 1-based */
};

static void node_free(Node *node);

static void
part_free(Part *part)
{
    g_free(part->text);
    if (part->cmd != NULL)
        node_free(part->cmd);
    g_free(part);
}

static void
word_free(Word *word)
{
    if (word == NULL)
        return;
    g_ptr_array_unref(word->parts);
    g_free(word->raw);
    g_free(word);
}

static Word *
word_new(void)
{
    Word *word = g_new0(Word, 1);

    word->parts = g_ptr_array_new_with_free_func((GDestroyNotify) part_free);
    word->plain = TRUE;
    return word;
}

static void
redir_free(Redir *redir)
{
    word_free(redir->target);
    g_free(redir);
}

static void
assign_free(Assign *assign)
{
    g_free(assign->name);
    word_free(assign->value);
    g_free(assign);
}

static Node *
node_new(NodeKind kind, int line)
{
    Node *node = g_new0(Node, 1);

    node->kind = kind;
    node->line = line;
    node->kids = g_ptr_array_new_with_free_func((GDestroyNotify) node_free);
    node->redirs = g_ptr_array_new_with_free_func((GDestroyNotify) redir_free);
    return node;
}

static void
node_free(Node *node)
{
    if (node == NULL)
        return;
    g_ptr_array_unref(node->kids);
    if (node->ops != NULL)
        g_array_unref(node->ops);
    if (node->words != NULL)
        g_ptr_array_unref(node->words);
    if (node->assigns != NULL)
        g_ptr_array_unref(node->assigns);
    g_ptr_array_unref(node->redirs);
    g_free(node->var);
    node_free(node->body);
    g_free(node);
}

/*****************************************************************************
 * Lexer.
 *****************************************************************************/

typedef enum {
    T_EOF, T_WORD, T_NEWLINE, T_SEMI, T_DSEMI, T_AMP, T_AND, T_OR, T_PIPE,
    T_LPAREN, T_RPAREN, T_REDIR,
} TokKind;

typedef struct Token {
    TokKind kind;
    Word *word;                  /* T_WORD; owned by the token until taken */
    RedirKind redir;             /* T_REDIR */
    int fd;                      /* T_REDIR: the descriptor (default 0 or 1) */
    int line;
} Token;

/* A syntax error as the shells describe it. */
typedef struct SyntaxError {
    gboolean set;
    char unterminated;           /* what ran out unclosed (lex_unterminated()), or 0 */
    char *token;                 /* ash/dash name: "end of file", "newline", "\"done\"" */
    char *bash_token;            /* bash: "done", "newline", ";"; NULL at end of file */
    char *expecting;             /* "\"done\"", or NULL */
    int line;
} SyntaxError;

typedef struct Lexer {
    const char *s;
    gsize pos;
    gsize len;
    int line;
    Token peek;
    gboolean peeked;
    SyntaxError *error;
} Lexer;

static void
syntax_error_clear(SyntaxError *error)
{
    g_free(error->token);
    g_free(error->bash_token);
    g_free(error->expecting);
    memset(error, 0, sizeof(*error));
}

static Node *parse_program(const char *text, gsize len, int first_line, SyntaxError *error);

static gboolean
is_meta(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '<' || c == '>' || c == '(' || c == ')' || c == '\0';
}

static gboolean
is_name_start(char c)
{
    return g_ascii_isalpha(c) || c == '_';
}

static gboolean
is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

/* What ran to the end of the script unclosed: a quote (\' or \"), $( ('('),
 * $(( ('A'), ${ ('{') or a backquote. */
static void
lex_unterminated(Lexer *lx, char what)
{
    if (!lx->error->set) {
        lx->error->set = TRUE;
        lx->error->unterminated = what;
        lx->error->line = lx->line;
    }
}

static void
add_lit(Word *word, GString *lit, gboolean quoted)
{
    Part *part;

    if (lit->len == 0 && !quoted)
        return;
    part = g_new0(Part, 1);
    part->kind = PART_LIT;
    part->quoted = quoted;
    part->text = g_strndup(lit->str, lit->len);
    g_ptr_array_add(word->parts, part);
    g_string_truncate(lit, 0);
}

/* Finds the ')' closing a '$(' whose body starts at 'start'; returns its
 * index or -1.  'depth' counts open parentheses; quotes are skipped. */
static gssize
find_close_paren(const char *s, gsize len, gsize start, int depth)
{
    for (gsize i = start; i < len; i++) {
        char c = s[i];

        if (c == '\\' && i + 1 < len) {
            i++;
        } else if (c == '\'') {
            const char *end = memchr(s + i + 1, '\'', len - i - 1);

            if (end == NULL)
                return -1;
            i = end - s;
        } else if (c == '"') {
            for (i++; i < len && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            if (i >= len)
                return -1;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                return (gssize) i;
        }
    }
    return -1;
}

/* Reads an expansion after '$' at lx->pos (which points past the '$'). */
static gboolean
lex_dollar(Lexer *lx, Word *word, gboolean quoted)
{
    const char *s = lx->s;
    Part *part;
    char c = lx->pos < lx->len ? s[lx->pos] : '\0';

    word->plain = FALSE;
    if (c == '(' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '(') {
        /* $(( expression )) */
        gssize close = find_close_paren(s, lx->len, lx->pos, 0);

        if (close < 0 || s[close - 1] != ')') {
            lex_unterminated(lx, 'A');
            return FALSE;
        }
        part = g_new0(Part, 1);
        part->kind = PART_ARITH;
        part->quoted = quoted;
        part->text = g_strndup(s + lx->pos + 2, close - 1 - (lx->pos + 2));
        lx->pos = close + 1;
        g_ptr_array_add(word->parts, part);
        return TRUE;
    }
    if (c == '(') {
        gssize close = find_close_paren(s, lx->len, lx->pos, 0);
        SyntaxError inner = { 0 };
        Node *cmd;

        if (close < 0) {
            lex_unterminated(lx, '(');
            return FALSE;
        }
        cmd = parse_program(s + lx->pos + 1, close - lx->pos - 1, lx->line, &inner);
        if (inner.set) {
            if (!lx->error->set)
                *lx->error = inner;
            else
                syntax_error_clear(&inner);
            node_free(cmd);
            return FALSE;
        }
        for (gsize i = lx->pos; i < (gsize) close; i++)
            if (s[i] == '\n')
                lx->line++;
        part = g_new0(Part, 1);
        part->kind = PART_CMD;
        part->quoted = quoted;
        part->cmd = cmd;
        lx->pos = close + 1;
        g_ptr_array_add(word->parts, part);
        return TRUE;
    }
    part = g_new0(Part, 1);
    part->kind = PART_VAR;
    part->quoted = quoted;
    if (c == '{') {
        const char *end = memchr(s + lx->pos, '}', lx->len - lx->pos);

        if (end == NULL) {
            g_free(part);
            lex_unterminated(lx, '{');
            return FALSE;
        }
        part->text = g_strndup(s + lx->pos + 1, end - (s + lx->pos + 1));
        lx->pos = end - s + 1;
    } else if (is_name_start(c)) {
        gsize start = lx->pos;

        while (lx->pos < lx->len && is_name_char(s[lx->pos]))
            lx->pos++;
        part->text = g_strndup(s + start, lx->pos - start);
    } else if (g_ascii_isdigit(c) || (c != '\0' && strchr("?#@*$!-", c) != NULL)) {
        part->text = g_strndup(s + lx->pos, 1);
        lx->pos++;
    } else {
        /* A lone '$' is literal. */
        part->kind = PART_LIT;
        part->text = g_strdup("$");
    }
    g_ptr_array_add(word->parts, part);
    return TRUE;
}

/* Reads one word starting at lx->pos; NULL on error. */
static Word *
lex_word(Lexer *lx)
{
    const char *s = lx->s;
    gsize start = lx->pos;
    Word *word = word_new();
    g_autoptr(GString) lit = g_string_new(NULL);

    while (lx->pos < lx->len && !is_meta(s[lx->pos])) {
        char c = s[lx->pos];

        if (c == '\\') {
            word->plain = FALSE;
            if (lx->pos + 1 >= lx->len) {   /* escaping nothing: kept, as all three shells do */
                g_string_append_c(lit, '\\');
                lx->pos++;
                continue;
            }
            if (s[lx->pos + 1] == '\n') {          /* line continuation */
                lx->line++;
                lx->pos += 2;
                continue;
            }
            add_lit(word, lit, FALSE);
            g_string_append_c(lit, s[lx->pos + 1]);
            add_lit(word, lit, TRUE);
            lx->pos += 2;
        } else if (c == '\'') {
            const char *end = memchr(s + lx->pos + 1, '\'', lx->len - lx->pos - 1);

            word->plain = FALSE;
            if (end == NULL) {
                lex_unterminated(lx, '\'');
                word_free(word);
                return NULL;
            }
            add_lit(word, lit, FALSE);
            g_string_append_len(lit, s + lx->pos + 1, end - (s + lx->pos + 1));
            for (const char *p = s + lx->pos + 1; p < end; p++)
                if (*p == '\n')
                    lx->line++;
            add_lit(word, lit, TRUE);
            lx->pos = end - s + 1;
        } else if (c == '"') {
            word->plain = FALSE;
            add_lit(word, lit, FALSE);
            lx->pos++;
            /* An empty "" still makes a field. */
            {
                Part *empty = g_new0(Part, 1);

                empty->kind = PART_LIT;
                empty->quoted = TRUE;
                empty->text = g_strdup("");
                g_ptr_array_add(word->parts, empty);
            }
            while (lx->pos < lx->len && s[lx->pos] != '"') {
                char d = s[lx->pos];

                if (d == '\\' && lx->pos + 1 < lx->len &&
                    strchr("$`\"\\\n", s[lx->pos + 1]) != NULL) {
                    if (s[lx->pos + 1] != '\n')
                        g_string_append_c(lit, s[lx->pos + 1]);
                    else
                        lx->line++;
                    lx->pos += 2;
                } else if (d == '$') {
                    add_lit(word, lit, TRUE);
                    lx->pos++;
                    if (!lex_dollar(lx, word, TRUE)) {
                        word_free(word);
                        return NULL;
                    }
                } else if (d == '`') {
                    const char *end = memchr(s + lx->pos + 1, '`', lx->len - lx->pos - 1);
                    SyntaxError inner = { 0 };
                    Part *part;

                    if (end == NULL) {
                        lex_unterminated(lx, '`');
                        word_free(word);
                        return NULL;
                    }
                    add_lit(word, lit, TRUE);
                    part = g_new0(Part, 1);
                    part->kind = PART_CMD;
                    part->quoted = TRUE;
                    part->cmd = parse_program(s + lx->pos + 1, end - (s + lx->pos + 1), lx->line,
                                              &inner);
                    syntax_error_clear(&inner);
                    g_ptr_array_add(word->parts, part);
                    lx->pos = end - s + 1;
                } else {
                    if (d == '\n')
                        lx->line++;
                    g_string_append_c(lit, d);
                    lx->pos++;
                }
            }
            if (lx->pos >= lx->len) {
                lex_unterminated(lx, '"');
                word_free(word);
                return NULL;
            }
            add_lit(word, lit, TRUE);
            lx->pos++;
        } else if (c == '$') {
            add_lit(word, lit, FALSE);
            lx->pos++;
            if (!lex_dollar(lx, word, FALSE)) {
                word_free(word);
                return NULL;
            }
        } else if (c == '`') {
            const char *end = memchr(s + lx->pos + 1, '`', lx->len - lx->pos - 1);
            SyntaxError inner = { 0 };
            Part *part;

            word->plain = FALSE;
            if (end == NULL) {
                lex_unterminated(lx, '`');
                word_free(word);
                return NULL;
            }
            add_lit(word, lit, FALSE);
            part = g_new0(Part, 1);
            part->kind = PART_CMD;
            part->cmd = parse_program(s + lx->pos + 1, end - (s + lx->pos + 1), lx->line, &inner);
            syntax_error_clear(&inner);
            g_ptr_array_add(word->parts, part);
            lx->pos = end - s + 1;
        } else {
            g_string_append_c(lit, c);
            lx->pos++;
        }
    }
    add_lit(word, lit, FALSE);
    word->raw = g_strndup(s + start, lx->pos - start);
    return word;
}

static void
token_clear(Token *token)
{
    word_free(token->word);
    token->word = NULL;
}

/* An operator of one character, or 'doubled' when the same character
 * follows ("&&", "||", ";;"). */
static gboolean
lex_operator(Lexer *lx, Token *token, int single, int doubled)
{
    char c = lx->s[lx->pos++];

    token->kind = single;
    if (lx->pos < lx->len && lx->s[lx->pos] == c) {
        lx->pos++;
        token->kind = doubled;
    }
    return TRUE;
}

/* Reads the next token into 'token'. */
static gboolean
lex_next(Lexer *lx, Token *token)
{
    const char *s = lx->s;

    memset(token, 0, sizeof(*token));
    for (;;) {
        while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t'))
            lx->pos++;
        if (lx->pos + 1 < lx->len && s[lx->pos] == '\\' && s[lx->pos + 1] == '\n') {
            lx->pos += 2;
            lx->line++;
            continue;
        }
        if (lx->pos < lx->len && s[lx->pos] == '#') {
            while (lx->pos < lx->len && s[lx->pos] != '\n')
                lx->pos++;
        }
        break;
    }
    token->line = lx->line;
    if (lx->pos >= lx->len) {
        token->kind = T_EOF;
        return TRUE;
    }
    switch (s[lx->pos]) {
    case '\n':
        lx->pos++;
        lx->line++;
        token->kind = T_NEWLINE;
        return TRUE;
    case ';':
        return lex_operator(lx, token, T_SEMI, T_DSEMI);
    case '&':
        return lex_operator(lx, token, T_AMP, T_AND);
    case '|':
        return lex_operator(lx, token, T_PIPE, T_OR);
    case '(':
        lx->pos++;
        token->kind = T_LPAREN;
        return TRUE;
    case ')':
        lx->pos++;
        token->kind = T_RPAREN;
        return TRUE;
    default:
        break;
    }
    /* [n]> [n]>> [n]< [n]>& [n]<& */
    {
        gsize p = lx->pos;
        int fd = -1;

        if (g_ascii_isdigit(s[p]) && p + 1 < lx->len && (s[p + 1] == '>' || s[p + 1] == '<')) {
            fd = s[p] - '0';
            p++;
        }
        if (s[p] == '>' || s[p] == '<') {
            gboolean out = s[p] == '>';

            token->kind = T_REDIR;
            token->fd = fd >= 0 ? fd : (out ? 1 : 0);
            p++;
            if (out && p < lx->len && s[p] == '>') {
                token->redir = REDIR_APPEND;
                p++;
            } else if (p < lx->len && s[p] == '&') {
                token->redir = REDIR_DUP;
                p++;
            } else {
                token->redir = out ? REDIR_OUT : REDIR_IN;
            }
            lx->pos = p;
            return TRUE;
        }
    }
    token->kind = T_WORD;
    token->word = lex_word(lx);
    return token->word != NULL;
}

static Token *
peek(Lexer *lx)
{
    if (!lx->peeked) {
        if (!lex_next(lx, &lx->peek))
            lx->peek.kind = T_EOF;
        lx->peeked = TRUE;
    }
    return &lx->peek;
}

/* Takes the peeked token; the caller owns its word. */
static Token
take(Lexer *lx)
{
    Token token = *peek(lx);

    lx->peeked = FALSE;
    return token;
}

static void
drop(Lexer *lx)
{
    Token token = take(lx);

    token_clear(&token);
}

/*****************************************************************************
 * Parser.
 *****************************************************************************/

static gboolean
is_keyword(const Token *token, const char *keyword)
{
    return token->kind == T_WORD && token->word->plain && strcmp(token->word->raw, keyword) == 0;
}

/* Reserved words that end a list rather than start a command. */
static gboolean
is_closer(const Token *token)
{
    static const char *const closers[] = { "done", "fi", "then", "else", "elif", "do", "}",
                                           "esac", NULL };

    if (token->kind != T_WORD || !token->word->plain)
        return FALSE;
    for (guint i = 0; closers[i] != NULL; i++)
        if (strcmp(token->word->raw, closers[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
can_start_command(const Token *token)
{
    if (token->kind == T_WORD)
        return !is_closer(token);
    return token->kind == T_REDIR || token->kind == T_LPAREN;
}

/* Records "unexpected TOKEN (expecting EXPECT)" unless an error is set. */
static void
unexpected(Lexer *lx, const char *expecting)
{
    SyntaxError *error = lx->error;
    Token *token;

    if (error->set)
        return;
    token = peek(lx);
    if (error->set)
        return;                              /* the lexer found an unterminated quote */
    error->set = TRUE;
    error->line = token->line;
    error->expecting = expecting != NULL ? g_strdup_printf("\"%s\"", expecting) : NULL;
    switch (token->kind) {
    case T_EOF:
        error->token = g_strdup("end of file");
        break;
    case T_NEWLINE:
        error->token = g_strdup("newline");
        error->bash_token = g_strdup("newline");
        break;
    case T_WORD:
        if (token->word->plain && (is_closer(token) || strcmp(token->word->raw, "in") == 0 ||
                                   strcmp(token->word->raw, "{") == 0 ||
                                   strcmp(token->word->raw, "for") == 0 ||
                                   strcmp(token->word->raw, "if") == 0 ||
                                   strcmp(token->word->raw, "while") == 0))
            error->token = g_strdup_printf("\"%s\"", token->word->raw);
        else
            error->token = g_strdup("word");
        error->bash_token = g_strdup(token->word->raw);
        break;
    default: {
        static const char *const names[] = {
            [T_SEMI] = ";", [T_DSEMI] = ";;", [T_AMP] = "&", [T_AND] = "&&", [T_OR] = "||",
            [T_PIPE] = "|", [T_LPAREN] = "(", [T_RPAREN] = ")",
        };
        const char *name = token->kind == T_REDIR ? "redirection" : names[token->kind];

        error->token = g_strdup_printf("\"%s\"", name);
        error->bash_token = g_strdup(token->kind == T_REDIR ? ">" : name);
        break;
    }
    }
}

static Node *parse_list(Lexer *lx, gboolean top);
static Node *parse_command(Lexer *lx);

static void
skip_newlines(Lexer *lx)
{
    while (!lx->error->set && peek(lx)->kind == T_NEWLINE)
        drop(lx);
}

/* Expects the reserved word 'keyword' and consumes it. */
static gboolean
expect_keyword(Lexer *lx, const char *keyword)
{
    if (lx->error->set)
        return FALSE;
    if (!is_keyword(peek(lx), keyword)) {
        unexpected(lx, keyword);
        return FALSE;
    }
    drop(lx);
    return TRUE;
}

static gboolean
parse_redirs(Lexer *lx, Node *node)
{
    while (!lx->error->set && peek(lx)->kind == T_REDIR) {
        Token op = take(lx);
        Redir *redir;
        Token target;

        if (peek(lx)->kind != T_WORD) {
            unexpected(lx, NULL);
            return FALSE;
        }
        target = take(lx);
        redir = g_new0(Redir, 1);
        redir->kind = op.redir;
        redir->fd = op.fd;
        redir->target = target.word;
        g_ptr_array_add(node->redirs, redir);
    }
    return !lx->error->set;
}

/* NAME=VALUE at the start of a simple command: the assignment, or NULL. */
static Assign *
word_assignment(Word *word)
{
    Part *first;
    const char *eq;
    Assign *assign;
    Word *value;

    if (word->parts->len == 0)
        return NULL;
    first = g_ptr_array_index(word->parts, 0);
    if (first->kind != PART_LIT || first->quoted || !is_name_start(first->text[0]))
        return NULL;
    eq = strchr(first->text, '=');
    if (eq == NULL)
        return NULL;
    for (const char *p = first->text; p < eq; p++)
        if (!is_name_char(*p))
            return NULL;
    assign = g_new0(Assign, 1);
    assign->name = g_strndup(first->text, eq - first->text);
    value = word_new();
    value->raw = g_strdup(strchr(word->raw, '=') + 1);
    if (eq[1] != '\0') {
        Part *rest = g_new0(Part, 1);

        rest->kind = PART_LIT;
        rest->text = g_strdup(eq + 1);
        g_ptr_array_add(value->parts, rest);
    }
    for (guint i = 1; i < word->parts->len; i++)
        g_ptr_array_add(value->parts, g_ptr_array_index(word->parts, i));
    g_ptr_array_set_free_func(word->parts, NULL);
    g_ptr_array_remove_range(word->parts, 1, word->parts->len - 1);
    g_ptr_array_set_free_func(word->parts, (GDestroyNotify) part_free);
    assign->value = value;
    return assign;
}

static Node *
parse_simple(Lexer *lx)
{
    Node *node = node_new(N_SIMPLE, peek(lx)->line);

    node->words = g_ptr_array_new_with_free_func((GDestroyNotify) word_free);
    node->assigns = g_ptr_array_new_with_free_func((GDestroyNotify) assign_free);
    for (;;) {
        Token *token = peek(lx);

        if (lx->error->set)
            break;
        if (token->kind == T_REDIR) {
            if (!parse_redirs(lx, node))
                break;
        } else if (token->kind == T_WORD) {
            Token word = take(lx);
            Assign *assign = node->words->len == 0 ? word_assignment(word.word) : NULL;

            if (assign != NULL) {
                g_ptr_array_add(node->assigns, assign);
                word_free(word.word);
            } else {
                g_ptr_array_add(node->words, word.word);
            }
        } else {
            break;
        }
    }
    if (lx->error->set) {
        node_free(node);
        return NULL;
    }
    return node;
}

static Node *
parse_for(Lexer *lx)
{
    Node *node = node_new(N_FOR, peek(lx)->line);
    Token name;

    drop(lx);                                 /* for */
    if (peek(lx)->kind != T_WORD || !peek(lx)->word->plain ||
        !is_name_start(peek(lx)->word->raw[0])) {
        unexpected(lx, NULL);
        node_free(node);
        return NULL;
    }
    name = take(lx);
    node->var = g_strdup(name.word->raw);
    token_clear(&name);
    skip_newlines(lx);
    if (is_keyword(peek(lx), "in")) {
        drop(lx);
        node->words = g_ptr_array_new_with_free_func((GDestroyNotify) word_free);
        while (!lx->error->set && peek(lx)->kind == T_WORD) {
            Token word = take(lx);

            g_ptr_array_add(node->words, word.word);
        }
        if (peek(lx)->kind != T_SEMI && peek(lx)->kind != T_NEWLINE) {
            unexpected(lx, "do");
            node_free(node);
            return NULL;
        }
        drop(lx);
    } else if (peek(lx)->kind == T_SEMI) {
        drop(lx);
    }
    skip_newlines(lx);
    if (!expect_keyword(lx, "do")) {
        node_free(node);
        return NULL;
    }
    node->body = parse_list(lx, FALSE);
    if (node->body == NULL || !expect_keyword(lx, "done")) {
        node_free(node);
        return NULL;
    }
    return node;
}

static Node *
parse_if(Lexer *lx)
{
    Node *node = node_new(N_IF, peek(lx)->line);

    drop(lx);                                 /* if */
    for (;;) {
        Node *cond = parse_list(lx, FALSE);
        Node *body;

        if (cond == NULL || !expect_keyword(lx, "then")) {
            node_free(cond);
            node_free(node);
            return NULL;
        }
        body = parse_list(lx, FALSE);
        if (body == NULL) {
            node_free(cond);
            node_free(node);
            return NULL;
        }
        g_ptr_array_add(node->kids, cond);
        g_ptr_array_add(node->kids, body);
        if (is_keyword(peek(lx), "elif")) {
            drop(lx);
            continue;
        }
        if (is_keyword(peek(lx), "else")) {
            Node *otherwise;

            drop(lx);
            otherwise = parse_list(lx, FALSE);
            if (otherwise == NULL) {
                node_free(node);
                return NULL;
            }
            g_ptr_array_add(node->kids, otherwise);
            node->has_else = TRUE;
        }
        break;
    }
    if (!expect_keyword(lx, "fi")) {
        node_free(node);
        return NULL;
    }
    return node;
}

static Node *
parse_while(Lexer *lx, NodeKind kind)
{
    Node *node = node_new(kind, peek(lx)->line);
    Node *cond, *body;

    drop(lx);                                 /* while / until */
    cond = parse_list(lx, FALSE);
    if (cond == NULL || !expect_keyword(lx, "do")) {
        node_free(cond);
        node_free(node);
        return NULL;
    }
    g_ptr_array_add(node->kids, cond);
    body = parse_list(lx, FALSE);
    if (body == NULL || !expect_keyword(lx, "done")) {
        node_free(body);
        node_free(node);
        return NULL;
    }
    g_ptr_array_add(node->kids, body);
    return node;
}

/* Commands nested deeper than this (subshells, groups, if, while, $(…))
 * are a syntax error at the token that goes too deep: the parser, the
 * executor and the frees all recurse once per level, and 100,000 levels
 * would overflow the stack (dash itself would crash). */
#define MAX_NESTING 512

static __thread guint nesting;

static Node *parse_command_nested(Lexer *lx);

static Node *
parse_command(Lexer *lx)
{
    Node *node;

    if (nesting >= MAX_NESTING) {
        unexpected(lx, NULL);
        return NULL;
    }
    nesting++;
    node = parse_command_nested(lx);
    nesting--;
    return node;
}

static Node *
parse_command_nested(Lexer *lx)
{
    Token *token = peek(lx);
    Node *node;

    if (lx->error->set)
        return NULL;
    if (is_keyword(token, "for")) {
        node = parse_for(lx);
    } else if (is_keyword(token, "if")) {
        node = parse_if(lx);
    } else if (is_keyword(token, "while")) {
        node = parse_while(lx, N_WHILE);
    } else if (is_keyword(token, "until")) {
        node = parse_while(lx, N_UNTIL);
    } else if (is_keyword(token, "{")) {
        node = node_new(N_GROUP, token->line);
        drop(lx);
        node->body = parse_list(lx, FALSE);
        if (node->body == NULL || !expect_keyword(lx, "}")) {
            node_free(node);
            return NULL;
        }
    } else if (token->kind == T_LPAREN) {
        node = node_new(N_SUBSHELL, token->line);
        drop(lx);
        node->body = parse_list(lx, FALSE);
        if (node->body == NULL || peek(lx)->kind != T_RPAREN) {
            unexpected(lx, ")");
            node_free(node);
            return NULL;
        }
        drop(lx);
    } else if (can_start_command(token)) {
        return parse_simple(lx);
    } else {
        unexpected(lx, NULL);
        return NULL;
    }
    if (node == NULL || !parse_redirs(lx, node)) {
        node_free(node);
        return NULL;
    }
    return node;
}

static Node *
parse_pipeline(Lexer *lx)
{
    Node *node = node_new(N_PIPELINE, peek(lx)->line);

    if (is_keyword(peek(lx), "!")) {
        drop(lx);
        node->bang = TRUE;
    }
    for (;;) {
        Node *command;

        if (!can_start_command(peek(lx))) {
            unexpected(lx, NULL);
            node_free(node);
            return NULL;
        }
        command = parse_command(lx);
        if (command == NULL) {
            node_free(node);
            return NULL;
        }
        g_ptr_array_add(node->kids, command);
        if (peek(lx)->kind != T_PIPE)
            break;
        drop(lx);
        skip_newlines(lx);
    }
    return node;
}

static Node *
parse_andor(Lexer *lx)
{
    Node *node = node_new(N_ANDOR, peek(lx)->line);

    node->ops = g_array_new(FALSE, FALSE, sizeof(int));
    for (;;) {
        Node *pipeline = parse_pipeline(lx);
        int op;

        if (pipeline == NULL) {
            node_free(node);
            return NULL;
        }
        g_ptr_array_add(node->kids, pipeline);
        if (peek(lx)->kind == T_AND)
            op = OP_AND;
        else if (peek(lx)->kind == T_OR)
            op = OP_OR;
        else
            break;
        g_array_append_val(node->ops, op);
        drop(lx);
        skip_newlines(lx);
    }
    return node;
}

/* A list of and-or lists separated by ';', '&' or newlines.  At the top
 * level it ends at the first newline (one complete command). */
static Node *
parse_list(Lexer *lx, gboolean top)
{
    Node *node;

    if (!top)
        skip_newlines(lx);
    node = node_new(N_LIST, peek(lx)->line);
    for (;;) {
        Token *token = peek(lx);
        Node *andor;

        if (lx->error->set) {
            node_free(node);
            return NULL;
        }
        if (!can_start_command(token)) {
            /* An empty list at the end of the text is left to the caller,
             * which reports what it expected ("done", "fi"). */
            if (node->kids->len == 0 && !(token->kind == T_EOF && !top)) {
                unexpected(lx, NULL);
                node_free(node);
                return NULL;
            }
            break;
        }
        andor = parse_andor(lx);
        if (andor == NULL) {
            node_free(node);
            return NULL;
        }
        g_ptr_array_add(node->kids, andor);
        token = peek(lx);
        if (token->kind == T_SEMI || token->kind == T_AMP) {
            drop(lx);
            if (top && peek(lx)->kind == T_NEWLINE)
                break;
            if (!top)
                skip_newlines(lx);
        } else if (token->kind == T_NEWLINE) {
            if (top)
                break;
            skip_newlines(lx);
        } else {
            break;
        }
    }
    return node;
}

/* Parses 'text' into one N_LIST of every complete command.  On a syntax
 * error 'error' is set and the list holds the commands before the line of
 * the error (they run before the shell reports it). */
static Node *
parse_program(const char *text, gsize len, int first_line, SyntaxError *error)
{
    Lexer lx = { .s = text, .len = len, .line = first_line, .error = error };
    Node *program = node_new(N_LIST, first_line);

    for (;;) {
        Node *unit;

        skip_newlines(&lx);
        if (error->set || peek(&lx)->kind == T_EOF)
            break;
        unit = parse_list(&lx, TRUE);
        if (unit == NULL)
            break;
        if (peek(&lx)->kind != T_NEWLINE && peek(&lx)->kind != T_EOF) {
            unexpected(&lx, NULL);
            node_free(unit);
            break;
        }
        /* Flatten: the program's items are the units' and-or lists. */
        for (guint i = 0; i < unit->kids->len; i++)
            g_ptr_array_add(program->kids, g_ptr_array_index(unit->kids, i));
        g_ptr_array_set_free_func(unit->kids, NULL);
        node_free(unit);
    }
    if (lx.peeked)
        token_clear(&lx.peek);
    return program;
}

/* The message 'flavour' prints for 'error'; new.  What an unclosed
 * construct reads as: dash src/parser.c ("Unterminated quoted string",
 * "Missing '}'", "Missing '))'", "EOF in backquote substitution", and an
 * unclosed $( as a missing ")"), busybox ash the same in lower case,
 * bash "unexpected EOF while looking for matching `X'" (checked with dash
 * 0.5.12, busybox 1.35 and bash 5.2). */
static char *
format_syntax_error(const SyntaxError *error, KnShFlavour flavour, const char *argv0)
{
    switch (flavour) {
    case KN_SH_DASH:
        switch (error->unterminated) {
        case 0:
            break;
        case '(':
            return g_strdup_printf("%s: %d: Syntax error: end of file unexpected (expecting \")\")\n", argv0,
                                   error->line);
        case 'A':
            return g_strdup_printf("%s: %d: Syntax error: Missing '))'\n", argv0, error->line);
        case '{':
            return g_strdup_printf("%s: %d: Syntax error: Missing '}'\n", argv0, error->line);
        case '`':
            return g_strdup_printf("%s: %d: Syntax error: EOF in backquote substitution\n", argv0, error->line);
        default:
            return g_strdup_printf("%s: %d: Syntax error: Unterminated quoted string\n", argv0,
                                   error->line);
        }
        if (error->expecting != NULL)
            return g_strdup_printf("%s: %d: Syntax error: %s unexpected (expecting %s)\n", argv0,
                                   error->line, error->token, error->expecting);
        return g_strdup_printf("%s: %d: Syntax error: %s unexpected\n", argv0, error->line,
                               error->token);
    case KN_SH_BASH:
        if (error->unterminated != 0) {
            char match = error->unterminated == '(' || error->unterminated == 'A' ? ')' : error->unterminated == '{'
                         ? '}' : error->unterminated;

            /* (bash reads on past an unclosed $( to the next line.) */
            return g_strdup_printf("%s: -c: line %d: unexpected EOF while looking for matching `%c'\n", argv0,
                                   error->line + (match == ')' ? 1 : 0), match);
        }
        if (error->bash_token == NULL)
            return g_strdup_printf("%s: -c: line %d: syntax error: unexpected end of file\n",
                                   argv0, error->line);
        return g_strdup_printf("%s: -c: line %d: syntax error near unexpected token `%s'\n",
                               argv0, error->line, error->bash_token);
    case KN_SH_ASH:
    case KN_SH_NONE:
    default:
        switch (error->unterminated) {
        case 0:
            break;
        case '(':
            return g_strdup_printf("%s: syntax error: unexpected end of file (expecting \")\")\n", argv0);
        case 'A':
            return g_strdup_printf("%s: syntax error: missing '))'\n", argv0);
        case '{':
            return g_strdup_printf("%s: syntax error: missing '}'\n", argv0);
        case '`':
            return g_strdup_printf("%s: syntax error: EOF in backquote substitution\n", argv0);
        default:
            return g_strdup_printf("%s: syntax error: unterminated quoted string\n", argv0);
        }
        if (error->expecting != NULL)
            return g_strdup_printf("%s: syntax error: unexpected %s (expecting %s)\n", argv0,
                                   error->token, error->expecting);
        return g_strdup_printf("%s: syntax error: unexpected %s\n", argv0, error->token);
    }
}

char *
kn_shell_syntax_error(const char *script, KnShFlavour flavour)
{
    SyntaxError error = { 0 };
    Node *program = parse_program(script, strlen(script), 1, &error);
    char *message = NULL;

    node_free(program);
    if (error.set) {
        message = format_syntax_error(&error, flavour, flavour == KN_SH_BASH ? "bash" : "sh");
        g_strchomp(message);
    }
    syntax_error_clear(&error);
    return message;
}

/*****************************************************************************
 * Shell state.
 *****************************************************************************/

typedef struct Env {
    GHashTable *vars;            /* name -> value, both owned */
    GPtrArray *exported;         /* char *: the names in the environment, in order; owned */
    GPtrArray *params;           /* $0, $1, …: char *, owned */
    int status;                  /* $? */
    KnShFlavour flavour;         /* the shell running; KN_SH_NONE: no shell (exec) */
    char *argv0;                 /* for messages: "sh", "/bin/sh", "bash" */
    int line;                    /* the line of the command running (dash, bash) */
} Env;

static Env *
env_new(KnShFlavour flavour, const char *argv0)
{
    Env *env = g_new0(Env, 1);

    env->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    env->exported = g_ptr_array_new_with_free_func(g_free);
    env->params = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(env->params, g_strdup(argv0));
    env->flavour = flavour;
    env->argv0 = g_strdup(argv0);
    env->line = 1;
    return env;
}

static Env *
env_copy(const Env *env)
{
    Env *copy = env_new(env->flavour, env->argv0);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, env->vars);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_hash_table_insert(copy->vars, g_strdup(key), g_strdup(value));
    for (guint i = 0; i < env->exported->len; i++)
        g_ptr_array_add(copy->exported, g_strdup(env->exported->pdata[i]));
    g_ptr_array_set_size(copy->params, 0);
    for (guint i = 0; i < env->params->len; i++)
        g_ptr_array_add(copy->params, g_strdup(g_ptr_array_index(env->params, i)));
    copy->status = env->status;
    copy->line = env->line;
    return copy;
}

static void
env_free(Env *env)
{
    if (env == NULL)
        return;
    g_hash_table_unref(env->vars);
    g_ptr_array_unref(env->exported);
    g_ptr_array_unref(env->params);
    g_free(env->argv0);
    g_free(env);
}

/* Where a command reads and writes; all borrowed. */
typedef struct Io {
    GString *out;
    GString *err;
    GBytes *in;
} Io;

typedef enum {
    F_SHELL, F_SUBSHELL, F_LIST, F_ANDOR, F_PIPELINE, F_SIMPLE, F_FOR, F_IF, F_WHILE, F_GROUP,
    F_EXPAND, F_FAIL,
} FrameKind;

typedef struct Frame {
    FrameKind kind;
    Node *node;                  /* borrowed from the program, or the frame's own */
    int state;
    guint index;
    Io io;
    Env *saved_env;              /* F_SHELL, F_SUBSHELL: the env to restore */
    Env *own_env;                /* F_SHELL, F_SUBSHELL: the env they run in */
    Node *own_node;              /* F_SHELL: the parsed script */
    SyntaxError error;           /* F_SHELL: the script's syntax error, if any */
    GPtrArray *fields;           /* F_SIMPLE argv, F_FOR words: char *, owned */
    GPtrArray *values;           /* F_SIMPLE assignment values */
    GString *buf;                /* F_SUBSHELL: captured output, owned */
    GBytes *bytes;               /* F_PIPELINE: the previous stage's output */
    GBytes *redir_in;            /* input from `< file`, owned */
    gboolean capture;            /* F_SUBSHELL: hand 'buf' to the parent */
    gboolean no_shell;           /* F_SIMPLE: run as the runtime execs (no builtins) */
    int status;                  /* the status so far */
    /* F_EXPAND */
    GPtrArray *words;            /* Word *, borrowed */
    gboolean split;              /* field-split unquoted expansions */
    GPtrArray *cmd_parts;        /* Part *, borrowed: command substitutions in order */
    GPtrArray *captures;         /* char *: their outputs */
} Frame;

typedef struct KnShellRun {
    KnNetClient *where;
    const KnImage *image;
    KnShellOptions options;
    GPtrArray *stack;            /* Frame * */
    Env *env;                    /* the current env (owned by a frame or 'root_env') */
    Env *root_env;
    int ret;                     /* the status the last finished frame returned */
    gboolean exiting;            /* `exit` unwinds to the nearest shell or subshell */
    char *arith_error;           /* the message of a failed $((…)) being expanded, or NULL */
    gboolean waiting;            /* a tool or sleep is pending */
    gboolean sleeping;           /* what is pending is its own sleep, 'sleep_id' */
    KnEventId sleep_id;
    gboolean frozen;             /* kn_shell_freeze(): goes when it resumes */
    gboolean looping;
    gboolean finished;
    GPtrArray *fields;           /* the last expansion's result, for its parent */
    GBytes *captured;            /* the last capturing subshell's output */
    GHashTable *files;           /* path -> GString *: files written by this run */
    GString *devnull;            /* /dev/null */
    KnShellResult result;
    KnShellDone done;
    gpointer user_data;
} Run;

#define MAX_LOOP 100000
#define MAX_DEPTH 200

static void run_loop(Run *run);

static void
frame_free(Frame *frame)
{
    if (frame->own_env != NULL)
        env_free(frame->own_env);
    node_free(frame->own_node);
    syntax_error_clear(&frame->error);
    if (frame->fields != NULL)
        g_ptr_array_unref(frame->fields);
    if (frame->values != NULL)
        g_ptr_array_unref(frame->values);
    if (frame->buf != NULL)
        g_string_free(frame->buf, TRUE);
    if (frame->bytes != NULL)
        g_bytes_unref(frame->bytes);
    if (frame->redir_in != NULL)
        g_bytes_unref(frame->redir_in);
    if (frame->cmd_parts != NULL)
        g_ptr_array_unref(frame->cmd_parts);
    if (frame->captures != NULL)
        g_ptr_array_unref(frame->captures);
    g_free(frame);
}

static Frame *
frame_push(Run *run, FrameKind kind, Node *node, const Io *io)
{
    Frame *frame = g_new0(Frame, 1);

    frame->kind = kind;
    frame->node = node;
    frame->io = *io;
    g_ptr_array_add(run->stack, frame);
    return frame;
}

static Frame *
top(Run *run)
{
    return g_ptr_array_index(run->stack, run->stack->len - 1);
}

/* Ends the top frame with 'status'. */
static void
frame_return(Run *run, int status)
{
    Frame *frame = top(run);

    if (frame->saved_env != NULL)
        run->env = frame->saved_env;
    if (frame->capture) {
        g_clear_pointer(&run->captured, g_bytes_unref);
        run->captured = g_string_free_to_bytes(frame->buf);
        frame->buf = NULL;
    }
    if (frame->kind != F_EXPAND)
        run->env->status = status;
    run->ret = status;
    g_string_truncate(run->devnull, 0);
    g_ptr_array_steal_index(run->stack, run->stack->len - 1);
    frame_free(frame);
}

/*****************************************************************************
 * Files.
 *****************************************************************************/

/* The content of 'path' as the container has it; new or NULL. */
static GBytes *
read_file(Run *run, const char *path)
{
    GString *written = g_hash_table_lookup(run->files, path);

    if (written != NULL)
        return g_bytes_new(written->str, written->len);
    if (strcmp(path, "/dev/null") == 0)
        return g_bytes_new(NULL, 0);
    if (run->options.read_file != NULL) {
        GBytes *bytes = run->options.read_file(path, run->options.read_file_data);

        if (bytes != NULL)
            return bytes;
    }
    if (strcmp(path, "/etc/hostname") == 0) {
        g_autofree char *text = g_strdup_printf("%s\n", run->where->hostname != NULL
                                                        ? run->where->hostname : "localhost");

        return g_bytes_new(text, strlen(text));
    }
    return NULL;
}

/* read_file() for a tool (KnToolIo.read_file). */
static GBytes *
tool_read_file(const char *path, gpointer data)
{
    return read_file(data, path);
}

static GString *
open_for_write(Run *run, const char *path, gboolean append)
{
    GString *file;

    if (strcmp(path, "/dev/null") == 0)
        return run->devnull;
    if (strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/stderr") == 0)
        return NULL;
    file = g_hash_table_lookup(run->files, path);
    if (file == NULL) {
        file = g_string_new(NULL);
        g_hash_table_insert(run->files, g_strdup(path), file);
    } else if (!append) {
        g_string_truncate(file, 0);
    }
    return file;
}

/*****************************************************************************
 * Word expansion (after command substitutions have run).
 *****************************************************************************/

static const char *
var_value(Run *run, const char *name, char *scratch, gsize scratch_len)
{
    Env *env = run->env;

    if (strcmp(name, "?") == 0) {
        g_snprintf(scratch, scratch_len, "%d", env->status);
        return scratch;
    }
    if (strcmp(name, "#") == 0) {
        g_snprintf(scratch, scratch_len, "%u", env->params->len - 1);
        return scratch;
    }
    if (strcmp(name, "$") == 0)
        return "1";                              /* PID 1 is the container's process */
    if (g_ascii_isdigit(name[0])) {
        guint index = (guint) g_ascii_strtoull(name, NULL, 10);

        return index < env->params->len ? g_ptr_array_index(env->params, index) : NULL;
    }
    if (strcmp(name, "HOSTNAME") == 0 && !g_hash_table_contains(env->vars, name))
        return run->where->hostname;
    return g_hash_table_lookup(env->vars, name);
}

/* The value of a ${…} or $name part, with ${#V}, ${V:-w}, ${V-w}; new. */
static char *
expand_var(Run *run, const char *text)
{
    char scratch[32];
    const char *colon;

    if (strcmp(text, "@") == 0 || strcmp(text, "*") == 0) {
        GString *all = g_string_new(NULL);

        for (guint i = 1; i < run->env->params->len; i++) {
            if (i > 1)
                g_string_append_c(all, ' ');
            g_string_append(all, g_ptr_array_index(run->env->params, i));
        }
        return g_string_free(all, FALSE);
    }
    if (text[0] == '#' && text[1] != '\0') {
        const char *value = var_value(run, text + 1, scratch, sizeof(scratch));

        return g_strdup_printf("%zu", value != NULL ? strlen(value) : 0);
    }
    colon = strpbrk(text, ":-");
    if (colon != NULL && colon != text) {
        g_autofree char *name = g_strndup(text, colon - text);
        const char *value = var_value(run, name, scratch, sizeof(scratch));
        gboolean use_default = colon[0] == ':' ? (value == NULL || value[0] == '\0')
                                               : value == NULL;
        const char *word = colon[0] == ':' ? colon + 2 : colon + 1;

        if (colon[0] == ':' && colon[1] != '-')
            return g_strdup(value != NULL ? value : "");
        return g_strdup(use_default ? word : value);
    }
    {
        const char *value = var_value(run, text, scratch, sizeof(scratch));

        return g_strdup(value != NULL ? value : "");
    }
}

/* Arithmetic for $((…)): POSIX's C operators on 64-bit integers (XCU
 * 2.6.4) by precedence climbing: unary + - ! ~, then * / %, + -, << >>,
 * < <= > >=, == !=, &, ^, |, &&, ||, ?: and the assignments = *= /= %= += -=
 * <<= >>= &= ^= |= to a variable; ash and bash add ** (right to left).
 * The other side of && || ?: is parsed but not evaluated (no assignment
 * there, and no division by zero but in busybox).  A failure stops with what each shell says:
 * dash (src/arith_yacc.c yyerror: "arithmetic expression: %s: \"%s\"",
 * "expecting primary", "expecting EOF", "expecting ':'", "division by
 * zero"; a variable that is not a number is "Illegal number: %s"), busybox
 * ash (shell/math.c: "arithmetic syntax error", "divide by zero", "malformed
 * ?: operator") and bash ("division by 0", "syntax error: operand
 * expected", each with "(error token is \"%s\")").  The shell then exits,
 * 2 (bash 1), as an expansion error does. */
typedef enum {
    ARITH_OK,
    ARITH_PRIMARY,               /* an operand was expected */
    ARITH_EOF,                   /* text after the expression */
    ARITH_COLON,                 /* ?: without its : */
    ARITH_ZERO,                  /* division or remainder by 0 */
    ARITH_NUMBER,                /* a variable's value is not a number */
    ARITH_LITERAL,               /* a number that does not read ("08") */
    ARITH_DEEP,                  /* nested deeper than bash's MAX_EXPR_RECURSION_LEVEL */
} ArithError;

#define MAX_EXPR_DEPTH 1024

typedef struct Arith {
    Run *run;
    const char *text;            /* the whole expression */
    const char *p;
    ArithError error;
    const char *error_at;        /* bash's error token starts here */
    const char *last_token;      /* the last token read, for an error at the end */
    char *bad_number;            /* ARITH_NUMBER: the value; owned */
    guint depth;                 /* variables whose value names another */
    guint nest;                  /* parentheses, unary operators and assignments open */
} Arith;

static gint64 arith_ternary(Arith *a, gboolean live);

static void
arith_space(Arith *a)
{
    while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n')
        a->p++;
}

static void
arith_fail(Arith *a, ArithError error, const char *at)
{
    if (a->error != ARITH_OK)
        return;
    a->error = error;
    a->error_at = at;
}

/* A number as the shells read one: decimal, 0 octal, 0x hexadecimal, the
 * whole token; FALSE if 'text' is not one. */
static gboolean
arith_number(const char *text, gsize length, gint64 *value)
{
    g_autofree char *copy = g_strndup(text, length);
    char *end;

    if (length == 0)
        return FALSE;
    *value = (gint64) g_ascii_strtoull(copy, &end, 0);
    return *end == '\0';
}

static gint64
arith_variable(Arith *a, const char *name)
{
    char scratch[32];
    const char *value = var_value(a->run, name, scratch, sizeof(scratch));
    const char *v = value;
    gint64 number;

    if (value == NULL || *value == '\0')
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    if (arith_number(v[0] == '-' || v[0] == '+' ? v + 1 : v, strlen(v[0] == '-' || v[0] == '+' ? v + 1 : v),
                     &number))
        return v[0] == '-' ? (gint64) (0 - (guint64) number) : number;   /* wraps, as the shells' do */
    /* ash and bash read a value that is a name as that variable. */
    if (a->run->env->flavour != KN_SH_DASH && is_name_start(*v) && a->depth < 16) {
        const char *end = v;

        while (is_name_char(*end))
            end++;
        if (*end == '\0') {
            a->depth++;
            number = arith_variable(a, v);
            a->depth--;
            return number;
        }
    }
    if (a->error == ARITH_OK)
        a->bad_number = g_strdup(value);
    arith_fail(a, ARITH_NUMBER, a->p);
    return 0;
}

static gint64 arith_unary_nested(Arith *a, gboolean live);
static gint64 arith_ternary_nested(Arith *a, gboolean live);

/* 'inner' one level deeper: arith_unary() and arith_ternary() recurse
 * once per level, so past bash's limit this is an error, not a stack
 * overflow (dash and busybox would crash). */
static gint64
arith_nested(Arith *a, gboolean live, gint64 (*inner)(Arith *, gboolean))
{
    gint64 value;

    if (a->nest >= MAX_EXPR_DEPTH) {
        arith_fail(a, ARITH_DEEP, a->p);
        return 0;
    }
    a->nest++;
    value = inner(a, live);
    a->nest--;
    return value;
}

static gint64
arith_unary(Arith *a, gboolean live)
{
    return arith_nested(a, live, arith_unary_nested);
}

static gint64
arith_ternary(Arith *a, gboolean live)
{
    return arith_nested(a, live, arith_ternary_nested);
}

static gint64
arith_unary_nested(Arith *a, gboolean live)
{
    const char *start;

    arith_space(a);
    start = a->p;
    switch (*a->p) {
    case '(': {
        a->p++;
        gint64 value = arith_ternary(a, live);

        arith_space(a);
        if (*a->p == ')')
            a->p++;
        else
            arith_fail(a, ARITH_PRIMARY, a->p);
        return value;
    }
    case '-':
        a->p++;
        return (gint64) (0 - (guint64) arith_unary(a, live));
    case '+':
        a->p++;
        return arith_unary(a, live);
    case '!':
        a->p++;
        return !arith_unary(a, live);
    case '~':
        a->p++;
        return ~arith_unary(a, live);
    }
    if (*a->p == '$' && is_name_start(a->p[1]))
        a->p++;
    if (g_ascii_isdigit(*a->p)) {
        gint64 value = 0;

        while (g_ascii_isalnum(*a->p))
            a->p++;
        a->last_token = start;
        if (!arith_number(start, a->p - start, &value))
            arith_fail(a, ARITH_LITERAL, start);
        return value;
    }
    if (is_name_start(*a->p)) {
        g_autofree char *name = NULL;

        while (is_name_char(*a->p))
            a->p++;
        a->last_token = start;
        name = g_strndup(start, a->p - start);
        return arith_variable(a, name);
    }
    arith_fail(a, ARITH_PRIMARY, *start != '\0' || a->last_token == NULL ? start : a->last_token);
    return 0;
}

typedef struct {
    const char *text;
    int precedence;              /* higher binds tighter */
} ArithOp;

/* Longest first, so "<<" is not read as "<". */
static const ArithOp arith_ops[] = {
    { "**", 11 }, { "<<", 8 }, { ">>", 8 }, { "<=", 7 }, { ">=", 7 }, { "==", 6 }, { "!=", 6 },
    { "&&", 2 }, { "||", 1 }, { "*", 10 }, { "/", 10 }, { "%", 10 }, { "+", 9 }, { "-", 9 },
    { "<", 7 }, { ">", 7 }, { "&", 5 }, { "^", 4 }, { "|", 3 },
};

/* The binary operator at a->p, or NULL (an assignment is none). */
static const ArithOp *
arith_op(Arith *a)
{
    arith_space(a);
    for (guint i = 0; i < G_N_ELEMENTS(arith_ops); i++) {
        gsize n = strlen(arith_ops[i].text);

        if (strncmp(a->p, arith_ops[i].text, n) != 0)
            continue;
        if (a->p[n] == '=' && strcmp(arith_ops[i].text, "==") != 0 && strcmp(arith_ops[i].text, "!=") != 0
            && strcmp(arith_ops[i].text, "<=") != 0 && strcmp(arith_ops[i].text, ">=") != 0
            && strcmp(arith_ops[i].text, "&&") != 0 && strcmp(arith_ops[i].text, "||") != 0)
            return NULL;         /* "+=", "<<=": an assignment */
        if (strcmp(arith_ops[i].text, "**") == 0 && a->run->env->flavour == KN_SH_DASH)
            continue;            /* dash has no **: "*" then a missing operand */
        return &arith_ops[i];
    }
    return NULL;
}

static gint64
arith_apply(Arith *a, const char *op, gint64 x, gint64 y, const char *right, gboolean live)
{
    switch (op[0]) {
    case '*':
        if (op[1] == '*') {
            guint64 r = 1, base = (guint64) x;

            /* By squaring, wrapping as the shells' 64-bit products do. */
            for (guint64 e = (guint64) y; y > 0 && e > 0; e >>= 1) {
                if (e & 1)
                    r *= base;
                base *= base;
            }
            return y < 0 ? 0 : (gint64) r;
        }
        return (gint64) ((guint64) x * (guint64) y);
    case '/':
    case '%':
        if (y == 0) {
            /* busybox divides on the side not taken too. */
            if (live || a->run->env->flavour == KN_SH_ASH)
                arith_fail(a, ARITH_ZERO, right);
            return 0;
        }
        if (x == G_MININT64 && y == -1)
            return op[0] == '/' ? x : 0;
        return op[0] == '/' ? x / y : x % y;
    case '+':
        return (gint64) ((guint64) x + (guint64) y);
    case '-':
        return (gint64) ((guint64) x - (guint64) y);
    case '<':
        return op[1] == '<' ? (gint64) ((guint64) x << (y & 63)) : op[1] == '=' ? x <= y : x < y;
    case '>':
        return op[1] == '>' ? x >> (y & 63) : op[1] == '=' ? x >= y : x > y;
    case '=':
        return x == y;
    case '!':
        return x != y;
    case '&':
        return op[1] == '&' ? (x && y) : (x & y);
    case '|':
        return op[1] == '|' ? (x || y) : (x | y);
    case '^':
        return x ^ y;
    }
    return 0;
}

static gint64
arith_binary(Arith *a, int min_precedence, gboolean live)
{
    gint64 value = arith_unary(a, live);
    const ArithOp *op;

    while (a->error == ARITH_OK && (op = arith_op(a)) != NULL && op->precedence >= min_precedence) {
        gboolean right_live = live;
        const char *right;

        a->last_token = a->p;
        a->p += strlen(op->text);
        if (strcmp(op->text, "&&") == 0)
            right_live = live && value != 0;
        else if (strcmp(op->text, "||") == 0)
            right_live = live && value == 0;
        arith_space(a);
        right = a->p;

        /* ** groups to the right, the rest to the left. */
        gint64 rhs = arith_binary(a, op->precedence + (strcmp(op->text, "**") == 0 ? 0 : 1), right_live);

        value = arith_apply(a, op->text, value, rhs, right, live);
    }
    return value;
}

/* An assignment "name op= value", or NULL if 'a->p' holds none. */
static gboolean
arith_assignment(Arith *a, gboolean live, gint64 *value)
{
    static const char *const ops[] = { "<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "=" };
    const char *start = a->p, *p = a->p;
    g_autofree char *name = NULL;

    if (!is_name_start(*p))
        return FALSE;
    while (is_name_char(*p))
        p++;
    name = g_strndup(start, p - start);
    while (*p == ' ' || *p == '\t')
        p++;
    for (guint i = 0; i < G_N_ELEMENTS(ops); i++) {
        gsize n = strlen(ops[i]);

        if (strncmp(p, ops[i], n) != 0 || (n == 1 && p[1] == '='))
            continue;
        a->p = p + n;

        const char *right = a->p;
        gint64 rhs = arith_ternary(a, live);

        if (n > 1) {
            char op[3] = { ops[i][0], ops[i][1] == '=' ? '\0' : ops[i][1], '\0' };

            rhs = arith_apply(a, op, arith_variable(a, name), rhs, right, live);
        }
        if (live && a->error == ARITH_OK)
            g_hash_table_insert(a->run->env->vars, g_strdup(name),
                                g_strdup_printf("%" G_GINT64_FORMAT, rhs));
        *value = rhs;
        return TRUE;
    }
    return FALSE;
}

static gint64
arith_ternary_nested(Arith *a, gboolean live)
{
    gint64 value;

    arith_space(a);
    if (arith_assignment(a, live, &value))
        return value;
    value = arith_binary(a, 1, live);
    arith_space(a);
    if (a->error != ARITH_OK || *a->p != '?')
        return value;
    a->p++;

    gint64 yes = arith_ternary(a, live && value != 0);

    arith_space(a);
    if (*a->p != ':') {
        arith_fail(a, ARITH_COLON, *a->p != '\0' || a->last_token == NULL ? a->p : a->last_token);
        return 0;
    }
    a->p++;

    gint64 no = arith_ternary(a, live && value == 0);

    return value ? yes : no;
}

/* Evaluates 'text'; FALSE with the shell's message in 'message' (new). */
static gboolean
arith_eval(Run *run, const char *text, gint64 *value, char **message)
{
    Arith a = { .run = run, .text = text, .p = text };
    const Env *env = run->env;

    *value = arith_ternary(&a, TRUE);
    arith_space(&a);
    if (a.error == ARITH_OK && *a.p != '\0')
        arith_fail(&a, a.p[0] == ')' || strchr("*/%+-<>=!&|^?:", a.p[0]) == NULL ? ARITH_EOF : ARITH_PRIMARY,
                   a.p);
    if (a.error == ARITH_OK)
        return TRUE;
    switch (env->flavour) {
    case KN_SH_ASH:
        *message = g_strdup_printf("%s: %s", env->argv0,
                                   a.error == ARITH_ZERO ? "divide by zero"
                                   : a.error == ARITH_DEEP ? "expression recursion level exceeded"
                                   : a.error == ARITH_COLON ? "malformed ?: operator" : "arithmetic syntax error");
        break;
    case KN_SH_BASH: {
        const char *what = a.error == ARITH_DEEP ? "expression recursion level exceeded"
                           : a.error == ARITH_ZERO ? "division by 0"
                           : a.error == ARITH_LITERAL || a.error == ARITH_NUMBER ? "value too great for base"
                           : a.error == ARITH_COLON ? "`:' expected for conditional expression"
                           : a.error == ARITH_EOF ? "syntax error in expression" : "syntax error: operand expected";
        const char *token = a.error == ARITH_NUMBER ? a.bad_number : a.error_at != NULL ? a.error_at : text;

        *message = g_strdup_printf("%s: line %d: %s: %s (error token is \"%s\")", env->argv0, env->line,
                                   a.error == ARITH_NUMBER ? a.bad_number : text, what, token);
        break;
    }
    default:
        if (a.error == ARITH_NUMBER)
            *message = g_strdup_printf("%s: %d: Illegal number: %s", env->argv0, env->line, a.bad_number);
        else
            *message = g_strdup_printf("%s: %d: arithmetic expression: %s: \"%s\"", env->argv0, env->line,
                                       a.error == ARITH_ZERO ? "division by zero"
                                       : a.error == ARITH_DEEP ? "expression recursion level exceeded"
                                       : a.error == ARITH_COLON ? "expecting ':'"
                                       : a.error == ARITH_EOF || a.error == ARITH_LITERAL ? "expecting EOF"
                                       : "expecting primary", text);
        break;
    }
    g_free(a.bad_number);
    return FALSE;
}

/* Expands 'word' into fields appended to 'fields'; 'captures' holds the
 * outputs of its command substitutions, consumed from '*next'. */
static void
expand_word(Run *run, const Word *word, gboolean split, GPtrArray *captures, guint *next,
            GPtrArray *fields)
{
    GString *field = g_string_new(NULL);
    gboolean exists = FALSE;

    for (guint i = 0; i < word->parts->len; i++) {
        const Part *part = g_ptr_array_index(word->parts, i);
        g_autofree char *value = NULL;

        switch (part->kind) {
        case PART_LIT:
            g_string_append(field, part->text);
            if (part->quoted || part->text[0] != '\0')
                exists = TRUE;
            continue;
        case PART_VAR:
            value = expand_var(run, part->text);
            break;
        case PART_CMD:
            value = g_strdup(*next < captures->len ? g_ptr_array_index(captures, *next) : "");
            (*next)++;
            break;
        case PART_ARITH: {
            gint64 number = 0;

            if (run->arith_error == NULL && !arith_eval(run, part->text, &number, &run->arith_error))
                number = 0;
            value = g_strdup_printf("%" G_GINT64_FORMAT, number);
            break;
        }
        }
        if (part->quoted || !split) {
            g_string_append(field, value);
            exists = TRUE;
            continue;
        }
        /* Field splitting on IFS white space. */
        for (const char *p = value; *p != '\0'; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\n') {
                if (exists) {
                    g_ptr_array_add(fields, g_strndup(field->str, field->len));
                    g_string_truncate(field, 0);
                    exists = FALSE;
                }
            } else {
                g_string_append_c(field, *p);
                exists = TRUE;
            }
        }
    }
    if (exists || !split)
        g_ptr_array_add(fields, g_strndup(field->str, field->len));
    g_string_free(field, TRUE);
}

/* Expands a redirection target (no command substitution); new. */
static char *
expand_simple(Run *run, const Word *word)
{
    g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    guint next = 0;

    expand_word(run, word, FALSE, none, &next, fields);
    g_clear_pointer(&run->arith_error, g_free);   /* (not reported in a redirection) */
    return g_strdup(fields->len > 0 ? g_ptr_array_index(fields, 0) : "");
}

/*****************************************************************************
 * Messages.
 *****************************************************************************/

static void
not_found(Run *run, Io *io, const char *name)
{
    Env *env = run->env;

    switch (env->flavour) {
    case KN_SH_DASH:
        g_string_append_printf(io->err, "%s: %d: %s: not found\n", env->argv0, env->line, name);
        break;
    case KN_SH_BASH:
        g_string_append_printf(io->err, "%s: line %d: %s: command not found\n", env->argv0,
                               env->line, name);
        break;
    case KN_SH_ASH:
        g_string_append_printf(io->err, "%s: %s: not found\n", env->argv0, name);
        break;
    case KN_SH_NONE:
        /* runc, as containerd passes it up to kubectl. */
        g_string_append_printf(io->err, "OCI runtime exec failed: exec failed: unable to start "
                               "container process: exec: \"%s\": executable file not found in "
                               "$PATH: unknown\n", name);
        break;
    }
}

static gboolean
busybox_utils(Run *run)
{
    return run->image->utils == KN_TOOL_BUSYBOX;
}

/*****************************************************************************
 * Built-in commands.  Each writes to 'io' and returns its exit status.
 *****************************************************************************/

typedef int (*BuiltinFunc)(Run *run, Io *io, int argc, char **argv);

/* Splits standard input (or the named files) into lines without their
 * newlines; FALSE if a file is missing (the message is written). */
static gboolean
input_lines_full(Run *run, Io *io, const char *tool, char **files, int n_files, GPtrArray *lines,
                 gboolean *unterminated)
{
    g_autoptr(GString) all = g_string_new(NULL);

    if (n_files == 0) {
        if (io->in != NULL) {
            gsize size;
            const char *data = g_bytes_get_data(io->in, &size);

            g_string_append_len(all, data, size);
        }
    }
    for (int i = 0; i < n_files; i++) {
        g_autoptr(GBytes) bytes = NULL;

        if (strcmp(files[i], "-") == 0) {
            if (io->in != NULL)
                bytes = g_bytes_ref(io->in);
        } else {
            bytes = read_file(run, files[i]);
        }
        if (bytes == NULL && strcmp(files[i], "-") != 0) {
            if (busybox_utils(run))
                g_string_append_printf(io->err, "%s: can't open '%s': No such file or directory\n",
                                       tool, files[i]);
            else
                g_string_append_printf(io->err, "%s: %s: No such file or directory\n", tool,
                                       files[i]);
            return FALSE;
        }
        if (bytes != NULL) {
            gsize size;
            const char *data = g_bytes_get_data(bytes, &size);

            g_string_append_len(all, data, size);
        }
    }
    if (unterminated != NULL)
        *unterminated = all->len > 0 && all->str[all->len - 1] != '\n';
    if (all->len == 0)
        return TRUE;
    {
        gsize start = 0;

        for (gsize i = 0; i <= all->len; i++) {
            if (i == all->len || all->str[i] == '\n') {
                if (i == all->len && start == all->len)
                    break;
                g_ptr_array_add(lines, g_strndup(all->str + start, i - start));
                start = i + 1;
            }
        }
    }
    return TRUE;
}

static gboolean
input_lines(Run *run, Io *io, const char *tool, char **files, int n_files, GPtrArray *lines)
{
    return input_lines_full(run, io, tool, files, n_files, lines, NULL);
}

static void
append_escaped(GString *out, const char *s, gboolean *stop)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (*p != '\\' || p[1] == '\0') {
            g_string_append_c(out, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'n': g_string_append_c(out, '\n'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case 'a': g_string_append_c(out, '\a'); break;
        case 'b': g_string_append_c(out, '\b'); break;
        case 'f': g_string_append_c(out, '\f'); break;
        case 'v': g_string_append_c(out, '\v'); break;
        case 'e': g_string_append_c(out, '\033'); break;
        case '\\': g_string_append_c(out, '\\'); break;
        case 'c':
            if (stop != NULL)
                *stop = TRUE;
            return;
        case '0': {
            int value = 0;

            for (int i = 0; i < 3 && p[1] >= '0' && p[1] <= '7'; i++)
                value = value * 8 + (*++p - '0');
            g_string_append_c(out, (char) value);
            break;
        }
        default:
            g_string_append_c(out, '\\');
            g_string_append_c(out, *p);
            break;
        }
    }
}

static int
b_echo(Run *run, Io *io, int argc, char **argv)
{
    /* dash: -n only, escapes always; ash, bash, coreutils, busybox: -n -e -E. */
    gboolean dash = run->env->flavour == KN_SH_DASH;
    gboolean newline = TRUE, escapes = dash, stop = FALSE;
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *flags = argv[i] + 1;

        if (strspn(flags, dash ? "n" : "neE") != strlen(flags))
            break;
        for (const char *f = flags; *f != '\0'; f++) {
            if (*f == 'n')
                newline = FALSE;
            else if (*f == 'e')
                escapes = TRUE;
            else if (*f == 'E')
                escapes = FALSE;
        }
    }
    for (int first = i; i < argc && !stop; i++) {
        if (i > first)
            g_string_append_c(io->out, ' ');
        if (escapes)
            append_escaped(io->out, argv[i], &stop);
        else
            g_string_append(io->out, argv[i]);
    }
    if (newline && !stop)
        g_string_append_c(io->out, '\n');
    return 0;
}

static int
b_printf(Run *run, Io *io, int argc, char **argv)
{
    int arg = 2;

    (void) run;
    if (argc < 2) {
        g_string_append(io->err, "printf: usage: printf format [arguments]\n");
        return 2;
    }
    do {
        const char *f = argv[1];
        gboolean used = FALSE;

        while (*f != '\0') {
            if (*f == '\\') {
                char two[3] = { f[0], f[1], '\0' };

                append_escaped(io->out, two, NULL);
                f += f[1] != '\0' ? 2 : 1;
            } else if (*f == '%' && f[1] == '%') {
                g_string_append_c(io->out, '%');
                f += 2;
            } else if (*f == '%') {
                const char *start = f++;
                g_autofree char *spec = NULL;
                const char *value = arg < argc ? argv[arg] : NULL;

                f += strspn(f, "-+ #0");
                f += strspn(f, "0123456789");
                if (*f == '.') {
                    f++;
                    f += strspn(f, "0123456789");
                }
                if (*f == '\0')
                    break;
                spec = g_strndup(start, f - start);
                used = TRUE;
                if (value != NULL)
                    arg++;
                switch (*f) {
                case 'd': case 'i': case 'x': case 'X': case 'o': case 'u': case 'c': {
                    g_autofree char *fmt = g_strdup_printf("%sll%c", spec, *f == 'i' ? 'd' : *f);
                    long long number = value != NULL ? g_ascii_strtoll(value, NULL, 0) : 0;

                    if (*f == 'c') {
                        if (value != NULL && value[0] != '\0')
                            g_string_append_c(io->out, value[0]);
                        break;
                    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                    g_string_append_printf(io->out, fmt, number);
                    break;
                }
                case 'f': case 'g': case 'e': {
                    g_autofree char *fmt = g_strdup_printf("%s%c", spec, *f);

                    g_string_append_printf(io->out, fmt, value != NULL ? g_ascii_strtod(value, NULL)
                                                                       : 0.0);
                    break;
                }
                case 'b':
                    append_escaped(io->out, value != NULL ? value : "", NULL);
                    break;
                default: {
                    g_autofree char *fmt = g_strdup_printf("%ss", spec);

                    g_string_append_printf(io->out, fmt, value != NULL ? value : "");
                    break;
                }
#pragma GCC diagnostic pop
                }
                f++;
            } else {
                g_string_append_c(io->out, *f++);
            }
        }
        if (!used)
            break;
    } while (arg < argc);
    return 0;
}

/* test / [ for the common forms. */
static int
test_eval(Run *run, int argc, char **argv, gboolean *error)
{
    if (argc == 0)
        return 1;
    if (strcmp(argv[0], "!") == 0)
        return !test_eval(run, argc - 1, argv + 1, error);
    if (argc == 1)
        return argv[0][0] != '\0' ? 0 : 1;
    if (argc == 2) {
        const char *op = argv[0], *value = argv[1];

        if (strcmp(op, "-z") == 0)
            return value[0] == '\0' ? 0 : 1;
        if (strcmp(op, "-n") == 0)
            return value[0] != '\0' ? 0 : 1;
        if (strcmp(op, "-e") == 0 || strcmp(op, "-f") == 0 || strcmp(op, "-s") == 0 ||
            strcmp(op, "-r") == 0) {
            g_autoptr(GBytes) bytes = read_file(run, value);

            if (bytes == NULL)
                return 1;
            return strcmp(op, "-s") == 0 && g_bytes_get_size(bytes) == 0 ? 1 : 0;
        }
        if (strcmp(op, "-d") == 0)
            return strcmp(value, "/") == 0 || strcmp(value, "/tmp") == 0 ? 0 : 1;
        *error = TRUE;
        return 2;
    }
    if (argc == 3) {
        const char *a = argv[0], *op = argv[1], *b = argv[2];
        gint64 x, y;
        char *end_a, *end_b;

        if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
            return strcmp(a, b) == 0 ? 0 : 1;
        if (strcmp(op, "!=") == 0)
            return strcmp(a, b) != 0 ? 0 : 1;
        x = g_ascii_strtoll(a, &end_a, 10);
        y = g_ascii_strtoll(b, &end_b, 10);
        if (*a == '\0' || *end_a != '\0' || *b == '\0' || *end_b != '\0') {
            *error = TRUE;
            return 2;
        }
        if (strcmp(op, "-eq") == 0) return x == y ? 0 : 1;
        if (strcmp(op, "-ne") == 0) return x != y ? 0 : 1;
        if (strcmp(op, "-lt") == 0) return x < y ? 0 : 1;
        if (strcmp(op, "-le") == 0) return x <= y ? 0 : 1;
        if (strcmp(op, "-gt") == 0) return x > y ? 0 : 1;
        if (strcmp(op, "-ge") == 0) return x >= y ? 0 : 1;
    }
    if (argc >= 3 && (strcmp(argv[1], "-a") == 0 || strcmp(argv[1], "-o") == 0)) {
        int left = test_eval(run, 1, argv, error);
        int right = test_eval(run, argc - 2, argv + 2, error);

        return strcmp(argv[1], "-a") == 0 ? (left == 0 && right == 0 ? 0 : 1)
                                          : (left == 0 || right == 0 ? 0 : 1);
    }
    *error = TRUE;
    return 2;
}

static int
b_test(Run *run, Io *io, int argc, char **argv)
{
    gboolean error = FALSE;
    int status;

    if (strcmp(argv[0], "[") == 0) {
        if (strcmp(argv[argc - 1], "]") != 0) {
            g_string_append_printf(io->err, "%s: [: missing ]\n", run->env->argv0);
            return 2;
        }
        argc--;
    }
    status = test_eval(run, argc - 1, argv + 1, &error);
    if (error) {
        g_string_append_printf(io->err, "%s: %s: syntax error\n", run->env->argv0, argv[0]);
        return 2;
    }
    return status;
}

static int
b_true(Run *run, Io *io, int argc, char **argv)
{
    (void) run; (void) io; (void) argc; (void) argv;
    return 0;
}

static int
b_false(Run *run, Io *io, int argc, char **argv)
{
    (void) run; (void) io; (void) argc; (void) argv;
    return 1;
}

/* Puts 'name' in the environment commands see (once). */
static void
env_export(Env *env, const char *name)
{
    if (!g_ptr_array_find_with_equal_func(env->exported, name, g_str_equal, NULL))
        g_ptr_array_add(env->exported, g_strdup(name));
}

static int
b_export(Run *run, Io *io, int argc, char **argv)
{
    (void) io;
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        g_autofree char *name = eq != NULL ? g_strndup(argv[i], eq - argv[i]) : g_strdup(argv[i]);

        if (eq != NULL)
            g_hash_table_insert(run->env->vars, g_strdup(name), g_strdup(eq + 1));
        env_export(run->env, name);
    }
    return 0;
}

/* env and printenv with no operand: the environment, a NAME=value line
 * each, in the order the container got it, then what `export` added. */
static void
print_environ(Run *run, Io *io)
{
    for (guint i = 0; i < run->env->exported->len; i++) {
        const char *name = run->env->exported->pdata[i];
        const char *value = g_hash_table_lookup(run->env->vars, name);

        if (value != NULL)
            g_string_append_printf(io->out, "%s=%s\n", name, value);
    }
}

static int
b_env(Run *run, Io *io, int argc, char **argv)
{
    if (argc > 1) {
        g_string_append_printf(io->err, "knetsim: env %s is not simulated\n", argv[1]);
        return 126;
    }
    print_environ(run, io);
    return 0;
}

/* printenv NAME...: each value that is in the environment; status 1 if
 * one is not (GNU and busybox alike). */
static int
b_printenv(Run *run, Io *io, int argc, char **argv)
{
    int status = 0;

    if (argc == 1) {
        print_environ(run, io);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *value = g_ptr_array_find_with_equal_func(run->env->exported, argv[i], g_str_equal, NULL)
                            ? g_hash_table_lookup(run->env->vars, argv[i]) : NULL;

        if (value == NULL)
            status = 1;
        else
            g_string_append_printf(io->out, "%s\n", value);
    }
    return status;
}

static int
b_unset(Run *run, Io *io, int argc, char **argv)
{
    (void) io;
    for (int i = 1; i < argc; i++)
        g_hash_table_remove(run->env->vars, argv[i]);
    return 0;
}

static int
b_hostname(Run *run, Io *io, int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-i") == 0) {
        char addr[KN_ADDR_STRLEN];

        g_string_append_printf(io->out, "%s\n", kn_addr_format(&run->where->address, addr));
        return 0;
    }
    g_string_append_printf(io->out, "%s\n",
                           run->where->hostname != NULL ? run->where->hostname : "localhost");
    return 0;
}

static gboolean
parse_count(const char *text, gint64 *count)
{
    char *end;

    *count = g_ascii_strtoll(text, &end, 10);
    return text[0] != '\0' && *end == '\0';
}

static void
usage_error(Run *run, Io *io, const char *tool, const char *option)
{
    if (busybox_utils(run))
        g_string_append_printf(io->err, "%s: unrecognized option '%s'\n", tool, option);
    else
        g_string_append_printf(io->err, "%s: invalid option -- '%s'\nTry '%s --help' for more "
                               "information.\n", tool, option + 1, tool);
}

static int
b_seq(Run *run, Io *io, int argc, char **argv)
{
    double first = 1, step = 1, last;
    const char *separator = "\n";
    int decimals = 0;
    int n = 0;
    double values[3];

    for (int i = 1; i < argc; i++) {
        char *end;

        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            separator = argv[++i];
            continue;
        }
        if (g_str_has_prefix(argv[i], "-s") && argv[i][2] != '\0') {
            separator = argv[i] + 2;
            continue;
        }
        if (n == 3) {
            g_string_append_printf(io->err, "seq: extra operand '%s'\n", argv[i]);
            return 1;
        }
        values[n] = g_ascii_strtod(argv[i], &end);
        if (argv[i][0] == '\0' || *end != '\0') {
            if (busybox_utils(run))
                g_string_append_printf(io->err, "seq: invalid number '%s'\n", argv[i]);
            else
                g_string_append_printf(io->err, "seq: invalid floating point argument: '%s'\n"
                                       "Try 'seq --help' for more information.\n", argv[i]);
            return 1;
        }
        if (strchr(argv[i], '.') != NULL)
            decimals = MAX(decimals, (int) strlen(strchr(argv[i], '.') + 1));
        n++;
    }
    if (n == 0) {
        g_string_append(io->err, "seq: missing operand\n");
        return 1;
    }
    last = values[n - 1];
    if (n >= 2)
        first = values[0];
    if (n == 3)
        step = values[1];
    if (step == 0)
        return 1;
    {
        gboolean any = FALSE;

        for (guint64 k = 0; k < 1000000; k++) {
            double value = first + (double) k * step;

            if ((step > 0 && value > last + 1e-9) || (step < 0 && value < last - 1e-9))
                break;
            if (any)
                g_string_append(io->out, separator);
            g_string_append_printf(io->out, "%.*f", decimals, value);
            any = TRUE;
        }
        if (any)
            g_string_append_c(io->out, '\n');
    }
    return 0;
}

/* sort's options for one run. */
typedef struct SortKey {
    gboolean numeric, reverse, unique, fold;
    int field;                   /* -k N: 1-based; 0: whole line */
} SortKey;

static const char *
sort_key_start(const char *line, int field)
{
    const char *p = line;

    /* GNU: a field is leading blanks then non-blanks. */
    for (int f = 1; f < field && *p != '\0'; f++) {
        while (*p == ' ' || *p == '\t')
            p++;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
    }
    return p;
}

static double
leading_number(const char *s)
{
    char *end;
    double value;

    while (*s == ' ' || *s == '\t')
        s++;
    value = g_ascii_strtod(s, &end);
    return end == s ? 0.0 : value;
}

static int
sort_compare_keys(const char *a, const char *b, const SortKey *key)
{
    const char *ka = key->field > 0 ? sort_key_start(a, key->field) : a;
    const char *kb = key->field > 0 ? sort_key_start(b, key->field) : b;

    if (key->numeric) {
        double x = leading_number(ka), y = leading_number(kb);

        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (key->fold)
        return g_ascii_strcasecmp(ka, kb);
    return strcmp(ka, kb);
}

static int
sort_compare(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const char *a = *(const char *const *) pa, *b = *(const char *const *) pb;
    const SortKey *key = data;
    int result = sort_compare_keys(a, b, key);

    if (result == 0 && !key->unique)
        result = strcmp(a, b);                   /* the last-resort comparison */
    return key->reverse ? -result : result;
}

static int
b_sort(Run *run, Io *io, int argc, char **argv)
{
    SortKey key = { 0 };
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *f = argv[i] + 1; *f != '\0'; f++) {
            switch (*f) {
            case 'n': key.numeric = TRUE; break;
            case 'r': key.reverse = TRUE; break;
            case 'u': key.unique = TRUE; break;
            case 'f': key.fold = TRUE; break;
            case 'b': case 's': break;
            case 'k': {
                const char *spec = f[1] != '\0' ? f + 1 : (i + 1 < argc ? argv[++i] : "1");

                key.field = atoi(spec);
                for (const char *s = spec; *s != '\0'; s++)
                    if (*s == 'n')
                        key.numeric = TRUE;
                    else if (*s == 'r')
                        key.reverse = TRUE;
                f = "k";                          /* the rest of the word was the key */
                break;
            }
            default: {
                char option[3] = { '-', *f, '\0' };

                usage_error(run, io, "sort", option);
                return 2;
            }
            }
        }
    }
    if (!input_lines(run, io, "sort", argv + i, argc - i, lines))
        return 2;
    g_ptr_array_sort_with_data(lines, sort_compare, &key);
    for (guint l = 0; l < lines->len; l++) {
        const char *line = g_ptr_array_index(lines, l);

        if (key.unique && l > 0 &&
            sort_compare_keys(g_ptr_array_index(lines, l - 1), line, &key) == 0)
            continue;
        g_string_append_printf(io->out, "%s\n", line);
    }
    return 0;
}

static int
b_uniq(Run *run, Io *io, int argc, char **argv)
{
    gboolean count = FALSE, dups = FALSE, uniques = FALSE, fold = FALSE;
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *f = argv[i] + 1; *f != '\0'; f++) {
            if (*f == 'c')
                count = TRUE;
            else if (*f == 'd')
                dups = TRUE;
            else if (*f == 'u')
                uniques = TRUE;
            else if (*f == 'i')
                fold = TRUE;
            else {
                char option[3] = { '-', *f, '\0' };

                usage_error(run, io, "uniq", option);
                return 1;
            }
        }
    }
    if (!input_lines(run, io, "uniq", argv + i, MIN(argc - i, 1), lines))
        return 1;
    for (guint l = 0; l < lines->len;) {
        const char *line = g_ptr_array_index(lines, l);
        guint run_len = 1;

        while (l + run_len < lines->len) {
            const char *next = g_ptr_array_index(lines, l + run_len);

            if (fold ? g_ascii_strcasecmp(line, next) != 0 : strcmp(line, next) != 0)
                break;
            run_len++;
        }
        if (!(dups && run_len == 1) && !(uniques && run_len > 1)) {
            if (count)
                g_string_append_printf(io->out, "%7u %s\n", run_len, line);
            else
                g_string_append_printf(io->out, "%s\n", line);
        }
        l += run_len;
    }
    return 0;
}

static int
b_wc(Run *run, Io *io, int argc, char **argv)
{
    gboolean lines_flag = FALSE, words_flag = FALSE, bytes_flag = FALSE;
    guint64 counts[3] = { 0, 0, 0 };
    int i = 1, shown = 0;
    g_autoptr(GString) all = g_string_new(NULL);
    const char *name = NULL;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *f = argv[i] + 1; *f != '\0'; f++) {
            if (*f == 'l')
                lines_flag = TRUE;
            else if (*f == 'w')
                words_flag = TRUE;
            else if (*f == 'c' || *f == 'm')
                bytes_flag = TRUE;
            else {
                char option[3] = { '-', *f, '\0' };

                usage_error(run, io, "wc", option);
                return 1;
            }
        }
    }
    if (!lines_flag && !words_flag && !bytes_flag)
        lines_flag = words_flag = bytes_flag = TRUE;
    if (i < argc) {
        g_autoptr(GBytes) bytes = read_file(run, argv[i]);

        name = argv[i];
        if (bytes == NULL) {
            g_string_append_printf(io->err, busybox_utils(run)
                                   ? "wc: can't open '%s': No such file or directory\n"
                                   : "wc: %s: No such file or directory\n", argv[i]);
            return 1;
        }
        g_string_append_len(all, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    } else if (io->in != NULL) {
        g_string_append_len(all, g_bytes_get_data(io->in, NULL), g_bytes_get_size(io->in));
    }
    {
        gboolean in_word = FALSE;

        for (gsize c = 0; c < all->len; c++) {
            char ch = all->str[c];

            if (ch == '\n')
                counts[0]++;
            if (g_ascii_isspace(ch)) {
                in_word = FALSE;
            } else if (!in_word) {
                in_word = TRUE;
                counts[1]++;
            }
        }
        counts[2] = all->len;
    }
    shown = lines_flag + words_flag + bytes_flag;
    {
        gboolean flags[3] = { lines_flag, words_flag, bytes_flag };
        gboolean first = TRUE;
        int width;

        if (shown == 1) {
            width = 1;                            /* one count: the bare number */
        } else if (busybox_utils(run)) {
            width = 9;
        } else if (name == NULL) {
            width = 7;                            /* GNU on a pipe */
        } else {
            char digits[32];

            width = g_snprintf(digits, sizeof(digits), "%" G_GUINT64_FORMAT, counts[2]);
        }
        for (int k = 0; k < 3; k++) {
            if (!flags[k])
                continue;
            g_string_append_printf(io->out, first ? "%*" G_GUINT64_FORMAT : " %*" G_GUINT64_FORMAT,
                                   width, counts[k]);
            first = FALSE;
        }
        if (name != NULL)
            g_string_append_printf(io->out, " %s", name);
        g_string_append_c(io->out, '\n');
    }
    return 0;
}

/* A BRE as grep reads it, rewritten for PCRE: \( \) \{ \} \| \+ \? are the
 * operators and the bare characters are literal. */
static char *
bre_to_pcre(const char *pattern)
{
    GString *out = g_string_new(NULL);

    for (const char *p = pattern; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            if (strchr("(){}|+?", *p) != NULL)
                g_string_append_c(out, *p);
            else {
                g_string_append_c(out, '\\');
                g_string_append_c(out, *p);
            }
        } else if (strchr("(){}|+?", *p) != NULL) {
            g_string_append_c(out, '\\');
            g_string_append_c(out, *p);
        } else {
            g_string_append_c(out, *p);
        }
    }
    return g_string_free(out, FALSE);
}

static int
b_grep(Run *run, Io *io, int argc, char **argv)
{
    gboolean count = FALSE, invert = FALSE, fold = FALSE, only = FALSE, extended = FALSE;
    gboolean quiet = FALSE, fixed = FALSE, number = FALSE, word = FALSE, line_match = FALSE;
    const char *pattern = NULL;
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GRegex) regex = NULL;
    g_autofree char *translated = NULL;
    g_autoptr(GError) error = NULL;
    guint matched = 0;
    int i = 1;

    if (strcmp(argv[0], "egrep") == 0)
        extended = TRUE;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *f = argv[i] + 1; *f != '\0'; f++) {
            switch (*f) {
            case 'c': count = TRUE; break;
            case 'v': invert = TRUE; break;
            case 'i': fold = TRUE; break;
            case 'o': only = TRUE; break;
            case 'E': extended = TRUE; break;
            case 'F': fixed = TRUE; break;
            case 'q': quiet = TRUE; break;
            case 'n': number = TRUE; break;
            case 'w': word = TRUE; break;
            case 'x': line_match = TRUE; break;
            case 's': case 'h': break;
            case 'e':
                pattern = f[1] != '\0' ? f + 1 : (i + 1 < argc ? argv[++i] : "");
                f = "e";
                break;
            default: {
                char option[3] = { '-', *f, '\0' };

                usage_error(run, io, "grep", option);
                return 2;
            }
            }
        }
    }
    if (pattern == NULL) {
        if (i >= argc) {
            g_string_append(io->err, busybox_utils(run)
                            ? "BusyBox v1.37.0 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] "
                              "[-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n"
                            : "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for "
                              "more information.\n");
            return 2;
        }
        pattern = argv[i++];
    }
    if (fixed)
        translated = g_regex_escape_string(pattern, -1);
    else if (extended)
        translated = g_strdup(pattern);
    else
        translated = bre_to_pcre(pattern);
    if (word || line_match) {
        g_autofree char *inner = g_steal_pointer(&translated);

        translated = g_strdup_printf(line_match ? "^(?:%s)$" : "\\b(?:%s)\\b", inner);
    }
    regex = g_regex_new(translated, (fold ? G_REGEX_CASELESS : 0) | G_REGEX_RAW, 0, &error);
    if (regex == NULL) {
        g_string_append_printf(io->err, "grep: %s\n", busybox_utils(run) ? "bad regex"
                                                                        : "Invalid regular expression");
        return 2;
    }
    if (!input_lines(run, io, "grep", argv + i, argc - i, lines))
        return 2;
    for (guint l = 0; l < lines->len; l++) {
        const char *line = g_ptr_array_index(lines, l);
        g_autoptr(GMatchInfo) info = NULL;
        gboolean hit = g_regex_match(regex, line, 0, &info);

        if (hit == invert)
            continue;
        matched++;
        if (quiet)
            return 0;
        if (count)
            continue;
        if (only && !invert) {
            while (g_match_info_matches(info)) {
                g_autofree char *match = g_match_info_fetch(info, 0);

                if (match[0] != '\0') {
                    if (number)
                        g_string_append_printf(io->out, "%u:", l + 1);
                    g_string_append_printf(io->out, "%s\n", match);
                }
                g_match_info_next(info, NULL);
            }
            continue;
        }
        if (number)
            g_string_append_printf(io->out, "%u:", l + 1);
        g_string_append_printf(io->out, "%s\n", line);
    }
    if (count)
        g_string_append_printf(io->out, "%u\n", matched);
    return matched > 0 ? 0 : 1;
}

/* head and tail: -n N, -N, and tail's -n +N. */
static int
head_tail(Run *run, Io *io, int argc, char **argv, gboolean head)
{
    const char *tool = head ? "head" : "tail";
    gint64 n = 10;
    gboolean from_start = FALSE, unterminated = FALSE;
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *value = NULL;

        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            value = argv[++i];
        else if (g_str_has_prefix(argv[i], "-n"))
            value = argv[i] + 2;
        else if (g_ascii_isdigit(argv[i][1]))
            value = argv[i] + 1;
        else {
            usage_error(run, io, tool, argv[i]);
            return 1;
        }
        if (!head && value[0] == '+') {
            from_start = TRUE;
            value++;
        }
        if (!parse_count(value, &n) || n < 0) {
            g_string_append_printf(io->err, busybox_utils(run) ? "%s: invalid number '%s'\n"
                                   : "%s: invalid number of lines: '%s'\n", tool, value);
            return 1;
        }
    }
    if (!input_lines_full(run, io, tool, argv + i, argc - i, lines, &unterminated))
        return 1;
    {
        guint start = 0, end = lines->len;

        if (head)
            end = MIN((guint64) n, lines->len);
        else if (from_start)
            start = n > 0 ? MIN((guint) (n - 1), lines->len) : 0;
        else
            start = lines->len > (guint64) n ? lines->len - (guint) n : 0;
        /* head and tail copy bytes: a last line without its newline
         * stays without. */
        for (guint l = start; l < end; l++)
            g_string_append_printf(io->out, unterminated && l == lines->len - 1 ? "%s" : "%s\n",
                                   (const char *) g_ptr_array_index(lines, l));
    }
    return 0;
}

static int
b_head(Run *run, Io *io, int argc, char **argv)
{
    return head_tail(run, io, argc, argv, TRUE);
}

static int
b_tail(Run *run, Io *io, int argc, char **argv)
{
    return head_tail(run, io, argc, argv, FALSE);
}

static int
b_cat(Run *run, Io *io, int argc, char **argv)
{
    int status = 0;

    if (argc == 1) {
        if (io->in != NULL)
            g_string_append_len(io->out, g_bytes_get_data(io->in, NULL), g_bytes_get_size(io->in));
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        g_autoptr(GBytes) bytes = NULL;

        if (strcmp(argv[i], "-") == 0) {
            if (io->in != NULL)
                g_string_append_len(io->out, g_bytes_get_data(io->in, NULL),
                                    g_bytes_get_size(io->in));
            continue;
        }
        bytes = read_file(run, argv[i]);
        if (bytes == NULL) {
            g_string_append_printf(io->err, busybox_utils(run)
                                   ? "cat: can't open '%s': No such file or directory\n"
                                   : "cat: %s: No such file or directory\n", argv[i]);
            status = 1;
            continue;
        }
        g_string_append_len(io->out, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    }
    return status;
}

typedef struct Builtin {
    const char *name;
    BuiltinFunc func;
    gboolean shell_only;         /* a shell builtin with no program on disk */
} Builtin;

static const Builtin builtins[] = {
    { "echo", b_echo, FALSE },
    { "printf", b_printf, FALSE },
    { "true", b_true, FALSE },
    { "false", b_false, FALSE },
    { ":", b_true, TRUE },
    { "test", b_test, FALSE },
    { "[", b_test, FALSE },
    { "export", b_export, TRUE },
    { "unset", b_unset, TRUE },
    { "cd", b_true, TRUE },
    { "set", b_true, TRUE },
    { "hostname", b_hostname, FALSE },
    { "seq", b_seq, FALSE },
    { "sort", b_sort, FALSE },
    { "uniq", b_uniq, FALSE },
    { "wc", b_wc, FALSE },
    { "grep", b_grep, FALSE },
    { "egrep", b_grep, FALSE },
    { "head", b_head, FALSE },
    { "tail", b_tail, FALSE },
    { "cat", b_cat, FALSE },
    { "env", b_env, FALSE },
    { "printenv", b_printenv, FALSE },
};

static const Builtin *
find_builtin(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(builtins); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

/*****************************************************************************
 * The machine.
 *****************************************************************************/

/* Pushes the frame that runs 'node', after applying its redirections to
 * 'io'. */
static void
push_node(Run *run, Node *node, const Io *io)
{
    static const FrameKind kinds[] = {
        [N_SIMPLE] = F_SIMPLE, [N_PIPELINE] = F_PIPELINE, [N_ANDOR] = F_ANDOR,
        [N_LIST] = F_LIST, [N_FOR] = F_FOR, [N_IF] = F_IF, [N_WHILE] = F_WHILE,
        [N_UNTIL] = F_WHILE, [N_GROUP] = F_GROUP, [N_SUBSHELL] = F_SUBSHELL,
    };
    Io redirected = *io;
    GBytes *in = NULL;
    Frame *frame;

    if (run->stack->len > MAX_DEPTH) {
        g_string_append_printf(io->err, "%s: recursion too deep\n", run->env->argv0);
        frame_push(run, F_FAIL, node, io);
        return;
    }
    for (guint i = 0; i < node->redirs->len; i++) {
        const Redir *redir = g_ptr_array_index(node->redirs, i);
        g_autofree char *target = expand_simple(run, redir->target);

        if (redir->kind == REDIR_DUP) {
            GString *to = strcmp(target, "1") == 0 ? redirected.out
                        : strcmp(target, "2") == 0 ? redirected.err : run->devnull;

            if (redir->fd == 1)
                redirected.out = to;
            else if (redir->fd == 2)
                redirected.err = to;
        } else if (redir->kind == REDIR_IN) {
            g_clear_pointer(&in, g_bytes_unref);
            in = read_file(run, target);
            if (in == NULL) {
                if (run->env->flavour == KN_SH_DASH)
                    g_string_append_printf(io->err, "%s: %d: cannot open %s: No such file\n",
                                           run->env->argv0, node->line, target);
                else if (run->env->flavour == KN_SH_BASH)
                    g_string_append_printf(io->err, "%s: line %d: %s: No such file or directory\n",
                                           run->env->argv0, node->line, target);
                else
                    g_string_append_printf(io->err, "%s: can't open '%s': No such file or "
                                           "directory\n", run->env->argv0, target);
                frame_push(run, F_FAIL, node, io);
                return;
            }
            redirected.in = in;
        } else {
            GString *file = open_for_write(run, target, redir->kind == REDIR_APPEND);

            if (file == NULL)
                file = strcmp(target, "/dev/stderr") == 0 ? io->err : io->out;
            if (redir->fd == 1)
                redirected.out = file;
            else if (redir->fd == 2)
                redirected.err = file;
        }
    }
    frame = frame_push(run, kinds[node->kind], node, &redirected);
    frame->redir_in = in;
    if (node->kind == N_SUBSHELL) {
        frame->own_env = env_copy(run->env);
        frame->saved_env = run->env;
        run->env = frame->own_env;
        frame->node = node->body;
    }
}

/* Pushes a subshell running 'node' whose output is captured (for $(…) and
 * pipeline stages) unless 'out' is given. */
static void
push_subshell(Run *run, Node *node, const Io *io, GString *out)
{
    Io sub = *io;
    Frame *frame;

    if (out == NULL) {
        frame = frame_push(run, F_SUBSHELL, node, io);
        frame->buf = g_string_new(NULL);
        frame->capture = TRUE;
        frame->io.out = frame->buf;
    } else {
        sub.out = out;
        frame = frame_push(run, F_SUBSHELL, node, &sub);
    }
    frame->own_env = env_copy(run->env);
    frame->saved_env = run->env;
    run->env = frame->own_env;
}

static void
push_expand(Run *run, GPtrArray *words, gboolean split, const Io *io)
{
    Frame *frame = frame_push(run, F_EXPAND, NULL, io);

    frame->words = words;
    frame->split = split;
}

/* Pushes a shell running 'script' with the parameters 'params' ($0 first). */
static void
push_shell(Run *run, KnShFlavour flavour, const char *argv0, const char *script, gsize len,
           char **params, const Io *io)
{
    Frame *frame = frame_push(run, F_SHELL, NULL, io);

    frame->own_node = parse_program(script, len, 1, &frame->error);
    frame->node = frame->own_node;
    frame->own_env = env_new(flavour, argv0);
    /* A new shell process inherits the environment, not the variables. */
    for (guint i = 0; i < run->env->exported->len; i++) {
        const char *name = run->env->exported->pdata[i];
        const char *value = g_hash_table_lookup(run->env->vars, name);

        if (value == NULL)
            continue;
        g_hash_table_insert(frame->own_env->vars, g_strdup(name), g_strdup(value));
        env_export(frame->own_env, name);
    }
    if (params != NULL && params[0] != NULL) {
        g_ptr_array_set_size(frame->own_env->params, 0);
        for (guint i = 0; params[i] != NULL; i++)
            g_ptr_array_add(frame->own_env->params, g_strdup(params[i]));
    }
    frame->saved_env = run->env;
    run->env = frame->own_env;
}

static void
on_async_done(Run *run, int status)
{
    run->ret = status;
    run->waiting = FALSE;
    run_loop(run);
}

static void
on_tool_done(int status, gpointer user_data)
{
    on_async_done(user_data, status);
}

static void
on_sleep_done(gpointer user_data)
{
    ((Run *) user_data)->sleeping = FALSE;
    on_async_done(user_data, 0);
}

/* sleep NUMBER[smhd]...; the delay, or FALSE with the message written. */
static gboolean
parse_sleep(Run *run, Io *io, int argc, char **argv, KnTime *delay)
{
    double total = 0;

    if (argc < 2) {
        g_string_append(io->err, busybox_utils(run) ? "BusyBox v1.37.0 multi-call binary.\n\n"
                        "Usage: sleep [N]...\n" : "sleep: missing operand\nTry 'sleep --help' "
                        "for more information.\n");
        return FALSE;
    }
    for (int i = 1; i < argc; i++) {
        char *end;
        double value = g_ascii_strtod(argv[i], &end);

        if (strcmp(argv[i], "infinity") == 0)
            value = 86400.0 * 365, end = argv[i] + strlen(argv[i]);
        else if (*end == 'm')
            value *= 60, end++;
        else if (*end == 'h')
            value *= 3600, end++;
        else if (*end == 'd')
            value *= 86400, end++;
        else if (*end == 's')
            end++;
        if (end == argv[i] || *end != '\0' || value < 0) {
            g_string_append_printf(io->err, busybox_utils(run) ? "sleep: invalid number '%s'\n"
                                   : "sleep: invalid time interval '%s'\nTry 'sleep --help' for "
                                   "more information.\n", argv[i]);
            return FALSE;
        }
        total += value;
    }
    *delay = (KnTime) llround(total * 1e9);
    return TRUE;
}

/* Which shell argv[0] names, if 'image' has it. */
static gboolean
shell_program(const KnImage *image, const char *name, KnShFlavour *flavour)
{
    const char *base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;

    if (strcmp(base, "sh") == 0) {
        *flavour = image->sh;
        return image->sh != KN_SH_NONE;
    }
    if (strcmp(base, "bash") == 0) {
        *flavour = KN_SH_BASH;
        return image->sh == KN_SH_BASH || kn_images_find_tool(image, "bash") != NULL;
    }
    if (strcmp(base, "ash") == 0) {
        *flavour = KN_SH_ASH;
        return image->sh == KN_SH_ASH;
    }
    if (strcmp(base, "dash") == 0) {
        *flavour = KN_SH_DASH;
        return image->sh == KN_SH_DASH;
    }
    return FALSE;
}

/* Starts `sh [-c SCRIPT [NAME ARGS…]]`, or `sh FILE`, or the script on
 * standard input, as a child of 'frame'; when it cannot start, the frame
 * returns with the shell's status. */
static void
start_shell(Run *run, Frame *frame, KnShFlavour flavour, char **argv, int argc)
{
    int i = 1;

    while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "-c") != 0 &&
           strcmp(argv[i], "-") != 0)
        i++;                                     /* -e, -x, -l: accepted, not modelled */
    if (i < argc && strcmp(argv[i], "-c") == 0) {
        const char *script;

        if (i + 1 >= argc) {
            g_string_append_printf(frame->io.err, flavour == KN_SH_DASH
                                   ? "%s: 0: -c requires an argument\n"
                                   : "%s: -c: option requires an argument\n", argv[0]);
            frame_return(run, 2);
            return;
        }
        script = argv[i + 1];
        push_shell(run, flavour, argv[0], script, strlen(script),
                   i + 2 < argc ? argv + i + 2 : NULL, &frame->io);
        return;
    }
    if (i < argc) {
        g_autoptr(GBytes) file = read_file(run, argv[i]);

        if (file == NULL) {
            g_string_append_printf(frame->io.err, flavour == KN_SH_DASH
                                   ? "%s: 0: cannot open %s: No such file\n"
                                   : "%s: can't open '%s': No such file or directory\n",
                                   argv[0], argv[i]);
            frame_return(run, flavour == KN_SH_BASH ? 127 : 2);
            return;
        }
        push_shell(run, flavour, argv[0], g_bytes_get_data(file, NULL), g_bytes_get_size(file),
                   argv + i, &frame->io);
        return;
    }
    /* The script comes on standard input. */
    {
        gsize size = 0;
        const char *data = frame->io.in != NULL ? g_bytes_get_data(frame->io.in, &size) : "";

        push_shell(run, flavour, argv[0], data != NULL ? data : "", size, NULL, &frame->io);
    }
}

/* Runs the expanded command of a F_SIMPLE frame.  Returns with the frame
 * popped, a child pushed, or run->waiting set. */
static void
execute(Run *run, Frame *frame)
{
    char **argv;
    int argc = (int) frame->fields->len;
    const char *name;
    const char *base;
    const Builtin *builtin;
    KnShFlavour flavour;

    g_ptr_array_add(frame->fields, NULL);        /* argv[argc] == NULL */
    argv = (char **) frame->fields->pdata;
    name = argv[0];
    base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
    builtin = find_builtin(base);
    if (strcmp(base, "exit") == 0 && !frame->no_shell) {
        int status = argc > 1 ? atoi(argv[1]) & 0xff : run->env->status;
        const char *p = argc > 1 ? argv[1] : "0";

        /* dash and ash take digits only, bash a sign too; anything else
         * is an error that ends the shell with 2 all the same. */
        if (run->env->flavour == KN_SH_BASH && (*p == '-' || *p == '+'))
            p++;
        while (g_ascii_isdigit(*p))
            p++;
        if (*p != '\0' || argv[1][0] == '\0' || (run->env->flavour != KN_SH_BASH && !g_ascii_isdigit(argv[1][0]))) {
            Env *env = run->env;

            if (env->flavour == KN_SH_DASH)
                g_string_append_printf(frame->io.err, "%s: %d: exit: Illegal number: %s\n", env->argv0, env->line,
                                       argv[1]);
            else if (env->flavour == KN_SH_BASH)
                g_string_append_printf(frame->io.err, "%s: line %d: exit: %s: numeric argument required\n",
                                       env->argv0, env->line, argv[1]);
            else
                g_string_append_printf(frame->io.err, "%s: exit: line 0: Illegal number: %s\n", env->argv0,
                                       argv[1]);
            status = 2;
        }

        frame_return(run, status);
        run->exiting = TRUE;
        return;
    }
    if (builtin != NULL && !(builtin->shell_only && frame->no_shell)) {
        int status = builtin->func(run, &frame->io, argc, argv);

        frame_return(run, status);
        return;
    }
    if (strcmp(base, "sleep") == 0) {
        KnTime delay;

        if (!parse_sleep(run, &frame->io, argc, argv, &delay)) {
            frame_return(run, 1);
            return;
        }
        frame->state = 10;
        run->waiting = TRUE;
        run->sleeping = TRUE;
        run->sleep_id = run->where->klass->after(run->where->self, delay, on_sleep_done, run, NULL);
        return;
    }
    if (shell_program(run->image, name, &flavour)) {
        frame->state = 11;
        start_shell(run, frame, flavour, argv, argc);
        return;
    }
    if (kn_tools_known(base) && kn_images_find_tool(run->image, base) != NULL) {
        KnToolIo io = { frame->io.in, frame->io.out, frame->io.err, run->files,
                        tool_read_file, run };

        frame->state = 10;
        run->waiting = TRUE;
        kn_tools_run(run->where, run->image, run->where->image, (const char *const *) argv, &io,
                     on_tool_done, run);
        return;
    }
    not_found(run, &frame->io, name);
    frame_return(run, frame->no_shell ? 126 : 127);
}

gboolean
kn_shell_models(const KnImageCatalog *images, const char *image, const char *program)
{
    const KnImage *entry = kn_images_lookup(images, image);
    const char *base = strrchr(program, '/') != NULL ? strrchr(program, '/') + 1 : program;
    const Builtin *builtin = find_builtin(base);
    KnShFlavour flavour;

    /* As execute() finds a program run with no shell in between. */
    if (strcmp(entry->repository, "*") == 0)     /* the generic entry: an unknown image */
        return FALSE;
    if ((builtin != NULL && !builtin->shell_only) || strcmp(base, "sleep") == 0)
        return TRUE;
    if (shell_program(entry, program, &flavour))
        return TRUE;
    return kn_tools_known(base) && kn_images_find_tool(entry, base) != NULL;
}

static GPtrArray *
take_fields(Run *run)
{
    GPtrArray *fields = run->fields;

    run->fields = NULL;
    return fields != NULL ? fields : g_ptr_array_new_with_free_func(g_free);
}

static void
step_simple(Run *run, Frame *frame)
{
    Node *node = frame->node;

    switch (frame->state) {
    case 0:
        run->env->line = node->line;
        frame->state = 1;
        if (node->assigns->len > 0) {
            GPtrArray *values = g_ptr_array_new();

            for (guint i = 0; i < node->assigns->len; i++)
                g_ptr_array_add(values, ((Assign *) g_ptr_array_index(node->assigns, i))->value);
            frame->values = values;                /* the words, borrowed, until expanded */
            push_expand(run, values, FALSE, &frame->io);
        }
        return;
    case 1:
        if (frame->values != NULL) {
            g_autoptr(GPtrArray) values = take_fields(run);

            g_ptr_array_unref(frame->values);
            frame->values = g_ptr_array_ref(values);
            frame->status = run->ret;
        }
        frame->state = 2;
        push_expand(run, node->words, TRUE, &frame->io);
        return;
    case 2:
        frame->fields = take_fields(run);
        if (frame->fields->len == 0) {
            /* Only assignments: they set the shell's variables. */
            for (guint i = 0; frame->values != NULL && i < frame->values->len; i++) {
                const Assign *assign = g_ptr_array_index(node->assigns, i);

                g_hash_table_insert(run->env->vars, g_strdup(assign->name),
                                    g_strdup(g_ptr_array_index(frame->values, i)));
            }
            frame_return(run, frame->values != NULL && frame->status >= 0 ? frame->status : 0);
            return;
        }
        execute(run, frame);
        return;
    case 3:                                      /* kn_shell_exec(): argv is given */
        execute(run, frame);
        return;
    case 10:                                     /* a tool or sleep finished */
    case 11:                                     /* a nested shell finished */
        run->exiting = FALSE;
        frame_return(run, run->ret);
        return;
    }
}

/* Collects the command substitutions of 'words' in order. */
static void
collect_commands(GPtrArray *words, GPtrArray *parts)
{
    for (guint w = 0; words != NULL && w < words->len; w++) {
        const Word *word = g_ptr_array_index(words, w);

        for (guint p = 0; p < word->parts->len; p++) {
            Part *part = g_ptr_array_index(word->parts, p);

            if (part->kind == PART_CMD)
                g_ptr_array_add(parts, part);
        }
    }
}

static void
step_expand(Run *run, Frame *frame)
{
    if (frame->state == 0) {
        frame->cmd_parts = g_ptr_array_new();
        frame->captures = g_ptr_array_new_with_free_func(g_free);
        collect_commands(frame->words, frame->cmd_parts);
        frame->status = -1;
        frame->state = 1;
    } else if (frame->state == 2) {
        gsize size = 0;
        const char *data = run->captured != NULL ? g_bytes_get_data(run->captured, &size) : NULL;
        char *text = g_strndup(data != NULL ? data : "", size);

        /* $(…) drops trailing newlines. */
        for (gsize len = strlen(text); len > 0 && text[len - 1] == '\n'; len--)
            text[len - 1] = '\0';
        g_ptr_array_add(frame->captures, text);
        g_clear_pointer(&run->captured, g_bytes_unref);
        frame->status = run->ret;
        frame->state = 1;
    }
    if (frame->index < frame->cmd_parts->len) {
        Part *part = g_ptr_array_index(frame->cmd_parts, frame->index++);
        Io io = frame->io;

        frame->state = 2;
        push_subshell(run, part->cmd, &io, NULL);
        return;
    }
    {
        GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
        guint next = 0;
        int status = frame->status;

        for (guint w = 0; frame->words != NULL && w < frame->words->len; w++)
            expand_word(run, g_ptr_array_index(frame->words, w), frame->split, frame->captures,
                        &next, fields);
        if (run->arith_error != NULL) {
            /* An expansion error ends the shell (or the subshell). */
            g_string_append_printf(frame->io.err, "%s\n", run->arith_error);
            g_clear_pointer(&run->arith_error, g_free);
            g_ptr_array_unref(fields);
            frame_return(run, run->env->flavour == KN_SH_BASH ? 1 : 2);
            run->exiting = TRUE;
            return;
        }
        frame_return(run, status);
        if (run->fields != NULL)
            g_ptr_array_unref(run->fields);
        run->fields = fields;
    }
}

static void
step(Run *run, Frame *frame)
{
    Node *node = frame->node;

    switch (frame->kind) {
    case F_FAIL:
        frame_return(run, 1);
        return;
    case F_SHELL:
        if (frame->state == 1 && run->exiting) {
            run->exiting = FALSE;
            frame_return(run, run->ret);
            return;
        }
        frame->state = 1;
        if (frame->index < node->kids->len) {
            push_node(run, g_ptr_array_index(node->kids, frame->index++), &frame->io);
            return;
        }
        if (frame->error.set) {
            g_autofree char *message = format_syntax_error(&frame->error, run->env->flavour,
                                                           run->env->argv0);

            g_string_append(frame->io.err, message);
            frame_return(run, 2);
            return;
        }
        frame_return(run, node->kids->len > 0 ? run->env->status : 0);
        return;
    case F_SUBSHELL:
    case F_GROUP:
        if (frame->state == 0) {
            frame->state = 1;
            push_node(run, frame->kind == F_GROUP ? node->body : node, &frame->io);
            return;
        }
        if (frame->kind == F_SUBSHELL)
            run->exiting = FALSE;
        frame_return(run, run->ret);
        return;
    case F_LIST:
        if (frame->index < node->kids->len) {
            push_node(run, g_ptr_array_index(node->kids, frame->index++), &frame->io);
            return;
        }
        frame_return(run, node->kids->len > 0 ? run->ret : 0);
        return;
    case F_ANDOR:
        if (frame->state == 0) {
            frame->state = 1;
            push_node(run, g_ptr_array_index(node->kids, frame->index++), &frame->io);
            return;
        }
        while (frame->index < node->kids->len) {
            int op = g_array_index(node->ops, int, frame->index - 1);

            if ((op == OP_AND && run->ret == 0) || (op == OP_OR && run->ret != 0)) {
                push_node(run, g_ptr_array_index(node->kids, frame->index++), &frame->io);
                return;
            }
            frame->index++;
        }
        frame_return(run, run->ret);
        return;
    case F_PIPELINE:
        if (node->kids->len == 1) {
            if (frame->state == 0) {
                frame->state = 1;
                push_node(run, g_ptr_array_index(node->kids, 0), &frame->io);
                return;
            }
            frame_return(run, node->bang ? run->ret == 0 : run->ret);
            return;
        }
        if (frame->state == 1) {
            g_clear_pointer(&frame->bytes, g_bytes_unref);
            frame->bytes = run->captured;
            run->captured = NULL;
        }
        frame->state = 1;
        if (frame->index < node->kids->len) {
            Io io = frame->io;
            gboolean last = frame->index == node->kids->len - 1;
            Node *stage = g_ptr_array_index(node->kids, frame->index++);

            if (frame->index > 1)
                io.in = frame->bytes;
            /* Each stage runs in a subshell; all but the last are captured. */
            push_subshell(run, stage, &io, last ? frame->io.out : NULL);
            return;
        }
        frame_return(run, node->bang ? run->ret == 0 : run->ret);
        return;
    case F_SIMPLE:
        step_simple(run, frame);
        return;
    case F_EXPAND:
        step_expand(run, frame);
        return;
    case F_FOR:
        if (frame->state == 0) {
            frame->state = 1;
            if (node->words != NULL) {
                push_expand(run, node->words, TRUE, &frame->io);
                return;
            }
            run->fields = g_ptr_array_new_with_free_func(g_free);
            for (guint i = 1; i < run->env->params->len; i++)
                g_ptr_array_add(run->fields, g_strdup(g_ptr_array_index(run->env->params, i)));
        }
        if (frame->state == 1) {
            frame->fields = take_fields(run);
            frame->state = 2;
            frame->status = 0;
        } else {
            frame->status = run->ret;
        }
        if (frame->index < frame->fields->len) {
            g_hash_table_insert(run->env->vars, g_strdup(node->var),
                                g_strdup(g_ptr_array_index(frame->fields, frame->index++)));
            push_node(run, node->body, &frame->io);
            return;
        }
        frame_return(run, frame->status);
        return;
    case F_WHILE:
        switch (frame->state) {
        case 0:                                  /* evaluate the condition */
            if (frame->index++ >= MAX_LOOP) {
                g_string_append_printf(frame->io.err, "knetsim: loop stopped after %d iterations\n",
                                       MAX_LOOP);
                frame_return(run, 130);
                return;
            }
            frame->state = 1;
            push_node(run, g_ptr_array_index(node->kids, 0), &frame->io);
            return;
        case 1: {                                /* the condition's status */
            gboolean go = node->kind == N_WHILE ? run->ret == 0 : run->ret != 0;

            if (!go) {
                frame_return(run, frame->status);
                return;
            }
            frame->state = 2;
            push_node(run, g_ptr_array_index(node->kids, 1), &frame->io);
            return;
        }
        default:                                 /* the body's status */
            frame->status = run->ret;
            frame->state = 0;
            return;
        }
    case F_IF: {
        guint pairs = (node->kids->len - (node->has_else ? 1 : 0)) / 2;

        switch (frame->state) {
        case 0:
            frame->state = 1;
            push_node(run, g_ptr_array_index(node->kids, 2 * frame->index), &frame->io);
            return;
        case 1:
            if (run->ret == 0) {
                frame->state = 2;
                push_node(run, g_ptr_array_index(node->kids, 2 * frame->index + 1), &frame->io);
                return;
            }
            frame->index++;
            if (frame->index < pairs) {
                frame->state = 0;
                return;
            }
            if (node->has_else) {
                frame->state = 2;
                push_node(run, g_ptr_array_index(node->kids, node->kids->len - 1), &frame->io);
                return;
            }
            frame_return(run, 0);
            return;
        default:
            frame_return(run, run->ret);
            return;
        }
    }
    }
}

static void
run_free(Run *run)
{
    g_string_free(run->result.out, TRUE);
    g_string_free(run->result.err, TRUE);
    g_string_free(run->devnull, TRUE);
    g_hash_table_unref(run->files);
    g_free(run->arith_error);
    g_ptr_array_unref(run->stack);
    env_free(run->root_env);
    if (run->fields != NULL)
        g_ptr_array_unref(run->fields);
    g_clear_pointer(&run->captured, g_bytes_unref);
    if (run->options.in != NULL)
        g_bytes_unref(run->options.in);
    g_free(run);
}

/* The simulation ended with the run still waiting (netclient.h adopt). */
static void
run_abandon(gpointer data)
{
    Run *run = data;

    if (run->options.abandon != NULL)
        run->options.abandon(run->user_data);
    run_free(run);
}

/* A frozen run goes without a word: as the simulation's end abandons it. */
static void
run_drop(Run *run)
{
    if (run->where->klass->disown != NULL)
        run->where->klass->disown(run->where->self, run);
    run_abandon(run);
}

void
kn_shell_freeze(KnShellRun *run)
{
    g_return_if_fail(run != NULL);

    if (run->sleeping && run->where->klass->cancel != NULL) {
        run->where->klass->cancel(run->where->self, run->sleep_id);
        run_drop(run);
        return;
    }
    run->frozen = TRUE;          /* a tool's answer, or its start, is pending */
}

static void
finish(Run *run)
{
    run->finished = TRUE;
    run->result.status = run->ret;
    if (run->where->klass->disown != NULL)
        run->where->klass->disown(run->where->self, run);
    run->done(&run->result, run->user_data);
    run_free(run);
}

static void
run_loop(Run *run)
{
    if (run->looping)
        return;
    if (run->frozen) {
        run_drop(run);
        return;
    }
    /* Its pod is gone: the runtime killed what ran in it (SIGKILL).  A
     * run resumes only once what it waited for is over, so nothing else
     * refers to its frames now. */
    if (run->where->klass->alive != NULL && !run->where->klass->alive(run->where->self)) {
        g_ptr_array_set_size(run->stack, 0);
        run->waiting = FALSE;
        run->ret = 128 + 9;
    }
    run->looping = TRUE;
    while (run->stack->len > 0 && !run->waiting) {
        Frame *frame = top(run);

        /* `exit` unwinds every frame up to the shell or subshell it ends. */
        if (run->exiting && frame->kind != F_SHELL && frame->kind != F_SUBSHELL) {
            frame_return(run, run->ret);
            continue;
        }
        step(run, frame);
    }
    run->looping = FALSE;
    if (run->stack->len == 0 && !run->waiting && !run->finished)
        finish(run);
}

/*****************************************************************************
 * Entry points.
 *****************************************************************************/

static void
gstring_free(gpointer string)
{
    g_string_free(string, TRUE);
}

static Run *
run_new(KnNetClient *where, const KnShellOptions *options, KnShellDone done, gpointer user_data)
{
    Run *run = g_new0(Run, 1);

    run->where = where;
    if (options != NULL)
        run->options = *options;
    if (run->options.in != NULL)
        g_bytes_ref(run->options.in);
    run->image = kn_images_lookup(run->options.images, where->image);
    run->stack = g_ptr_array_new_with_free_func((GDestroyNotify) frame_free);
    run->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, gstring_free);
    run->devnull = g_string_new(NULL);
    run->result.out = g_string_new(NULL);
    run->result.err = g_string_new(NULL);
    run->root_env = env_new(KN_SH_NONE, "sh");
    run->env = run->root_env;
    for (guint i = 0; run->options.environ != NULL && run->options.environ[i] != NULL; i++) {
        const char *entry = run->options.environ[i], *eq = strchr(entry, '=');
        g_autofree char *name = eq != NULL ? g_strndup(entry, (gsize) (eq - entry)) : NULL;

        if (name == NULL)
            continue;
        g_hash_table_insert(run->env->vars, g_strdup(name), g_strdup(eq + 1));
        env_export(run->env, name);
    }
    run->done = done;
    run->user_data = user_data;
    if (where->klass->adopt != NULL)
        where->klass->adopt(where->self, run, run_abandon);
    return run;
}

static void
on_start(gpointer user_data)
{
    run_loop(user_data);
}

static void
start(Run *run)
{
    /* Even a command that needs no network answers from an event. */
    run->where->klass->after(run->where->self, 0, on_start, run, NULL);
}

static Io
root_io(Run *run)
{
    Io io = { run->result.out, run->options.tty ? run->result.out : run->result.err, run->options.in };

    if (run->options.log != NULL)
        io.out = io.err = run->options.log;
    return io;
}

void
kn_shell_run(KnNetClient *where, const char *script, const KnShellOptions *options,
             KnShellDone done, gpointer user_data)
{
    Run *run;
    Io io;

    g_return_if_fail(where != NULL && script != NULL && done != NULL);
    run = run_new(where, options, done, user_data);
    io = root_io(run);
    if (run->image->sh == KN_SH_NONE) {
        not_found(run, &io, "sh");
        run->ret = 126;
    } else {
        push_shell(run, run->image->sh, "sh", script, strlen(script), NULL, &io);
    }
    start(run);
}

void
kn_shell_exec(KnNetClient *where, const char *const *argv, const KnShellOptions *options,
              KnShellDone done, gpointer user_data)
{
    kn_shell_spawn(where, argv, options, done, user_data);
}

KnShellRun *
kn_shell_spawn(KnNetClient *where, const char *const *argv, const KnShellOptions *options,
               KnShellDone done, gpointer user_data)
{
    Run *run;
    Io io;
    Frame *frame;

    g_return_val_if_fail(where != NULL && argv != NULL && argv[0] != NULL && done != NULL, NULL);
    run = run_new(where, options, done, user_data);
    io = root_io(run);
    frame = frame_push(run, F_SIMPLE, NULL, &io);
    frame->no_shell = TRUE;
    frame->fields = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; argv[i] != NULL; i++)
        g_ptr_array_add(frame->fields, g_strdup(argv[i]));
    frame->state = 3;
    start(run);
    return run;
}

void
kn_shell_exec_line(KnNetClient *where, const char *line, const KnShellOptions *options,
                   KnShellDone done, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = NULL;

    g_return_if_fail(where != NULL && line != NULL && done != NULL);
    argv = kn_shell_split(line, &error);
    if (argv == NULL) {
        Run *run = run_new(where, options, done, user_data);

        g_string_append_printf(run->result.err, "bash: -c: line 1: %s\n", error->message);
        run->ret = 2;
        start(run);
        return;
    }
    if (argv[0] == NULL) {
        Run *run = run_new(where, options, done, user_data);

        g_string_append(run->result.err, "error: you must specify at least one command for the container\n");
        run->ret = 1;
        start(run);
        return;
    }
    kn_shell_exec(where, (const char *const *) argv, options, done, user_data);
}
