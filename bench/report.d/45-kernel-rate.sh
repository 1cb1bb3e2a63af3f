# bench/report part: the kernel output rate with 1, 2, 4 writing vCPUs
# (bench/kernel/rate: kernel-rate.txt, kernel-rate.tsv "MODE VCPUS
# LINES_PER_S MIN MAX DROPS").
rate_series() { # MODE
	awk -F'\t' -v m="$1" '$1 == m { print $2, $3 / 1e6 }' "$R/kernel-rate.tsv" 2>/dev/null || true
}
plot rate "Kernel output rate: printf lines/s with every vCPU writing (emulated)" \
	"writing vCPUs" "M lines per second (to the -o file)" "set xtics (1, 2, 4); set xrange [0.7:4.3]; set yrange [0:*]"
rate_series single | series rate "TCG thread=single (one host thread for all vCPUs)"
# One vCPU is the same machine in either mode: the multi line starts there.
{ rate_series single | head -1; rate_series multi; } | series rate "TCG thread=multi (a host thread per vCPU; host: $(nproc) cores, shared)"
section "Kernel: output rate as writing CPUs grow (bench/kernel/rate, emulated)" kernel-rate.txt
