/* uuid: libvirt's UUID text, the one parser and formatter the daemon, its
 * drivers and the client share. */
#ifndef RPC_UUID_H
#define RPC_UUID_H

#define UUID_LEN 16
#define UUID_STRING_LEN 37 /* 36 characters and the NUL */

/* Parses s by libvirt's rules: 32 hex digits, a '-' or ' ' allowed before
 * any byte's pair of digits, blanks around the whole. Returns 0, or -1
 * when s is not a UUID. */
int uuid_parse(const char *s, unsigned char uuid[UUID_LEN]);

/* The canonical form, 8-4-4-4-12 lower-case hex digits. */
void uuid_format(const unsigned char uuid[UUID_LEN], char out[UUID_STRING_LEN]);

#endif
