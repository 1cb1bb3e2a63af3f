^rc=0
1
1
stderr:(\n(stapmark: [^\n]*))?$
