#!/bin/sh
# make bench: each figure next to a baseline measured in the same run.
BUILD=${BUILD:-build}
status=0

hypercall_bench() {	# bits
	out=$(timeout 60 "$BUILD/xenkvm-vmm" --cmdline bench "$BUILD/guests/pvh$1.elf" 2>&1)
	port=$(echo "$out" | sed -n 's/^bench: port_io_exit_cycles //p')
	hc=$(echo "$out" | sed -n 's/^bench: null_hypercall_cycles //p')
	if [ -z "$port" ] || [ -z "$hc" ]; then
		echo "hypercall bench ($1-bit guest) produced no figures:"; echo "$out"
		status=1
		return
	fi
	ratio=$(awk -v a="$hc" -v b="$port" 'BEGIN { printf "%.2f", a / b }')
	verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) ? "ok" : "over 1.2" }')
	printf '%-34s %8s cycles   baseline port-I/O exit %8s cycles   ratio %s (%s)\n' \
		"null hypercall, $1-bit PVH guest:" "$hc" "$port" "$ratio" "$verdict"
	# What the PV runtime's ring-0 code costs, against the same exit.
	insn=$(echo "$out" | sed -n 's/^bench: ring0_insn_cycles //p')
	cr3=$(echo "$out" | sed -n 's/^bench: cr3_write_cycles //p')
	if [ -n "$insn" ] && [ -n "$cr3" ]; then
		printf '%-34s %8s cycles   one exit = %s of them\n' "ring-0 instruction, $1-bit:" \
			"$insn" "$(awk -v a="$port" -v b="$insn" 'BEGIN { printf "%.0f", a / b }')"
		printf '%-34s %8s cycles   ratio to the exit %s\n' "CR3 write in ring 0, $1-bit:" \
			"$cr3" "$(awk -v a="$cr3" -v b="$port" 'BEGIN { printf "%.2f", a / b }')"
	fi
}

if [ -r /dev/kvm ]; then
	for bits in 64 32; do
		hypercall_bench $bits
	done
else
	echo "hypercall bench skipped: /dev/kvm is not available"
fi
echo
sh tests/bench/xs-bench.sh || status=1
echo
sh tests/bench/pv-bench.sh || status=1
echo
sh tests/bench/vbd-backend-bench.sh || status=1
sh tests/bench/vbd-bench.sh || status=1
echo
sh tests/bench/vif-bench.sh || status=1
exit $status
