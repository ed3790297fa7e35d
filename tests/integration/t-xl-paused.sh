#!/bin/sh
# The toolstack on any host (with /dev/kvm or without): domains created
# paused (xl create -p), whose VMMs have not run yet, so no KVM is needed,
# and what xl, xenkvmd and xenstore make of them. The xenstore layout is
# read with Debian's own clients: the nodes, values and permissions that
# libxl writes and Linux's frontends and xenstore tools rely on; disks and
# vifs attached and detached while paused; bad requests refused by name.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
. tests/integration/xl-xenstore-env.sh

echo "not run while paused" > "$dir/kernel"
truncate -s 16M "$dir/a.img" "$dir/b.img"
for n in p1 p2; do
	cat > "$dir/$n.cfg" <<CFG
name = "$n"
type = "pv"
kernel = "$dir/kernel"
memory = 64
vcpus = 2
disk = [ "$dir/a.img,raw,xvda,ro" ]
vif = [ "mac=00:16:3e:00:00:0${n#p},network=user" ]
extra = "console=hvc0 say=\\"hi\\""
CFG
	"$XL" create -p "$dir/$n.cfg" || fail "xl create -p $n"
done
"$XL" list > "$dir/list" || fail "xl list"
cat "$dir/list"
for n in 1 2; do
	grep -q "^p$n  *$n  *64  *2  *--p---" "$dir/list" || fail "p$n not listed paused"
	[ "$("$XL" domid p$n)" = $n ] || fail "xl domid p$n"
	[ "$("$XL" domname $n)" = p$n ] || fail "xl domname $n"
done
# xl vm-list: the guests by uuid, as xenstore has them; not Domain-0.
"$XL" vm-list > "$dir/vml" || fail "xl vm-list"
[ "$(tail -n +2 "$dir/vml" | awk '{ print $3 }' | tr '\n' ' ')" = "p1 p2 " ] ||
	fail "xl vm-list: $(cat "$dir/vml")"
for n in 1 2; do
	grep -q "^$(xenstore-read /local/domain/$n/vm | sed 's,^/vm/,,')  *$n  *p$n\$" "$dir/vml" ||
		fail "xl vm-list's uuid for p$n: $(cat "$dir/vml")"
done
# xl list -v: each domain's uuid (as xenstore has it) and no shutdown reason yet.
uuid1=$(xenstore-read /local/domain/1/vm | sed 's,^/vm/,,')
"$XL" list -v p1 | grep -q "^p1  *1 .* $uuid1  *-  *-\$" || fail "xl list -v: $("$XL" list -v p1)"
"$XL" list -v | head -n 1 | grep -q 'UUID  *Reason-Code' || fail "xl list -v header"
# The views that take several domains show each of them, paused.
[ "$("$XL" vcpu-list p1 p2 | grep -c ' --p ')" = 4 ] ||
	fail "xl vcpu-list p1 p2: $("$XL" vcpu-list p1 p2)"
[ "$("$XL" uptime -s p2 p1 | sed 's/.*, //')" = "p2 (2)
p1 (1)" ] || fail "xl uptime -s p2 p1: $("$XL" uptime -s p2 p1)"
refused "an unknown domain among them" "invalid domain identifier: p3" "$XL" list p1 p3
refused "a second p1" 'domain with name "p1" already exists' "$XL" create -p "$dir/p1.cfg"

# The domain's own nodes: read-only to it, but control/ and device/ are its.
read_is /local/domain/2/name p2
read_is /local/domain/2/domid 2
read_is /local/domain/2/memory/target 65536
read_is /local/domain/2/memory/static-max 65536
read_is /local/domain/2/cpu/1/availability online
vm=$(xenstore-read /local/domain/2/vm) || fail "no vm path"
read_is "$vm/name" p2
perms_are /local/domain/2/name n0,r2
perms_are /local/domain/2/control n2
perms_are /local/domain/2/device n2

# A disk: frontend nodes the guest owns, backend nodes it may read.
fe=/local/domain/1/device/vbd/51712 be=/local/domain/0/backend/vbd/1/51712
read_is $fe/backend $be
read_is $fe/backend-id 0
read_is $fe/virtual-device 51712
read_is $fe/device-type disk
read_is $fe/state 1
perms_are $fe n1,r0
read_is $be/frontend $fe
read_is $be/frontend-id 1
read_is $be/params "$dir/a.img"
read_is $be/mode r
read_is $be/dev xvda
read_is $be/state 2
read_is $be/feature-persistent 1
perms_are $be n0,r1
# A vif likewise.
fe=/local/domain/1/device/vif/0 be=/local/domain/0/backend/vif/1/0
read_is $fe/backend $be
read_is $fe/mac 00:16:3e:00:00:01
read_is $be/mac 00:16:3e:00:00:01
read_is $be/frontend $fe
read_is $be/feature-rx-copy 1
perms_are $be n0,r1

# A uuid from the config is the domain's, and no second domain may take it;
# a pv domain's maxmem above memory is kept.
cat > "$dir/u.cfg" <<CFG
name = "u1"
uuid = "4dea22b3-1d52-d8f3-2516-782e98a23fa0"
type = "pv"
kernel = "$dir/kernel"
memory = 64
maxmem = 128
CFG
"$XL" create -p "$dir/u.cfg" > "$dir/out" 2>&1 || fail "xl create -p u.cfg: $(cat "$dir/out")"
grep -q "warning" "$dir/out" && fail "a pv domain's maxmem warned about: $(cat "$dir/out")"
# maxmem: what its balloon may grow to, as libxl writes it.
read_is /local/domain/3/memory/static-max 131072
read_is /local/domain/3/memory/target 65536
read_is /local/domain/3/vm /vm/4dea22b3-1d52-d8f3-2516-782e98a23fa0
read_is /vm/4dea22b3-1d52-d8f3-2516-782e98a23fa0/uuid 4dea22b3-1d52-d8f3-2516-782e98a23fa0
refused "a second domain with that uuid" \
	"domain with uuid 4dea22b3-1d52-d8f3-2516-782e98a23fa0 already exists (u1)" \
	"$XL" create -p "$dir/u.cfg" 'name="u2"'
# xl rename: the list, lookups and the nodes that carry the name follow.
"$XL" rename u1 web || fail "xl rename u1 web"
[ "$("$XL" domid web)" = 3 ] || fail "xl domid web"
"$XL" domid u1 2>/dev/null && fail "the old name still resolves"
read_is /local/domain/3/name web
read_is /vm/4dea22b3-1d52-d8f3-2516-782e98a23fa0/name web
refused "renaming onto p2" 'domain with name "p2" already exists' "$XL" rename web p2
refused "renaming to nothing" 'bad domain name ""' "$XL" rename web ""
"$XL" destroy web || fail "xl destroy web"
xenstore-read /vm/4dea22b3-1d52-d8f3-2516-782e98a23fa0/name 2>/dev/null && fail "/vm node left"

# xl create -n: the configuration it would create, in the same layout;
# nothing is created. -q says nothing on the way.
"$XL" create -n -q "$dir/p1.cfg" 'name="dry"' > "$dir/dry.json" 2> "$dir/dry.err" ||
	fail "xl create -n: $(cat "$dir/dry.err")"
[ -s "$dir/dry.err" ] && fail "xl create -q said: $(cat "$dir/dry.err")"
jq -e --arg img "$dir/a.img" '.c_info.name == "dry" and .b_info.max_memkb == 65536 and
	.disks[0].pdev_path == $img and .nics[0].mac == "00:16:3e:00:00:01" and
	.on_crash == "destroy"' "$dir/dry.json" > /dev/null || fail "xl create -n: $(cat "$dir/dry.json")"
"$XL" list dry 2>/dev/null && fail "xl create -n created a domain"
refused "xl create -V" "no VNC console" "$XL" create -V "$dir/p1.cfg" 'name="vnc"'

# xl list -l: libxl's JSON layout, as scripts read it with jq on Xen.
"$XL" list -l > "$dir/list.json" || fail "xl list -l"
jq -e 'length == 3 and .[0].config.c_info.name == "Domain-0"' "$dir/list.json" > /dev/null ||
	fail "xl list -l is not an array of Domain-0 and the two: $(cat "$dir/list.json")"
jq -e --arg img "$dir/a.img" '.[1] | .domid == 1 and .config.c_info.name == "p1" and
	.config.c_info.type == "pv" and .config.b_info.max_vcpus == 2 and
	.config.b_info.max_memkb == 65536 and .config.disks[0].pdev_path == $img and
	.config.disks[0].vdev == "xvda" and .config.disks[0].readwrite == 0 and
	.config.nics[0].mac == "00:16:3e:00:00:01" and .config.on_reboot == "restart" and
	.config.b_info.cmdline == "console=hvc0 say=\"hi\""' \
	"$dir/list.json" > /dev/null || fail "p1's entry in xl list -l: $(cat "$dir/list.json")"
"$XL" list -l p2 | jq -e 'length == 1 and .[0].domid == 2' > /dev/null ||
	fail "xl list -l p2: $("$XL" list -l p2)"

# Attach and detach while paused.
"$XL" block-attach p1 "$dir/b.img,raw,xvdb,rw" || fail "block-attach xvdb"
read_is /local/domain/0/backend/vbd/1/51728/mode w
read_is /local/domain/0/backend/vbd/1/51728/discard-enable 1
"$XL" list -l p1 | jq -e '.[0].config.disks | length == 2 and .[1].vdev == "xvdb" and
	.[1].readwrite == 1' > /dev/null || fail "xvdb not in xl list -l: $("$XL" list -l p1)"
"$XL" block-list p1 | grep -q '^51728 ' || fail "xvdb not in block-list"
refused "a second xvda" "domain 1 already has a disk at xvda" \
	"$XL" block-attach p1 "$dir/b.img,raw,xvda,rw"
refused "a missing image" "cannot open $dir/none.img" \
	"$XL" block-attach p1 "$dir/none.img,raw,xvdc,rw"
refused "a hotplug script" "disk xvdc: script=block-iscsi is not supported" \
	"$XL" block-attach p1 "script=block-iscsi,vdev=xvdc,target=iqn.2001-05.com.example:disk"
# no-discard: the backend offers no discard (as blkback with discard-enable 0).
"$XL" block-attach p1 "vdev=xvdc,no-discard,target=$dir/b.img" || fail "block-attach no-discard"
read_is /local/domain/0/backend/vbd/1/51744/discard-enable 0
"$XL" block-detach p1 xvdc || fail "block-detach xvdc"
"$XL" block-detach p1 xvdb || fail "block-detach xvdb"
xenstore-read /local/domain/1/device/vbd/51728/state 2>/dev/null && fail "xvdb frontend left"
xenstore-read /local/domain/0/backend/vbd/1/51728/state 2>/dev/null && fail "xvdb backend left"
refused "detaching a disk that is not there" "domain 1 has no disk xvdq" \
	"$XL" block-detach p1 xvdq
"$XL" network-attach p1 network=user mac=00:16:3e:00:01:01 rate=10Mb/s || fail "network-attach"
# rate= as libxl writes it for netback: bytes an interval, the interval in us.
read_is /local/domain/0/backend/vif/1/1/rate "62500,50000"
"$XL" network-attach p1 network=user mac=00:16:3e:00:01:02 mtu=9000 vlan=10 ||
	fail "network-attach mtu=9000"
read_is /local/domain/0/backend/vif/1/2/mtu 9000
read_is /local/domain/0/backend/vif/1/2/vlan 10
"$XL" network-detach p1 00:16:3e:00:01:02 || fail "network-detach mtu=9000"
refused "a vif in a driver domain" "vif backend=7: driver domains are not supported" \
	"$XL" network-attach p1 network=user backend=7
refused "a disk in a driver domain" "disk xvdc: backend=7: driver domains are not supported" \
	"$XL" block-attach p1 "vdev=xvdc,backend=7,target=$dir/b.img"
"$XL" network-list p1 | grep -q '^1  *0  *00:16:3e:00:01:01 ' || fail "vif 1 not listed"
# xl top counts each domain's devices as block-list and network-list show
# them; p1 is paused (xentop's p) and nothing moved through them.
vbds=$("$XL" block-list p1 | tail -n +2 | wc -l) vifs=$("$XL" network-list p1 | tail -n +2 | wc -l)
[ "$vifs" = 2 ] || fail "p1 has $vifs vifs: $("$XL" network-list p1)"
"$XL" top -b -i 1 > "$dir/top" || fail "xl top -b -i 1"
awk '$1 == "p1" { print $2, $10, $13, $15, $16 }' "$dir/top" | grep -qx -- "----p- 2 $vbds 0 0" ||
	fail "xl top's p1 row (vbds $vbds): $(cat "$dir/top")"
refused "detaching a vif that is not there" "domain 1 has no vif 00:11:22:33:44:55" \
	"$XL" network-detach p1 00:11:22:33:44:55
"$XL" network-detach p1 00:16:3e:00:01:01 || fail "network-detach by mac"
"$XL" network-list p1 | grep -q '^1 ' && fail "vif 1 still listed"
refused "an unknown domain" "invalid domain identifier: nosuch" "$XL" block-list nosuch

# Destroyed: nothing left of p1 in xenstore or the list; p2 untouched.
"$XL" destroy p1 || fail "xl destroy p1"
xenstore-read /local/domain/1/name 2>/dev/null && fail "p1's nodes survive"
xenstore-ls /local/domain/0/backend/vbd | grep -q '^1 = ' && fail "p1's vbd backend survives"
"$XL" list p2 | grep -q ' --p--- ' || fail "p2 no longer paused"
"$XL" destroy p2 || fail "xl destroy p2"
[ "$("$XL" list | wc -l)" = 2 ] || fail "domains left: $("$XL" list)"
echo "PASS"
