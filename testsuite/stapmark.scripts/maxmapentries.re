^rc=1
five ok
entries 5 a\[0\]=100
stderr:
ERROR: Array overflow, check MAXMAPENTRIES near [^\n]*maxmapentries.stp:10:[0-9]+
WARNING: Number of errors: 1, skipped probes: 0$
