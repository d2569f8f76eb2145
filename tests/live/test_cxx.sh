#!/bin/sh
# Live tests of C++ names as written in the source, as root, on a C++
# program (tests/progs/shop.cpp): syms shows them as c++filt does (and
# --no-demangle as the file has them); a source-named overload resolves to
# its mangled symbol's file offset (computed here from nm and the program
# headers) and what the kernel records there equals what the program
# printed, for an overload, a static member function, a template instance
# and a source variable; a name of several overloads is refused with the
# list, and as a pattern in add is one probe per overload under distinct
# event names; list, stack frames and leak sites show demangled names;
# uprobe_events is left as it was found.
#   test_cxx.sh UPROBECTL SHOP
set -u
SUITE=live-cxx
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

live_tracefs
command -v c++filt >/dev/null || skip "no c++filt (binutils), the oracle of demangled names"
group_free "$T"
before=$(cat "$T/uprobe_events")
cp "$2" "$work/shop"
P=$work/shop

# syms: every C++ function as c++filt prints it; the file's names with
# --no-demangle; both in --json
"$U" syms --no-demangle "$P" 'shop::*' >/dev/null 2>&1
"$U" -q syms "$P" >"$work/ours"
"$U" -q syms --no-demangle "$P" | awk '{ print $NF }' | c++filt >"$work/theirs"
check [ "$(awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' "$work/ours")" = \
	"$(cat "$work/theirs")" ]
check grep -q ' shop::Cart::add(double)$' "$work/ours"
"$U" syms --json "$P" 'shop::Cart::*' >"$work/json"
check [ "$(jq -r '[.[] | select(.name == "_ZN4shop4Cart3taxEi")][0].demangled' "$work/json")" = \
	"shop::Cart::tax(int)" ]
check [ "$(jq -r '.[].demangled' "$work/json" | sort | tr '\n' ' ')" = \
	"$(nm "$P" | awk '$3 ~ /^_ZN4shop4Cart/ && ($2 == "T" || $2 == "W" || $2 == "t") { print $3 }' |
		c++filt | sort | tr '\n' ' ')" ]

# the file offset of a symbol, from nm and readelf's program headers: the
# executable PT_LOAD holding its address
offset_of() {
	a=$((0x$(nm "$P" | awk -v s="$1" '$3 == s { print $1 }')))
	readelf -lW "$P" | awk '$1 == "LOAD" && / E +0x[0-9a-f]+$/ { print $2, $3, $5 }' |
		while read -r o v sz; do
			[ "$a" -ge $((v)) ] && [ "$a" -lt $((v + sz)) ] &&
				printf '0x%x\n' $((a - v + o))
		done
}
for pair in 'shop::Cart::add(int)=_ZN4shop4Cart3addEi' 'shop::Cart::add(double)=_ZN4shop4Cart3addEd' \
	'shop::Cart::tax=_ZN4shop4Cart3taxEi' 'shop::twice<long>=_ZN4shop5twiceIlEET_S1_' \
	'shop::operator<<=_ZN4shoplsERNS_4CartEi'; do
	name=${pair%%=*} sym=${pair#*=}
	want=$(offset_of "$sym")
	got=$("$U" resolve --json "$P" "$name" | jq -r '.offset')
	[ -n "$want" ] && [ "$(printf '0x%x' "$got")" = "$want" ] && ok ||
		ko "resolve '$name': offset $got, $sym is at $want"
done

# several overloads of one name: refused, each listed, nothing defined
"$U" resolve "$P" 'shop::Cart::add' >"$work/out" 2>"$work/err"
check [ $? = 2 ]
check grep -q "names 3 functions: 'shop::Cart::add(int)' at 0x.*'shop::Cart::add(double)'" "$work/err"
check grep -q "pattern in add: 'shop::Cart::add(\*)'" "$work/err"
"$U" add "$P" 'shop::twice' 2>"$work/err"
check [ $? = 2 ]
check grep -q "'int shop::twice<int>(int)'.*'long shop::twice<long>(long)'.*'shop::twice<\*>'" "$work/err"
check [ "$(cat "$T/uprobe_events")" = "$before" ]

# what the kernel records equals what the program printed
"$U" trace --json "$P" 'shop::Cart::add(int)' 'price=$arg2:s32' -- "$P" 3 >"$work/tr" 2>"$work/tr.err"
check [ $? = 0 ]
check [ "$(grep '^{' "$work/tr" | jq -r 'select(.event == "shop_Cart_add") | .args.price' 2>/dev/null | tr '\n' ' ')" = \
	"$(sed -n 's/^add(int) //p' "$work/tr" | tr '\n' ' ')" ]
"$U" trace --json "$P" 'shop::Cart::tax' 'c=$arg1:s32' -- "$P" 3 >"$work/tr" 2>"$work/tr.err"
check [ "$(grep '^{' "$work/tr" | jq -r 'select(.event == "shop_Cart_tax") | .args.c' 2>/dev/null | tr '\n' ' ')" = \
	"$(sed -n 's/^tax //p' "$work/tr" | tr '\n' ' ')" ]
check [ "$(grep -c '"event":"shop_Cart_tax"' "$work/tr")" = 3 ]
"$U" trace --json "$P" 'shop::twice<long>' 'v=$arg1:s64' -- "$P" 3 >"$work/tr" 2>"$work/tr.err"
check [ "$(grep '^{' "$work/tr" | jq -r 'select(.event == "shop_twice_long") | .args.v' 2>/dev/null | tr '\n' ' ')" = \
	"0 1000 2000 " ]
# by its source variable, from the DWARF of the function at the symbol
"$U" trace --json "$P" 'shop::Cart::add(double)' price -- "$P" 2 >"$work/tr" 2>"$work/tr.err"
check [ "$(grep '^{' "$work/tr" | jq -r 'select(.event == "shop_Cart_add") | .args.price' 2>/dev/null | tr '\n' ' ')" = \
	"$(sed -n 's/^add(double) //p' "$work/tr" | tr '\n' ' ')" ]

# a pattern: one probe per overload, each event named by its parameters
"$U" -q add "$P" 'shop::Cart::add(*)'
check [ $? = 0 ]
check [ "$(grep -c '^p:uprobectl/shop_Cart_add_' "$T/uprobe_events")" = 3 ]
check grep -q '^p:uprobectl/shop_Cart_add_int ' "$T/uprobe_events"
check grep -q '^p:uprobectl/shop_Cart_add_double ' "$T/uprobe_events"
# list: the symbols demangled
"$U" list --json >"$work/list"
check [ "$(jq -r '.[] | select(.event == "shop_Cart_add_int") | .symbol' "$work/list")" = \
	"shop::Cart::add(int)" ]
"$U" -q clear
check [ "$(cat "$T/uprobe_events")" = "$before" ]

# stack frames and leak sites: demangled
"$U" trace --stack "$P" 'shop::Cart::tax' -- "$P" 1 >"$work/tr" 2>&1
check grep -q '=> shop::Cart::tax(int)+0x0 ' "$work/tr"
"$U" leaks --json -- "$P" 2 >"$work/lk" 2>"$work/lk.err"
check [ "$(grep '^{' "$work/lk" | tail -n 1 | jq -r '.sites[].site' | grep -c '^shop::Cart::note(int)+0x')" = 1 ]

check [ "$(cat "$T/uprobe_events")" = "$before" ]
finish
