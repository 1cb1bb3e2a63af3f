#!/bin/bash
# Group script for guest.exp: a fixed mix of result lines, noise and one
# injected kernel warning, to check how a group's output is read.  Not
# executable on purpose: its #! line alone must make bash run it.
[[ -n $BASH_VERSION ]] && echo "PASS: first"
echo "a line that is not a result"
echo "FAIL: second because of a reason"
echo "to stderr" >&2
echo "UNTESTED: third needs something"
echo "<4>WARNING: injected by stapmark.guest/mixed.sh" >/dev/kmsg
