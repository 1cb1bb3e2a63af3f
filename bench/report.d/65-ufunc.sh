# bench/report part: process.function probes (bench/ufunc/run: ufunc.txt;
# lines "CASE NS/CALL PROBE-NS CPU HITS...").
ufunc() { # CASE -> probe ns (over the plain call)
	awk -v c="$1" '$1 == c && NF >= 4 { print $3 + 0; exit }' "$R/ufunc.txt" 2>/dev/null || true
}
key_ratio "user function: bpftrace uprobe -c / stapmark -c" "$(ratio "$(ufunc bpftrace-c)" "$(ufunc stapmark-c)")"
key_ratio "user function: bpftrace uprobe -p / stapmark -x" "$(ratio "$(ufunc bpftrace-p)" "$(ufunc stapmark-x)")"
key_ratio "user function: stap --runtime=bpf / stapmark -c" "$(ratio "$(ufunc stapbpf)" "$(ufunc stapmark-c)")"
mech "user function: stapmark -c" "$(ufunc stapmark-c)" 0
mech "user function: stapmark system-wide" "$(ufunc stapmark-sys)" 0
mech "user function: bpftrace uprobe" "$(ufunc bpftrace-c)" 1
mech "user function: stap bpf uprobe" "$(ufunc stapbpf)" 1
section "process.function probes: stapmark against bpftrace uprobe and stap --runtime=bpf (bench/ufunc)" ufunc.txt
