^rc=[01]
\[user data\] \[75736572\] \[u\] \[75\] \[    us\]
after
stderr:
ERROR: [^\n]*fault[^\n]* near [^\n]*
WARNING: Number of errors: 1, skipped probes: 0$
