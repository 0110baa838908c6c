/* table: columns as virsh prints them: a leading space, cells padded to
 * the widest in their column (all but the last), three spaces between
 * columns, a header and a dashed line unless -q (then widths ignore the
 * header). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "vsh.h"

struct vsh_table {
    size_t ncols;
    size_t nrows; /* row 0 is the header */
    char **cells; /* nrows * ncols */
};

static void add_row(struct vsh_table *t, const char *first, va_list ap)
{
    char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));

    if (!cells)
        return;
    t->cells = cells;
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = c == 0 ? first : va_arg(ap, const char *);
        t->cells[t->nrows * t->ncols + c] = strdup(s ? s : "");
    }
    t->nrows++;
}

struct vsh_table *vsh_table_new(const char *first, ...)
{
    struct vsh_table *t = calloc(1, sizeof(*t));
    va_list ap;

    if (!t)
        return NULL;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        t->ncols++;
    va_end(ap);
    va_start(ap, first);
    add_row(t, first, ap);
    va_end(ap);
    return t;
}

void vsh_table_row(struct vsh_table *t, const char *first, ...)
{
    va_list ap;

    if (!t)
        return;
    va_start(ap, first);
    add_row(t, first, ap);
    va_end(ap);
}

/* Display width: characters, not bytes (names may be UTF-8). */
static size_t width(const char *s)
{
    size_t n = mbstowcs(NULL, s, 0);

    return n == (size_t)-1 ? strlen(s) : n;
}

static void print_row(struct vsh_table *t, size_t r, const size_t *w)
{
    fputc(' ', stdout);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = t->cells[r * t->ncols + c];
        fputs(s, stdout);
        if (c + 1 < t->ncols) {
            for (size_t k = width(s); k < w[c] + 3; k++)
                fputc(' ', stdout);
        }
    }
    fputc('\n', stdout);
}

void vsh_table_print(struct vsh_ctl *ctl, struct vsh_table *t)
{
    size_t *w, total = 0;
    size_t first = ctl->quiet ? 1 : 0;

    if (!t)
        return;
    w = calloc(t->ncols, sizeof(*w));
    if (!w)
        return;
    for (size_t r = first; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t n = width(t->cells[r * t->ncols + c]);
            if (n > w[c])
                w[c] = n;
        }
    for (size_t c = 0; c < t->ncols; c++)
        total += w[c];
    total += 3 * (t->ncols - 1) + 3;
    if (!ctl->quiet) {
        print_row(t, 0, w);
        for (size_t k = 0; k < total; k++)
            fputc('-', stdout);
        fputc('\n', stdout);
    }
    for (size_t r = 1; r < t->nrows; r++)
        print_row(t, r, w);
    free(w);
}

void vsh_table_free(struct vsh_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
