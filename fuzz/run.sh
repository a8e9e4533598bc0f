#!/bin/sh
# Runs every fuzz target in turn, one at a time, at low priority.
#
#   fuzz/run.sh              # the campaign in README.md (about 70 min on 2 cores)
#   RUNS=100000 fuzz/run.sh  # a quick pass: RUNS executions per target
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

run wire_arp 10000000
run wire_dhcpv4 10000000
run wire_ip 10000000
run wire_link 10000000
run frame 10000000
# Without AddressSanitizer: see "capture_file runs without ASan" in README.md. The glibc
# tunable keeps freed heap memory mapped, so the reader's 256 KiB buffer is not faulted in
# again for every input.
export GLIBC_TUNABLES=glibc.malloc.trim_threshold=536870912
run capture_file 2500000 --sanitizer none
