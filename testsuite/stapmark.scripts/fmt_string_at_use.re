^rc=[01]
str hello, world hello, world
null n=1
bad n=2
caught: user string copy fault -14 at 0x0*1 \[man error::fault\]
after 3
ok=4 reads=0
stderr:
ERROR: user string copy fault -14 at 0x0+ \[man error::fault\] near identifier '\$s' at [^\n]*fmt_string_at_use.stp:10:74
WARNING: Number of errors: 1, skipped probes: 0$
