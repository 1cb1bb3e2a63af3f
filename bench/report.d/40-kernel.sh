# bench/report part: the kernel in the qemu guest (bench/kernel/run:
# kernel.txt, and kernel.tsv "CASE NS MIN MAX ADDED LABEL").
kernel() { # CASE -> added ns
	awk -F'\t' -v c="$1" '$1 == c && $5 != "-" { print $5 + 0; exit }' "$R/kernel.tsv" 2>/dev/null || true
}
kernel_ns() { # CASE -> ns/event
	awk -F'\t' -v c="$1" '$1 == c { print $2 + 0; exit }' "$R/kernel.tsv" 2>/dev/null || true
}
k=$(kernel script_count)
key_ratio "kernel: dormant marker / function without it (floor)" "$(awk -v a="$(kernel_ns dormant)" -v b="$(kernel_ns floor)" 'BEGIN { if (b > 0) printf "%.2fx (%+.2f ns)", a / b, a - b; else print "n/a" }')"
key_ratio "kernel: our kprobe int3 / our kernel.mark { n++ }" "$(ratio "$(kernel script_kprobe_int3)" "$k")"
key_ratio "kernel: our optimized kprobe / our kernel.mark" "$(ratio "$(kernel script_kprobe_opt)" "$k")"
key_ratio "kernel: our ftrace kprobe / our kernel.mark" "$(ratio "$(kernel script_kprobe_ftrace)" "$k")"
key_ratio "kernel: C kprobe int3 / C marker probe" "$(ratio "$(kernel kprobe_int3)" "$(kernel armed1)")"
key_ratio "kernel: C optimized kprobe / C marker probe" "$(ratio "$(kernel kprobe_opt)" "$(kernel armed1)")"
key_ratio "kernel: stap 4.8 module().function (kprobe at entry, ftrace) / our kernel.mark" "$(ratio "$(kernel stap_kprobe)" "$k")"
key_ratio "kernel: bpftrace kprobe / our kernel.mark" "$(ratio "$(kernel bpf_kprobe)" "$k")"
key_ratio "kernel: stap 4.8 kernel.trace / our bridge script" "$(ratio "$(kernel stap_trace)" "$(kernel script_sys)")"
key_ratio "kernel: bpftrace tracepoint / our bridge script" "$(ratio "$(kernel bpf_tracepoint)" "$(kernel script_sys)")"
mech "kernel: marker, C probe" "$(kernel armed1)" 2
mech "kernel: kernel.mark { n++ }" "$k" 2
mech "kernel: kernel.mark <<<" "$(kernel script_stat)" 2
mech "kernel: kernel.mark printf" "$(kernel script_printf)" 2
mech "kernel: our kprobe ftrace" "$(kernel script_kprobe_ftrace)" 2
mech "kernel: our kprobe int3" "$(kernel script_kprobe_int3)" 2
mech "kernel: our kprobe optimized" "$(kernel script_kprobe_opt)" 2
mech "kernel: stap 4.8 kprobe" "$(kernel stap_kprobe)" 3
mech "kernel: bpftrace kprobe" "$(kernel bpf_kprobe)" 3
mech "kernel: our sys_enter bridge" "$(kernel script_sys)" 2
mech "kernel: stap 4.8 kernel.trace" "$(kernel stap_trace)" 3
mech "kernel: bpftrace tracepoint" "$(kernel bpf_tracepoint)" 3
series dormant "kernel (emulated): marker site (jump label) vs the same function without it" <<DAT
0 $(kernel_ns floor)
1 $(kernel_ns dormant)
DAT
series probes "kernel (C probes, emulated)" <<DAT
1 $(kernel armed1)
2 $(kernel armed2)
4 $(kernel armed4)
8 $(kernel armed8)
DAT
plot keys "A map with K distinct keys: m[value % K]++, added ns per event" "distinct keys K" \
	"ns per event (added, log scale)" "set logscale x 10; set xrange [0.5:200000]; set logscale y"
series keys "kernel.mark, kernel (emulated)" <<DAT
1 $(kernel script_keys1)
1000 $(kernel script_keys1000)
100000 $(kernel script_keys100000)
DAT
section "Kernel: C dispatch, scripts, peers, scaling (bench/kernel, emulated)" kernel.txt
