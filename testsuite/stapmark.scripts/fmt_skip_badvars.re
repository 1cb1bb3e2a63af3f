^rc=[01]
null \[\] n=1
bad \[\] \[s="" n=0x2\] n=2
after 3
ok=3
stderr:
ERROR: user string copy fault -14 at 0x0*9 \[man error::fault\] near identifier 'user_string' at [^\n]*fmt_skip_badvars.stp:9:61
WARNING: Number of errors: 1, skipped probes: 0$
