^rc=1
A
3412 78563412 807060504030201
1234 1000000 1
4609434218613702656 -4611686018427387904 4591870180066957722
0 0 0
end
stderr:
ERROR: read fault \[man error::fault\] at 0x8 near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0$
