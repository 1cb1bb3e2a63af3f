# bench/report part: the output transport (bench/transport.c) and the
# translator's turnaround (bench/translator.sh).
section "Output transport (bench/transport.c)" transport.txt
section "Translator turnaround (bench/translator.sh)" translator.txt
