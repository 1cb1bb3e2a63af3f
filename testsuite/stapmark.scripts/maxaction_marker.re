^rc=1
[^\n]*end 1
stderr:
ERROR: MAXACTION exceeded near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0$
