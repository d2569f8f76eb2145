#!/bin/sh
# Live tests of -p PID on resolve, add and trace, as root: FILE (a path or
# a name) is the file that process maps, compared with its own
# /proc/PID/maps; a file deleted, or replaced (a bind mount over it),
# since it was mapped is refused with the reason; a process in a chroot
# and one in a mount namespace of its own (its files only under
# /proc/PID/root here) are traced with the records they make.
#   test_pid.sh UPROBECTL CHAIN
set -u
SUITE=live-pid
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done
	mountpoint -q "$work/c3" 2>/dev/null && umount "$work/c3"
	mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
	rm -rf "$work"' EXIT

live_tracefs
group_free "$T"
cp "$2" "$work/chain"
# start CMD...: a chain process waiting for $work/go; its pid in $cp
start() {
	rm -f "$work/pid.txt"	# not the last one's, read before the shell truncates it
	"$@" 2>"$work/pid.txt" &
	pids="$pids $!"
	wait_for "$work/pid.txt" || true
	i=0
	until grep -q '^pid: ' "$work/pid.txt"; do [ $i -lt 200 ] || break; sleep 0.05; i=$((i + 1)); done
	cp=$(sed -n 's/^pid: //p' "$work/pid.txt")
}
rm -f "$work/go"
start "$work/chain" 1 "$work/go" 60000
# the file the process maps: by its path and by its name
libc=$(awk '$6 ~ /\/libc[.]so/ { print $6; exit }' "/proc/$cp/maps")
check [ -n "$libc" ]
"$U" resolve -p "$cp" libc malloc >"$work/r" 2>"$work/e"
check [ $? = 0 ]
check grep -q " $(realpath "$libc"):0x" "$work/r"
"$U" resolve -p "$cp" "$work/chain" leaf >"$work/r1" 2>&1
"$U" resolve -p "$cp" chain leaf >"$work/r2" 2>&1
"$U" resolve "$work/chain" leaf >"$work/r3" 2>&1
check [ -s "$work/r1" ]
check cmp -s "$work/r1" "$work/r3"
check cmp -s "$work/r2" "$work/r3"
# -v says how it was found
"$U" resolve -v -p "$cp" libc malloc 2>&1 | grep -q "libc is $libc, as process $cp maps it"
check [ $? = 0 ]
# a file it does not map, a process that does not exist
"$U" add -p "$cp" libssl SSL_read >/dev/null 2>"$work/e"
check [ $? = 2 ]
check grep -q "libssl: process $cp maps no such file" "$work/e"
"$U" resolve -p 999999999 libc malloc >/dev/null 2>"$work/e"
check [ $? = 1 ]
check grep -q "no such process" "$work/e"
kill "$cp"

# deleted since it was mapped
cp "$2" "$work/c2"
start "$work/c2" 1 "$work/go" 60000
rm "$work/c2"
"$U" resolve -p "$cp" c2 leaf >/dev/null 2>"$work/e"
check [ $? = 2 ]
check grep -q "before it was deleted" "$work/e"
kill "$cp"
# replaced: another file mounted over its path
cp "$2" "$work/c3"
start "$work/c3" 1 "$work/go" 60000
cp /bin/true "$work/other"
mount --bind "$work/other" "$work/c3"
"$U" resolve -p "$cp" "$work/c3" leaf >/dev/null 2>"$work/e"
check [ $? = 2 ]
check grep -q "before it was replaced" "$work/e"
umount "$work/c3"
kill "$cp"

# trace -p: records of that process, its FILE found in its maps
# traced WHAT PREFIX: trace -p $cp chain leaf gives the 3 calls it makes
# once $work/go exists, and the definition names a path under PREFIX
traced() {
	: >"$work/t.err"
	"$U" trace -v --json -p "$cp" -d 30 chain leaf >"$work/t.json" 2>"$work/t.err" &
	tp=$!
	check wait_armed_log "$work/t.err"
	touch "$1/go"
	wait $tp
	check [ $? = 0 ]
	check [ "$(jq -s 'map(select(.event == "leaf")) | length' "$work/t.json")" = 3 ]
	check grep -q "tracing p:upc_trace_$tp/leaf $2" "$work/t.err"
	rm -f "$1/go"
}
# a process in a chroot: FILE as it sees it, or by name
croot=$work/root
mkdir -p "$croot/tmp"
cp "$2" "$croot/chain"
for f in $(ldd "$2" | grep -o '/[^ ]*'); do
	mkdir -p "$croot$(dirname "$f")"
	cp "$f" "$croot$f"
done
start chroot "$croot" /chain 3 /tmp/go
"$U" resolve -p "$cp" /chain leaf >"$work/r" 2>&1
check grep -q " $croot/chain:0x" "$work/r"
traced "$croot/tmp" "$croot/chain:"
# a mount namespace of its own, on a tmpfs there: its files are only
# under /proc/PID/root here (unshare cannot make mounts private in a
# chroot whose root is no mount point: then the tmpfs shows here too)
mkdir -p "$work/mnt"
prop=private
unshare -m --propagation private true 2>/dev/null || prop=unchanged
start unshare -m --propagation $prop sh -c \
	"mount -t tmpfs tmpfs '$work/mnt' && cp -a '$croot/.' '$work/mnt/' && exec chroot '$work/mnt' /chain 3 /tmp/go"
# its /tmp is reached through its root either way
if [ $prop = private ]; then
	traced "/proc/$cp/root/tmp" "/proc/$cp/root/chain:"
else
	traced "/proc/$cp/root/tmp" "/"
fi
finish
