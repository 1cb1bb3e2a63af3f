# bench/report part: sys/sdt.h probes of python3 (bench/sdt/run: sdt.txt;
# lines "CASE NS/CALL PROBE-NS CPU HITS...").
sdt() { # CASE -> probe ns (over the untraced loop)
	awk -v c="$1" '$1 == c && NF >= 4 { print $3 + 0; exit }' "$R/sdt.txt" 2>/dev/null || true
}
key_ratio "user SDT: bpftrace usdt -c / stapmark -c (python3 audit)" "$(ratio "$(sdt bpftrace-c)" "$(sdt stapmark-c)")"
key_ratio "user SDT: bpftrace usdt -p / stapmark -x" "$(ratio "$(sdt bpftrace-p)" "$(sdt stapmark-x)")"
key_ratio "user SDT: stap --runtime=bpf / stapmark -c" "$(ratio "$(sdt stapbpf)" "$(sdt stapmark-c)")"
mech "user SDT: stapmark -c" "$(sdt stapmark-c)" 0
mech "user SDT: stapmark -x" "$(sdt stapmark-x)" 0
mech "user SDT: stapmark system-wide" "$(sdt stapmark-sys)" 0
mech "user SDT: bpftrace usdt -c" "$(sdt bpftrace-c)" 1
mech "user SDT: stap bpf usdt" "$(sdt stapbpf)" 1
section "sys/sdt.h probes of python3: stapmark against bpftrace and stap --runtime=bpf (bench/sdt)" sdt.txt
