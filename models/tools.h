/* tools.h -- the network tools a command runs: curl, wget, nc, ping,
 * getent, and the DNS tools dig, nslookup and host (models/tools-dns.h),
 * each as the version and flavour the image carries (models/images.h)
 * prints and exits.
 *
 * The shell (models/shell.h) finds a tool in the image and calls
 * kn_tools_run() with its argv; the tool works through the KnNetClient
 * of the place it runs (models/netclient.h): it resolves the name, makes
 * the TCP or UDP exchange or sends the pings, composes the request bytes as
 * the real tool sends them and parses what comes back.  It writes standard
 * output and error into the caller's buffers and calls 'done' once with its
 * exit status, from an event. */
#pragma once

#include <glib.h>
#include "models/images.h"
#include "models/netclient.h"

/* Where a tool reads and writes. */
typedef struct KnToolIo {
    GBytes *in;                  /* standard input; NULL: empty */
    GString *out;                /* standard output; borrowed until 'done' */
    GString *err;                /* standard error; may be 'out' (2>&1) */
    GHashTable *files;           /* path -> GString *: files the command writes
                                  * (curl -o, wget's index.html); borrowed; NULL:
                                  * writes to files are dropped */
    GBytes *(*read_file)(const char *path, gpointer data); /* the container's files
                                  * (/etc/resolv.conf): new bytes, or NULL if there
                                  * is no such file; NULL: no files at all */
    gpointer read_file_data;
} KnToolIo;

/* Called once when the tool exits. */
typedef void (*KnToolDone)(int status, gpointer user_data);

/* TRUE if 'name' (a bare program name) is one of the tools modelled here. */
gboolean kn_tools_known(const char *name);

/* Runs argv[0] ("curl", "wget", "nc", "ping", "dig", ...) as 'image' has it ('reference'
 * is the image reference, whose tag may select the version; both may be NULL
 * on a node or host).  'net', 'io' and its buffers are borrowed until
 * 'done'.  'done' may be called before kn_tools_run() returns when the
 * tool fails before touching the network (a bad option). */
void kn_tools_run(KnNetClient *net, const KnImage *image, const char *reference,
                  const char *const *argv, const KnToolIo *io, KnToolDone done,
                  gpointer user_data);

/* The service name /etc/services gives 'port' ("http" for TCP 80), or NULL. */
const char *kn_tools_service_name(guint16 port, gboolean udp);
