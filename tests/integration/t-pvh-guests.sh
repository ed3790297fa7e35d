#!/bin/sh
# Boot the 32- and 64-bit PVH test guests; every check inside must PASS,
# through each hypercall door this host has: 1 (the hypercall page's port
# I/O) always, 2 (VMCALL/VMMCALL caught by KVM's in-kernel Xen support)
# where xenkvm-vmm --probe says a PVH guest gets it.
BUILD=${BUILD:-build}
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "skipped: /dev/kvm is not available here"
	exit 77
fi
rc=0
doors=1
"$BUILD/xenkvm-vmm" --probe | grep -q '^door a PVH guest uses here: 2' && doors="1 2"
echo "doors: $doors"
for run in $(for d in $doors; do echo "32:$d 64:$d"; done); do
	bits=${run%:*} door=${run#*:}
	elf="$BUILD/guests/pvh$bits.elf"
	out="$BUILD/pvh$bits-door$door.out"
	# Through door 2 the guest also makes hypercalls by the instruction itself.
	args=
	[ "$door" = 2 ] && args="--cmdline vmcall"
	timeout 120 "$BUILD/xenkvm-vmm" --memory 16 --vcpus 2 --door "$door" $args "$elf" > "$out" 2>&1
	status=$?
	if ! grep -q "hypercalls through door $door " "$out"; then
		echo "pvh$bits door $door: the VMM does not say it uses door $door"; rc=1
	fi
	# What the guest says after t-evtchn's EVTCHNOP_reset closed its console
	# port goes through console_io to the VMM's log (stderr), marked (d0).
	sed -i 's/^(d[0-9]*) //' "$out"
	if [ "$door" = 2 ] && ! grep -q '^PASS version.direct_vmcall_text' "$out"; then
		echo "pvh$bits door 2: no direct VMCALL/VMMCALL check passed"; rc=1
	fi
	grep -E '^(PASS|FAIL) ' "$out" | sed "s/^/[pvh$bits door $door] /"
	if [ $status -eq 124 ]; then
		echo "pvh$bits door $door: timed out"; rc=1
	elif [ $status -ne 0 ]; then
		echo "pvh$bits door $door: VMM exited with $status"; tail -n 20 "$out"; rc=1
	fi
	if grep -q '^FAIL ' "$out"; then
		echo "pvh$bits door $door: failing checks"; rc=1
	fi
	if ! grep -q '^guest: [0-9]* checks, 0 failed$' "$out"; then
		echo "pvh$bits door $door: no clean summary line"; tail -n 20 "$out"; rc=1
	fi
	if ! grep -q 'domain shutdown: reason=poweroff code=0' "$out"; then
		echo "pvh$bits door $door: did not power off with code 0"; rc=1
	fi
	if ! grep -q '^console-ring: hello from domU' "$out"; then
		echo "pvh$bits door $door: console ring output missing"; rc=1
	fi
	n=$(grep -c '^PASS ' "$out")
	echo "pvh$bits door $door: $n checks passed"
	# Every suite must have run: a missing PASS line is a failure too.
	suites="console evtchn grant hvm memory sched smp vcpu version cpuid hostile"
	[ $bits = 64 ] && suites="$suites ring3"
	for suite in $suites; do
		grep -q "^PASS $suite\." "$out" || { echo "pvh$bits door $door: no PASS lines from $suite"; rc=1; }
	done
	if [ "$n" -lt 180 ]; then
		echo "pvh$bits door $door: only $n checks passed (expected at least 180)"; rc=1
	fi

	# A fault inside the guest must end the run with a FAIL line, not hang it.
	out="$BUILD/pvh$bits-door$door-fault.out"
	timeout 60 "$BUILD/xenkvm-vmm" --memory 16 --door "$door" --cmdline fault "$elf" > "$out" 2>&1
	status=$?
	if [ $status -eq 124 ]; then
		echo "pvh$bits door $door: a guest fault hung the run"; rc=1
	elif ! grep -q '^FAIL exception 6 at 0x' "$out" ||
	     ! grep -q 'domain shutdown: reason=crash' "$out"; then
		echo "pvh$bits door $door: a guest fault was not reported as a crash"; tail -n 5 "$out"; rc=1
	else
		echo "pvh$bits door $door: guest fault reported and crashed as expected"
	fi
done
exit $rc
