#!/bin/sh
# The editor of virsh-cmds-edits.txt's lines (client-interop.sh exports
# EDITOR as this script for that file): changes the file virsh hands it as
# $VIRSH_EDIT says, the mode a line's "@MODE " prefix names.
#   keep    leaves it as it is
#   desc    a <description> after the first </name>
#   rename  snapshot s1 to s2, checkpoint c1 to c2, domain tuned to tuned2
#   text    the line "edited text" (desc --edit)
#   meta    a <foo> element (metadata --edit)
#   bad     XML that does not parse
#   fail    exits 1, the file untouched
f=$1
case ${VIRSH_EDIT:-keep} in
keep) ;;
desc) sed -i '0,/<\/name>/s|</name>|</name><description>edited</description>|' "$f" ;;
rename) sed -i 's|<name>s1</name>|<name>s2</name>|; s|<name>c1</name>|<name>c2</name>|; s|<name>tuned</name>|<name>tuned2</name>|' "$f" ;;
text) echo 'edited text' >"$f" ;;
meta) echo '<foo>bar</foo>' >"$f" ;;
bad) echo '<domain' >"$f" ;;
fail) exit 1 ;;
*)
    echo "edit-xml.sh: unknown mode '$VIRSH_EDIT'" >&2
    exit 2
    ;;
esac
