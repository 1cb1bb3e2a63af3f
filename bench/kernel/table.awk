# bench/kernel/table.awk: the kernel benchmark's tables from kernel.raw
# (guest.sh's lines "CASE LOOPS ROUNDS MEDIAN_PS MIN_PS MAX_PS [CALLS]", one
# per case and pass).  Prints the tables; with -v tsv=FILE also writes
# "CASE<TAB>NS<TAB>MIN<TAB>MAX<TAB>ADDED<TAB>LABEL" for the report's plots.
# -v why=FILE: "CASE reason" lines for the cases that could not run.
function ns(ps) { return ps / 1000 }
function median(list,    v, k, i, j, t) {
	k = split(list, v, " ")
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
$1 == "krel" { krel = $2; next }
$1 == "cpus" { cpus = $2; next }
$1 == "kprobe_site" { site = $2; next }
$1 == "kprobe_ftrace_site" { fsite = $2; next }
$1 == "optimized_after_ms" { optms = optms sep sprintf("%.1f", $2 / 1000); sep = ", "; next }
$1 == "sys_enter_hits" { hits += $2; next }
$1 == "passes" { passes = $2; next }
$1 == "printf_drops" { drops += $2; pcalls += $3; next }
$1 == "kprobe_state" { kstate[$2] = $3; next }
$1 == "keys_checked" { kseen[$2] = $3; kcalls[$2] = $4; next }
$1 == "missing" { missing_case[$2] = 1; next }
$1 == "failed" { reason[$2] = substr($0, length($1) + length($2) + 3); next }
NF >= 6 {
	c = $1; rounds = $3; meds[c] = meds[c] " " $4
	if (!(c in lo) || $5 < lo[c]) lo[c] = $5
	if (!(c in hi) || $6 > hi[c]) hi[c] = $6
	next
}
# row(CASE, BASE, REF): one line; added = over BASE's median, "x REF" =
# added over REF's added.
function row(c, b, r,    v, added, xr) {
	if (!(c in med)) {
		printf "%-44s %10s   %s\n", label[c], "-", (c in reason) ? reason[c] : "not run"
		return
	}
	v = ns(med[c]); added = "-"; xr = "-"
	if (b != "" && (b in med)) {
		added = sprintf("%.2f", v - ns(med[b]))
		if (r != "" && (r in med) && ns(med[r]) - ns(med[base[r]]) > 0)
			xr = sprintf("%.1fx", (v - ns(med[b])) / (ns(med[r]) - ns(med[base[r]])))
	}
	printf "%-44s %10.2f %19s %10s %10s\n", label[c], v,
		sprintf("%.2f..%.2f", ns(lo[c]), ns(hi[c])), added, xr
	if (tsv != "" && !(c in written) && (written[c] = 1))
		printf "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n", c, v, ns(lo[c]), ns(hi[c]), added, label[c] >tsv
}
function header(ref) {
	printf "%-44s %10s %19s %10s %10s\n", "case", "ns/event", "min..max", "added ns", ref
}
END {
	if (why != "")
		while ((getline line <why) > 0) {
			split(line, w, " ")
			if (!(w[1] in reason))
				reason[w[1]] = substr(line, length(w[1]) + 2)
		}
	for (c in meds) med[c] = median(meds[c])
	n = split("floor;function without the marker (floor);|" \
		"dormant;marker, dormant;floor|" \
		"armed1;marker, armed, 1 probe (C);dormant|armed2;marker, armed, 2 probes (C);dormant|" \
		"armed4;marker, armed, 4 probes (C);dormant|armed8;marker, armed, 8 probes (C);dormant|" \
		"kprobe_ftrace;kprobe at entry, via ftrace (C);dormant|" \
		"kprobe_int3;kprobe, int3 (C);dormant|kprobe_opt;kprobe, jump-optimized (C);dormant|" \
		"sys_dormant;getppid(), sys_enter bridge dormant;|" \
		"sys_armed;getppid(), sys_enter bridge + 1 probe (C);sys_dormant|" \
		"script_count;ours: kernel.mark { n++ };dormant|" \
		"script_stat;ours: kernel.mark { s <<< $arg1 };dormant|" \
		"script_printf;ours: kernel.mark { printf } -o FILE;dormant|" \
		"script_kprobe_ftrace;ours: kprobe.function { n++ } (ftrace);dormant|" \
		"script_kprobe_int3;ours: kprobe.statement { n++ } (int3);dormant|" \
		"script_kprobe_opt;ours: kprobe.statement { n++ } (optimized);dormant|" \
		"stap_kprobe;stap 4.8: module().function { n++ };dormant|" \
		"bpf_kprobe;bpftrace: kprobe: @n = count();dormant|" \
		"script_sys;ours: kernel.mark(sys_enter) bridge { n++ };sys_dormant|" \
		"stap_trace;stap 4.8: kernel.trace(sys_enter) { n++ };sys_dormant|" \
		"bpf_tracepoint;bpftrace: tracepoint:raw_syscalls:sys_enter;sys_dormant|" \
		"script_keys1;ours: m[$arg1 % K]++, K = 1;dormant|" \
		"script_keys1000;ours: m[$arg1 % K]++, K = 1000;dormant|" \
		"script_keys100000;ours: m[$arg1 % K]++, K = 100000;dormant", spec, "|")
	for (i = 1; i <= n; i++) {
		split(spec[i], f, ";")
		order[i] = f[1]; label[f[1]] = f[2]; base[f[1]] = f[3]
	}
	printf "Kernel: ns per event -- EMULATED (qemu TCG guest, no KVM; %s, %d vCPU).\n", krel, cpus
	printf "Only the ratios mean something: TCG makes traps and some instructions far\n"
	printf "dearer than real hardware does.  Each case: %d passes (interleaved: every\n", passes
	printf "pass runs every case) of %d rounds of >= 20 ms; ns/event is the median of\n", rounds
	printf "the per-pass medians, min..max the extremes of all rounds.  Every count\n"
	printf "was checked: each probe saw every event of its case.\n\n"
	printf "1. Dispatch in C (bench-kmod.ko's probes): marker_example_event() called\n"
	printf "from a loop; added = over the dormant marker (getppid: bridge dormant).\n\n"
	header("x armed-1")
	base["armed1"] = "dormant"
	for (i = 1; i <= 11; i++) row(order[i], base[order[i]], order[i] == "floor" || order[i] == "dormant" || order[i] ~ /^sys_dormant/ ? "" : (order[i] == "sys_armed" ? "" : "armed1"))
	d = ns(med["dormant"]); f0 = ns(med["floor"])
	printf "\nThe dormant marker over the floor: %.2fx (%+.2f ns); the site is a jump\n", d / f0, d - f0
	printf "label, a 2-byte nop in marker_example_event().\n"
	printf "kprobe sites: %s (int3, then [OPTIMIZED] %s s after the optimizer was\n", site, optms
	printf "turned back on), %s ([FTRACE]).  The sys_enter probe saw all %d getppid calls.\n\n", fsite, hits
	printf "2. Scripts, ours and the peers', on the same events: added = over the dormant\n"
	printf "marker (sys_enter cases: over getppid() with the bridge dormant); x ours = added\n"
	printf "over our kernel.mark { n++ } (sys_enter cases: over our bridge script).\n\n"
	header("x ours")
	for (i = 12; i <= 22; i++) row(order[i], base[order[i]], order[i] ~ /^(script_sys|stap_trace|bpf_tracepoint)$/ ? "script_sys" : "script_count")
	printf "\nkprobe mechanisms the kernel chose:"
	for (c in kstate) printf " %s [%s]", c, kstate[c]
	printf "\nprintf: %d of %d events dropped (a full buffer: the loop runs in the kernel and\n", drops, pcalls
	printf "the one vCPU drains only between rounds); lines + drops = events.\n\n"
	printf "3. Scaling: probes on one marker (C), and distinct map keys (script).\n\n"
	header("x armed-1")
	row("armed1", "dormant", "armed1"); row("armed2", "dormant", "armed1")
	row("armed4", "dormant", "armed1"); row("armed8", "dormant", "armed1")
	printf "\n"
	header("x K=1")
	base["script_keys1"] = "dormant"
	for (i = 23; i <= 25; i++) row(order[i], "dormant", "script_keys1")
	printf "\nDistinct keys in the map at the end (checked: min(K, calls), the counts add\nup to the calls), last pass:"
	split("1 1000 100000", kk, " ")
	for (i = 1; i <= 3; i++) if (kk[i] in kseen) printf " K=%d: %d of %d calls;", kk[i], kseen[kk[i]], kcalls[kk[i]]
	printf "\n"
	for (c in missing_case) bad = 1
}
