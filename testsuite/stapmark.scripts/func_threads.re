^rc=0
kvdemo: ops 3000 gets (\d+) .* deletes (\d+) .* threads 3 [^\n]*
gets=\1 deletes=\2
stderr:$
