#!/usr/bin/env bash
# Fuzzes the readers of outside files with libFuzzer and AddressSanitizer (docs/FUZZING.md).
#
#   bash scripts/fuzz.sh dbn|parquet|text|live|all [SECONDS] [libFuzzer flags…]
#
# Builds Fuzz/ (a package beside the main one), seeds a corpus from the sample data (DBN: the
# first 16 KiB of every sample file, decompressed; Parquet: the small files of out/lake, which
# scripts/demo.sh makes, and pyarrow's rewrites of two; text: the first lines of the trades,
# settlement and LOBSTER samples, the 1-minute OHLCV sample as Databento JSON, the user tables
# in the shapes docs/BARS.md gives), and runs the target for SECONDS (default 300) on one core,
# keeping going after a crash. Corpus and crashing inputs go under .fuzz/ (not committed); a crash is
# replayed with `bash scripts/fuzz.sh TARGET 0 .fuzz/TARGET/crashes/crash-…`. The run exits 1 when it
# found a new crashing, timing-out or out-of-memory input. `all` runs every target in turn for
# SECONDS each (the test command does, for 60 s each).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh dbn|parquet|text|live|all [SECONDS] [libFuzzer flags…]}"
seconds="${2:-300}"
shift $(( $# >= 2 ? 2 : 1 ))
if [ "$target" = all ]; then
  failed=""
  for t in dbn parquet text live; do bash "$0" "$t" "$seconds" "$@" || failed="$failed $t"; done
  [ -z "$failed" ] || { echo "fuzz: failed:$failed" >&2; exit 1; }
  exit 0
fi
case "$target" in dbn|parquet|text|live) ;; *) echo "fuzz: target is dbn, parquet, text, live or all, not '$target'" >&2; exit 2 ;; esac
DATA="${PRECEDENT_DATA:-../shared/data}"

# -sanitize=fuzzer would link libFuzzer's own main; SwiftPM gives executables theirs, so the
# targets call libFuzzer's driver and link the runtime without main.
fuzzer=$(ls /opt/swift/usr/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1 || true)
[ -n "$fuzzer" ] || fuzzer=$(ls "$(dirname "$(dirname "$(command -v swift)")")"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)
(cd Fuzz && swift build -c release -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xlinker "$fuzzer" -Xlinker -lstdc++ --product "fuzz-$target")
binary="Fuzz/.build/release/fuzz-$target"

work=".fuzz/$target"
mkdir -p "$work/corpus" "$work/crashes"
if [ -z "$(ls -A "$work/corpus")" ]; then
  if [ "$target" = dbn ]; then
    n=0
    while IFS= read -r f; do
      n=$((n + 1))
      case "$f" in *.zst) zstd -dc "$f" 2>/dev/null | head -c 16384 > "$work/seed.bin" || true ;; *) head -c 16384 "$f" > "$work/seed.bin" ;; esac
      # The first byte chooses the framing (below 128: a stream with metadata), the second the chunk size.
      { printf '\000\003'; cat "$work/seed.bin"; } > "$work/corpus/seed-$n"
    done < <(find "$DATA/dbn" -type f \( -name '*.dbn' -o -name '*.dbn.zst' -o -name '*.dbn.frag*' \) | sort)
    rm -f "$work/seed.bin"
  elif [ "$target" = live ]; then
    # What a gateway sends: greeting, challenge, reply, then a real DBN stream (the first 16 KiB of
    # each sample MBO file, plain; byte 1 even) — the first byte is the chunk size.
    n=0
    for f in "$DATA"/dbn/cme/*.mbo.dbn.zst "$DATA"/dbn/databento-dbn/test_data.mbo.v3.dbn.zst; do
      n=$((n + 1))
      { printf '\003\000lsg_version=0.4.2\ncram=abc\nsuccess=1|session_id=1\n'; zstd -dc "$f" 2>/dev/null | head -c 16384 || true; } > "$work/corpus/seed-$n"
    done
    printf '\001\000lsg_version=x\ncram=c\nsuccess=0|error=Authentication failed.\n' > "$work/corpus/seed-refused"
  elif [ "$target" = text ]; then
    # The first byte chooses the reader (Fuzz/Sources/fuzz-text/main.swift): 0 ticks CSV, 1–2
    # Databento JSON bars, 3 ZL settlements, 4 source priorities, 5 extra table, 6 regimes, 7 LOBSTER.
    seed() { { printf "\\$(printf %03o "$1")"; cat; } > "$work/corpus/seed-$1-$2"; }
    { zstd -dc "$DATA/ticks/es_trades_2013-09-01_03.csv.zst" 2>/dev/null || true; } | head -40 | seed 0 ticks
    head -40 "$DATA/bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv" | seed 3 zl
    { head -30 "$DATA/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv"; printf '|';
      head -30 "$DATA/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv"; } | seed 7 lobster
    # Databento JSON bars: the real 1-minute OHLCV sample printed by `precedent dbn cat`, in
    # Databento's JSON shape (nested header, numbers as strings; raw and pretty).
    P=.build/release/precedent
    [ -x "$P" ] || P=.build/debug/precedent
    [ -x "$P" ] || { swift build -c release --product precedent; P=.build/release/precedent; }
    for pretty in 0 1; do
      "$P" dbn cat "$DATA/dbn/cme/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst" --limit 12 \
          $([ $pretty = 1 ] && echo --pretty) | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    hd = {k: r.pop(k) for k in ("ts_event", "rtype", "publisher_id", "instrument_id")}
    print(json.dumps({"hd": {k: str(v) if k == "ts_event" else v for k, v in hd.items()}, **{k: str(v) for k, v in r.items()}}))' \
        | seed $((pretty + 1)) json
    done
    # The CSV tables a user supplies, in the shapes docs/BARS.md gives (no market data in them).
    printf 'source,from,to,priority\ndatabento,2010-06-06,2030-12-31,1\nlean,1998-01-01,2010-06-05,2\n' | seed 4 sources
    printf 'date,score,flag\n2024-07-01,1.5,\n2024-07-02,-2,1\n' | seed 5 extra
    printf 'start,end,name,weight\n2020-03-01,2020-06-30,first,1.5\n2022-01-01,2022-12-31,second,1.0\n' | seed 6 regimes
  else
    lake=out/lake
    if [ ! -d "$lake" ]; then
      # No demo lake (a fresh clone, CI): the AMZN sample day through the pipeline into .fuzz/lake.
      lake=.fuzz/lake
      P=.build/release/precedent
      [ -x "$P" ] || P=.build/debug/precedent
      [ -x "$P" ] || { swift build -c release --product precedent; P=.build/release/precedent; }
      amzn="$lake/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
      mkdir -p "$amzn"
      [ -f "$amzn/amzn-20120621.mbo.dbn.zst" ] || "$P" import lobster --symbol AMZN --date 2012-06-21 --out "$amzn/amzn-20120621.mbo.dbn.zst" \
        --message "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv \
        --orderbook "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv > /dev/null
      "$P" run --layer all --symbol AMZN --lake "$lake" --config config/sample.yaml --quiet > /dev/null
    fi
    find "$lake" -name '*.parquet' -size -48k | sort | head -40 | while IFS= read -r f; do
      cp "$f" "$work/corpus/$(printf '%s' "$f" | sha1sum | cut -c1-12).parquet"
    done
    # What the lake does not write itself: the same rows from pyarrow with other codecs, data
    # pages v2, PLAIN and DELTA_BINARY_PACKED pages (when pyarrow is installed, as the tests install it).
    python3 - "$work/corpus" "$lake" <<'PY' || echo "fuzz: pyarrow not available; seeding from out/lake only" >&2
import glob, sys
import pyarrow.parquet as pq
lake = sys.argv[2]
files = sorted(glob.glob(f"{lake}/silver/**/table=levels/**/*.parquet", recursive=True))[:1] \
      + sorted(glob.glob(f"{lake}/bronze/**/*.parquet", recursive=True))[:1]
for k, f in enumerate(files):
    t = pq.read_table(f).slice(0, 200)
    ints = [c for c in t.column_names if str(t.schema.field(c).type) in ("int32", "int64")]
    for j, opts in enumerate([dict(compression="snappy"), dict(compression="gzip"),
                              dict(compression="zstd", data_page_version="2.0"),
                              dict(compression="none", use_dictionary=False),
                              dict(compression="none", use_dictionary=False,
                                   column_encoding={c: "DELTA_BINARY_PACKED" for c in ints})]):
        pq.write_table(t, f"{sys.argv[1]}/pyarrow-{k}-{j}.parquet", data_page_size=512, **opts)
PY
  fi
fi

# The Swift runtime's crash backtracer reads memory AddressSanitizer objects to; libFuzzer
# prints the stack itself.
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
if [ "$seconds" = 0 ]; then exec "$binary" -runs=1 "$@"; fi
before=$(ls "$work/crashes" | wc -l)
status=0
"$binary" "$work/corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=3000 -timeout=20 \
  -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -artifact_prefix="$work/crashes/" -print_final_stats=1 "$@" || status=$?
found=$(( $(ls "$work/crashes" | wc -l) - before ))
if [ "$found" -gt 0 ]; then
  echo "fuzz: $target found $found new crashing, timing-out or out-of-memory input(s) in $work/crashes/;" \
       "replay one with: bash scripts/fuzz.sh $target 0 $work/crashes/FILE" >&2
  exit 1
fi
exit "$status"
