^rc=1
16 16
1 1
0:0 1:0 2:0 0=0 1=1 2=0 3=1 4=0 
stderr:
WARNING: histogram: interval cannot be zero.
WARNING: histogram: Number of buckets must be between 1 and 126
Number_of_buckets = \(stop - start\) / interval.
Please adjust your start, stop, and interval values.
ERROR: empty aggregate near operator '\[\]' at [^\n]*
WARNING: Number of errors: 1, skipped probes: 0$
