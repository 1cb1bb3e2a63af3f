# bench/report part: user-space dispatch (bench/dispatch.c, dispatch.txt).
# dispatch.txt: "LABEL ITER MEDIAN MIN MAX -BASE -BASECYC" lines.
dispatch() { # LABEL -> -base ns
	awk -v l="$1" 'NF >= 7 && $(NF - 5) ~ /^[0-9]+$/ {
		lab = $1; for (i = 2; i <= NF - 6; i++) lab = lab " " $i
		if (lab == l) { print $(NF - 1) + 0; exit } }' "$R/dispatch.txt" 2>/dev/null || true
}
dispatch_med() { # LABEL -> median ns per iteration
	awk -v l="$1" 'NF >= 7 && $(NF - 5) ~ /^[0-9]+$/ {
		lab = $1; for (i = 2; i <= NF - 6; i++) lab = lab " " $i
		if (lab == l) { print $(NF - 4) + 0; exit } }' "$R/dispatch.txt" 2>/dev/null || true
}
mech "user: marker, C probe" "$(dispatch 'armed, 1 probe')" 0
plot dormant "Dormant sites: ns per loop iteration with N sites in the loop" \
	"N dormant sites per iteration" "ns per iteration (log scale)" \
	"set xtics 1; set xrange [-0.3:8.3]; set logscale y"
series dormant "user space: marker sites (SDT semaphore branch)" <<DAT
0 $(dispatch_med 'empty loop (baseline)')
1 $(dispatch_med 'dormant, 1 site')
8 $(dispatch_med 'dormant, 8 sites (8 names)')
DAT
series dormant "user space floor: 5-byte nops (jump labels)" <<DAT
0 $(dispatch_med 'empty loop (baseline)')
8 $(dispatch_med 'floor: 8 nop5 (jump-label) sites')
DAT
plot probes "Probes on one armed marker: added ns per event" "probes on the marker" \
	"ns per event (added, log scale)" "set logscale x 2; set xrange [0.8:10]; set logscale y"
series probes "user space (C probes)" <<DAT
1 $(dispatch 'armed, 1 probe')
2 $(dispatch 'armed, 2 probes')
4 $(dispatch 'armed, 4 probes')
DAT
section "Dispatch in user space (bench/dispatch.c)" dispatch.txt
