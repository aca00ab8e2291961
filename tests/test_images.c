/* test_images.c -- the image catalog: lookups, versions, listeners, and the
 * bytes nginx and agnhost netexec answer. */
#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "models/images.h"
#include "sim/packet.h"

static GString *serve_log;       /* where serve() has servers log, or NULL */

static char *
serve(const char *reference, const char *const *args, guint8 proto, const char *request,
      KnTime now)
{
    const KnImage *image = kn_images_lookup(NULL, reference);
    g_autoptr(GArray) listeners = kn_images_listeners(image, args);
    g_autoptr(GBytes) bytes = g_bytes_new(request, strlen(request));
    KnImageServeContext context = { 0 };

    context.log = serve_log;
    context.reference = reference;
    context.hostname = "web-7d9c5-abcde";
    kn_addr_parse("10.244.1.5", &context.client);
    context.client_port = 43512;
    kn_addr_parse("10.244.2.7", &context.server);
    context.now = now;
    for (guint i = 0; i < listeners->len; i++) {
        const KnImageListener *listener = &g_array_index(listeners, KnImageListener, i);

        if (listener->proto == proto) {
            g_autoptr(GBytes) answer = kn_images_serve(image, listener, bytes, &context);
            gsize size;
            const char *data;

            if (answer == NULL)
                return NULL;
            data = g_bytes_get_data(answer, &size);
            return g_strndup(data, size);
        }
    }
    fail_msg("%s does not listen", reference);
    return NULL;
}

static void
test_images_lookup_normalises_references(void **state)
{
    (void) state;
    assert_string_equal(kn_images_lookup(NULL, "docker.io/library/nginx:1.27")->repository, "nginx");
    assert_int_equal(kn_images_lookup(NULL, "nginx")->libc, KN_LIBC_GLIBC);
    assert_int_equal(kn_images_lookup(NULL, "nginx")->sh, KN_SH_DASH);
    assert_int_equal(kn_images_lookup(NULL, "nginx:1.27-alpine")->libc, KN_LIBC_MUSL);
    assert_int_equal(kn_images_lookup(NULL, "nicolaka/netshoot:v0.13")->libc, KN_LIBC_MUSL);
    assert_int_equal(kn_images_lookup(NULL, "busybox:1.36")->libc, KN_LIBC_GLIBC);
    assert_int_equal(kn_images_lookup(NULL, "busybox:1.36-musl")->libc, KN_LIBC_MUSL);
    assert_string_equal(kn_images_lookup(NULL, "k8s.gcr.io/e2e-test-images/agnhost:2.39")
                            ->repository, "registry.k8s.io/e2e-test-images/agnhost");
    assert_string_equal(kn_images_lookup(NULL, "nginx@sha256:0123")->repository, "nginx");
    /* Unknown images are Debian-like, with no network tools. */
    assert_string_equal(kn_images_lookup(NULL, "mycorp/app:1.0")->repository, "*");
    assert_null(kn_images_find_tool(kn_images_lookup(NULL, "mycorp/app:1.0"), "curl"));
    assert_null(kn_images_find_tool(kn_images_lookup(NULL, "busybox"), "curl"));
    assert_null(kn_images_find_tool(kn_images_lookup(NULL, "nginx:1.27"), "wget"));
    assert_string_equal(kn_images_find_tool(kn_images_lookup(NULL, "nginx:1.27"), "curl")->version,
                        "7.88.1");
    assert_int_equal(kn_images_find_tool(kn_images_lookup(NULL, "nicolaka/netshoot"), "ping")
                         ->flavour, KN_TOOL_IPUTILS);
}

static void
test_images_tags_select_versions(void **state)
{
    const KnImage *nginx = kn_images_lookup(NULL, "nginx");
    const KnImage *curl = kn_images_lookup(NULL, "curlimages/curl:8.5.0");
    g_autofree char *a = kn_images_version(nginx, "nginx:1.27.1", NULL);
    g_autofree char *b = kn_images_version(nginx, "nginx:1.27", NULL);
    g_autofree char *c = kn_images_version(nginx, "nginx", NULL);
    g_autofree char *d = kn_images_version(curl, "curlimages/curl:8.5.0", "curl");
    g_autofree char *e = kn_images_version(curl, "curlimages/curl", "curl");

    (void) state;
    assert_string_equal(a, "1.27.1");
    assert_string_equal(b, "1.27.4");
    assert_string_equal(c, "1.27.4");
    assert_string_equal(d, "8.5.0");
    assert_string_equal(e, "8.12.1");
}

static void
test_images_catalog_additions_win(void **state)
{
    static const KnImageTool tools[] = { { "curl", KN_TOOL_CURL, "8.0.1" }, { NULL, 0, NULL } };
    static const KnImage custom = { "nginx", NULL, "custom", KN_LIBC_MUSL, KN_SH_ASH,
                                    KN_TOOL_BUSYBOX, "1.25.3", TRUE, NULL, 0, tools, 0, NULL };
    g_autoptr(KnImageCatalog) catalog = kn_images_catalog_new();

    (void) state;
    kn_images_catalog_add(catalog, &custom);
    assert_ptr_equal(kn_images_lookup(catalog, "nginx:1.25"), &custom);
    assert_ptr_not_equal(kn_images_lookup(NULL, "nginx:1.25"), &custom);
}

static void
test_images_listeners_follow_args(void **state)
{
    const KnImage *agnhost = kn_images_lookup(NULL, "registry.k8s.io/e2e-test-images/agnhost:2.53");
    static const char *const netexec[] = { "netexec", "--http-port=80", NULL };
    static const char *const netexec_no_udp[] = { "/agnhost", "netexec", "--udp-port", "-1", NULL };
    static const char *const pause[] = { "pause", NULL };
    g_autoptr(GArray) a = kn_images_listeners(agnhost, netexec);
    g_autoptr(GArray) b = kn_images_listeners(agnhost, netexec_no_udp);
    g_autoptr(GArray) c = kn_images_listeners(agnhost, pause);
    g_autoptr(GArray) d = kn_images_listeners(agnhost, NULL);
    g_autoptr(GArray) e = kn_images_listeners(kn_images_lookup(NULL, "nginx:1.27"), NULL);

    (void) state;
    assert_int_equal(a->len, 2);
    assert_int_equal(g_array_index(a, KnImageListener, 0).port, 80);
    assert_int_equal(g_array_index(a, KnImageListener, 0).proto, KN_IPPROTO_TCP);
    assert_int_equal(g_array_index(a, KnImageListener, 1).port, 8081);
    assert_int_equal(g_array_index(a, KnImageListener, 1).proto, KN_IPPROTO_UDP);
    assert_int_equal(b->len, 1);
    assert_int_equal(g_array_index(b, KnImageListener, 0).port, 8080);
    assert_int_equal(c->len, 0);
    assert_int_equal(d->len, 0);
    assert_int_equal(e->len, 1);
    assert_int_equal(g_array_index(e, KnImageListener, 0).port, 80);
}

static void
test_images_http_date_is_imf_fixdate(void **state)
{
    char buf[32];

    (void) state;
    assert_string_equal(kn_images_http_date(KN_IMAGES_EPOCH, buf), "Thu, 01 Jan 2026 00:00:00 GMT");
    assert_string_equal(kn_images_http_date(0x67a34638, buf), "Wed, 05 Feb 2025 11:06:32 GMT");
    assert_string_equal(kn_images_http_date(0, buf), "Thu, 01 Jan 1970 00:00:00 GMT");
}

static const char nginx_ok_head[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.27.4\r\n"
    "Date: Thu, 01 Jan 2026 00:00:05 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 615\r\n"
    "Last-Modified: Wed, 05 Feb 2025 11:06:32 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"67a34638-267\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n";

static void
test_images_nginx_serves_its_welcome_page(void **state)
{
    g_autofree char *answer = serve("nginx:1.27", NULL, KN_IPPROTO_TCP,
                                    "GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.12.1\r\n"
                                    "Accept: */*\r\n\r\n", 5 * KN_SEC + 1);
    const char *body;

    (void) state;
    assert_true(g_str_has_prefix(answer, nginx_ok_head));
    body = answer + strlen(nginx_ok_head);
    assert_int_equal(strlen(body), 615);
    assert_true(g_str_has_prefix(body, "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!"));
    assert_true(g_str_has_suffix(body, "<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n"));
}

static void
test_images_nginx_versions_change_headers(void **state)
{
    g_autofree char *answer = serve("nginx:1.27.1", NULL, KN_IPPROTO_TCP,
                                    "HEAD / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n", 0);

    (void) state;
    assert_string_equal(answer,
                        "HTTP/1.1 200 OK\r\nServer: nginx/1.27.1\r\n"
                        "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/html\r\n"
                        "Content-Length: 615\r\nLast-Modified: Mon, 12 Aug 2024 14:21:01 GMT\r\n"
                        "Connection: close\r\nETag: \"66ba1a4d-267\"\r\nAccept-Ranges: bytes\r\n\r\n");
}

/* The docker image's access log: log_format main, the body bytes it
 * sent (none for HEAD), the request line as sent, "-" for headers it did
 * not get. */
static void
test_images_nginx_access_log(void **state)
{
    g_autoptr(GString) log = g_string_new(NULL);

    (void) state;
    serve_log = log;
    g_free(serve("nginx:1.27", NULL, KN_IPPROTO_TCP,
                 "GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.7.1\r\nAccept: */*\r\n\r\n", 65 * KN_SEC));
    g_free(serve("nginx:1.27", NULL, KN_IPPROTO_TCP,
                 "HEAD /nope HTTP/1.1\r\nHost: web\r\nReferer: http://a/\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
                 3600 * KN_SEC));
    g_free(serve("nginx:1.27", NULL, KN_IPPROTO_TCP, "hello\r\n\r\n", 0));
    serve_log = NULL;
    assert_string_equal(log->str,
        "10.244.1.5 - - [01/Jan/2026:00:01:05 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.7.1\" \"-\"\n"
        "10.244.1.5 - - [01/Jan/2026:01:00:00 +0000] \"HEAD /nope HTTP/1.1\" 404 0 \"http://a/\" \"-\" "
        "\"1.2.3.4\"\n"
        "10.244.1.5 - - [01/Jan/2026:00:00:00 +0000] \"hello\" 400 157 \"-\" \"-\" \"-\"\n");
}

static void
test_images_nginx_answers_404_and_405(void **state)
{
    g_autofree char *missing = serve("nginx:1.27", NULL, KN_IPPROTO_TCP,
                                     "GET /hostname HTTP/1.1\r\nHost: web\r\n\r\n", 0);
    g_autofree char *post = serve("nginx:1.27", NULL, KN_IPPROTO_TCP,
                                  "POST / HTTP/1.1\r\nHost: web\r\n\r\n", 0);
    g_autofree char *bad = serve("nginx:1.27", NULL, KN_IPPROTO_TCP, "hello\r\n\r\n", 0);

    (void) state;
    assert_string_equal(missing,
                        "HTTP/1.1 404 Not Found\r\nServer: nginx/1.27.4\r\n"
                        "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/html\r\n"
                        "Content-Length: 153\r\nConnection: keep-alive\r\n\r\n"
                        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                        "<center><h1>404 Not Found</h1></center>\r\n"
                        "<hr><center>nginx/1.27.4</center>\r\n</body>\r\n</html>\r\n");
    assert_true(g_str_has_prefix(post, "HTTP/1.1 405 Not Allowed\r\n"));
    assert_true(g_str_has_prefix(bad, "HTTP/1.1 400 Bad Request\r\n"));
    assert_non_null(strstr(bad, "Connection: close\r\n"));
}

static void
test_images_netexec_answers_its_endpoints(void **state)
{
    static const char *const args[] = { "netexec", NULL };
    const char *agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.53";
    g_autofree char *hostname = serve(agnhost, args, KN_IPPROTO_TCP,
                                      "GET /hostname HTTP/1.1\r\nHost: echo\r\n\r\n", 0);
    g_autofree char *clientip = serve(agnhost, args, KN_IPPROTO_TCP,
                                      "GET /clientip HTTP/1.1\r\nHost: echo\r\n\r\n", 0);
    g_autofree char *echo = serve(agnhost, args, KN_IPPROTO_TCP,
                                  "GET /echo?msg=hello%20world+again HTTP/1.1\r\nHost: e\r\n\r\n", 0);
    g_autofree char *code = serve(agnhost, args, KN_IPPROTO_TCP,
                                  "GET /echo?msg=teapot&code=503 HTTP/1.1\r\nHost: e\r\n\r\n", 0);
    g_autofree char *healthz = serve(agnhost, args, KN_IPPROTO_TCP,
                                     "GET /healthz HTTP/1.1\r\nHost: e\r\nConnection: close\r\n\r\n",
                                     0);
    g_autofree char *root = serve(agnhost, args, KN_IPPROTO_TCP,
                                  "GET / HTTP/1.1\r\nHost: e\r\n\r\n", 90 * KN_SEC + 250 * KN_MSEC);

    (void) state;
    assert_string_equal(hostname, "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
                                  "Content-Length: 15\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                  "\r\nweb-7d9c5-abcde");
    assert_true(g_str_has_suffix(clientip, "\r\n\r\n10.244.1.5:43512"));
    assert_true(g_str_has_suffix(echo, "\r\n\r\nhello world again"));
    assert_true(g_str_has_prefix(code, "HTTP/1.1 503 Service Unavailable\r\n"));
    assert_string_equal(healthz, "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
                                 "Content-Length: 0\r\nConnection: close\r\n\r\n");
    assert_true(g_str_has_suffix(root, "\r\n\r\nNOW: 2026-01-01 00:01:30.25 +0000 UTC "
                                       "m=+90.250000000"));
}

static void
test_images_netexec_udp_commands(void **state)
{
    static const char *const args[] = { "netexec", NULL };
    const char *agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.53";
    g_autofree char *hostname = serve(agnhost, args, KN_IPPROTO_UDP, "hostname\n", 0);
    g_autofree char *echo = serve(agnhost, args, KN_IPPROTO_UDP, "echo Hi There", 0);
    g_autofree char *clientip = serve(agnhost, args, KN_IPPROTO_UDP, "clientip", 0);
    g_autofree char *unknown = serve(agnhost, args, KN_IPPROTO_UDP, "what", 0);

    (void) state;
    assert_string_equal(hostname, "web-7d9c5-abcde");
    assert_string_equal(echo, "hi there");        /* netexec lower-cases what it reads */
    assert_string_equal(clientip, "10.244.1.5:43512");
    assert_null(unknown);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_images_lookup_normalises_references),
        cmocka_unit_test(test_images_tags_select_versions),
        cmocka_unit_test(test_images_catalog_additions_win),
        cmocka_unit_test(test_images_listeners_follow_args),
        cmocka_unit_test(test_images_http_date_is_imf_fixdate),
        cmocka_unit_test(test_images_nginx_serves_its_welcome_page),
        cmocka_unit_test(test_images_nginx_versions_change_headers),
        cmocka_unit_test(test_images_nginx_answers_404_and_405),
        cmocka_unit_test(test_images_nginx_access_log),
        cmocka_unit_test(test_images_netexec_answers_its_endpoints),
        cmocka_unit_test(test_images_netexec_udp_commands),
    };

    return cmocka_run_group_tests_name("images", tests, NULL, NULL);
}
