#!/usr/bin/env bash
# make demo-netns-test: runs the two-namespace demo (tests/demo/demo_netns.sh)
# and checks what it shows:
#   - it exits 0, and each of the two client runs (IPv4, IPv6) exited 0;
#   - the server saw commands from the client's own addresses, 10.200.0.2
#     (as [::ffff:10.200.0.2] on its dual-stack socket) and fd00:200::2;
#   - the server logged the tutorial's struct, outer and inner, twice;
#   - afterwards the namespaces are gone and the server is not running.
# It is SKIPPED (exit 0) only where it cannot run at all: not root, or no
# `ip netns`. Anything else that goes wrong is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
  echo "demo-netns-test: SKIPPED: network namespaces need root (sudo make demo-netns-test)"
  exit 0
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
  echo "demo-netns-test: SKIPPED: 'ip netns' is not available (Debian: apt-get install iproute2)"
  exit 0
fi

output="$(tests/demo/demo_netns.sh 2>&1)"
status=$?
printf '%s\n' "$output"
echo "---"

failures=0
fail() {
  echo "demo-netns-test: FAIL: $*"
  failures=$((failures + 1))
}
# How many lines of the demo's output match the extended regular expression $1.
count() { printf '%s\n' "$output" | grep -cE -- "$1"; }

[ "$status" -eq 0 ] || fail "demo_netns.sh exited with status $status"
[ "$(count '^demo +\| the client exited with status 0$')" -eq 2 ] ||
  fail "expected two client runs that exited 0"
from_ipv4="from \[::ffff:10\.200\.0\.2\]:[0-9]+$"  # an IPv4 peer, as a dual-stack socket sees it
from_ipv6="from \[fd00:200::2\]:[0-9]+$"
for command in STRING GOB; do
  [ "$(count "^server \| .*Receive command '$command' $from_ipv4")" -eq 1 ] ||
    fail "expected one $command command from 10.200.0.2 in the server's log"
  [ "$(count "^server \| .*Receive command '$command' $from_ipv6")" -eq 1 ] ||
    fail "expected one $command command from fd00:200::2 in the server's log"
done

# The struct lines, pointer values aside (they differ on every run).
outer='^server \| main\.complexData\{N:23, S:"string data", '
outer+='M:map\[string\]int\{"one":1, "three":3, "two":2\}, '
outer+='P:\[\]uint8\{0x61, 0x62, 0x63\}, C:\(\*main\.complexData\)\(0x[0-9a-f]+\)\}$'
inner='^server \| &main\.complexData\{N:256, S:"Recursive structs\? Piece of cake!", '
inner+='M:map\[string\]int\{"01":1, "10":2, "11":3\}, '
inner+='P:\[\]uint8\(nil\), C:\(\*main\.complexData\)\(nil\)\}$'
[ "$(count "$outer")" -eq 2 ] || fail "expected the outer struct twice in the server's log"
[ "$(count "$inner")" -eq 2 ] || fail "expected the inner struct twice in the server's log"

namespaces="$(printf '%s\n' "$output" | grep -oE 'tcpdemo-(srv|cli)-[0-9]+' | sort -u)"
[ -n "$namespaces" ] || fail "the demo named no namespace"
for namespace in $namespaces; do
  if ip netns list | awk '{print $1}' | grep -qx "$namespace"; then
    fail "namespace $namespace is still there"
    ip netns delete "$namespace"
  fi
done
server_pid="$(printf '%s\n' "$output" | sed -nE 's/^demo +\| the server \(pid ([0-9]+)\).*/\1/p')"
if [ -z "$server_pid" ]; then
  fail "the demo did not say the server's pid"
elif kill -0 "$server_pid" 2>/dev/null; then
  fail "the server (pid $server_pid) is still running"
  kill "$server_pid"
fi

if [ "$failures" -ne 0 ]; then
  echo "demo-netns-test: $failures check(s) failed"
  exit 1
fi
echo "demo-netns-test: PASS (IPv4 and IPv6 between two namespaces; all torn down)"
