#include "procedures.h"

#include <stddef.h>

/* The generated table is sorted by number. */
const struct procedure_info *procedure_lookup(int proc)
{
    unsigned int lo = 0, hi = procedure_table_len;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        if (procedure_table[mid].proc == proc)
            return &procedure_table[mid];
        if (procedure_table[mid].proc < proc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
