/* pcap_sample.c -- writes the sample capture (sample_capture.h) to the file
 * named on the command line, for tests/tools/tshark-pcapng.sh. */

#include <config.h>
#include "tests/sample_capture.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) frames = NULL;
    g_autoptr(KnPcapng) writer = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.pcapng\n", argv[0]);
        return 2;
    }
    writer = kn_pcapng_new(argv[1], &error);
    if (writer == NULL) {
        fprintf(stderr, "pcap_sample: %s\n", error->message);
        return 1;
    }
    frames = sample_capture_frames();
    sample_capture_write(writer, frames);
    if (!kn_pcapng_close(writer, &error)) {
        fprintf(stderr, "pcap_sample: %s\n", error->message);
        return 1;
    }
    return 0;
}
