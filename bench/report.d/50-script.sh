# bench/report part: scripts in user space against bpftrace and stapbpf
# (bench/script/run: script.txt; part 1's lines "CASE MEDIAN MIN MAX -BASE ...").
script() { # CASE -> -base ns
	awk -v c="$1" '$1 == c && NF >= 7 { print $5 + 0; exit }' "$R/script.txt" 2>/dev/null || true
}
key_ratio "user: bpftrace usdt / stapmark { n++ }" "$(ratio "$(script bpftrace)" "$(script count)")"
key_ratio "user: stap --runtime=bpf / stapmark { n++ }" "$(ratio "$(script stapbpf)" "$(script count)")"
key_ratio "user: system-wide { n++ } / -c { n++ } (libmarkers, goal <= 2x)" "$(ratio "$(script sysw)" "$(script count)")"
mech "user: stapmark { n++ }" "$(script count)" 0
mech "user: stapmark { n++ } system-wide" "$(script sysw)" 0
mech "user: stapmark <<<" "$(script stat)" 0
mech "user: stapmark printf" "$(script printf)" 0
mech "user: bpftrace usdt" "$(script bpftrace)" 1
mech "user: stap bpf usdt" "$(script stapbpf)" 1
mech "user: stapmark func (loop.c)" "$(script func)" 0
series keys "process.mark, user space" <<DAT
1 $(script keys1)
1000 $(script keys1000)
100000 $(script keys100000)
DAT
section "Scripts in user space against bpftrace and stapbpf (bench/script)" script.txt
