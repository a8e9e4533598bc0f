#!/bin/sh
# Runs every fuzz target in turn, one at a time, at low priority.
#
#   fuzz/run.sh              # the campaign in README.md (about 2.5 h on 2 cores)
#   RUNS=100000 fuzz/run.sh  # a quick pass: RUNS executions per target
#   fuzz/run.sh wire_dns     # only the targets named (with their campaign counts)
#
# Seeds come from fuzz/seed.py (run first). New inputs are added to fuzz/corpus/<target>;
# crashes land in fuzz/artifacts/<target>/. Stops at the first target that fails.
set -eu
cd "$(dirname "$0")"
[ -d corpus ] || python3 seed.py

run() {
    target=$1
    runs=${RUNS:-$2}
    shift 2
    echo "== $target: $runs runs"
    nice -n 10 cargo +nightly fuzz run "$@" "$target" "corpus/$target" -- \
        -runs="$runs" -timeout=10 -print_final_stats=1
}

ONLY="$*"
# Whether target $1 is to run: every target when none were named.
want() {
    [ -z "$ONLY" ] && return 0
    for w in $ONLY; do
        if [ "$w" = "$1" ]; then return 0; fi
    done
    return 1
}

for t in wire_arp wire_dhcpv4 wire_ip wire_link frame; do
    if want "$t"; then run "$t" 10000000; fi
done
# Second campaign: the protocol parsers and observers, TCP reassembly, the UPnP follower.
for t in wire_icmpv6 wire_http tcp_reassembly wire_tplink5001 wire_nbns wire_easysmart wire_kasa \
    wire_lldp wire_ssdp wire_upnp wire_cdp wire_dhcpv6 wire_dns upnp_tracker wire_tdp; do
    if want "$t"; then run "$t" 1000000; fi
done
# Without AddressSanitizer: see "capture_file runs without ASan" in README.md. The glibc
# tunable keeps freed heap memory mapped, so the reader's 256 KiB buffer is not faulted in
# again for every input.
export GLIBC_TUNABLES=glibc.malloc.trim_threshold=536870912
if want capture_file; then run capture_file 2500000 --sanitizer none; fi
