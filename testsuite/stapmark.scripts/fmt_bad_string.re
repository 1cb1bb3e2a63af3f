^rc=[01]
ptr user data
after 3
end
stderr:
ERROR: user string copy fault -14 at 0x0+ \[man error::fault\] near [^\n]*
ERROR: user string copy fault -14 at 0x0*1 \[man error::fault\] near [^\n]*
WARNING: Number of errors: 2, skipped probes: 0$
