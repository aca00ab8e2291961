/* test_tools.c -- curl, wget, nc, ping, getent, dig, nslookup and host against
 * the fake network: the bytes they print, their error texts and exit
 * codes, per version and flavour. */
#include <config.h>
#include "tests/test_util.h"

#include "models/shell.h"
#include "models/tools.h"
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

    outcome->out = g_strndup(result->out->str, result->out->len);
    outcome->err = g_strndup(result->err->str, result->err->len);
    outcome->status = result->status;
    outcome->done = TRUE;
}

/* The lab plus "slow" (10.96.0.30:80), which answers after 5 s. */
static Outcome *
run(const char *image, const char *script)
{
    FakeNet *net = fake_net_lab(image);
    Outcome *outcome = g_new0(Outcome, 1);

    fake_net_name(net, "slow", "10.96.0.30");
    fake_net_service(net, "10.96.0.30", 80, KN_IPPROTO_TCP, FAKE_SLOW, "nginx:1.27",
                     fake_web_pods)->delay = 5 * KN_SEC;
    kn_shell_run(&net->client, script, NULL, on_done, outcome);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(outcome->done);
    fake_net_free(net);
    return outcome;
}

static void
assert_outcome(Outcome *outcome, const char *out, const char *err, int status)
{
    if ((out != NULL && g_strcmp0(outcome->out, out) != 0) || g_strcmp0(outcome->err, err) != 0 ||
        outcome->status != status)
        fail_msg("got out=[%s] err=[%s] status=%d\nwant out=[%s] err=[%s] status=%d",
                 outcome->out, outcome->err, outcome->status, out, err, status);
}

#define NETSHOOT "nicolaka/netshoot"
#define NGINX "nginx:1.27"

#define METER_HEADER \
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" \
    "                                 Dload  Upload   Total   Spent    Left  Speed\n"
#define METER_ZERO \
    "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"

#define NGINX_HEADERS(prefix) \
    prefix "HTTP/1.1 200 OK\r\n" \
    prefix "Server: nginx/1.27.4\r\n" \
    prefix "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n" \
    prefix "Content-Type: text/html\r\n" \
    prefix "Content-Length: 615\r\n" \
    prefix "Last-Modified: Wed, 05 Feb 2025 11:06:32 GMT\r\n" \
    prefix "Connection: keep-alive\r\n" \
    prefix "ETag: \"67a34638-267\"\r\n" \
    prefix "Accept-Ranges: bytes\r\n" \
    prefix "\r\n"

static void
test_tools_curl_write_out_http_code(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl -s -o /dev/null -w '%{http_code}\\n' http://web");
    g_autoptr(Outcome) b = run(NETSHOOT, "curl -s http://echo:8080/clientip; echo; "
                                         "curl -s -w ' %{remote_ip}:%{remote_port} %{local_ip} "
                                         "%{size_download} %{time_total}\\n' -o /dev/null web");
    g_autoptr(Outcome) c = run(NETSHOOT, "curl -s -o /dev/null -w '%{http_code}\\n' "
                                         "--connect-timeout 2 http://blackhole; echo $?");

    (void) state;
    assert_outcome(a, "200\n", "", 0);
    assert_outcome(b, "10.244.1.5:43512\n 10.96.0.12:80 10.244.1.5 615 0.001000\n", "", 0);
    assert_outcome(c, "000\n28\n", "", 0);
}

static void
test_tools_curl_progress_meter(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl http://web | wc -c");

    (void) state;
    assert_outcome(a, "615\n", METER_HEADER "100   615  100   615    0     0   600k      0 "
                   "--:--:-- --:--:-- --:--:--  600k\n", 0);
}

static void
test_tools_curl_verbose_7_88(void **state)
{
    g_autoptr(Outcome) a = run(NGINX, "curl -sv http://web > /dev/null");

    (void) state;
    assert_outcome(a, "",
                   "*   Trying 10.96.0.12:80...\n"
                   "* Connected to web (10.96.0.12) port 80 (#0)\n"
                   "> GET / HTTP/1.1\r\n"
                   "> Host: web\r\n"
                   "> User-Agent: curl/7.88.1\r\n"
                   "> Accept: */*\r\n"
                   "> \r\n"
                   NGINX_HEADERS("< ")
                   "{ [615 bytes data]\n"
                   "* Connection #0 to host web left intact\n", 0);
}

/* -d makes a POST with its form body (several -d joined by '&'), -A sets
 * the User-Agent; curl 7.88.1 -v shows the body as "} [N bytes data]"
 * (checked with the real curl 7.88.1 against a local server). */
/* Errors before any transfer, as curl 7.88.1 prints them: no progress
 * meter for a bad URL or scheme, the hint alone without arguments, and no
 * remote address in -w for a connection that never came up. */
static void
test_tools_curl_early_errors(void **state)
{
    g_autoptr(Outcome) a = run(NGINX, "curl ftp2://x");
    g_autoptr(Outcome) b = run(NGINX, "curl http://a:99999/");
    g_autoptr(Outcome) c = run(NGINX, "curl");
    g_autoptr(Outcome) d = run(NGINX, "curl -s");
    g_autoptr(Outcome) e = run(NGINX, "curl -s -w '%{remote_ip}|%{remote_port}|%{http_code}' http://web:81");

    (void) state;
    assert_outcome(a, "", "curl: (1) Protocol \"ftp2\" not supported or disabled in libcurl\n", 1);
    assert_outcome(b, "", "curl: (3) URL using bad/illegal format or missing URL\n", 3);
    assert_outcome(c, "", "curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    assert_outcome(d, "", "curl: no URL specified!\n"
                   "curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    assert_outcome(e, "|0|000", "", 7);
}

static void
test_tools_curl_post_and_user_agent(void **state)
{
    g_autoptr(Outcome) a = run(NGINX, "curl -sv -d x=1 -d y=2 -A me/1 http://web -o /dev/null");
    g_autoptr(Outcome) b = run(NETSHOOT, "curl -s -o /dev/null -w '%{size_upload} %{size_request}' "
                                         "--data-raw 'a=1' http://web");
    g_autoptr(Outcome) c = run(NETSHOOT, "curl -sv --resolve web:80:10.96.0.12 http://web -o /dev/null");
    g_autoptr(Outcome) d = run(NETSHOOT, "curl -q --retry 3 http://web");

    (void) state;
    assert_non_null(strstr(a->err, "*   Trying 10.96.0.12:80...\n"
                                   "* Connected to web (10.96.0.12) port 80 (#0)\n"
                                   "> POST / HTTP/1.1\r\n"
                                   "> Host: web\r\n"
                                   "> User-Agent: me/1\r\n"
                                   "> Accept: */*\r\n"
                                   "> Content-Length: 7\r\n"
                                   "> Content-Type: application/x-www-form-urlencoded\r\n"
                                   "> \r\n"
                                   "} [7 bytes data]\n"));
    assert_outcome(b, "3 136", "", 0);      /* 136: the headers, Content-* included */
    assert_non_null(strstr(c->err, "* Added web:80:10.96.0.12 to DNS cache\n"
                                   "* Hostname web was found in DNS cache\n"
                                   "*   Trying 10.96.0.12:80...\n"));
    assert_outcome(d, "", "knetsim: curl --retry is not simulated\n", 126);
}

static void
test_tools_curl_verbose_8(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl -sv -H 'X-Lab: 1' -H 'Accept: text/html' "
                                         "http://web:80/ -o /dev/null");

    (void) state;
    assert_outcome(a, "",
                   "* Host web:80 was resolved.\n"
                   "* IPv6: (none)\n"
                   "* IPv4: 10.96.0.12\n"
                   "*   Trying 10.96.0.12:80...\n"
                   "* Connected to web (10.96.0.12) port 80\n"
                   "* using HTTP/1.x\n"
                   "> GET / HTTP/1.1\r\n"
                   "> Host: web\r\n"
                   "> User-Agent: curl/8.12.1\r\n"
                   "> Accept: text/html\r\n"
                   "> X-Lab: 1\r\n"
                   "> \r\n"
                   "* Request completely sent off\n"
                   NGINX_HEADERS("< ")
                   "{ [615 bytes data]\n"
                   "* Connection #0 to host web left intact\n", 0);
}

static void
test_tools_curl_head_and_fail(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl -sI http://web");
    g_autoptr(Outcome) b = run(NETSHOOT, "curl -sf http://web/missing; echo $?; "
                                         "curl -sSf http://web/missing");

    (void) state;
    assert_outcome(a, NGINX_HEADERS(""), "", 0);
    assert_outcome(b, "22\n", "curl: (22) The requested URL returned error: 404\n", 22);
}

static void
test_tools_curl_refused(void **state)
{
    g_autoptr(Outcome) a = run(NGINX, "curl http://web:81");
    g_autoptr(Outcome) b = run(NETSHOOT, "curl -sS web:81");
    g_autoptr(Outcome) c = run(NGINX, "curl -sv http://web:81");

    (void) state;
    assert_outcome(a, "", METER_HEADER METER_ZERO "\ncurl: (7) Failed to connect to web port 81 "
                   "after 0 ms: Couldn't connect to server\n", 7);
    assert_outcome(b, "", "curl: (7) Failed to connect to web port 81 after 0 ms: Couldn't "
                   "connect to server\n", 7);
    assert_outcome(c, "", "*   Trying 10.96.0.12:81...\n"
                   "* connect to 10.96.0.12 port 81 failed: Connection refused\n"
                   "* Failed to connect to web port 81 after 0 ms: Couldn't connect to server\n"
                   "* Closing connection 0\n", 7);
}

static void
test_tools_curl_timeouts(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl -sS --connect-timeout 2 http://blackhole");
    g_autoptr(Outcome) b = run(NETSHOOT, "curl -sS -m 1.5 http://blackhole");
    g_autoptr(Outcome) c = run(NETSHOOT, "curl -sS -m 1 http://slow");
    g_autoptr(Outcome) d = run(NETSHOOT, "curl -sS http://blackhole");
    g_autoptr(Outcome) e = run(NGINX, "curl --connect-timeout 5 http://blackhole");
    g_autoptr(Outcome) f = run(NGINX, "curl -sS -m 1 http://blackhole");
    g_autoptr(Outcome) g = run(NGINX, "curl -sS -m 3 --connect-timeout 2 http://blackhole");
    g_autoptr(Outcome) h = run(NGINX, "curl -sv --connect-timeout 2 http://blackhole");
    g_autoptr(Outcome) i = run(NGINX, "curl -sv -m 1 http://blackhole");

    (void) state;
    assert_outcome(a, "", "curl: (28) Failed to connect to blackhole port 80 after 2000 ms: "
                   "Timeout was reached\n", 28);
    assert_outcome(b, "", "curl: (28) Failed to connect to blackhole port 80 after 1500 ms: "
                   "Timeout was reached\n", 28);
    assert_outcome(c, "", "curl: (28) Operation timed out after 1000 milliseconds with 0 bytes "
                   "received\n", 28);
    /* Without a curl timeout the kernel gives up on the SYNs. */
    assert_outcome(d, "", "curl: (28) Failed to connect to blackhole port 80 after 127000 ms: "
                   "Couldn't connect to server\n", 28);
    assert_outcome(e, "", METER_HEADER "  0     0    0     0    0     0      0      0 --:--:--  "
                   "0:00:05 --:--:--     0\ncurl: (28) Failed to connect to blackhole port 80 after "
                   "5000 ms: Timeout was reached\n", 28);
    /* curl 7.88 (Debian): -m running out during the connect is lib/multi.c's
     * message; --connect-timeout running out first is still connect.c's. */
    assert_outcome(f, "", "curl: (28) Connection timed out after 1000 milliseconds\n", 28);
    assert_outcome(g, "", "curl: (28) Failed to connect to blackhole port 80 after 2000 ms: "
                   "Timeout was reached\n", 28);
    /* -v: the attempt's own deadline, what the lookup left of the 2 s,
     * says so first; not when -m ends it. */
    assert_outcome(h, "", "*   Trying 10.96.0.99:80...\n"
                   "* ipv4 connect timeout after 1999ms, move on!\n"
                   "* Failed to connect to blackhole port 80 after 2000 ms: Timeout was reached\n"
                   "* Closing connection 0\n", 28);
    assert_outcome(i, "", "*   Trying 10.96.0.99:80...\n"
                   "* Connection timed out after 1000 milliseconds\n"
                   "* Closing connection 0\n", 28);
}

static void
test_tools_curl_errors(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "curl -sS http://nosuch/");
    g_autoptr(Outcome) b = run(NGINX, "curl --bogus http://web");
    g_autoptr(Outcome) c = run(NETSHOOT, "curl -s");
    g_autoptr(Outcome) d = run(NETSHOOT, "curl -sS ftp://web/");
    g_autoptr(Outcome) e = run(NGINX, "curl http://nosuch/");
    g_autoptr(Outcome) f = run(NGINX, "curl -v http://nosuch/");

    (void) state;
    assert_outcome(a, "", "curl: (6) Could not resolve host: nosuch\n", 6);
    /* No name, no connection to finish the meter's line (curl 7.88.1). */
    assert_outcome(e, "", METER_HEADER METER_ZERO "curl: (6) Could not resolve host: nosuch\n", 6);
    assert_true(g_str_has_suffix(f->err, "Speed\n" METER_ZERO "* Could not resolve host: nosuch\n"
                                 "* Closing connection 0\ncurl: (6) Could not resolve host: nosuch\n"));
    assert_outcome(b, "", "curl: option --bogus: is unknown\ncurl: try 'curl --help' or "
                   "'curl --manual' for more information\n", 2);
    assert_outcome(c, "", "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' "
                   "for more information\n", 2);
    assert_outcome(d, "", "curl: (1) Protocol \"ftp\" not supported\n", 1);
}

/* The meter's Total is the Content-Length, a HEAD's too; --fail stops
 * at the headers, so nothing counts as received (curl 7.88.1).  And
 * busybox nc -vv ends with its byte counts. */
static void
test_tools_meter_totals_and_nc_counts(void **state)
{
    g_autoptr(Outcome) a = run(NGINX, "curl -I http://web");
    g_autoptr(Outcome) b = run(NGINX, "curl -f http://web/nosuch");
    g_autoptr(Outcome) c = run("busybox", "nc -zvv web 80");

    (void) state;
    assert_outcome(a, NULL, METER_HEADER "  0   615    0     0    0     0      0      0 --:--:-- --:--:-- "
                   "--:--:--     0\n", 0);
    assert_true(g_str_has_suffix(b->err, "  0   153    0     0    0     0      0      0 --:--:-- --:--:-- "
                                 "--:--:--     0\ncurl: (22) The requested URL returned error: 404\n"));
    assert_int_equal(b->status, 22);
    assert_outcome(c, "", "web (10.96.0.12:80) open\nsent 0, rcvd 0\n", 0);
}

static void
test_tools_wget_busybox(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "wget -qO- http://web | head -n 4");
    g_autoptr(Outcome) b = run("busybox", "wget http://web && wc -c index.html");
    g_autoptr(Outcome) c = run("busybox", "wget -O - web:81");
    g_autoptr(Outcome) d = run("busybox", "wget -T 2 http://blackhole");
    g_autoptr(Outcome) e = run(NETSHOOT, "wget -q http://web/missing");
    g_autoptr(Outcome) f = run(NETSHOOT, "wget -q nosuch");
    g_autoptr(Outcome) g = run(NETSHOOT, "wget -O- http://echo:8080/hostname");
    g_autoptr(Outcome) h = run("busybox", "wget -S -O /dev/null http://web/missing");
    g_autoptr(Outcome) i = run("busybox", "wget -S -O /dev/null http://web/ 2>&1 | head -n 3 | tail -n 2");
    g_autoptr(Outcome) j = run("busybox", "wget -S -O /dev/null http://web/ 2>&1 | grep -n '^  $'");

    (void) state;
    assert_outcome(a, "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n", "", 0);
    assert_outcome(b, "615 index.html\n", "Connecting to web (10.96.0.12:80)\n"
                   "saving to 'index.html'\n"
                   "index.html           100% |********************************|   615  0:00:00 "
                   "ETA\n'index.html' saved\n", 0);
    assert_outcome(c, "", "Connecting to web:81 (10.96.0.12:81)\n"
                   "wget: can't connect to remote host (10.96.0.12): Connection refused\n", 1);
    assert_outcome(d, "", "Connecting to blackhole (10.96.0.99:80)\nwget: download timed out\n", 1);
    assert_outcome(e, "", "wget: server returned error: HTTP/1.1 404 Not Found\n", 1);
    assert_outcome(f, "", "wget: bad address 'nosuch'\n", 1);
    assert_outcome(g, "web-7d9c5-abcde", "Connecting to echo:8080 (10.96.0.20:8080)\n"
                   "writing to stdout\n"
                   "-                    100% |********************************|    15  0:00:00 "
                   "ETA\nwritten to stdout\n", 0);
    /* -S (busybox 1.35 against a local server): the status line alone
     * before an error; for a success the headers and the empty line after
     * them, each indented by two spaces. */
    assert_outcome(h, "", "Connecting to web (10.96.0.12:80)\n  HTTP/1.1 404 Not Found\n"
                   "wget: server returned error: HTTP/1.1 404 Not Found\n", 1);
    assert_outcome(i, "  HTTP/1.1 200 OK\n  Server: nginx/1.27.4\n", "", 0);
    assert_outcome(j, "11:  \n", "", 0);     /* after Connecting, the status line and 8 headers */
}

static void
test_tools_nc_openbsd(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "nc -zv web 80");
    g_autoptr(Outcome) b = run(NETSHOOT, "nc -zv web 81");
    g_autoptr(Outcome) c = run(NETSHOOT, "nc -vz 10.96.0.12 80 && nc -z web 81 || echo closed");
    g_autoptr(Outcome) d = run(NETSHOOT, "nc -zv -w 2 blackhole 80");
    g_autoptr(Outcome) e = run(NETSHOOT, "echo hostname | nc -u -w1 echo 8081");
    g_autoptr(Outcome) f = run(NETSHOOT, "printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc echo 8080 "
                                         "| tail -n 1");
    /* -w is strtonum(0, INT_MAX / 1000): whole seconds. */
    g_autoptr(Outcome) g = run(NETSHOOT, "nc -w -1 web 80");
    g_autoptr(Outcome) h = run(NETSHOOT, "nc -zw 0.5 web 80");

    (void) state;
    assert_outcome(g, "", "nc: timeout too small: -1\n", 1);
    assert_outcome(h, "", "nc: timeout invalid: 0.5\n", 1);
    assert_outcome(a, "", "Connection to web (10.96.0.12) 80 port [tcp/http] succeeded!\n", 0);
    assert_outcome(b, "", "nc: connect to web (10.96.0.12) port 81 (tcp) failed: Connection "
                   "refused\n", 1);
    assert_outcome(c, "closed\n", "Connection to 10.96.0.12 80 port [tcp/http] succeeded!\n", 0);
    /* -w running out: EINPROGRESS (musl's text; glibc's is "Operation now
     * in progress", as netcat-openbsd 1.219 prints it against a silent
     * address). */
    assert_outcome(d, "", "nc: connect to blackhole (10.96.0.99) port 80 (tcp) timed out: Operation "
                   "in progress\n", 1);
    assert_outcome(e, "web-7d9c5-abcde", "", 0);
    assert_outcome(f, "web-7d9c5-abcde", "", 0);
}

/* OpenBSD nc's port list (build_ports, strtoport), as netcat-openbsd
 * 1.219 prints it: ranges and several ports are each tried with -z, the
 * status 0 if any connected; bad numbers say what is wrong. */
static void
test_tools_nc_openbsd_ports(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "nc -zv web 79-81");
    g_autoptr(Outcome) b = run(NETSHOOT, "nc -zv web 81 82");
    g_autoptr(Outcome) c = run(NETSHOOT, "nc -zv web 99999");
    g_autoptr(Outcome) d = run(NETSHOOT, "nc -zv web 0");
    g_autoptr(Outcome) e = run(NETSHOOT, "nc -zv web");
    g_autoptr(Outcome) f = run(NETSHOOT, "nc -zv web http");
    g_autoptr(Outcome) g = run(NETSHOOT, "nc -zv web abc");

    (void) state;
    assert_outcome(a, "", "nc: connect to web (10.96.0.12) port 79 (tcp) failed: Connection refused\n"
                   "Connection to web (10.96.0.12) 80 port [tcp/http] succeeded!\n"
                   "nc: connect to web (10.96.0.12) port 81 (tcp) failed: Connection refused\n", 0);
    assert_outcome(b, "", "nc: connect to web (10.96.0.12) port 81 (tcp) failed: Connection refused\n"
                   "nc: connect to web (10.96.0.12) port 82 (tcp) failed: Connection refused\n", 1);
    assert_outcome(c, "", "nc: port number too large: 99999\n", 1);
    assert_outcome(d, "", "nc: port number too small: 0\n", 1);
    assert_outcome(e, "", "nc: missing port number\n", 1);
    assert_outcome(f, "", "Connection to web (10.96.0.12) 80 port [tcp/http] succeeded!\n", 0);
    assert_outcome(g, "", "nc: port number invalid: abc\n", 1);
}

static void
test_tools_nc_busybox(void **state)
{
    g_autoptr(Outcome) a = run("busybox", "nc -zv web 80");
    g_autoptr(Outcome) b = run("busybox", "nc -zv web 81; echo $?");
    g_autoptr(Outcome) c = run("busybox", "nc -zvv web 81");
    g_autoptr(Outcome) d = run("busybox", "nc -zv -w 2 blackhole 80");

    (void) state;
    assert_outcome(a, "", "web (10.96.0.12:80) open\n", 0);
    assert_outcome(b, "1\n", "", 0);
    assert_outcome(c, "", "nc: web (10.96.0.12:81): Connection refused\nsent 0, rcvd 0\n", 1);
    assert_outcome(d, "", "nc: blackhole (10.96.0.99:80): Connection timed out\n", 1);
}

static void
test_tools_ping_iputils(void **state)
{
    g_autoptr(Outcome) a = run(NETSHOOT, "ping -c 3 web");
    g_autoptr(Outcome) b = run(NETSHOOT, "ping -c 2 -W 1 blackhole");
    g_autoptr(Outcome) c = run(NETSHOOT, "ping -c 1 nosuch");
    g_autoptr(Outcome) d = run(NETSHOOT, "ping -c 1 -W 1 blackhole");

    (void) state;
    assert_outcome(a, "PING web (10.96.0.12) 56(84) bytes of data.\n"
                   "64 bytes from 10.96.0.12: icmp_seq=1 ttl=63 time=0.260 ms\n"
                   "64 bytes from 10.96.0.12: icmp_seq=2 ttl=63 time=0.270 ms\n"
                   "64 bytes from 10.96.0.12: icmp_seq=3 ttl=63 time=0.280 ms\n"
                   "\n--- web ping statistics ---\n"
                   "3 packets transmitted, 3 received, 0% packet loss, time 2000ms\n"
                   "rtt min/avg/max/mdev = 0.260/0.270/0.280/0.008 ms\n", "", 0);
    assert_outcome(b, "PING blackhole (10.96.0.99) 56(84) bytes of data.\n"
                   "\n--- blackhole ping statistics ---\n"
                   "2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n", "", 1);
    assert_outcome(c, "", "ping: nosuch: Name does not resolve\n", 2);
    /* iputils 20221126 on a silent address: "time" runs from the first
     * send to the last, and the missing rtt line leaves its newline. */
    assert_outcome(d, "PING blackhole (10.96.0.99) 56(84) bytes of data.\n"
                   "\n--- blackhole ping statistics ---\n"
                   "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n", "", 1);
}

static void
test_tools_ping_busybox(void **state)
{
    g_autoptr(Outcome) a = run("busybox", "ping -c 2 web");
    g_autoptr(Outcome) b = run("busybox", "ping -c 1 nosuch");

    (void) state;
    assert_outcome(a, "PING web (10.96.0.12): 56 data bytes\n"
                   "64 bytes from 10.96.0.12: seq=0 ttl=63 time=0.250 ms\n"
                   "64 bytes from 10.96.0.12: seq=1 ttl=63 time=0.260 ms\n"
                   "\n--- web ping statistics ---\n"
                   "2 packets transmitted, 2 packets received, 0% packet loss\n"
                   "round-trip min/avg/max = 0.250/0.255/0.260 ms\n", "", 0);
    assert_outcome(b, "", "ping: bad address 'nosuch'\n", 1);
}

/* Option values as iputils 20221126 and busybox read them (both run on
 * Debian 12), and a count too large to run through. */
static void
test_tools_ping_option_values(void **state)
{
    g_autoptr(Outcome) zero = run(NETSHOOT, "ping -c 0 web");
    g_autoptr(Outcome) fraction = run(NETSHOOT, "ping -c 1.5 web");
    g_autoptr(Outcome) huge = run(NETSHOOT, "ping -c 99999999999999999999 web");
    g_autoptr(Outcome) interval = run(NETSHOOT, "ping -i 99999999 web");
    g_autoptr(Outcome) missing = run(NETSHOOT, "ping -c");
    g_autoptr(Outcome) deadline = run(NETSHOOT, "ping -q -w 2 -i 0.5 blackhole");
    g_autoptr(Outcome) endless = run(NETSHOOT, "ping -q -i 0 -c 9223372036854775807 web");
    g_autoptr(Outcome) bb_big = run("busybox", "ping -c 99999999999 web");
    g_autoptr(Outcome) bb_range = run("busybox", "ping -c 3000000000 web");
    g_autoptr(Outcome) bb_size = run("busybox", "ping -s 70000 web");
    g_autoptr(Outcome) bb_sign = run("busybox", "ping -c +5 web");
    g_autoptr(Outcome) nan = run(NETSHOOT, "ping -i nan web");
    g_autoptr(Outcome) inf = run(NETSHOOT, "ping -W inf web");
    g_autoptr(Outcome) subnormal = run(NETSHOOT, "ping -i 1e-310 web");
    g_autoptr(Outcome) garbage = run(NETSHOOT, "ping -c 1 -q -W 1s web");
    g_autoptr(Outcome) empty = run(NETSHOOT, "ping -i '' web");

    (void) state;
    assert_outcome(zero, "", "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n", 1);
    assert_outcome(fraction, "", "ping: invalid argument: '1.5'\n", 1);
    assert_outcome(huge, "", "ping: invalid argument: '99999999999999999999': Numerical result out of range\n", 1);
    assert_outcome(interval, "", "ping: bad timing interval: 99999999\n", 2);
    assert_outcome(missing, "", "ping: option requires an argument -- 'c'\n", 2);
    /* The -i that follows -w still sets how many sends fit. */
    assert_outcome(deadline, "PING blackhole (10.96.0.99) 56(84) bytes of data.\n"
                   "\n--- blackhole ping statistics ---\n"
                   "4 packets transmitted, 0 received, 100% packet loss, time 1500ms\n\n", "", 1);
    assert_true(g_str_has_prefix(endless->out, "PING web (10.96.0.12) 56(84) bytes of data.\n\n"
                                 "--- web ping statistics ---\n100000 packets transmitted, 100000 received"));
    assert_string_equal(endless->err, "knetsim: ping stopped after 100000 packets\n");
    assert_outcome(bb_big, "", "ping: invalid number '99999999999'\n", 1);
    assert_outcome(bb_range, "", "ping: number 3000000000 is not in 0..2147483647 range\n", 1);
    assert_outcome(bb_size, "", "ping: number 70000 is not in 0..65535 range\n", 1);
    assert_outcome(bb_sign, "", "ping: invalid number '+5'\n", 1);
    /* ping_strtod() sets ERANGE for what is neither normal nor zero. */
    assert_outcome(nan, "", "ping: bad timing interval: nan: Numerical result out of range\n", 2);
    assert_outcome(inf, "", "ping: bad linger time: inf: Numerical result out of range\n", 2);
    /* Its strtod() sets ERANGE on the underflow: the garbage warning
     * (with nothing after the number) comes first. */
    assert_outcome(subnormal, "", "ping: option argument contains garbage: \n"
                   "ping: this will become fatal error in the future\n"
                   "ping: bad timing interval: 1e-310: Numerical result out of range\n", 2);
    /* Text after the number only warns, in iputils 20221126. */
    assert_outcome(garbage, "PING web (10.96.0.12) 56(84) bytes of data.\n\n--- web ping statistics ---\n"
                   "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
                   "rtt min/avg/max/mdev = 0.260/0.260/0.260/0.000 ms\n",
                   "ping: option argument contains garbage: s\nping: this will become fatal error in the future\n", 0);
    assert_outcome(empty, "", "ping: bad timing interval: : Invalid argument\n", 2);
}

/*****************************************************************************
 * dig and nslookup against a CoreDNS-like server at 10.96.0.10, from a pod
 * in namespace default.
 *****************************************************************************/

static const char lab_resolv_conf[] =
    "search default.svc.cluster.local svc.cluster.local cluster.local\n"
    "nameserver 10.96.0.10\n"
    "options ndots:5\n";

static GBytes *
lab_read_file(const char *path, gpointer data)
{
    (void) data;
    if (strcmp(path, "/etc/resolv.conf") == 0)
        return g_bytes_new_static(lab_resolv_conf, sizeof lab_resolv_conf - 1);
    return NULL;
}

/* The lab in a container of 'image' with a CoreDNS-like server. */
static FakeNet *
lab_dns_net(const char *image)
{
    FakeNet *net = fake_net_lab(image);

    fake_net_dns(net, "10.96.0.10");
    net->dns_coredns = TRUE;
    net->dns_soa = kn_dns_record_new_soa("cluster.local", 30, "ns.dns.cluster.local",
                                         "hostmaster.cluster.local", 1767225600, 7200, 1800,
                                         86400, 30);
    fake_net_dns_addr(net, "web.default.svc.cluster.local", "10.96.0.12");
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_srv("_http._tcp.web.default.svc.cluster.local", 30, 0, 100,
                                          80, "web.default.svc.cluster.local"));
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_target("12.0.96.10.in-addr.arpa", KN_DNS_TYPE_PTR, 30,
                                             "web.default.svc.cluster.local"));
    return net;
}

/* 'script' in a container of 'image'; the queries the server saw, one
 * "NAME TYPE" a line, go to 'log' if not NULL.  'rtt' if not 0 is the
 * network's round trip. */
static Outcome *
run_dns_rtt(const char *image, const char *script, char **log, KnTime rtt)
{
    FakeNet *net = lab_dns_net(image);
    Outcome *outcome = g_new0(Outcome, 1);
    KnShellOptions options = { .read_file = lab_read_file };

    if (rtt != 0)
        net->rtt = rtt;
    kn_shell_run(&net->client, script, &options, on_done, outcome);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(outcome->done);
    if (log != NULL)
        *log = g_strdup(net->dns_log->str);
    fake_net_free(net);
    return outcome;
}

static Outcome *
run_dns(const char *image, const char *script, char **log)
{
    return run_dns_rtt(image, script, log, 0);
}

/* The whole answer as dig 9.18 prints it, from one query as sent. */
static void
test_tools_dig_a(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig web.default.svc.cluster.local", &log);

    (void) state;
    assert_outcome(a, "\n"
                   "; <<>> DiG 9.18.33 <<>> web.default.svc.cluster.local\n"
                   ";; global options: +cmd\n"
                   ";; Got answer:\n"
                   ";; WARNING: .local is reserved for Multicast DNS\n"
                   ";; You are currently testing what happens when an mDNS query is leaked to DNS\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n"
                   ";; WARNING: recursion requested but not available\n"
                   "\n"
                   ";; OPT PSEUDOSECTION:\n"
                   "; EDNS: version: 0, flags:; udp: 1232\n"
                   "; COOKIE: 46800187a48dcf75 (echoed)\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tA\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   ";; Query time: 0 msec\n"
                   ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
                   ";; WHEN: Thu Jan 01 00:00:00 UTC 2026\n"
                   ";; MSG SIZE  rcvd: 115\n"
                   "\n",
                   "", 0);
    assert_string_equal(log, "web.default.svc.cluster.local A\n");
}

static void
test_tools_dig_short_and_answer_only(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig +short web.default.svc.cluster.local; "
                                             "dig +noall +answer web.default.svc.cluster.local; "
                                             "dig +short -x 10.96.0.12", NULL);

    (void) state;
    assert_outcome(a, "10.96.0.12\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "web.default.svc.cluster.local.\n",
                   "", 0);
}

/* SRV of a named port: the target's address comes in ADDITIONAL. */
static void
test_tools_dig_srv(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig SRV _http._tcp.web.default.svc.cluster.local",
                                   NULL);

    (void) state;
    assert_outcome(a, "\n"
                   "; <<>> DiG 9.18.33 <<>> SRV _http._tcp.web.default.svc.cluster.local\n"
                   ";; global options: +cmd\n"
                   ";; Got answer:\n"
                   ";; WARNING: .local is reserved for Multicast DNS\n"
                   ";; You are currently testing what happens when an mDNS query is leaked to DNS\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2\n"
                   ";; WARNING: recursion requested but not available\n"
                   "\n"
                   ";; OPT PSEUDOSECTION:\n"
                   "; EDNS: version: 0, flags:; udp: 1232\n"
                   "; COOKIE: 46800187a48dcf75 (echoed)\n"
                   ";; QUESTION SECTION:\n"
                   ";_http._tcp.web.default.svc.cluster.local. IN SRV\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "_http._tcp.web.default.svc.cluster.local. 30 IN\tSRV 0 100 80 "
                   "web.default.svc.cluster.local.\n"
                   "\n"
                   ";; ADDITIONAL SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   ";; Query time: 0 msec\n"
                   ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
                   ";; WHEN: Thu Jan 01 00:00:00 UTC 2026\n"
                   ";; MSG SIZE  rcvd: 215\n"
                   "\n",
                   "", 0);
}

/* NXDOMAIN is an answer: status 0, the zone's SOA in AUTHORITY. */
static void
test_tools_dig_nxdomain(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig nosuch.default.svc.cluster.local", NULL);

    (void) state;
    assert_outcome(a, "\n"
                   "; <<>> DiG 9.18.33 <<>> nosuch.default.svc.cluster.local\n"
                   ";; global options: +cmd\n"
                   ";; Got answer:\n"
                   ";; WARNING: .local is reserved for Multicast DNS\n"
                   ";; You are currently testing what happens when an mDNS query is leaked to DNS\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 51013\n"
                   ";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n"
                   ";; WARNING: recursion requested but not available\n"
                   "\n"
                   ";; OPT PSEUDOSECTION:\n"
                   "; EDNS: version: 0, flags:; udp: 1232\n"
                   "; COOKIE: 46800187a48dcf75 (echoed)\n"
                   ";; QUESTION SECTION:\n"
                   ";nosuch.default.svc.cluster.local. IN\tA\n"
                   "\n"
                   ";; AUTHORITY SECTION:\n"
                   "cluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. "
                   "1767225600 7200 1800 86400 30\n"
                   "\n"
                   ";; Query time: 0 msec\n"
                   ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
                   ";; WHEN: Thu Jan 01 00:00:00 UTC 2026\n"
                   ";; MSG SIZE  rcvd: 166\n"
                   "\n",
                   "", 0);
}

static void
test_tools_dig_reverse(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig -x 10.96.0.12", NULL);

    (void) state;
    assert_outcome(a, "\n"
                   "; <<>> DiG 9.18.33 <<>> -x 10.96.0.12\n"
                   ";; global options: +cmd\n"
                   ";; Got answer:\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n"
                   ";; WARNING: recursion requested but not available\n"
                   "\n"
                   ";; OPT PSEUDOSECTION:\n"
                   "; EDNS: version: 0, flags:; udp: 1232\n"
                   "; COOKIE: 46800187a48dcf75 (echoed)\n"
                   ";; QUESTION SECTION:\n"
                   ";12.0.96.10.in-addr.arpa.\tIN\tPTR\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "12.0.96.10.in-addr.arpa. 30\tIN\tPTR\tweb.default.svc.cluster.local.\n"
                   "\n"
                   ";; Query time: 0 msec\n"
                   ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
                   ";; WHEN: Thu Jan 01 00:00:00 UTC 2026\n"
                   ";; MSG SIZE  rcvd: 130\n"
                   "\n",
                   "", 0);
}

/* dig asks the name as given; +search walks the search list (silently)
 * until an answer. */
static void
test_tools_dig_search(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig +short web; echo $?; dig +short +search web",
                                   &log);

    (void) state;
    assert_outcome(a, "0\n"
                   "10.96.0.12\n",
                   "", 0);
    assert_string_equal(log, "web A\n"
                        "web.default.svc.cluster.local A\n");
}

static void
test_tools_dig_failures(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig @10.96.0.99 web.default.svc.cluster.local",
                                   NULL);
    g_autoptr(Outcome) b = run_dns(NETSHOOT, "dig +bogus web", NULL);
    g_autoptr(Outcome) c = run_dns(NETSHOOT, "dig -t", NULL);

    (void) state;
    assert_outcome(a, ";; communications error to 10.96.0.99#53: connection refused\n"
                   ";; communications error to 10.96.0.99#53: connection refused\n"
                   ";; communications error to 10.96.0.99#53: connection refused\n"
                   "\n"
                   "; <<>> DiG 9.18.33 <<>> @10.96.0.99 web.default.svc.cluster.local\n"
                   "; (1 server found)\n"
                   ";; global options: +cmd\n"
                   ";; no servers could be reached\n",
                   "", 9);
    assert_outcome(b, "",
                   "Invalid option: +bogus\n"
                   "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
                   "            {global-d-opt} host [@local-server] {local-d-opt}\n"
                   "            [ host [@local-server] {local-d-opt} [...]]\n"
                   "\n"
                   "Use \"dig -h\" (or \"dig -h | more\") for complete list of options\n", 1);
    assert_outcome(c, "",
                   "Invalid option: -t\n"
                   "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
                   "            {global-d-opt} host [@local-server] {local-d-opt}\n"
                   "            [ host [@local-server] {local-d-opt} [...]]\n"
                   "\n"
                   "Use \"dig -h\" (or \"dig -h | more\") for complete list of options\n", 1);
}

/* ANY goes over TCP in dig and bind's nslookup unless +notcp or -novc
 * came before it; a later type keeps TCP (dig and nslookup 9.18.49
 * against dnsmasq: ";; SERVER: ... (TCP)", and a TCP connect in strace). */
static void
test_tools_bind_any_over_tcp(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig +noall +stats -t ANY web.default.svc.cluster.local "
                                             "| grep SERVER; "
                                             "dig +short +notcp ANY web.default.svc.cluster.local; "
                                             "dig +short ANY web.default.svc.cluster.local +notcp; "
                                             "dig +short -t ANY web.default.svc.cluster.local -t A; "
                                             "nslookup -type=ANY web.default.svc.cluster.local. "
                                             ">/dev/null; "
                                             "nslookup -novc -type=ANY web.default.svc.cluster.local. "
                                             ">/dev/null",
                                   &log);

    (void) state;
    assert_outcome(a, ";; SERVER: 10.96.0.10#53(10.96.0.10) (TCP)\n10.96.0.12\n",
                   ";; Warning, extra type option\n", 0);
    assert_string_equal(log, "web.default.svc.cluster.local ANY tcp\n"
                        "web.default.svc.cluster.local ANY\n"
                        "web.default.svc.cluster.local ANY\n"
                        "web.default.svc.cluster.local A tcp\n"
                        "web.default.svc.cluster.local ANY tcp\n"
                        "web.default.svc.cluster.local ANY\n");
}

/* A number that does not parse is "not a valid number" (ISC_R_BADNUMBER),
 * one too big "out of range", on standard output, as dig and nslookup
 * 9.18.49 print them; dig then gives up, nslookup goes on. */
static void
test_tools_bind_bad_numbers(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig +timeout=abc web", NULL);
    g_autoptr(Outcome) b = run_dns(NETSHOOT, "dig +tries=99999999999 web", NULL);
    g_autoptr(Outcome) c = run_dns(NETSHOOT, "nslookup -port=abc -timeout=x web | head -n 2", NULL);

    (void) state;
    assert_outcome(a, "invalid timeout 'abc': not a valid number\n", "dig: Couldn't parse timeout\n", 10);
    assert_outcome(b, "invalid tries '99999999999': out of range\n", "dig: Couldn't parse tries\n", 10);
    assert_outcome(c, "invalid port 'abc': not a valid number\n"
                   "invalid timeout 'x': not a valid number\n", "", 0);
}

/* fatal() exits with status 1 in dig and nslookup 9.18.49, digexit()
 * with 10; a name that does not parse is fatal when a search domain is
 * in use, absolute or not. */
static void
test_tools_bind_fatal_exits(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "dig -p abc web", NULL);
    g_autoptr(Outcome) b = run_dns(NETSHOOT, "dig +short +search a..b.", NULL);
    g_autoptr(Outcome) c = run_dns(NETSHOOT, "dig +short ''", NULL);
    g_autoptr(Outcome) d = run_dns(NETSHOOT, "nslookup a..b.", NULL);
    g_autoptr(Outcome) e = run_dns(NETSHOOT, "nslookup web nosuchhost", NULL);

    (void) state;
    assert_outcome(a, "invalid port number 'abc': not a valid number\n",
                   "dig: Couldn't parse port number\n", 1);
    assert_outcome(b, "", "dig: 'a..b.' is not in legal name syntax (empty label)\n", 1);
    assert_outcome(c, "", "dig: '' is not a legal name (unexpected end of input)\n", 10);
    assert_outcome(d, "", "nslookup: 'a..b.' is not in legal name syntax (empty label)\n", 1);
    assert_outcome(e, "", "nslookup: couldn't get address for 'nosuchhost': not found\n", 1);
}

/* bind's nslookup walks the search list, asks A then AAAA, and says
 * each time that CoreDNS does not recurse. */
static void
test_tools_nslookup_bind(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "nslookup web", &log);
    g_autoptr(Outcome) b = run_dns(NETSHOOT, "nslookup nosuch", NULL);
    g_autoptr(Outcome) c = run_dns(NETSHOOT, "nslookup -type=SRV "
                                             "_http._tcp.web.default.svc.cluster.local", NULL);

    (void) state;
    assert_outcome(a, ";; Got recursion not available from 10.96.0.10\n"
                   "Server:\t\t10.96.0.10\n"
                   "Address:\t10.96.0.10#53\n"
                   "\n"
                   "Name:\tweb.default.svc.cluster.local\n"
                   "Address: 10.96.0.12\n"
                   ";; Got recursion not available from 10.96.0.10\n"
                   "\n",
                   "", 0);
    assert_string_equal(log, "web.default.svc.cluster.local A\n"
                        "web.default.svc.cluster.local AAAA\n");
    assert_outcome(b, ";; Got recursion not available from 10.96.0.10\n"
                   ";; Got recursion not available from 10.96.0.10\n"
                   ";; Got recursion not available from 10.96.0.10\n"
                   "Server:\t\t10.96.0.10\n"
                   "Address:\t10.96.0.10#53\n"
                   "\n"
                   "** server can't find nosuch: NXDOMAIN\n"
                   "\n",
                   "", 1);
    assert_outcome(c, ";; Got recursion not available from 10.96.0.10\n"
                   "Server:\t\t10.96.0.10\n"
                   "Address:\t10.96.0.10#53\n"
                   "\n"
                   "_http._tcp.web.default.svc.cluster.local\tservice = 0 100 80 "
                   "web.default.svc.cluster.local.\n"
                   "\n",
                   "", 0);
}

/*****************************************************************************
 * host (bind 9.18) against a dnsmasq-like server at 10.96.0.10 (AA and RA
 * set) holding the zone the real host 9.18.49 was run against, so the
 * expected texts are what it printed there (TTL 0 became 30, 127.0.84.53
 * became 10.96.0.10); and against the CoreDNS-like one.
 *****************************************************************************/

#define HOST_USAGE \
    "Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n" \
    "            [-R number] [-m flag] [-p port] hostname [server]\n" \
    "       -a is equivalent to -v -t ANY\n" \
    "       -A is like -a but omits RRSIG, NSEC, NSEC3\n" \
    "       -c specifies query class for non-IN data\n" \
    "       -C compares SOA records on authoritative nameservers\n" \
    "       -d is equivalent to -v\n" \
    "       -l lists all hosts in a domain, using AXFR\n" \
    "       -m set memory debugging flag (trace|record|usage)\n" \
    "       -N changes the number of dots allowed before root lookup is done\n" \
    "       -p specifies the port on the server to query\n" \
    "       -r disables recursive processing\n" \
    "       -R specifies number of retries for UDP packets\n" \
    "       -s a SERVFAIL response should stop query\n" \
    "       -t specifies the query type\n" \
    "       -T enables TCP/IP mode\n" \
    "       -U enables UDP mode\n" \
    "       -v enables verbose output\n" \
    "       -V print version number and exit\n" \
    "       -w specifies to wait forever for a reply\n" \
    "       -W specifies how long to wait for a reply\n" \
    "       -4 use IPv4 query transport only\n" \
    "       -6 use IPv6 query transport only\n"

typedef void (*HostNetSetup)(FakeNet *net);

/* 'script' in netshoot against the dnsmasq-like server; 'setup' if not
 * NULL changes the server first.  The queries go to 'log' as in
 * run_dns(). */
static Outcome *
run_host(const char *script, char **log, HostNetSetup setup)
{
    FakeNet *net = fake_net_lab(NETSHOOT);
    Outcome *outcome = g_new0(Outcome, 1);
    KnShellOptions options = { .read_file = lab_read_file };
    KnDnsRecord *txt;
    KnAddr addr;

    fake_net_dns(net, "10.96.0.10");
    /* dnsmasq answers ANY with the name's records in this order. */
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_txt("web.default.svc.cluster.local", 30, "v=1"));
    fake_net_dns_addr(net, "web.default.svc.cluster.local", "10.96.0.12");
    fake_net_dns_addr(net, "v6.default.svc.cluster.local", "10.96.0.14");
    fake_net_dns_addr(net, "v6.default.svc.cluster.local", "fd00::14");
    txt = kn_dns_record_new_txt("txt.default.svc.cluster.local", 30, "hello world");
    g_strfreev(txt->txt);
    txt->txt = g_strsplit("hello world|second", "|", -1);
    g_ptr_array_add(net->dns_records, txt);
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_target("ext.default.svc.cluster.local", KN_DNS_TYPE_CNAME,
                                             30, "web.default.svc.cluster.local"));
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_srv("_http._tcp.web.default.svc.cluster.local", 30, 0, 100,
                                          80, "web.default.svc.cluster.local"));
    g_ptr_array_add(net->dns_records,
                    kn_dns_record_new_target("12.0.96.10.in-addr.arpa", KN_DNS_TYPE_PTR, 30,
                                             "web.default.svc.cluster.local"));
    g_assert_true(kn_addr_parse("fd00::14", &addr));
    {
        g_autofree char *reverse = kn_dns_name_reverse(&addr);

        g_ptr_array_add(net->dns_records,
                        kn_dns_record_new_target(reverse, KN_DNS_TYPE_PTR, 30,
                                                 "v6.default.svc.cluster.local"));
    }
    if (setup != NULL)
        setup(net);
    kn_shell_run(&net->client, script, &options, on_done, outcome);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(outcome->done);
    if (log != NULL)
        *log = g_strdup(net->dns_log->str);
    fake_net_free(net);
    return outcome;
}

/* host NAME: A through the search list, then AAAA and MX of the name the
 * CNAMEs lead to; NODATA says nothing. */
static void
test_tools_host_default_lookups(void **state)
{
    g_autofree char *log_a = NULL;
    g_autofree char *log_c = NULL;
    g_autoptr(Outcome) a = run_host("host web", &log_a, NULL);
    g_autoptr(Outcome) b = run_host("host v6", NULL, NULL);
    g_autoptr(Outcome) c = run_host("host ext", &log_c, NULL);
    g_autoptr(Outcome) d = run_host("host txt", NULL, NULL);
    g_autoptr(Outcome) e = run_host("host WEB.default.svc.cluster.local.", NULL, NULL);

    (void) state;
    assert_outcome(a, "web.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
    assert_string_equal(log_a, "web.default.svc.cluster.local A\n"
                        "web.default.svc.cluster.local AAAA\n"
                        "web.default.svc.cluster.local MX\n");
    assert_outcome(b, "v6.default.svc.cluster.local has address 10.96.0.14\n"
                   "v6.default.svc.cluster.local has IPv6 address fd00::14\n", "", 0);
    assert_outcome(c, "ext.default.svc.cluster.local is an alias for "
                   "web.default.svc.cluster.local.\n"
                   "web.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
    assert_string_equal(log_c, "ext.default.svc.cluster.local A\n"
                        "web.default.svc.cluster.local AAAA\n"
                        "web.default.svc.cluster.local MX\n");
    assert_outcome(d, "", "", 0);
    assert_outcome(e, "WEB.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
}

/* -t TYPE: each type's words, "has TYPE record" for the rest, "has no
 * TYPE record" for NODATA; an address is asked in reverse. */
static void
test_tools_host_types(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_host("host -t AAAA web; host -t AAAA v6; "
                                    "host -t SRV _http._tcp.web; host -t CNAME ext; "
                                    "host -t PTR 12.0.96.10.in-addr.arpa; host -t TXT txt; "
                                    "host -t A ext; host -tmx web; host -t type65 web", NULL, NULL);
    g_autoptr(Outcome) b = run_host("host -t ANY web", &log, NULL);
    g_autoptr(Outcome) c = run_host("host 10.96.0.12; host fd00::14", NULL, NULL);
    g_autoptr(Outcome) d = run_host("host 10.96.0.99", NULL, NULL);

    (void) state;
    assert_outcome(a, "web.default.svc.cluster.local has no AAAA record\n"
                   "v6.default.svc.cluster.local has IPv6 address fd00::14\n"
                   "_http._tcp.web.default.svc.cluster.local has SRV record 0 100 80 "
                   "web.default.svc.cluster.local.\n"
                   "ext.default.svc.cluster.local is an alias for "
                   "web.default.svc.cluster.local.\n"
                   "12.0.96.10.in-addr.arpa domain name pointer web.default.svc.cluster.local.\n"
                   "txt.default.svc.cluster.local descriptive text \"hello world\" \"second\"\n"
                   "ext.default.svc.cluster.local is an alias for "
                   "web.default.svc.cluster.local.\n"
                   "web.default.svc.cluster.local has address 10.96.0.12\n"
                   "web.default.svc.cluster.local has no MX record\n"
                   "web.default.svc.cluster.local has no HTTPS record\n", "", 0);
    assert_outcome(b, "web.default.svc.cluster.local descriptive text \"v=1\"\n"
                   "web.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
    assert_string_equal(log, "web.default.svc.cluster.local ANY tcp\n");
    assert_outcome(c, "12.0.96.10.in-addr.arpa domain name pointer "
                   "web.default.svc.cluster.local.\n"
                   "4.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa "
                   "domain name pointer v6.default.svc.cluster.local.\n", "", 0);
    assert_outcome(d, "Host 99.0.96.10.in-addr.arpa. not found: 3(NXDOMAIN)\n", "", 1);
}

static void
servfail_web(FakeNet *net)
{
    g_ptr_array_add(net->dns_servfail, g_strdup("web.default.svc.cluster.local"));
}

static void
refused_reverse(FakeNet *net)
{
    g_ptr_array_add(net->dns_refused, g_strdup("in-addr.arpa"));
}

/* NXDOMAIN names the name as typed, after the whole search list; other
 * errors name the name asked, and stop the walk.  Either is status 1. */
static void
test_tools_host_errors(void **state)
{
    g_autofree char *log_a = NULL;
    g_autofree char *log_c = NULL;
    g_autoptr(Outcome) a = run_host("host nosuch", &log_a, NULL);
    g_autoptr(Outcome) b = run_host("host -t A nosuch.example.", NULL, NULL);
    g_autoptr(Outcome) c = run_host("host web", &log_c, servfail_web);
    g_autoptr(Outcome) d = run_host("host -N 1 web.default; host -N abc web", NULL, NULL);
    g_autoptr(Outcome) e = run_host("host -v web", NULL, servfail_web);
    g_autoptr(Outcome) f = run_host("host 10.1.2.3", NULL, refused_reverse);

    (void) state;
    assert_outcome(a, "Host nosuch not found: 3(NXDOMAIN)\n", "", 1);
    assert_string_equal(log_a, "nosuch.default.svc.cluster.local A\n"
                        "nosuch.svc.cluster.local A\n"
                        "nosuch.cluster.local A\n"
                        "nosuch A\n");
    assert_outcome(b, "Host nosuch.example. not found: 3(NXDOMAIN)\n", "", 1);
    assert_outcome(c, "Host web.default.svc.cluster.local not found: 2(SERVFAIL)\n", "", 1);
    assert_string_equal(log_c, "web.default.svc.cluster.local A\n");
    assert_outcome(d, "Host web.default not found: 3(NXDOMAIN)\n"
                   "Host web not found: 3(NXDOMAIN)\n", "", 1);
    /* No "Received" for an error under a search domain (recv_done). */
    assert_outcome(e, "Trying \"web.default.svc.cluster.local\"\n"
                   "Host web.default.svc.cluster.local not found: 2(SERVFAIL)\n", "", 1);
    assert_outcome(f, "Host 3.2.1.10.in-addr.arpa not found: 5(REFUSED)\n", "", 1);
}

/* host NAME SERVER: the server's block before the first answer. */
static void
test_tools_host_server(void **state)
{
    g_autoptr(Outcome) a = run_host("host web 10.96.0.10", NULL, NULL);
    g_autoptr(Outcome) b = run_host("host nosuch 10.96.0.10", NULL, NULL);
    g_autoptr(Outcome) c = run_host("host web nosuchhost", NULL, NULL);
    g_autoptr(Outcome) d = run_host("host web -t A", NULL, NULL);

    (void) state;
    assert_outcome(a, "Using domain server:\n"
                   "Name: 10.96.0.10\n"
                   "Address: 10.96.0.10#53\n"
                   "Aliases: \n"
                   "\n"
                   "web.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
    assert_outcome(b, "Using domain server:\n"
                   "Name: 10.96.0.10\n"
                   "Address: 10.96.0.10#53\n"
                   "Aliases: \n"
                   "\n"
                   "Host nosuch not found: 3(NXDOMAIN)\n", "", 1);
    assert_outcome(c, "", "host: couldn't get address for 'nosuchhost': not found\n", 1);
    assert_outcome(d, "", "host: couldn't get address for '-t': not found\n", 1);
}

/* -v (-d): dig-like sections, "Trying" for each name asked and
 * "Received" after each reply printed. */
static void
test_tools_host_verbose(void **state)
{
    g_autoptr(Outcome) a = run_host("host -v web", NULL, NULL);
    g_autoptr(Outcome) b = run_host("host -d nosuch", NULL, NULL);
    g_autoptr(Outcome) c = run_host("host -v -N 1 nosuch.default", NULL, NULL);
    g_autoptr(Outcome) d = run_host("host -a web", NULL, NULL);
    g_autoptr(Outcome) e = run_host("host -vt A web 10.96.0.10", NULL, NULL);
    g_autoptr(Outcome) f = run_host("host -v -t A ext", NULL, NULL);

    (void) state;
    assert_outcome(a, "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tA\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   "Received 63 bytes from 10.96.0.10#53 in 0 ms\n"
                   "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 11207\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tAAAA\n"
                   "\n"
                   "Received 47 bytes from 10.96.0.10#53 in 0 ms\n"
                   "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 63902\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tMX\n"
                   "\n"
                   "Received 47 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
    assert_outcome(b, "Trying \"nosuch.default.svc.cluster.local\"\n"
                   "Trying \"nosuch.svc.cluster.local\"\n"
                   "Trying \"nosuch.cluster.local\"\n"
                   "Trying \"nosuch\"\n"
                   "Host nosuch not found: 3(NXDOMAIN)\n"
                   "Received 24 bytes from 10.96.0.10#53 in 0 ms\n", "", 1);
    assert_outcome(c, "Trying \"nosuch.default\"\n"
                   "Host nosuch.default not found: 3(NXDOMAIN)\n"
                   "Received 32 bytes from 10.96.0.10#53 in 0 ms\n"
                   "Received 32 bytes from 10.96.0.10#53 in 0 ms\n", "", 1);
    assert_outcome(d, "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tANY\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tTXT\t\"v=1\"\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   "Received 79 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
    assert_outcome(e, "Trying \"web.default.svc.cluster.local\"\n"
                   "Using domain server:\n"
                   "Name: 10.96.0.10\n"
                   "Address: 10.96.0.10#53\n"
                   "Aliases: \n"
                   "\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tA\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   "Received 63 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
    assert_outcome(f, "Trying \"ext.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 51013\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";ext.default.svc.cluster.local.\tIN\tA\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "ext.default.svc.cluster.local. 30 IN\tCNAME\tweb.default.svc.cluster.local.\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   /* dnsmasq's reply was 106 bytes: it spells out more of
                    * the names that the fake compresses. */
                   "Received 81 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
}

/* Against CoreDNS: NODATA carries the zone's SOA, which -v shows; RA is
 * clear, which host (no dighost comments) does not remark on. */
static void
test_tools_host_coredns(void **state)
{
    g_autoptr(Outcome) a = run_dns(NETSHOOT, "host web; host -v -t AAAA web", NULL);

    (void) state;
    assert_outcome(a, "web.default.svc.cluster.local has address 10.96.0.12\n"
                   "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 56926\n"
                   ";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tAAAA\n"
                   "\n"
                   ";; AUTHORITY SECTION:\n"
                   "cluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. "
                   "1767225600 7200 1800 86400 30\n"
                   "\n"
                   "Received 140 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
}

/* -T asks over TCP; -t ANY too unless -U came first; -a asks ANY over
 * UDP (host 9.18.49 against dnsmasq). */
static void
test_tools_host_transport(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_host("host -T -t A web; host -U -t ANY web >/dev/null; "
                                    "host -a web >/dev/null; host -T web", &log, NULL);

    (void) state;
    assert_outcome(a, "web.default.svc.cluster.local has address 10.96.0.12\n"
                   "web.default.svc.cluster.local has address 10.96.0.12\n", "", 0);
    assert_string_equal(log, "web.default.svc.cluster.local A tcp\n"
                        "web.default.svc.cluster.local ANY\n"
                        "web.default.svc.cluster.local ANY\n"
                        "web.default.svc.cluster.local A tcp\n"
                        "web.default.svc.cluster.local AAAA tcp\n"
                        "web.default.svc.cluster.local MX tcp\n");
}

static void
truncate_udp(FakeNet *net)
{
    net->dns_truncate = TRUE;
}

/* A truncated answer is asked again over TCP, silently (no dighost
 * comments in host): only the second "Trying" shows it, as host 9.18.49
 * does with dnsmasq's answer over 512 bytes. */
static void
test_tools_host_truncated(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_host("host -v -t A web", &log, truncate_udp);

    (void) state;
    assert_outcome(a, "Trying \"web.default.svc.cluster.local\"\n"
                   "Trying \"web.default.svc.cluster.local\"\n"
                   ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 11207\n"
                   ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
                   "\n"
                   ";; QUESTION SECTION:\n"
                   ";web.default.svc.cluster.local.\tIN\tA\n"
                   "\n"
                   ";; ANSWER SECTION:\n"
                   "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.12\n"
                   "\n"
                   "Received 63 bytes from 10.96.0.10#53 in 0 ms\n", "", 0);
    assert_string_equal(log, "web.default.svc.cluster.local A\n"
                        "web.default.svc.cluster.local A tcp\n");
}

static void
silent_cluster(FakeNet *net)
{
    g_ptr_array_add(net->dns_silent, g_strdup("cluster.local"));
}

/* Two tries per server (resolv.conf's attempts do not count; -R N gives
 * N + 1), each error said, then "no servers could be reached", status 1. */
static void
test_tools_host_unreachable(void **state)
{
    g_autoptr(Outcome) a = run_host("host -W 1 web", NULL, silent_cluster);
    g_autoptr(Outcome) b = run_host("host -W 1 -R 3 -t A web", NULL, silent_cluster);
    g_autoptr(Outcome) c = run_host("host -t A web 10.96.0.99", NULL, NULL);
    g_autoptr(Outcome) d = run_host("host -T -t A web 10.96.0.99", NULL, NULL);

    (void) state;
    assert_outcome(a, ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; no servers could be reached\n", "", 1);
    assert_outcome(b, ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; communications error to 10.96.0.10#53: timed out\n"
                   ";; no servers could be reached\n", "", 1);
    assert_outcome(c, ";; communications error to 10.96.0.99#53: connection refused\n"
                   ";; communications error to 10.96.0.99#53: connection refused\n"
                   ";; no servers could be reached\n", "", 1);
    assert_outcome(d, ";; Connection to 10.96.0.99#53(10.96.0.99) for web failed: "
                   "connection refused.\n"
                   ";; no servers could be reached\n"
                   ";; Connection to 10.96.0.99#53(10.96.0.99) for web failed: "
                   "connection refused.\n"
                   ";; no servers could be reached\n", "", 1);
}

/* Usage, bad options and arguments, and options knetsim does not model. */
static void
test_tools_host_usage(void **state)
{
    g_autoptr(Outcome) a = run_host("host", NULL, NULL);
    g_autoptr(Outcome) b = run_host("host -Z web", NULL, NULL);
    g_autoptr(Outcome) c = run_host("host -t", NULL, NULL);
    g_autoptr(Outcome) d = run_host("host -t BOGUS web", NULL, NULL);
    g_autoptr(Outcome) e = run_host("host -c XX web", NULL, NULL);
    g_autoptr(Outcome) f = run_host("host -4 -6 web", NULL, NULL);
    g_autoptr(Outcome) g = run_host("host -t A -V web", NULL, NULL);
    g_autoptr(Outcome) h = run_host("host -l web", NULL, NULL);
    g_autoptr(Outcome) i = run_host("host -l -t BOGUS web", NULL, NULL);
    g_autoptr(Outcome) j = run_host("host -t A a..b.; host -N 0 ''", NULL, NULL);
    g_autoptr(Outcome) k = run_host("host -w web", NULL, NULL);

    (void) state;
    assert_outcome(a, "", HOST_USAGE, 1);
    assert_outcome(b, "", "host: illegal option -- Z\n" HOST_USAGE, 1);
    assert_outcome(c, "", "host: option requires an argument -- t\n" HOST_USAGE, 1);
    assert_outcome(d, "", "host: invalid type: BOGUS\n\n", 2);
    assert_outcome(e, "", "host: invalid class: XX\n\n", 2);
    assert_outcome(f, "", "host: only one of -4 and -6 allowed\n", 1);
    assert_outcome(g, "", "host 9.18.33\n", 0);
    assert_outcome(h, "", "knetsim: host -l is not simulated\n", 126);
    assert_outcome(i, "", "host: invalid type: BOGUS\n\n", 2);
    assert_outcome(j, "", "host: 'a..b.' is not in legal name syntax (empty label)\n"
                   "host: '' is not a legal name (unexpected end of input)\n", 1);
    assert_outcome(k, "", "knetsim: host -w is not simulated\n", 126);
}

/* busybox's nslookup sends A and AAAA under every search domain at once
 * and prints every reply, NXDOMAIN included (exit status 1). */
static void
test_tools_nslookup_busybox(void **state)
{
    g_autofree char *log = NULL;
    g_autoptr(Outcome) a = run_dns("busybox:1.37", "nslookup web", &log);
    g_autoptr(Outcome) b = run_dns("busybox:1.37", "nslookup web.default.svc.cluster.local", NULL);
    g_autoptr(Outcome) c = run_dns("busybox:1.37", "nslookup web 10.96.0.99", NULL);
    g_autoptr(Outcome) d = run_dns("busybox:1.37", "nslookup -query=A web", NULL);

    (void) state;
    assert_outcome(a, "Server:\t\t10.96.0.10\n"
                   "Address:\t10.96.0.10:53\n"
                   "\n"
                   "Name:\tweb.default.svc.cluster.local\n"
                   "Address: 10.96.0.12\n"
                   "\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n"
                   "\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n"
                   "\n"
                   "\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n"
                   "\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n"
                   "\n",
                   "", 1);
    assert_string_equal(log, "web.default.svc.cluster.local A\n"
                        "web.svc.cluster.local A\n"
                        "web.cluster.local A\n"
                        "web.default.svc.cluster.local AAAA\n"
                        "web.svc.cluster.local AAAA\n"
                        "web.cluster.local AAAA\n");
    assert_outcome(b, "Server:\t\t10.96.0.10\n"
                   "Address:\t10.96.0.10:53\n"
                   "\n"
                   "Name:\tweb.default.svc.cluster.local\n"
                   "Address: 10.96.0.12\n"
                   "\n"
                   "\n",
                   "", 0);
    assert_outcome(c, ";; connection timed out; no servers could be reached\n"
                   "\n",
                   "nslookup: read: Connection refused\n"
                   "nslookup: read: Connection refused\n", 1);
    assert_outcome(d, "",
                   "BusyBox v1.37.0 multi-call binary.\n"
                   "\n"
                   "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n"
                   "\n"
                   "Query DNS about HOST\n"
                   "\n"
                   "QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n", 1);
}

/* A refusal from the client's own node (kube-proxy's REJECT for a Service
 * without endpoints) is in before the next write(): busybox 1.35, asking
 * A and AAAA of a local address nobody serves, says "write to" at once
 * and gives up on the server; with one query it reads the error, once a
 * round, until the timeout.  From another node (the lab's 250 us) the
 * writes are all out first: read errors. */
static void
test_tools_nslookup_busybox_refused_on_the_node(void **state)
{
    g_autoptr(Outcome) a = run_dns_rtt("busybox:1.37", "nslookup web 10.96.0.99; echo $?; "
                                       "nslookup -type=A web 10.96.0.99", NULL, 10 * KN_USEC);
    g_autoptr(Outcome) b = run_dns("busybox:1.37", "nslookup web 10.96.0.99", NULL);

    (void) state;
    assert_outcome(a, ";; connection timed out; no servers could be reached\n\n1\n"
                   ";; connection timed out; no servers could be reached\n\n",
                   "nslookup: write to '10.96.0.99': Connection refused\n"
                   "nslookup: read: Connection refused\n"
                   "nslookup: read: Connection refused\n", 1);
    assert_outcome(b, ";; connection timed out; no servers could be reached\n\n",
                   "nslookup: read: Connection refused\n"
                   "nslookup: read: Connection refused\n", 1);
}

static void
test_tools_service_names(void **state)
{
    (void) state;
    assert_string_equal(kn_tools_service_name(80, FALSE), "http");
    assert_string_equal(kn_tools_service_name(53, TRUE), "domain");
    assert_null(kn_tools_service_name(8081, TRUE));
    assert_true(kn_tools_known("curl"));
    assert_false(kn_tools_known("sort"));
}

static void
on_tool_done(int status, gpointer user_data)
{
    int *out = user_data;

    *out = status;
}

/* Runs argv straight through kn_tools_run() (no shell, whose image table
 * does not list getent yet). */
static int
run_tool(const char *const *argv, GString *out, GString *err)
{
    FakeNet *net = fake_net_lab("debian:12");
    KnToolIo io = { NULL, out, err, NULL, NULL, NULL };
    int status = -1;

    kn_tools_run(&net->client, NULL, "debian:12", argv, &io, on_tool_done, &status);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    fake_net_free(net);
    return status;
}

static void
test_tools_getent_ahosts_and_hosts(void **state)
{
    (void) state;
    static const char *const ahosts[] = { "getent", "ahosts", "web", NULL };
    static const char *const hosts[] = { "getent", "hosts", "web", "nothere", NULL };
    static const char *const bad[] = { "getent", "nodb", "web", NULL };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);

    assert_int_equal(run_tool(ahosts, out, err), 0);
    assert_string_equal(out->str, "10.96.0.12      STREAM web\n"
                                  "10.96.0.12      DGRAM  \n"
                                  "10.96.0.12      RAW    \n");
    g_string_truncate(out, 0);
    assert_int_equal(run_tool(hosts, out, err), 2);
    assert_string_equal(out->str, "10.96.0.12      web\n");
    assert_string_equal(err->str, "");
    assert_int_equal(run_tool(bad, out, err), 1);
    assert_string_equal(err->str, "Unknown database: nodb\n"
                                  "Try `getent --help' or `getent --usage' for more information.\n");
}

/* getent hosts with the pod's resolv.conf, as glibc does it:
 * gethostbyname2(AF_INET6) walks the search list for AAAA, and only then
 * gethostbyname2(AF_INET) for A; an address goes through /etc/hosts, then
 * a PTR query. */
static void
test_tools_getent_hosts_walks_aaaa_then_a(void **state)
{
    static const char *const argv[] = { "getent", "hosts", "web", "localhost", "10.96.0.12", "10.96.0.99",
                                        NULL };
    FakeNet *net = lab_dns_net("debian:12");
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnToolIo io = { NULL, out, err, NULL, lab_read_file, NULL };
    int status = -1;

    (void) state;
    kn_tools_run(&net->client, NULL, "debian:12", argv, &io, on_tool_done, &status);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_int_equal(status, 2);             /* 10.96.0.99 has no name */
    assert_string_equal(out->str, "10.96.0.12      web.default.svc.cluster.local\n"
                                  "::1             localhost ip6-localhost ip6-loopback\n"
                                  "10.96.0.12      web.default.svc.cluster.local\n");
    assert_string_equal(net->dns_log->str, "web.default.svc.cluster.local AAAA\n"
                                           "web.svc.cluster.local AAAA\n"
                                           "web.cluster.local AAAA\n"
                                           "web AAAA\n"
                                           "web.default.svc.cluster.local A\n"
                                           "12.0.96.10.in-addr.arpa PTR\n"
                                           "99.0.96.10.in-addr.arpa PTR\n");
    fake_net_free(net);
}

/* Alpine's getent (musl-utils): the first address only, "%-16s  %s", and
 * musl's aliases (the canonical name again, then the name as asked);
 * ahosts with STREAM and DGRAM, each with the canonical name; an address
 * without a PTR record prints as itself; the first key not found ends
 * the run. */
static void
test_tools_getent_alpine(void **state)
{
    static const char *const hosts[] = { "getent", "hosts", "web", "10.96.0.12", "10.96.0.99", "localhost",
                                         "nothere", "web", NULL };
    static const char *const ahosts[] = { "getent", "ahosts", "web", NULL };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnToolIo io = { NULL, out, err, NULL, lab_read_file, NULL };
    int status = -1;
    FakeNet *net = lab_dns_net("nicolaka/netshoot");

    (void) state;
    kn_tools_run(&net->client, NULL, "nicolaka/netshoot", hosts, &io, on_tool_done, &status);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_int_equal(status, 2);
    assert_string_equal(out->str, "10.96.0.12        web.default.svc.cluster.local  web.default.svc.cluster.local web\n"
                                  "10.96.0.12        web.default.svc.cluster.local  web.default.svc.cluster.local\n"
                                  "10.96.0.99        10.96.0.99  10.96.0.99\n"
                                  "::1               localhost  localhost\n");
    fake_net_free(net);

    g_string_truncate(out, 0);
    net = lab_dns_net("nicolaka/netshoot");
    kn_tools_run(&net->client, NULL, "nicolaka/netshoot", ahosts, &io, on_tool_done, &status);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_int_equal(status, 0);
    /* (The fake network's resolver gives no canonical name: the key.) */
    assert_string_equal(out->str, "10.96.0.12      STREAM web\n"
                                  "10.96.0.12      DGRAM  web\n");
    fake_net_free(net);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tools_getent_ahosts_and_hosts),
        cmocka_unit_test(test_tools_getent_hosts_walks_aaaa_then_a),
        cmocka_unit_test(test_tools_getent_alpine),
        cmocka_unit_test(test_tools_meter_totals_and_nc_counts),
        cmocka_unit_test(test_tools_curl_write_out_http_code),
        cmocka_unit_test(test_tools_curl_progress_meter),
        cmocka_unit_test(test_tools_curl_verbose_7_88),
        cmocka_unit_test(test_tools_curl_verbose_8),
        cmocka_unit_test(test_tools_curl_post_and_user_agent),
        cmocka_unit_test(test_tools_curl_early_errors),
        cmocka_unit_test(test_tools_curl_head_and_fail),
        cmocka_unit_test(test_tools_curl_refused),
        cmocka_unit_test(test_tools_curl_timeouts),
        cmocka_unit_test(test_tools_curl_errors),
        cmocka_unit_test(test_tools_wget_busybox),
        cmocka_unit_test(test_tools_nc_openbsd),
        cmocka_unit_test(test_tools_nc_openbsd_ports),
        cmocka_unit_test(test_tools_nc_busybox),
        cmocka_unit_test(test_tools_ping_iputils),
        cmocka_unit_test(test_tools_ping_busybox),
        cmocka_unit_test(test_tools_ping_option_values),
        cmocka_unit_test(test_tools_dig_a),
        cmocka_unit_test(test_tools_dig_short_and_answer_only),
        cmocka_unit_test(test_tools_dig_srv),
        cmocka_unit_test(test_tools_dig_nxdomain),
        cmocka_unit_test(test_tools_dig_reverse),
        cmocka_unit_test(test_tools_dig_search),
        cmocka_unit_test(test_tools_dig_failures),
        cmocka_unit_test(test_tools_bind_any_over_tcp),
        cmocka_unit_test(test_tools_bind_bad_numbers),
        cmocka_unit_test(test_tools_bind_fatal_exits),
        cmocka_unit_test(test_tools_nslookup_bind),
        cmocka_unit_test(test_tools_host_default_lookups),
        cmocka_unit_test(test_tools_host_types),
        cmocka_unit_test(test_tools_host_errors),
        cmocka_unit_test(test_tools_host_server),
        cmocka_unit_test(test_tools_host_verbose),
        cmocka_unit_test(test_tools_host_coredns),
        cmocka_unit_test(test_tools_host_transport),
        cmocka_unit_test(test_tools_host_truncated),
        cmocka_unit_test(test_tools_host_unreachable),
        cmocka_unit_test(test_tools_host_usage),
        cmocka_unit_test(test_tools_nslookup_busybox),
        cmocka_unit_test(test_tools_nslookup_busybox_refused_on_the_node),
        cmocka_unit_test(test_tools_service_names),
    };

    return cmocka_run_group_tests_name("tools", tests, NULL, NULL);
}
