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

/* Each table is a struct of function pointers: every operation the
 * generated dispatch table can call is filled by at least one built-in
 * driver (one left NULL everywhere is a procedure nobody serves). */
static void builtin_drivers_fill_every_operation(void)
{
    for (int t = 0; t < 2; t++) {
        const char *name = t ? "domain" : "host";
        size_t size = t ? sizeof(struct drv_domain_ops) : sizeof(struct drv_host_ops);
        size_t n = size / sizeof(void (*)(void));
        void (*any[256])(void) = {0};

        if (n > 256) {
            FAIL("%s: larger than this test reads", name);
            continue;
        }
        for (const struct driver *const *d = drivers; *d; d++) {
            const void *table = t ? (const void *)(*d)->domain : (const void *)(*d)->host;
            void (*ops[256])(void);
            if (!table)
                continue;
            memcpy(ops, table, size);
            for (size_t i = 0; i < n; i++)
                if (ops[i])
                    any[i] = ops[i];
        }
        for (size_t i = 0; i < n; i++)
            if (!any[i])
                FAIL("no built-in driver fills %s operation %zu", name, i);
    }
}

int main(void)
{
    table_is_sorted_and_matches_procedures();
    builtin_drivers_fill_every_operation();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("dispatch table: %zu procedures, sorted and as procedures.txt says\n",
           dispatch_table_len);
    return 0;
}
