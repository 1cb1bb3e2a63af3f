^rc=0
begin \[\] 0
hex (0x[0-9a-f]{16} ){3,}
 0x[0-9a-f]{16} : fire_formats\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]\n]*/marktest\]
 0x[0-9a-f]{16} : main\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]\n]*/marktest\]
( 0x[0-9a-f]{16}[^\n]*\n)+fire_formats\+0x[0-9a-f]+ \[marktest\]
main\+0x[0-9a-f]+ \[marktest\]
([^\n]*\n)*usymname fire_formats
usymdata fire_formats\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]\n]*/marktest\]
umodname [^\n]*/marktest
unknown 0x0000000000000001
addr fire_formats
 0x[0-9a-f]{16} : fire_formats\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]\n]*/marktest\]
stderr:
rc=0
begin \[\] 0
mt_fact frames 0, first , addr 0x[0-9a-f]+
stderr:$
