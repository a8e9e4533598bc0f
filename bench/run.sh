#!/usr/bin/env bash
# quietwire offline throughput benchmark. See bench/README.md.
#
#   bash bench/run.sh            # 100M pcap + 1G pcap + 1G pcapng, 5 rounds (tshark: 100M only, 3 rounds)
#   bash bench/run.sh --quick    # 100M pcap only, 3 rounds
#
# Options: --quick, --rounds N, --tshark-rounds N, --no-tshark, --no-install, --no-build
# (use the binaries already in target/release).
# Generated captures live in bench/data/ (git-ignored; delete it to regenerate).
# The Markdown report goes to standard output and to bench/data/results-<time>.md;
# raw per-run numbers to bench/data/raw-<time>.tsv.
set -euo pipefail
export LC_ALL=C
[ -n "${EPOCHREALTIME:-}" ] || { echo "bench/run.sh needs bash 5 or later (\$EPOCHREALTIME)" >&2; exit 2; }

cd "$(dirname "$0")/.."
DATA=bench/data
QW=target/release/quietwire
GENCAP=target/release/examples/gencap

QUICK=0
ROUNDS=5
TSHARK_ROUNDS=3
RUN_TSHARK=1
INSTALL=1
BUILD=1
ROUNDS_SET=0
TSHARK_ROUNDS_SET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; ROUNDS_SET=1; shift ;;
    --tshark-rounds) TSHARK_ROUNDS=$2; TSHARK_ROUNDS_SET=1; shift ;;
    --no-tshark) RUN_TSHARK=0 ;;
    --no-install) INSTALL=0 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  [ "$ROUNDS_SET" = 1 ] || ROUNDS=3
  [ "$TSHARK_ROUNDS_SET" = 1 ] || TSHARK_ROUNDS=3
fi

log() { echo "bench [${SECONDS}s]: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
# Tools: /usr/bin/time (package time), tcpdump, tshark + capinfos (package tshark).

apt_install() {
  [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  log "installing $* with apt-get"
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
[ -x /usr/bin/time ] || apt_install time || die "/usr/bin/time is missing (apt-get install time)"
command -v tcpdump >/dev/null || apt_install tcpdump || log "tcpdump missing: its rows are skipped"
if [ "$RUN_TSHARK" = 1 ]; then
  command -v tshark >/dev/null || apt_install tshark || { log "tshark missing: its rows are skipped"; RUN_TSHARK=0; }
fi
HAVE_TCPDUMP=0; command -v tcpdump >/dev/null && HAVE_TCPDUMP=1
HAVE_CAPINFOS=0; command -v capinfos >/dev/null && HAVE_CAPINFOS=1

# ---------------------------------------------------------------------------------------
# Build, then generate the captures that are missing.

if [ "$BUILD" = 1 ]; then
  log "building quietwire and gencap (release)"
  cargo build --release --quiet --bin quietwire --example gencap || die "cargo build failed"
fi
[ -x "$QW" ] && [ -x "$GENCAP" ] || die "build products missing"

mkdir -p "$DATA"
# Generated data never belongs in git, even before the top-level .gitignore lists it.
[ -e "$DATA/.gitignore" ] || echo '*' > "$DATA/.gitignore"
# name:size:format
if [ "$QUICK" = 1 ]; then
  SPECS="mixed-100M.pcap:100M:pcap"
else
  SPECS="mixed-100M.pcap:100M:pcap mixed-1G.pcap:1G:pcap mixed-1G.pcapng:1G:pcapng"
fi
FILES=()
for spec in $SPECS; do
  IFS=: read -r name size format <<<"$spec"
  f=$DATA/$name
  if [ ! -s "$f" ]; then
    log "generating $f ($size, $format, seed 1)"
    "$GENCAP" --size "$size" --format "$format" --seed 1 -o "$f.tmp" 2> "$f.gencap.txt" || { cat "$f.gencap.txt" >&2; die "gencap failed"; }
    mv "$f.tmp" "$f"
    cat "$f.gencap.txt" >&2
  fi
  FILES+=("$f")
done
TSHARK_FILE=$DATA/mixed-100M.pcap

# Packet counts: capinfos when present; quietwire's own count is checked against it below.
declare -A PACKETS BYTES
for f in "${FILES[@]}"; do
  BYTES[$f]=$(stat -c %s "$f")
  if [ "$HAVE_CAPINFOS" = 1 ]; then
    PACKETS[$f]=$(capinfos -T -r -c -M "$f" 2>/dev/null | awk -F'\t' '{print $2}')
  else
    PACKETS[$f]=""
  fi
done

# ---------------------------------------------------------------------------------------
# Page cache: the files must fit, then read each one twice.

need_kb=$(( $(du -ck "${FILES[@]}" | tail -1 | cut -f1) + 1048576 ))
avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
[ "$avail_kb" -gt "$need_kb" ] || log "warning: ${avail_kb} KB available < ${need_kb} KB needed: the page cache may not hold the files (results then measure the disk)"
log "warming the page cache"
for _ in 1 2; do for f in "${FILES[@]}"; do cat "$f" > /dev/null; done; done

# ---------------------------------------------------------------------------------------
# Measurement

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$DATA/raw-$STAMP.tsv
REPORT=$DATA/results-$STAMP.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'file\ttool\tround\twall_s\tuser_s\tsys_s\tmaxrss_kb\texit\n' > "$RAW"

TSHARK_FILTER='arp || dhcp || mdns || ssdp || lldp'
TSHARK_FIELDS=(-e eth.src -e arp.src.proto_ipv4 -e dhcp.option.hostname -e dhcp.option.vendor_class_id -e lldp.tlv.system.name)

# The exact command of each tool, as printed in the report.
cmd_text() {
  case "$1" in
    cat) echo "cat FILE > /dev/null" ;;
    tcpdump) echo "tcpdump -r FILE -w /dev/null" ;;
    quietwire) echo "$QW read -f json FILE > /dev/null" ;;
    tshark) echo "tshark -r FILE -n -T fields ${TSHARK_FIELDS[*]} -Y \"$TSHARK_FILTER\" > /dev/null" ;;
  esac
}

# measure ARGV...: runs the command once with stdout to /dev/null, inside the command
# substitution's subshell so that bash's `times` reports that command's CPU alone (ms
# resolution; /usr/bin/time's %U/%S have only 10 ms). Wall time from $EPOCHREALTIME (µs),
# peak RSS from /usr/bin/time. Prints "wall_s user_s sys_s maxrss_kb exit".
measure() {
  local t0 t1 rc=0 us
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$TMP/time" "$@" > /dev/null 2> "$TMP/stderr" || rc=$?
  t1=$EPOCHREALTIME
  us=$(( ${t1/./} - ${t0/./} ))
  # The second line of `times` is the children's user and system time, e.g. "0m0.031s 0m0.012s".
  # (into a file: a pipe or a command substitution would run `times` in a fresh subshell).
  times > "$TMP/times"
  awk -v us="$us" -v rss="$(tail -1 "$TMP/time")" -v rc="$rc" '
    function sec(t,   m) { m = t; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", t); sub(/s$/, "", t); return m * 60 + t }
    NR == 2 { printf "%.6f %.3f %.3f %s %s\n", us / 1e6, sec($1), sec($2), rss, rc }' "$TMP/times"
}

# run_tool TOOL FILE: prints "wall_s user_s sys_s maxrss_kb exit" for one run.
run_tool() {
  local tool=$1 f=$2
  case "$tool" in
    cat) measure cat "$f" ;;
    tcpdump) measure tcpdump -r "$f" -w /dev/null ;;
    quietwire) measure "$QW" read -f json "$f" ;;
    tshark) measure tshark -r "$f" -n -T fields "${TSHARK_FIELDS[@]}" -Y "$TSHARK_FILTER" ;;
  esac
}

tools_for() {
  local f=$1 round=$2
  local t=(cat)
  [ "$HAVE_TCPDUMP" = 1 ] && t+=(tcpdump)
  t+=(quietwire)
  if [ "$RUN_TSHARK" = 1 ] && [ "$f" = "$TSHARK_FILE" ] && [ "$round" -le "$TSHARK_ROUNDS" ]; then t+=(tshark); fi
  # Rotate the order every round so no tool always runs first or last.
  local n=${#t[@]} i
  for ((i = 0; i < n; i++)); do echo "${t[(i + round) % n]}"; done
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing: $ROUNDS rounds, alternating (tshark: $TSHARK_ROUNDS rounds on $TSHARK_FILE only)"
max_rounds=$ROUNDS
[ "$RUN_TSHARK" = 1 ] && [ "$TSHARK_ROUNDS" -gt "$max_rounds" ] && max_rounds=$TSHARK_ROUNDS
QW_FAILED=""
for ((round = 1; round <= max_rounds; round++)); do
  for f in "${FILES[@]}"; do
    for tool in $(tools_for "$f" "$round"); do
      [ "$tool" != tshark ] && [ "$round" -gt "$ROUNDS" ] && continue
      read -r wall user sys rss rc <<<"$(run_tool "$tool" "$f")"
      cp "$TMP/stderr" "$TMP/stderr-$tool"
      printf '%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n' "$f" "$tool" "$round" "$wall" "$user" "$sys" "$rss" "$rc" >> "$RAW"
      log "round $round $(basename "$f") $tool: ${wall}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.3f", u+s}')s cpu, ${rss} KB"
      if [ "$tool" = quietwire ] && { [ "$rc" != 0 ] || [ -s "$TMP/stderr-quietwire" ]; }; then
        QW_FAILED+="- $(basename "$f") round $round: exit $rc; stderr: $(head -c 300 "$TMP/stderr-quietwire" | tr '\n' ' ')"$'\n'
      fi
      if [ "$tool" != quietwire ] && [ "$rc" != 0 ]; then
        log "warning: $tool exited $rc on $f: $(head -c 300 "$TMP/stderr-$tool")"
      fi
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------
# quietwire's private memory: MEM_RUNS extra, untimed runs per file, sampling
# /proc/PID/status every ~2 ms from this shell without forking (a sampler would compete
# with the timed runs, so it gets runs of its own). RssAnon is private anonymous memory:
# pages of files (the binary, the page cache, a memory-mapped capture) are RssFile and do
# not count. Sampling can miss a short spike, so the value is a lower bound; the report
# also gives VmHWM (exact peak of all resident pages) and RssFile for comparison.

MEM_RUNS=3
declare -A ANON_KB HWM_KB FILE_KB SAMPLES QW_JSON_PACKETS QW_DEVICES QW_NOTES
exec {SLEEPFD}<> <(:)
sample_anon() {
  local f=$1 out=$TMP/qw.json pid key val state anon file peak=0 hwm=0 rssfile=0 n=0 run
  for ((run = 1; run <= MEM_RUNS; run++)); do
    "$QW" read -f json "$f" > "$out" 2> "$TMP/stderr-mem" &
    pid=$!
    while :; do
      anon=-1 file=0 state=
      { while read -r key val _; do
          case "$key" in
            State:) state=$val ;;
            VmHWM:) [ "$val" -gt "$hwm" ] && hwm=$val ;;
            RssAnon:) anon=$val ;;
            RssFile:) file=$val ;;
          esac
        done < "/proc/$pid/status"; } 2>/dev/null || break
      if [ "$state" = Z ] || [ "$anon" = -1 ]; then break; fi
      n=$((n + 1))
      if [ "$anon" -gt "$peak" ]; then peak=$anon rssfile=$file; fi
      read -r -t 0.002 -u "$SLEEPFD" _ || true
    done
    wait "$pid" || true
  done
  ANON_KB[$f]=$peak
  HWM_KB[$f]=$hwm
  FILE_KB[$f]=$rssfile
  SAMPLES[$f]=$n
  # What quietwire said about the file (python3 if present; the benchmark runs without).
  if command -v python3 >/dev/null; then
    read -r "QW_JSON_PACKETS[$f]" "QW_DEVICES[$f]" "QW_NOTES[$f]" < <(python3 - "$out" <<'PY' || echo "? ? unreadable-json"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["capture"]
notes = []
for k in ("skipped", "malformed", "limits_hit"):
    if c.get(k):
        notes.append(k + "=" + ",".join(f"{a}:{b}" for a, b in sorted(c[k].items())))
for s in c.get("sources", []):
    if s.get("truncated_at") is not None:
        notes.append(f"truncated_at={s['truncated_at']}")
flagged = sum(1 for x in d["devices"] if x.get("flags"))
notes.append(f"flagged={flagged}")
print(c["packets"], len(d["devices"]), ";".join(notes) or "-")
PY
    )
  else
    QW_JSON_PACKETS[$f]=$(grep -o '"packets": *[0-9]*' "$out" | head -1 | grep -o '[0-9]*$' || echo "?")
    QW_DEVICES[$f]="?"
    QW_NOTES[$f]="-"
  fi
  if [ -z "${PACKETS[$f]}" ]; then PACKETS[$f]=${QW_JSON_PACKETS[$f]}; fi
}
log "sampling quietwire RssAnon ($MEM_RUNS untimed runs per file)"
for f in "${FILES[@]}"; do sample_anon "$f"; done

# ---------------------------------------------------------------------------------------
# Report

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || rev="$rev+uncommitted changes"
{
  echo "### quietwire offline throughput ($(date -u +%Y-%m-%d), quietwire $rev)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average $LOAD_BEFORE before, $LOAD_AFTER after."
  echo "Page cache warm; medians of $ROUNDS alternating rounds (tshark: $TSHARK_ROUNDS, 100M file only)."
  echo "Wall and CPU (user+sys) are medians; \"× cat\" columns are medians of per-round ratios to \`cat\` of the same file in the same round (lower is faster)."
  echo "MB/s and packets/s use the median wall time; MB = 10^6 bytes of file. Peak RSS from \`/usr/bin/time -f %M\` (includes file-backed pages);"
  echo "RssAnon = quietwire's peak private anonymous memory (file pages excluded), sampled from /proc/PID/status in separate untimed runs."
  echo
  echo "| file | tool | wall s | × cat | CPU s | CPU × cat | MB/s | packets/s | peak RSS MB | RssAnon MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$REPORT"

for f in "${FILES[@]}"; do
  for tool in cat tcpdump quietwire tshark; do
    awk -F'\t' -v f="$f" -v t="$tool" '$1 == f && $2 == t { found = 1 } END { exit !found }' "$RAW" || continue
    anon="-"
    [ "$tool" = quietwire ] && anon=$(awk -v k="${ANON_KB[$f]}" 'BEGIN{printf "%.1f", k/1024}')
    awk -F'\t' -v f="$f" -v tool="$tool" -v bytes="${BYTES[$f]}" -v pkts="${PACKETS[$f]:-0}" -v anon="$anon" '
      function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      NR > 1 && $1 == f && $2 == "cat" { catw[$3] = $4; catc[$3] = $5 + $6 }
      NR > 1 && $1 == f && $2 == tool { n++; w[n] = $4; c[n] = $5 + $6; r[n] = $7; rnd[n] = $3 }
      END {
        m = 0; for (i = 1; i <= n; i++) if (catw[rnd[i]] > 0) { m++; ratio[m] = w[i] / catw[rnd[i]] }
        k = 0; for (i = 1; i <= n; i++) if (catc[rnd[i]] > 0) { k++; cratio[k] = c[i] / catc[rnd[i]] }
        mw = median(w, n); mc = median(c, n); mr = median(r, n)
        name = f; sub(/.*\//, "", name)
        rs = (m > 0) ? sprintf("%.2f", median(ratio, m)) : "-"
        crs = (k > 0) ? sprintf("%.1f", median(cratio, k)) : "-"
        mbs = (mw > 0) ? sprintf("%.0f", bytes / 1e6 / mw) : "-"
        pps = (mw > 0 && pkts > 0) ? sprintf("%.2f M", pkts / mw / 1e6) : "-"
        printf "| %s | %s | %.3f | %s | %.3f | %s | %s | %s | %.1f | %s |\n", name, tool, mw, rs, mc, crs, mbs, pps, mr / 1024, anon
      }' "$RAW" >> "$REPORT"
  done
done

{
  echo
  echo "Files (generated by \`$GENCAP --size SIZE --format FORMAT --seed 1 -o FILE\`):"
  echo
  for f in "${FILES[@]}"; do
    check=""
    if [ -n "${QW_JSON_PACKETS[$f]:-}" ] && [ -n "${PACKETS[$f]}" ] && [ "${QW_JSON_PACKETS[$f]}" != "${PACKETS[$f]}" ]; then
      check=" **MISMATCH: quietwire counted ${QW_JSON_PACKETS[$f]} packets**"
    fi
    echo "- \`$f\`: ${BYTES[$f]} bytes, ${PACKETS[$f]} packets (capinfos)$check; quietwire: ${QW_DEVICES[$f]:-?} devices, ${QW_NOTES[$f]:--}; quietwire memory: peak RssAnon ${ANON_KB[$f]} KB (RssFile then ${FILE_KB[$f]} KB; VmHWM ${HWM_KB[$f]} KB; ${SAMPLES[$f]} samples over $MEM_RUNS runs)"
  done
  echo
  echo "Commands (FILE as above; each run under \`/usr/bin/time -f %M\` for peak RSS, wall time from bash's \`\$EPOCHREALTIME\`, CPU from bash's \`times\`):"
  echo
  echo '```sh'
  cmd_text cat
  [ "$HAVE_TCPDUMP" = 1 ] && cmd_text tcpdump
  cmd_text quietwire
  [ "$RUN_TSHARK" = 1 ] && cmd_text tshark
  echo '```'
  if [ -n "$QW_FAILED" ]; then
    echo
    echo "quietwire exited non-zero or wrote to stderr:"
    echo
    printf '%s' "$QW_FAILED"
  fi
  echo
  echo "Raw numbers: \`$RAW\`."
} >> "$REPORT"

cat "$REPORT"
log "report saved to $REPORT"
