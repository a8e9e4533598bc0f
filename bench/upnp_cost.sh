#!/usr/bin/env bash
# What following UPnP description streams costs: bulk traffic alone, and the same bulk
# with 2,000 description fetches (18,001 frames: handshake, GET, a 4-segment response with
# a retransmission, FIN) mixed in. Reports CPU time per frame (user+sys, median of N
# alternating rounds), which load on the machine disturbs less than wall time.
# Usage: bash bench/upnp_cost.sh [ROUNDS]   (needs bench/data/mixed-100M.pcap: bench/run.sh --quick makes it)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
cargo build --release -q
bulk=bench/data/mixed-100M.pcap
mixed=bench/data/mixed-100M-fetches.pcap
if [ ! -f "$mixed" ]; then
  first=$(capinfos -a -T -r -S "$bulk" | awk -F'\t' '{print int($2)}')
  python3 bench/upnp_fetches.py 2000 "$first" "$((first + 2))" bench/data/fetches.pcap
  mergecap -F pcap -w "$mixed" "$bulk" bench/data/fetches.pcap
fi
cpu() { /usr/bin/time -f "%U %S" ./target/release/quietwire read -f json "$1" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
frames() { capinfos -c -M "$1" | awk '/Number of packets/ {print $NF}'; }
declare -a a b
for _ in $(seq "$rounds"); do a+=("$(cpu "$bulk")"); b+=("$(cpu "$mixed")"); done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
fa=$(frames "$bulk"); fb=$(frames "$mixed")
awk -v ma="$ma" -v mb="$mb" -v fa="$fa" -v fb="$fb" 'BEGIN {
  printf "| input | frames | CPU s (median) | ns per frame |\n|---|---:|---:|---:|\n";
  printf "| bulk | %d | %.3f | %.0f |\n", fa, ma, ma * 1e9 / fa;
  printf "| bulk + 2,000 description fetches | %d | %.3f | %.0f |\n", fb, mb, mb * 1e9 / fb;
}'
