#!/bin/sh
# make demo: the article's scenario, live. The program's own view of every
# call is shown next to what the kernel recorded, and tracefs is left as it
# was found.
#   demo.sh UPROBECTL REGISTERS
set -u
U=$1 REG=$2
calls=5

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
if [ "$(id -u)" != 0 ]; then
	echo "make demo defines uprobes, which needs root: run it as root (sudo make demo)."
	echo "Without root you can still resolve offsets, e.g.:"
	echo "  $U resolve $REG wrapper_strerror"
	exit 1
fi
if ! "$U" -q status >/dev/null 2>&1; then
	"$U" status
	echo "demo: uprobes cannot be used on this machine (see above)"
	exit 1
fi
T=$("$U" status | sed -n 's/^tracefs *\([^ ]*\) .*/\1/p')
before=$(cat "$T/uprobe_events"; ls "$T/instances")
cp "$REG" /tmp/registers
out=$(mktemp)
trap 'rm -f "$out" /tmp/registers' EXIT

say "uprobectl resolve /tmp/registers wrapper_strerror"
"$U" resolve /tmp/registers wrapper_strerror

say "uprobectl trace /tmp/registers wrapper_strerror -- /tmp/registers $calls 200"
echo "(the program's lines and the kernel's records, as they happen)"
"$U" trace /tmp/registers wrapper_strerror -- /tmp/registers "$calls" 200 || exit 1

say "uprobectl trace --json /tmp/registers wrapper_strerror -- /tmp/registers $calls"
"$U" -q trace --json /tmp/registers wrapper_strerror -- /tmp/registers "$calls" >"$out" || exit 1
echo "(every call: the kernel's record next to what the program printed)"
awk '
	/^ra: / {
		n++; ra[n] = $2; sub(/,$/, "", ra[n]); sp[n] = $5; sub(/,$/, "", sp[n])
		e = $6; gsub(/[^0-9]/, "", e); err[n] = sprintf("0x%x", e + 0)
		b = $7; gsub(/[()]/, "", b); buf[n] = b; len[n] = sprintf("0x%x", $NF + 0)
		next
	}
	/^\{/ {
		m++
		for (k = split($0, f, /[{},:"]+/); k > 0; k--) v[f[k]] = f[k + 1]
		rec[m] = sprintf("error=%s sp=%s buf=%s len=%s ra=%s", v["arg1"], v["arg2"],
				 v["arg3"], v["arg4"], v["ra"])
		got[m] = v["arg1"] " " v["arg2"] " " v["arg3"] " " v["arg4"] " " v["ra"]
	}
	END {
		for (i = 1; i <= n || i <= m; i++) {
			want = err[i] " " sp[i] " " buf[i] " " len[i] " " ra[i]
			printf "call %d  kernel:  %s\n", i, rec[i]
			printf "        program: error=%s sp=%s buf=%s len=%s ra=%s  %s\n", err[i],
				sp[i], buf[i], len[i], ra[i], got[i] == want ? "=> agree" : "=> DIFFER"
			bad += got[i] != want
		}
		exit bad != 0 || m != n
	}' "$out"
agree=$?

say "cat $T/uprobe_events; ls $T/instances"
after=$(cat "$T/uprobe_events"; ls "$T/instances")
if [ "$before" = "$after" ]; then
	echo "(nothing left behind: uprobe_events and instances are as they were)"
else
	echo "demo: tracefs was not left as found"
	agree=1
fi
if [ "$agree" = 0 ]; then
	printf '\ndemo: every value the kernel recorded equals what the program printed.\n'
else
	printf '\ndemo: the records and the program disagree (see above)\n'
fi
exit "$agree"
