^rc=1
end 2
stderr:
ERROR: odd 1 near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0
rc=1
end 6
stderr:
ERROR: odd 1 near [^\n]*
ERROR: odd 3 near [^\n]*
ERROR: odd 5 near [^\n]*
WARNING: Number of errors: 3, skipped probes: 0$
