^rc=1
ring 3 has9 1 big 4 has9 1
sized ok 1
stderr:
ERROR: Array overflow, check size limit \(2\) near [^\n]*map_wrap.stp:13:[0-9]+
WARNING: Number of errors: 1, skipped probes: 0$
