#!/bin/sh
# A Debian PV guest's memory and vCPUs changed while it runs. Created with
# maxmem above memory, it grows into it: its memory map (XENMEM_memory_map,
# one RAM entry up to maxmem as libxl gives PV domains) leaves the frames
# past its boot memory to its balloon, which populates them after xl
# mem-set until xl list shows the new target (as its VMM counts frames),
# and gives memory back again. xl vcpu-set takes vCPU 1 offline (the guest
# does VCPUOP_down on itself) and back (VCPUOP_up), as cpu/1/availability
# says (the kernel makes the CPU present again; /init onlines it, as udev
# would); xl list shows the vCPUs its VMM has up.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/1.log"; "$XL" dmesg | tail -n 20; exit 1; }
debian_guest
cat > "$dir/grow.cfg" <<CFG
name = "grow"
vcpus = 2
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 192
maxmem = 320
extra = "console=hvc0 xenkvm.test=shutdown"
CFG
"$XL" create "$dir/grow.cfg" || fail "xl create"
log="$dir/console/1.log"
await_init grow
grep -q "xenkvm-init: memory target kB: 196608" "$log" || fail "the guest's target is not 192 MiB"
"$XL" mem-set grow 320 || fail "xl mem-set grow 320"
list_shows grow 3 320 120
"$XL" mem-set grow 160 || fail "xl mem-set grow 160"
list_shows grow 3 160 120
list_shows grow 4 2 60
"$XL" vcpu-set grow 1 || fail "xl vcpu-set grow 1"
list_shows grow 4 1 60
"$XL" vcpu-set grow 2 || fail "xl vcpu-set grow 2"
list_shows grow 4 2 60
timeout 120 "$XL" shutdown -w grow || fail "xl shutdown -w did not end within 120 s"
grep -q 'xenkvm-init: powering off' "$log" || fail "the guest did not run its poweroff"
echo "ok"
