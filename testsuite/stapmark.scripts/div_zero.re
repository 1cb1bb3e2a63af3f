^rc=[01]
before 0
after 0 -10 0
before 1
before 2
before 3
after 3 5 0
end
stderr:
ERROR: division by 0 near operator '/' at [^\n]*div_zero.stp:7:9
ERROR: division by 0 near operator '%' at [^\n]*div_zero.stp:8:9
WARNING: Number of errors: 2, skipped probes: 0$
