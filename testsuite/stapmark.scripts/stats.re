^rc=1
10 55 1 10 5 48
z 3 3 1 1 1
x 2 2 -3 5 1
y 1 100 100 100 100
smallest sum x
0
0
end
stderr:
(.*\n)?ERROR: empty aggregate near [^\n]*stats.stp:14:[0-9]+
WARNING: Number of errors: 1, skipped probes: 0$
