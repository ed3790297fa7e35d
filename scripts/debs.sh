# Sourced by the fetch scripts. fetch_debs PKG...: download each Debian
# package into the current directory unless a .deb of it is already there.
fetch_debs() {
	for p in "$@"; do
		ls "${p}"_*.deb >/dev/null 2>&1 && continue
		# apt's sandbox user cannot write into a root-owned cache; that is fine.
		apt-get download -q "$p" >/dev/null 2>&1 || {
			echo "$(basename "$0" .sh): apt-get download $p failed" >&2
			return 1
		}
	done
}
