/* The host facts the QEMU driver's rules ask for (struct dx_env), as the
 * tests give them: x86_64, the emulator in /usr/bin, and the machine
 * aliases given with -M ALIAS=MACHINE (from `qemu-system-x86_64 -machine
 * help`: pc=pc-i440fx-7.2), which is what the capability probe reads. */
#ifndef TESTS_QEMU_ENV_H
#define TESTS_QEMU_ENV_H

#include <stdlib.h>
#include <string.h>

#include "conf/domain_xml.h"
#include "error.h"

#define TEST_MAX_ALIASES 64

static struct {
    char *alias[TEST_MAX_ALIASES];
    const char *machine[TEST_MAX_ALIASES];
    size_t n;
} test_machines;

/* Takes "ALIAS=MACHINE"; returns 0, or -1 when it is not one. */
static int test_env_add_alias(const char *arg)
{
    char *copy = strchr(arg, '=') && test_machines.n < TEST_MAX_ALIASES ? strdup(arg) : NULL;
    if (!copy)
        return -1;
    *strchr(copy, '=') = '\0';
    test_machines.alias[test_machines.n] = copy;
    test_machines.machine[test_machines.n++] = copy + strlen(copy) + 1;
    return 0;
}

static void test_env_free(void)
{
    for (size_t i = 0; i < test_machines.n; i++)
        free(test_machines.alias[i]);
    test_machines.n = 0;
}

static char *test_env_arch(void *opaque, const char *virt_type)
{
    return strdup("x86_64");
}

static char *test_env_emulator(void *opaque, const char *virt_type, const char *arch)
{
    if (strcmp(arch, "x86_64") == 0)
        return strdup("/usr/bin/qemu-system-x86_64");
    if (strcmp(arch, "i686") == 0)
        return strdup("/usr/bin/qemu-system-i386");
    error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "No emulator found for arch '%s'", arch);
    return NULL;
}

static char *test_env_canonical(void *opaque, const char *emulator, const char *virt_type,
                                const char *arch, const char *machine)
{
    for (size_t i = 0; i < test_machines.n; i++)
        if (strcmp(test_machines.alias[i], machine) == 0)
            return strdup(test_machines.machine[i]);
    return strdup(machine);
}

static char *test_env_machine(void *opaque, const char *emulator, const char *virt_type,
                              const char *arch)
{
    return test_env_canonical(opaque, emulator, virt_type, arch, "pc");
}

static const struct dx_env test_env = {
    .driver = DX_DRIVER_QEMU,
    .default_arch = test_env_arch,
    .default_emulator = test_env_emulator,
    .default_machine = test_env_machine,
    .canonical_machine = test_env_canonical,
};

/* The whole of a file, malloc'd, or NULL (errno set). */
static char *test_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = NULL;
    size_t len = 0, n;

    if (!f)
        return NULL;
    do {
        char *p = realloc(s, len + 4096 + 1);
        if (!p) {
            free(s);
            fclose(f);
            return NULL;
        }
        s = p;
        n = fread(s + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    s[len] = '\0';
    return s;
}

#endif
