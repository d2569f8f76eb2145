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
if [ -n "$("$U" list --json 2>/dev/null | tr -d '[]\n ')" ]; then
	echo "demo: the uprobectl group already has events; not touching them ('uprobectl list')"
	exit 1
fi
T=$("$U" status | sed -n 's/^tracefs *\([^ ]*\) .*/\1/p')
cp "$REG" /tmp/registers
out=$(mktemp)
trap 'rm -f "$out"; "$U" -q clear; rm -f /tmp/registers' EXIT

say "uprobectl resolve /tmp/registers wrapper_strerror"
"$U" resolve /tmp/registers wrapper_strerror
say "uprobectl add /tmp/registers wrapper_strerror"
"$U" add /tmp/registers wrapper_strerror || exit 1
say "uprobectl enable"
"$U" enable || exit 1
say "/tmp/registers $calls"
/tmp/registers "$calls" 100 | tee "$out"
pid=$(sed -n 's/.*pid: \([0-9]*\)$/\1/p' "$out")

say "what the kernel recorded ($T/trace), next to what the program printed"
grep -E -- "-$pid +(\\( *[0-9]+\\) )?\\[[0-9]+\\].* wrapper_strerror: " "$T/trace" |
	awk -v out="$out" '
	BEGIN {
		while ((getline l < out) > 0) {
			if (l !~ /^ra: /) continue
			nf = split(l, f, " "); n++
			ra[n] = f[2]; sub(/,$/, "", ra[n]); sp[n] = f[5]; sub(/,$/, "", sp[n])
			e = f[6]; gsub(/[^0-9]/, "", e); err[n] = sprintf("0x%x", e + 0)
			b = f[7]; gsub(/[()]/, "", b); buf[n] = b
			len[n] = sprintf("0x%x", f[nf] + 0)
		}
	}
	{
		m++
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		same = v["arg1"] == err[m] && v["arg2"] == sp[m] && v["arg3"] == buf[m] &&
		       v["arg4"] == len[m] && v["ra"] == ra[m]
		printf "call %d  kernel:  error=%s sp=%s buf=%s len=%s ra=%s\n", m,
			v["arg1"], v["arg2"], v["arg3"], v["arg4"], v["ra"]
		printf "        program: error=%s sp=%s buf=%s len=%s ra=%s  %s\n", err[m],
			sp[m], buf[m], len[m], ra[m], same ? "=> agree" : "=> DIFFER"
		bad += !same
	}
	END {
		if (m != n) { printf "%d records for %d calls\n", m, n; bad++ }
		exit bad != 0
	}'
agree=$?

say "uprobectl list"
"$U" list
say "uprobectl disable && uprobectl clear"
"$U" disable && "$U" clear
trap 'rm -f "$out" /tmp/registers' EXIT
if [ "$agree" = 0 ]; then
	printf '\ndemo: every value the kernel recorded equals what the program printed.\n'
else
	printf '\ndemo: the records and the program disagree (see above)\n'
fi
exit "$agree"
