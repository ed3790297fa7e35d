#!/bin/sh
# The CPU a program in a Debian PV guest sees. Its /proc/cpuinfo flags hold
# every user-visible feature of Xen's PV policy for this host (xl info's
# pv_cpu_features) and none Xen hides from PV guests; a static program built
# for x86-64-v3 does AVX2 arithmetic in two processes at once on one vCPU,
# each keeping its YMM registers across context switches (the guest kernel
# uses XSAVE: OSXSAVE and XSETBV as Xen gives them). With cpuid="host,avx2=0"
# the kernel shows no avx2 and the same program takes its scalar fallback.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/$dom.log"; tail -n 20 "$dir/vmm/$dom.log"; "$XL" dmesg | tail -n 20; exit 1; }
dom=1
debian_guest
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" "$BUILD/cpu-ops" > /dev/null || fail "mkinitramfs"
"$XL" info > "$dir/info" || fail "xl info"
policy=$(sed -n 's/^pv_cpu_features *: //p' "$dir/info")
[ -n "$policy" ] || fail "xl info shows no pv_cpu_features"
echo "policy: $policy"

# boot NAME CPUID: a one-vCPU guest in the cpu test mode, until it powers off
boot() {
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
vcpus = 1
extra = "console=hvc0 xenkvm.test=cpu"
$2
CFG
	"$XL" create "$dir/$1.cfg" || fail "xl create $1"
	await_gone "$1" 400
	log="$dir/console/$dom.log"
	grep -q 'xenkvm-init: cpu test done' "$log" || fail "$1: the cpu test did not run"
	flags=$(tr -d '\r' < "$log" | sed -n 's/^xenkvm-init: cpu flags://p')
	echo "$1 flags:$flags"
	tr -d '\r' < "$log" | grep -E 'x86/fpu|xenkvm-init: [ab]:' | sed "s/^/$1: /"
}
# in_policy XEN_NAME / has_flag LINUX_NAME
in_policy() { case " $policy " in *" $1 "*) return 0 ;; esac; return 1; }
has_flag() { case "$flags" in *" $1 "*) return 0 ;; esac; return 1; }

boot cpu ""
# Xen's name and Linux's for the features programs look for.
for pair in sse3:pni pclmulqdq:pclmulqdq ssse3:ssse3 fma:fma cx16:cx16 sse4_1:sse4_1 \
	sse4_2:sse4_2 movbe:movbe popcnt:popcnt aesni:aes xsave:xsave avx:avx f16c:f16c \
	rdrand:rdrand bmi1:bmi1 avx2:avx2 bmi2:bmi2 erms:erms adx:adx rdseed:rdseed \
	sha:sha_ni avx512f:avx512f avx512bw:avx512bw avx512vl:avx512vl xsaveopt:xsaveopt \
	xsavec:xsavec clflushopt:clflushopt clwb:clwb vaes:vaes vpclmulqdq:vpclmulqdq \
	gfni:gfni lahf_lm:lahf_lm abm:abm sse4a:sse4a rdtscp:rdtscp mmxext:mmxext; do
	in_policy "${pair%%:*}" || continue
	has_flag "${pair#*:}" || fail "the guest lacks ${pair#*:} (Xen offers ${pair%%:*})"
done
for hidden in vmx svm monitor pcid invpcid smep smap fsgsbase x2apic tsc_deadline_timer \
	pdcm est tm2 ds_cpl dtes64 pku ospke umip xsaves pdpe1gb; do
	! has_flag "$hidden" || fail "the guest sees $hidden, which Xen hides from PV guests"
done
if in_policy avx2; then
	for p in a b; do
		grep -q "xenkvm-init: $p: cpu-ops: avx2 sum ok" "$log" || fail "program $p: AVX2 sum"
		grep -q "xenkvm-init: $p: cpu-ops: ymm state lost in 0 of 3000" "$log" ||
			fail "program $p: YMM state lost across context switches"
	done
	dom=2
	boot noavx2 'cpuid = "host,avx2=0"'
	! has_flag avx2 || fail "cpuid=\"host,avx2=0\": the guest still shows avx2"
	has_flag avx || fail "cpuid=\"host,avx2=0\" took avx away too"
	grep -q "xenkvm-init: a: cpu-ops: avx2 not offered: scalar fallback" "$log" ||
		fail "with avx2 hidden the program did not take its fallback"
else
	echo "this host offers no AVX2: the AVX2 programs are not checked"
fi
echo "ok"
