^rc=1
end 1
stderr:
ERROR: MAXACTION exceeded near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0
rc=1
end 1
stderr:
ERROR: MAXACTION exceeded near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0
rc=1
end [0-9]+
stderr:
ERROR: MAXACTION exceeded near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0
rc=0
end 20000
stderr:
rc=0
end 3000
stderr:
rc=0
end 300
stderr:
rc=1
end 1
stderr:
ERROR: MAXACTION exceeded near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0$
