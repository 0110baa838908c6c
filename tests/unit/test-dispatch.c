/* The generated dispatch table against the procedure table it comes from,
 * in process: sorted (dispatch finds entries by bisection), each entry's
 * API and access flags those of rpc/procedures.txt, every body within the
 * decode buffers, and the test driver filling every operation slot. */
#include <stdio.h>
#include <string.h>

#include "dispatch-table.h"
#include "driver.h"
#include "drivers/test.h"

#include "check.h"

static void table_is_sorted_and_matches_procedures(void)
{
    for (size_t i = 0; i < dispatch_table_len; i++) {
        const struct dispatch_entry *e = &dispatch_table[i];
        const struct procedure_info *p = procedure_lookup(e->proc);

        if (i > 0 && dispatch_table[i - 1].proc >= e->proc)
            FAIL("entry %zu (procedure %d) is not after procedure %d", i, e->proc,
                 dispatch_table[i - 1].proc);
        if (!p) {
            FAIL("procedure %d is not in procedures.txt", e->proc);
            continue;
        }
        if ((e->api == NULL) != (p->api == NULL) || (e->api && strcmp(e->api, p->api) != 0))
            FAIL("procedure %d: API %s, procedures.txt says %s", e->proc,
                 e->api ? e->api : "-", p->api ? p->api : "-");
        if (e->flags != p->flags)
            FAIL("procedure %d: flags 0x%x, procedures.txt says 0x%x", e->proc, e->flags,
                 p->flags);
        if (e->args_size > DISPATCH_BODY_MAX || e->ret_size > DISPATCH_BODY_MAX)
            FAIL("procedure %d: bodies of %zu and %zu bytes, the buffers hold %d", e->proc,
                 e->args_size, e->ret_size, DISPATCH_BODY_MAX);
        if (!e->fn)
            FAIL("procedure %d has no handler", e->proc);
        if ((p->flags & PROC_WRITE) && (p->flags & PROC_RESEND))
            FAIL("procedure %d both writes and may be sent again", e->proc);
    }
    for (unsigned int i = 1; i < procedure_table_len; i++)
        if (procedure_table[i - 1].proc >= procedure_table[i].proc)
            FAIL("procedure_table is not sorted at %d", procedure_table[i].proc);
}

/* Each table is a struct of function pointers: every one the test driver
 * leaves NULL is a procedure it would answer "not supported". */
static void test_driver_fills_every_operation(void)
{
    const struct {
        const char *name;
        const void *table;
        size_t size;
    } tables[] = {
        {"host", test_driver.host, sizeof(struct drv_host_ops)},
        {"domain", test_driver.domain, sizeof(struct drv_domain_ops)},
    };

    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        void (*ops[64])(void);
        size_t n = tables[t].size / sizeof(ops[0]);

        if (!tables[t].table || n > 64) {
            FAIL("%s: no table, or larger than this test reads", tables[t].name);
            continue;
        }
        memcpy(ops, tables[t].table, tables[t].size);
        for (size_t i = 0; i < n; i++)
            if (!ops[i])
                FAIL("the test driver leaves %s operation %zu empty", tables[t].name, i);
    }
}

int main(void)
{
    table_is_sorted_and_matches_procedures();
    test_driver_fills_every_operation();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("dispatch table: %zu procedures, sorted and as procedures.txt says\n",
           dispatch_table_len);
    return 0;
}
