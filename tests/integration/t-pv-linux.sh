#!/bin/sh
# Debian's own cloud kernel as a PV DomU under xenkvmd: it reaches /init on
# hvc0, sees Xen and its xenstore nodes (uuid, domid, memory target), reads what is
# typed at `xl console`, and `xl shutdown` powers it off through
# control/shutdown (the guest's poweroff). It has two vCPUs, both online.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/1.log"; "$XL" dmesg | tail -n 20; exit 1; }
debian_guest
cat > "$dir/deb.cfg" <<CFG
name = "deb"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
vcpus = 2
extra = "console=hvc0 xenkvm.test=shutdown"
CFG
start=$(date +%s)
"$XL" create "$dir/deb.cfg" || fail "xl create"
log="$dir/console/1.log"
# Boot takes about 30 s on a PVM host; allow for a loaded CI machine.
await_init deb
echo "booted to /init in $(( $(date +%s) - start )) s"
grep -q 'Linux version 6' "$log" || fail "no kernel banner on hvc0"
grep -q 'Run /init as init process' "$log" || fail "kernel did not start /init"
grep -q 'xenkvm-init: reached /init' "$log" || fail "/init did not run"
grep -q 'xenkvm-init: hypervisor: xen' "$log" || fail "/sys/hypervisor/type is not xen"
tr -d '\r' < "$log" | grep -q 'xenkvm-init: cpus online: 0-1$' || fail "both vCPUs not online"
# Warnings Debian's kernel does not print on Xen.
! grep -q 'W+X mappings: FAILED' "$log" || fail "the kernel found W+X mappings"
uuid=$(XENSTORED_PATH="$dir/xenstored.sock" xenstore-read /local/domain/1/vm | sed 's,^/vm/,,')
[ -n "$uuid" ] || fail "no vm node for domain 1"
grep -q "xenkvm-init: uuid: $uuid" "$log" || fail "guest uuid differs from xenstore's $uuid"
grep -q "xenkvm-init: domid from xenstore: $("$XL" domid deb)" "$log" ||
	fail "the guest did not read its domid ($("$XL" domid deb)) from xenstore"
target=$(XENSTORED_PATH="$dir/xenstored.sock" xenstore-read /local/domain/1/memory/target)
grep -q "xenkvm-init: memory target kB: $target" "$log" ||
	fail "guest memory target differs from xenstore's $target"
# Keystrokes through xl console reach the guest's console ring and its tty,
# which echoes them.
printf 'ping-from-xl\r' | timeout 20 "$XL" console deb > "$dir/console.out" 2>&1 ||
	fail "xl console with piped input"
for i in $(seq 1 60); do
	grep -q '^ping-from-xl' "$log" && break
	sleep 1
done
grep -q '^ping-from-xl' "$log" || fail "console input did not reach the guest"
timeout 120 "$XL" shutdown -w deb || fail "xl shutdown -w did not end within 120 s"
grep -q 'xenkvm-init: powering off' "$log" || fail "the guest did not run its poweroff"
grep -Eq 'reboot: (Power down|System halted)' "$log" || fail "the kernel did not stop"
"$XL" dmesg | grep -q 'deb) shutdown (VMM exited with status 0)' || fail "not a clean poweroff"
echo "ok"
