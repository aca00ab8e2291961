/* test_shell.c -- the shell: parsing and its error texts per shell, word
 * expansion, lists, pipelines, loops, the filters, and commands that wait
 * for the (fake) network or the clock. */
#include <config.h>
#include "tests/test_util.h"

#include "models/shell.h"
#include "tests/fake_net.h"

typedef struct Outcome {
    char *out;
    char *err;
    int status;
    gboolean done;
} Outcome;

static void
outcome_free(Outcome *outcome)
{
    g_free(outcome->out);
    g_free(outcome->err);
    g_free(outcome);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Outcome, outcome_free)

static void
on_done(const KnShellResult *result, gpointer user_data)
{
    Outcome *outcome = user_data;

    assert_false(outcome->done);
    outcome->out = g_strndup(result->out->str, result->out->len);
    outcome->err = g_strndup(result->err->str, result->err->len);
    outcome->status = result->status;
    outcome->done = TRUE;
}

/* Runs 'script' with sh -c in 'net''s container until it exits. */
static Outcome *
sh(FakeNet *net, const char *script)
{
    Outcome *outcome = g_new0(Outcome, 1);

    kn_shell_run(&net->client, script, NULL, on_done, outcome);
    assert_false(outcome->done);                 /* never before an event */
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(outcome->done);
    return outcome;
}

static Outcome *
sh_in(const char *image, const char *script)
{
    FakeNet *net = fake_net_lab(image);
    Outcome *outcome = sh(net, script);

    fake_net_free(net);
    return outcome;
}

#define NETSHOOT "nicolaka/netshoot"

static void
assert_outcome(Outcome *outcome, const char *out, const char *err, int status)
{
    if (g_strcmp0(outcome->out, out) != 0 || g_strcmp0(outcome->err, err) != 0 ||
        outcome->status != status)
        fail_msg("got out=[%s] err=[%s] status=%d\nwant out=[%s] err=[%s] status=%d",
                 outcome->out, outcome->err, outcome->status, out, err, status);
}

static void
test_shell_words_and_quotes(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "echo \"a  b\" 'c $x' d\\ e \"\" end");
    g_autoptr(Outcome) b = sh_in(NETSHOOT, "X=world; Y=\"$X  2\"; echo hello $X ${X}s \"$Y\" $Y");
    g_autoptr(Outcome) c = sh_in(NETSHOOT, "echo ${UNSET:-fallback} ${#HOSTNAME} $HOSTNAME");
    g_autoptr(Outcome) d = sh_in(NETSHOOT, "echo $((2 + 3 * 4)) $(( (7 - 1) / 4 )) $((10 % 3))");

    (void) state;
    assert_outcome(a, "a  b c $x d e  end\n", "", 0);
    assert_outcome(b, "hello world worlds world  2 world 2\n", "", 0);
    assert_outcome(c, "fallback 6 client\n", "", 0);
    assert_outcome(d, "14 1 1\n", "", 0);
}

static void
test_shell_status_and_lists(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "false; echo $?; true && echo yes || echo no; "
                                           "false && echo yes || echo no; ! true; echo $?");
    g_autoptr(Outcome) b = sh_in(NETSHOOT, "echo a; exit 3; echo b");
    g_autoptr(Outcome) c = sh_in(NETSHOOT, "(exit 4); echo $?; sh -c 'echo inner; exit 7'; echo $?");
    g_autoptr(Outcome) d = sh_in(NETSHOOT, "if false; then echo one; elif true; then echo two; "
                                           "else echo three; fi");
    g_autoptr(Outcome) e = sh_in(NETSHOOT, "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done;"
                                           " until [ $i -eq 0 ]; do i=$((i-1)); done; echo $i");
    g_autoptr(Outcome) f = sh_in(NETSHOOT, "{ echo x; echo y; } | wc -l; X=$(exit 2); echo $?");

    (void) state;
    assert_outcome(a, "1\nyes\nno\n1\n", "", 0);
    assert_outcome(b, "a\n", "", 3);
    assert_outcome(c, "4\ninner\n7\n", "", 0);
    assert_outcome(d, "two\n", "", 0);
    assert_outcome(e, "0\n1\n2\n0\n", "", 0);
    assert_outcome(f, "2\n2\n", "", 0);
}

static void
test_shell_for_loop_with_seq(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "for i in $(seq 1 3); do echo n$i; done");
    g_autoptr(Outcome) b = sh_in(NETSHOOT, "for w in a 'b c'\ndo\n  echo \"[$w]\"\ndone");
    g_autoptr(Outcome) c = sh_in(NETSHOOT, "seq 3; seq 2 4; seq 1 2 7; seq -s, 3; seq 5 1");
    g_autoptr(Outcome) d = sh_in(NETSHOOT, "for i in `seq 2`; do printf '%s-%d\\n' x $i; done");

    (void) state;
    assert_outcome(a, "n1\nn2\nn3\n", "", 0);
    assert_outcome(b, "[a]\n[b c]\n", "", 0);
    assert_outcome(c, "1\n2\n3\n2\n3\n4\n1\n3\n5\n7\n1,2,3\n", "", 0);
    assert_outcome(d, "x-1\nx-2\n", "", 0);
}

static void
test_shell_filters(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "printf 'b\\na\\nb\\n' | sort | uniq -c");
    g_autoptr(Outcome) b = sh_in(NETSHOOT, "printf '10\\n9\\n100\\n9\\n' | sort -n; "
                                           "printf '10\\n9\\n100\\n' | sort -rn; "
                                           "printf 'b\\na\\nb\\n' | sort -u");
    g_autoptr(Outcome) c = sh_in(NETSHOOT, "printf 'Foo\\nbar\\nfoo\\n' | grep -i foo; "
                                           "printf 'Foo\\nbar\\nfoo\\n' | grep -c o; "
                                           "printf 'Foo\\nbar\\n' | grep -v Foo; "
                                           "echo 'web-1 web-22' | grep -oE 'web-[0-9]+'; "
                                           "echo abc | grep -q x; echo $?; "
                                           "echo 'a(b' | grep 'a(b'");
    g_autoptr(Outcome) d = sh_in(NETSHOOT, "seq 10 | head -n 2; seq 10 | head -3 | tail -1; "
                                           "seq 5 | tail -n 2; seq 5 | tail -n +4");
    g_autoptr(Outcome) e = sh_in(NETSHOOT, "printf 'x\\nx\\ny\\n' | sort | uniq -c | sort -rn");

    (void) state;
    assert_outcome(a, "      1 a\n      2 b\n", "", 0);
    assert_outcome(b, "9\n9\n10\n100\n100\n10\n9\na\nb\n", "", 0);
    assert_outcome(c, "Foo\nfoo\n2\nbar\nweb-1\nweb-22\n1\na(b\n", "", 0);
    assert_outcome(d, "1\n2\n3\n4\n5\n4\n5\n", "", 0);
    assert_outcome(e, "      2 x\n      1 y\n", "", 0);
}

static void
test_shell_wc_formats_per_flavour(void **state)
{
    /* busybox pads to 9 columns, GNU to 7 on a pipe; one count is bare. */
    g_autoptr(Outcome) busybox = sh_in(NETSHOOT, "seq 5 | wc -l; echo a b | wc; echo a b | wc -lw");
    g_autoptr(Outcome) gnu = sh_in("nginx:1.27", "seq 5 | wc -l; echo a b | wc; echo a b | wc -lw");

    (void) state;
    assert_outcome(busybox, "5\n        1         2         4\n        1         2\n", "", 0);
    assert_outcome(gnu, "5\n      1       2       4\n      1       2\n", "", 0);
}

static void
test_shell_echo_per_shell(void **state)
{
    /* dash knows no -e and always interprets escapes. */
    g_autoptr(Outcome) dash = sh_in("nginx:1.27", "echo -e 'a\\tb'; echo -n x; echo 'c\\nd'");
    g_autoptr(Outcome) ash = sh_in(NETSHOOT, "echo -e 'a\\tb'; echo -n x; echo 'c\\nd'");

    (void) state;
    assert_outcome(dash, "-e a\tb\nxc\nd\n", "", 0);
    assert_outcome(ash, "a\tb\nxc\\nd\n", "", 0);
}

static void
test_shell_not_found_per_shell(void **state)
{
    g_autoptr(Outcome) ash = sh_in(NETSHOOT, "wget2 -q http://web");
    g_autoptr(Outcome) dash = sh_in("nginx:1.27", "echo ok\nwget -qO- http://web");
    g_autoptr(Outcome) busybox = sh_in("busybox:1.37", "curl -s http://web; echo $?");
    g_autoptr(Outcome) bash = sh_in(NETSHOOT, "bash -c 'nosuch'");
    g_autoptr(Outcome) no_bash = sh_in("busybox", "bash -c 'echo hi'");

    (void) state;
    assert_outcome(ash, "", "sh: wget2: not found\n", 127);
    assert_outcome(dash, "ok\n", "sh: 2: wget: not found\n", 127);
    assert_outcome(busybox, "127\n", "sh: curl: not found\n", 0);
    assert_outcome(bash, "", "bash: line 1: nosuch: command not found\n", 127);
    assert_outcome(no_bash, "", "sh: bash: not found\n", 127);
}

/* The user's own shell's words: what kubectl and `kubectl exec` get. */
static void
test_shell_split_words(void **state)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) words = kn_shell_split("run a --labels='x=1,y=2' -- sh -c \"echo \\\"hi\\\"\" a\\ b # note", &error);
    g_auto(GStrv) joined = kn_shell_split("get \\\npods x#y", &error);
    g_auto(GStrv) empty = kn_shell_split("  # nothing", &error);

    (void) state;
    assert_int_equal(g_strv_length(words), 8);
    assert_string_equal(words[2], "--labels=x=1,y=2");
    assert_string_equal(words[6], "echo \"hi\"");
    assert_string_equal(words[7], "a b");
    assert_int_equal(g_strv_length(joined), 3);
    assert_string_equal(joined[1], "pods");
    assert_string_equal(joined[2], "x#y");
    assert_int_equal(g_strv_length(empty), 0);
    assert_null(kn_shell_split("get 'pods", &error));
    assert_string_equal(error->message, "unexpected EOF while looking for matching `''");
    g_clear_error(&error);
    assert_null(kn_shell_split("echo \"it's", &error));
    assert_string_equal(error->message, "unexpected EOF while looking for matching `\"'");
    g_clear_error(&error);
    /* A backslash ending the line inside double quotes escapes nothing
     * (it once skipped the line's end and read on past it). */
    assert_null(kn_shell_split("get pods \"abc\\", &error));
    assert_string_equal(error->message, "unexpected EOF while looking for matching `\"'");
}

static void
test_shell_syntax_errors_per_shell(void **state)
{
    g_autoptr(Outcome) ash = sh_in(NETSHOOT, "for i in 1 2; do echo $i");
    g_autoptr(Outcome) dash = sh_in("nginx:1.27", "for i in 1 2; do echo $i");
    g_autoptr(Outcome) quote = sh_in(NETSHOOT, "echo 'unterminated");
    g_autoptr(Outcome) done = sh_in(NETSHOOT, "echo hi; done");
    g_autoptr(Outcome) earlier = sh_in(NETSHOOT, "echo first\nif true; then echo x; fi fi");
    g_autoptr(Outcome) dangling = sh_in("nginx:1.27", "echo a &&");
    g_autoptr(Outcome) bash = sh_in(NETSHOOT, "bash -c 'for i in; done'");
    g_autofree char *message = kn_shell_syntax_error("while true; do", KN_SH_ASH);
    g_autofree char *none = kn_shell_syntax_error("for i in 1; do echo; done | sort", KN_SH_DASH);

    (void) state;
    assert_outcome(ash, "", "sh: syntax error: unexpected end of file (expecting \"done\")\n", 2);
    assert_outcome(dash, "", "sh: 1: Syntax error: end of file unexpected (expecting \"done\")\n",
                   2);
    assert_outcome(quote, "", "sh: syntax error: unterminated quoted string\n", 2);
    assert_outcome(done, "", "sh: syntax error: unexpected \"done\"\n", 2);
    assert_outcome(earlier, "first\n", "sh: syntax error: unexpected \"fi\"\n", 2);
    assert_outcome(dangling, "", "sh: 1: Syntax error: end of file unexpected\n", 2);
    assert_outcome(bash, "", "bash: -c: line 1: syntax error near unexpected token `done'\n", 2);
    assert_string_equal(message, "sh: syntax error: unexpected end of file (expecting \"done\")");
    assert_null(none);
}

/* $((…)): the C operators, and each shell's arithmetic errors, which end
 * the shell (or only the command substitution they are in).  The texts
 * are those of dash 0.5.12, busybox 1.35 and bash 5.2 run on the same
 * scripts. */
/* What each shell says of a construct left open, and of exit with a
 * bad number (dash 0.5.12, busybox 1.35 and bash 5.2 on the same input). */
static void
test_shell_unclosed_and_bad_exit_per_shell(void **state)
{
    static const struct {
        const char *image, *script, *err;
        int status;
    } cases[] = {
        { "nginx:1.27", "echo $(", "sh: 1: Syntax error: end of file unexpected (expecting \")\")\n", 2 },
        { NETSHOOT, "echo $(", "sh: syntax error: unexpected end of file (expecting \")\")\n", 2 },
        { "nginx:1.27", "echo ${", "sh: 1: Syntax error: Missing '}'\n", 2 },
        { NETSHOOT, "echo ${", "sh: syntax error: missing '}'\n", 2 },
        { "nginx:1.27", "echo $(((1+2))", "sh: 1: Syntax error: Missing '))'\n", 2 },
        { NETSHOOT, "echo $(((1+2))", "sh: syntax error: missing '))'\n", 2 },
        { "nginx:1.27", "echo `", "sh: 1: Syntax error: EOF in backquote substitution\n", 2 },
        { NETSHOOT, "echo `", "sh: syntax error: EOF in backquote substitution\n", 2 },
        { NETSHOOT, "bash -c 'echo ${'", "bash: -c: line 1: unexpected EOF while looking for matching `}'\n", 2 },
        { NETSHOOT, "bash -c 'echo $('", "bash: -c: line 2: unexpected EOF while looking for matching `)'\n", 2 },
        { "nginx:1.27", "exit -1", "sh: 1: exit: Illegal number: -1\n", 2 },
        { NETSHOOT, "exit abc", "sh: exit: line 0: Illegal number: abc\n", 2 },
        { NETSHOOT, "bash -c 'exit 3x'", "bash: line 1: exit: 3x: numeric argument required\n", 2 },
        { NETSHOOT, "bash -c 'exit -1'", "", 255 },
        { "nginx:1.27", "exit 256", "", 0 },
    };
    /* A '$' or a backslash ending the script is a literal character in
     * each shell ("$" once read as a special parameter named NUL, the
     * backslash was dropped). */
    static const struct {
        const char *image, *script;
    } literal[] = {
        { NETSHOOT, "echo $" }, { "nginx:1.27", "echo $" }, { NETSHOOT, "bash -c 'echo $'" },
        { NETSHOOT, "echo a$" }, { NETSHOOT, "echo a\\" }, { "nginx:1.27", "echo a\\" },
        { NETSHOOT, "bash -c 'echo a\\'" },
    };
    static const char *const printed[] = { "$\n", "$\n", "$\n", "a$\n", "a\\\n", "a\\\n", "a\\\n" };

    (void) state;
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Outcome) o = sh_in(cases[i].image, cases[i].script);

        assert_outcome(o, "", cases[i].err, cases[i].status);
    }
    for (guint i = 0; i < G_N_ELEMENTS(literal); i++) {
        g_autoptr(Outcome) o = sh_in(literal[i].image, literal[i].script);

        assert_outcome(o, printed[i], "", 0);
    }
}

static void
test_shell_arithmetic_per_shell(void **state)
{
    static const char ops[] = "echo $((1<<2)) $((2**3)) $((7%3)) $((1?2:3)) $((~0)) $((5&3)) $((5|3)) "
                              "$((5^3)) $((1&&0)) $((0||2)) $((-3/2)) $((010)) $((0x10)) $((-9223372036854775807-1))";
    g_autoptr(Outcome) ash_ops = sh_in(NETSHOOT, ops);
    g_autoptr(Outcome) assign = sh_in("nginx:1.27", "x=1; echo $((x+=2)) $((x<<=1)) $x $((y=4)) $y");
    g_autoptr(Outcome) lazy = sh_in("nginx:1.27", "echo $((0 && 1/0)) $((1 || 1/0)) $((0 ? 1/0 : 5))");
    g_autoptr(Outcome) ash_lazy = sh_in(NETSHOOT, "echo $((0 && 1/0))");
    g_autoptr(Outcome) dash_zero = sh_in("nginx:1.27", "for i in 1 2; do echo $((i/(2-i))); done; echo end");
    g_autoptr(Outcome) ash_zero = sh_in(NETSHOOT, "echo $((7%0)); echo after");
    g_autoptr(Outcome) inner = sh_in("nginx:1.27", "echo $(echo $((1/0))) after");
    g_autoptr(Outcome) dash_pow = sh_in("nginx:1.27", "echo $((2**3))");
    g_autoptr(Outcome) dash_octal = sh_in("nginx:1.27", "echo $((08))");
    g_autoptr(Outcome) dash_colon = sh_in("nginx:1.27", "echo $((1?2))");
    g_autoptr(Outcome) ash_colon = sh_in(NETSHOOT, "echo $((1?2))");
    g_autoptr(Outcome) dash_name = sh_in("nginx:1.27", "x=abc; echo $((x+1))");
    g_autoptr(Outcome) ash_name = sh_in(NETSHOOT, "x=abc; abc=5; echo $((x+1)) $((y+1))");
    g_autoptr(Outcome) bash_zero = sh_in(NETSHOOT, "bash -c 'echo $((7/0+1))'");
    g_autoptr(Outcome) bash_operand = sh_in(NETSHOOT, "bash -c 'echo $((1+))'");
    g_autoptr(Outcome) bash_eof = sh_in(NETSHOOT, "bash -c 'echo $((1 2))'");

    (void) state;
    assert_outcome(ash_ops, "4 8 1 2 -1 1 7 6 0 1 -1 8 16 -9223372036854775808\n", "", 0);
    assert_outcome(assign, "3 6 6 4 4\n", "", 0);
    assert_outcome(lazy, "0 1 5\n", "", 0);
    assert_outcome(ash_lazy, "", "sh: divide by zero\n", 2);
    assert_outcome(dash_zero, "1\n", "sh: 1: arithmetic expression: division by zero: \"i/(2-i)\"\n", 2);
    assert_outcome(ash_zero, "", "sh: divide by zero\n", 2);
    assert_outcome(inner, "after\n", "sh: 1: arithmetic expression: division by zero: \"1/0\"\n", 0);
    assert_outcome(dash_pow, "", "sh: 1: arithmetic expression: expecting primary: \"2**3\"\n", 2);
    assert_outcome(dash_octal, "", "sh: 1: arithmetic expression: expecting EOF: \"08\"\n", 2);
    assert_outcome(dash_colon, "", "sh: 1: arithmetic expression: expecting ':': \"1?2\"\n", 2);
    assert_outcome(ash_colon, "", "sh: malformed ?: operator\n", 2);
    assert_outcome(dash_name, "", "sh: 1: Illegal number: abc\n", 2);
    assert_outcome(ash_name, "6 1\n", "", 0);
    assert_outcome(bash_zero, "", "bash: line 1: 7/0+1: division by 0 (error token is \"0+1\")\n", 1);
    assert_outcome(bash_operand, "", "bash: line 1: 1+: syntax error: operand expected (error token is \"+\")\n",
                   1);
    assert_outcome(bash_eof, "", "bash: line 1: 1 2: syntax error in expression (error token is \"2\")\n", 1);
}

/* 64-bit arithmetic wraps (bash prints these), and nesting deeper than
 * bash's 1024 levels, or commands nested 512 deep, is an error rather than
 * the end of the stack. */
static void
test_shell_arithmetic_limits(void **state)
{
    g_autoptr(GString) parens = g_string_new("echo $((");
    g_autoptr(GString) subshells = g_string_new(NULL);

    for (int i = 0; i < 5000; i++)
        g_string_append_c(parens, '(');
    g_string_append_c(parens, '1');
    for (int i = 0; i < 5000; i++)
        g_string_append_c(parens, ')');
    g_string_append(parens, ")); echo after");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(subshells, '(');
    g_string_append(subshells, "echo deep");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(subshells, ')');

    g_autoptr(Outcome) wraps = sh_in(NETSHOOT, "x=-9223372036854775808; echo $((3**60)) $((3**100)) $((2**63)) "
                                               "$((-9223372036854775808/-1)) $((-x)) $((x-1))");
    g_autoptr(Outcome) deep = sh_in(NETSHOOT, parens->str);
    g_autoptr(Outcome) nested = sh_in(NETSHOOT, subshells->str);

    (void) state;
    assert_outcome(wraps, "-3535985420588157519 -2984622845537545263 -9223372036854775808 -9223372036854775808 "
                          "-9223372036854775808 9223372036854775807\n", "", 0);
    assert_outcome(deep, "", "sh: expression recursion level exceeded\n", 2);
    assert_int_equal(nested->status, 2);
    assert_true(g_str_has_prefix(nested->err, "sh: syntax error: unexpected \"(\""));
}

static void
test_shell_redirections_and_files(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "echo hi > /tmp/f; echo more >> /tmp/f; cat /tmp/f; "
                                           "wc -l < /tmp/f");
    g_autoptr(Outcome) b = sh_in(NETSHOOT, "nosuch 2>&1 | wc -l; nosuch 2>/dev/null; echo $?; "
                                           "echo gone > /dev/null");
    g_autoptr(Outcome) c = sh_in(NETSHOOT, "cat /etc/hostname; hostname; cat /nope; echo $?");
    g_autoptr(Outcome) d = sh_in("nginx:1.27", "cat /nope");
    g_autoptr(Outcome) e = sh_in(NETSHOOT, "for i in 1 2; do echo $i; done > /tmp/x; "
                                           "sort -r /tmp/x; echo err >&2");

    (void) state;
    assert_outcome(a, "hi\nmore\n2\n", "", 0);
    assert_outcome(b, "1\n127\n", "", 0);
    assert_outcome(c, "client\nclient\n1\n", "cat: can't open '/nope': No such file or "
                   "directory\n", 0);
    assert_outcome(d, "", "cat: /nope: No such file or directory\n", 1);
    assert_outcome(e, "2\n1\n", "err\n", 0);
}

static void
test_shell_lab_loop_counts_backends(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "for i in $(seq 1 6); do curl -s http://echo:8080/hostname;"
                                           " echo; done | sort | uniq -c");

    (void) state;
    assert_outcome(a, "      2 web-7d9c5-abcde\n      2 web-7d9c5-fghij\n      2 web-7d9c5-klmno\n",
                   "", 0);
}

static void
test_shell_waits_for_the_network_and_the_clock(void **state)
{
    FakeNet *net = fake_net_lab(NETSHOOT);
    g_autoptr(Outcome) a = sh(net, "sleep 2; curl -s -o /dev/null -w '%{http_code}\\n' http://web "
                                   "&& echo up; sleep 0.5");

    (void) state;
    assert_outcome(a, "200\nup\n", "", 0);
    assert_true(kn_sim_now(net->sim) >= 2500 * KN_MSEC);
    assert_true(kn_sim_now(net->sim) < 2510 * KN_MSEC);
    fake_net_free(net);
}

static void
test_shell_if_on_a_refused_port(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "if curl -s http://web:81 >/dev/null; then echo up; "
                                           "else echo \"down ($?)\"; fi");

    (void) state;
    assert_outcome(a, "down (7)\n", "", 0);
}

static void
exec_argv(FakeNet *net, const char *const *argv, Outcome *outcome)
{
    kn_shell_exec(&net->client, argv, NULL, on_done, outcome);
    assert_false(outcome->done);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(outcome->done);
}

static void
test_shell_exec_runs_argv_without_a_shell(void **state)
{
    static const char *const curl[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}\\n",
                                        "http://web", NULL };
    static const char *const missing[] = { "wget", "http://web", NULL };
    static const char *const shell_word[] = { "for", "i", NULL };
    static const char *const echo[] = { "/bin/echo", "-e", "a\\tb", NULL };
    FakeNet *net = fake_net_lab("nginx:1.27");
    g_autoptr(Outcome) a = g_new0(Outcome, 1);
    g_autoptr(Outcome) b = g_new0(Outcome, 1);
    g_autoptr(Outcome) c = g_new0(Outcome, 1);
    g_autoptr(Outcome) d = g_new0(Outcome, 1);
    g_autoptr(Outcome) e = g_new0(Outcome, 1);

    (void) state;
    exec_argv(net, curl, a);
    exec_argv(net, missing, b);
    exec_argv(net, shell_word, c);
    exec_argv(net, echo, d);
    kn_shell_exec_line(&net->client, "sh -c 'for i in 1 2; do echo $i; done'", NULL, on_done, e);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_outcome(a, "200\n", "", 0);
    assert_outcome(b, "", "OCI runtime exec failed: exec failed: unable to start container process:"
                   " exec: \"wget\": executable file not found in $PATH: unknown\n", 126);
    assert_int_equal(c->status, 126);
    assert_outcome(d, "a\tb\n", "", 0);                 /* coreutils echo takes -e */
    assert_outcome(e, "1\n2\n", "", 0);
    fake_net_free(net);
}

static void
test_shell_script_on_stdin(void **state)
{
    FakeNet *net = fake_net_lab(NETSHOOT);
    g_autoptr(Outcome) a = g_new0(Outcome, 1);
    g_autoptr(GBytes) in = g_bytes_new_static("echo from stdin\n", 16);
    KnShellOptions options = { 0 };
    static const char *const argv[] = { "sh", NULL };

    (void) state;
    options.in = in;
    kn_shell_exec(&net->client, argv, &options, on_done, a);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_outcome(a, "from stdin\n", "", 0);
    fake_net_free(net);
}

static GBytes *
read_resolv(const char *path, gpointer user_data)
{
    (void) user_data;
    if (g_strcmp0(path, "/etc/resolv.conf") == 0)
        return g_bytes_new_static("search default.svc.cluster.local\nnameserver 10.96.0.10\n", 56);
    return NULL;
}

static void
test_shell_reads_files_through_the_hook(void **state)
{
    FakeNet *net = fake_net_lab(NETSHOOT);
    g_autoptr(Outcome) a = g_new0(Outcome, 1);
    KnShellOptions options = { 0 };

    (void) state;
    options.read_file = read_resolv;
    kn_shell_run(&net->client, "grep nameserver /etc/resolv.conf", &options, on_done, a);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_outcome(a, "nameserver 10.96.0.10\n", "", 0);
    fake_net_free(net);
}

/* The container's environment: env and printenv show it in its order,
 * then what `export` added (a plain assignment stays a shell variable);
 * a child sh inherits it. */
static void
test_shell_environment(void **state)
{
    FakeNet *net = fake_net_lab(NETSHOOT);
    g_autoptr(Outcome) a = g_new0(Outcome, 1);
    g_autoptr(Outcome) b = g_new0(Outcome, 1);
    static const char *const environ[] = { "PATH=/bin", "WEB_SERVICE_HOST=10.96.0.20", "HOME=/root", NULL };
    static const char *const argv[] = { "printenv", "WEB_SERVICE_HOST", "NOPE", NULL };
    KnShellOptions options = { .environ = environ };

    (void) state;
    kn_shell_run(&net->client, "A=1; export B=2; env; sh -c 'echo $WEB_SERVICE_HOST $A $B'", &options, on_done, a);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_outcome(a, "PATH=/bin\nWEB_SERVICE_HOST=10.96.0.20\nHOME=/root\nB=2\n10.96.0.20 2\n", "", 0);
    kn_shell_exec(&net->client, argv, &options, on_done, b);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_outcome(b, "10.96.0.20\n", "", 1);
    fake_net_free(net);
}

static void
test_shell_stops_endless_loops(void **state)
{
    g_autoptr(Outcome) a = sh_in(NETSHOOT, "while true; do :; done; echo after");

    (void) state;
    assert_outcome(a, "after\n", "knetsim: loop stopped after 100000 iterations\n", 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shell_words_and_quotes),
        cmocka_unit_test(test_shell_status_and_lists),
        cmocka_unit_test(test_shell_for_loop_with_seq),
        cmocka_unit_test(test_shell_filters),
        cmocka_unit_test(test_shell_wc_formats_per_flavour),
        cmocka_unit_test(test_shell_echo_per_shell),
        cmocka_unit_test(test_shell_not_found_per_shell),
        cmocka_unit_test(test_shell_split_words),
        cmocka_unit_test(test_shell_syntax_errors_per_shell),
        cmocka_unit_test(test_shell_arithmetic_per_shell),
        cmocka_unit_test(test_shell_arithmetic_limits),
        cmocka_unit_test(test_shell_unclosed_and_bad_exit_per_shell),
        cmocka_unit_test(test_shell_redirections_and_files),
        cmocka_unit_test(test_shell_lab_loop_counts_backends),
        cmocka_unit_test(test_shell_waits_for_the_network_and_the_clock),
        cmocka_unit_test(test_shell_if_on_a_refused_port),
        cmocka_unit_test(test_shell_exec_runs_argv_without_a_shell),
        cmocka_unit_test(test_shell_script_on_stdin),
        cmocka_unit_test(test_shell_reads_files_through_the_hook),
        cmocka_unit_test(test_shell_environment),
        cmocka_unit_test(test_shell_stops_endless_loops),
    };

    return cmocka_run_group_tests_name("shell", tests, NULL, NULL);
}
