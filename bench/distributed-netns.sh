#!/usr/bin/env bash
# Two "machines" on this one: network namespaces memae-ns0 (10.77.0.1) and memae-ns1 (10.77.0.2) joined by a
# veth pair, optionally rate-limited like a real link (tc tbf; this kernel has no netem, so no added delay), for
# `npx tsx bench/distributed.ts --netns` (rank r runs in memae-ns<r>, Gloo on memae-veth<r>). Needs root.
# Usage: bash bench/distributed-netns.sh up [RATE e.g. 10gbit]  |  bash bench/distributed-netns.sh down
set -euo pipefail
cmd=${1:-up}
down() {
  ip netns del memae-ns0 2>/dev/null || true
  ip netns del memae-ns1 2>/dev/null || true
}
if [ "$cmd" = down ]; then down; exit 0; fi
down
ip netns add memae-ns0
ip netns add memae-ns1
ip link add memae-veth0 type veth peer name memae-veth1
for r in 0 1; do
  ip link set memae-veth$r netns memae-ns$r
  ip -n memae-ns$r addr add 10.77.0.$((r + 1))/24 dev memae-veth$r
  ip -n memae-ns$r link set memae-veth$r up
  ip -n memae-ns$r link set lo up
  if [ -n "${2:-}" ]; then
    ip netns exec memae-ns$r tc qdisc add dev memae-veth$r root tbf rate "$2" burst 256kb latency 50ms
  fi
done
echo "memae-ns0 10.77.0.1 <-> memae-ns1 10.77.0.2 ${2:+(at most $2 each way)}"
