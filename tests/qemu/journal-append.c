/* journal-append PATH COUNT RECORD: appends COUNT copies of RECORD to the
 * event journal at PATH (src/state/journal.h) with the driver's rotation
 * size, as a flood of events would: tests/qemu/recovery.sh uses it to make
 * a stopped connection fall behind the journal's rotations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "state/journal.h"
#include "sup-util.h"

int main(int argc, char **argv)
{
    struct state_journal *j;
    char *end;
    long n;

    if (argc != 4 || (n = strtol(argv[2], &end, 10)) < 0 || *end) {
        fprintf(stderr, "usage: journal-append PATH COUNT RECORD\n");
        return 2;
    }
    if (state_journal_open(argv[1], SUP_JOURNAL_ROTATE_BYTES, &j) < 0) {
        fprintf(stderr, "journal-append: %s\n", error_last_message());
        return 1;
    }
    for (long i = 0; i < n; i++)
        if (state_journal_append(j, argv[3], strlen(argv[3]), NULL, NULL, NULL) < 0) {
            fprintf(stderr, "journal-append: %s\n", error_last_message());
            return 1;
        }
    state_journal_close(j);
    return 0;
}
