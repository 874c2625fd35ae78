#!/usr/bin/env bash
# make demo-netns: the tutorial's first tip, "run client and server on
# different machines", done for real on one machine (run it as root).
#
# Two network namespaces stand in for the two machines: each has its own
# interfaces, addresses, routes and ports, as a separate computer would. A
# veth pair is the cable between them:
#
#   namespace tcpdemo-srv-PID              namespace tcpdemo-cli-PID
#   ./server --port 0                      ./client 10.200.0.1 --port PORT
#   veth0 10.200.0.1/24, fd00:200::1/64 ---- veth0 10.200.0.2/24, fd00:200::2/64
#
# The client runs twice: over IPv4, then over IPv6. Both sides' output is
# shown interleaved (tests/demo/demo.py), and everything is torn down at the
# end, on failure or on Ctrl-C too: the programs are stopped by pid, the
# namespaces deleted (the veth pair goes with them).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" -ne 0 ]; then
  echo "demo-netns: making network namespaces needs root: sudo make demo-netns" >&2
  exit 1
fi
if ! command -v ip >/dev/null; then
  echo "demo-netns: needs the ip command (Debian: apt-get install iproute2)" >&2
  exit 1
fi

# Names with our pid: two demos at once, or a stale one, never collide.
SERVER_NS="tcpdemo-srv-$$"
CLIENT_NS="tcpdemo-cli-$$"

say() { echo "demo   | $*"; }
run() {
  say "$*"
  "$@"
}

cleanup() {
  # demo.py has stopped the programs by now (its own cleanup); a namespace
  # that still had a process in it would live on until that process ended.
  for namespace in "$SERVER_NS" "$CLIENT_NS"; do
    if ip netns list | awk '{print $1}' | grep -qx "$namespace"; then
      run ip netns delete "$namespace"
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP  # exit runs the EXIT trap

say "two namespaces, $SERVER_NS and $CLIENT_NS, joined by a veth pair"
run ip netns add "$SERVER_NS"
run ip netns add "$CLIENT_NS"
# One command makes both ends: veth0 in the server's namespace, its peer,
# also named veth0, in the client's.
run ip -n "$SERVER_NS" link add veth0 type veth peer name veth0 netns "$CLIENT_NS"
run ip -n "$SERVER_NS" address add 10.200.0.1/24 dev veth0
run ip -n "$CLIENT_NS" address add 10.200.0.2/24 dev veth0
# nodad: skip IPv6 duplicate address detection, which would leave the
# address unusable ("tentative") for the first second or two.
run ip -n "$SERVER_NS" address add fd00:200::1/64 dev veth0 nodad
run ip -n "$CLIENT_NS" address add fd00:200::2/64 dev veth0 nodad
for namespace in "$SERVER_NS" "$CLIENT_NS"; do
  run ip -n "$namespace" link set lo up
  run ip -n "$namespace" link set veth0 up
done

python3 tests/demo/demo.py \
  --server-wrap "ip netns exec $SERVER_NS" \
  --client-wrap "ip netns exec $CLIENT_NS" \
  --host 10.200.0.1 --host fd00:200::1
