#!/bin/sh
# Debian's 6.12 cloud kernel as a guest (the rig's own kernel, from
# scripts/svm-rig-kernel.sh), copied into the cache that svm-rig.sh -k
# carries: Linux 6.12 makes its hypercalls by VMCALL/VMMCALL itself, so as a
# PVH guest it needs door 2. Prints its path.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
rig=$(sh "$(dirname "$0")/svm-rig-kernel.sh")
mkdir -p "$CACHE/linux-pvh"
if ! cmp -s "$rig/vmlinuz" "$CACHE/linux-pvh/vmlinuz"; then
	cp "$rig/vmlinuz" "$CACHE/linux-pvh/vmlinuz.$$"
	mv "$CACHE/linux-pvh/vmlinuz.$$" "$CACHE/linux-pvh/vmlinuz"
fi
echo "$CACHE/linux-pvh/vmlinuz"
