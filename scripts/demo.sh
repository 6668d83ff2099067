#!/usr/bin/env bash
# Sets everything up and runs the main job on the sample data: builds Precedent
# (release), lays the real sample files out as a lake's raw inputs (CME files
# linked in place, the LOBSTER AMZN day imported to DBN), and runs the pipeline
# raw → bronze → selection map, levels → 5-second level-vacuum features → gold,
# then queries the lake and replays one day through the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA="${PRECEDENT_DATA:-../shared/data}"
[ -d "$DATA/dbn/cme" ] || { echo "demo: sample data not found at $DATA (set PRECEDENT_DATA)" >&2; exit 1; }
DATA="$(cd "$DATA" && pwd)"
swift build -c release --product precedent
P=.build/release/precedent
OUT="${PRECEDENT_OUT:-out}"
LAKE="$OUT/lake"
mkdir -p "$OUT"

echo "== what the CME sample files hold"
$P dbn info "$DATA"/dbn/cme/*.mbo.dbn.zst
echo "== the ESH4 order book after the last events of 2023-12-25 (top 3 levels)"
$P book "$DATA"/dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst --depth 3 --pretty | tail -3

echo "== raw inputs of the lake $LAKE (files linked in place, never copied)"
ES="$LAKE/raw/source=databento/product_type=future/symbol=ES"
AMZN="$LAKE/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
mkdir -p "$ES/table=market_by_order_dbn" "$ES/table=definition_dbn" "$AMZN"
ln -sf "$DATA"/dbn/cme/*.mbo.dbn.zst "$ES/table=market_by_order_dbn/"
ln -sf "$DATA"/dbn/cme/definition-glbx-es-fut*.dbn.zst "$ES/table=definition_dbn/"
[ -f "$AMZN/amzn-20120621.mbo.dbn.zst" ] || $P import lobster --symbol AMZN --date 2012-06-21 --out "$AMZN/amzn-20120621.mbo.dbn.zst" \
  --message "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv \
  --orderbook "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv | head -2

echo "== the pipeline: bronze, selection map, levels, silver, gold (config/sample.yaml sets the ES analysis window to the 18:00 ET reopen)"
$P run --layer all --symbol ES --symbol AMZN --lake "$LAKE" --config config/sample.yaml --workers 2 --report "$OUT/run-report.json"
echo "== a second run finds every partition complete and skips it"
$P run --layer all --symbol ES --symbol AMZN --lake "$LAKE" --config config/sample.yaml --quiet | head -7
echo "== the contract selected for each ES trade date, and why"
for f in "$LAKE"/silver/product_type=future/symbol=ES/table=selection_map/dt=*/part-00000.parquet; do
  $P parquet cat "$f" --columns trade_date,contract,volume,share,selected,reason
done
echo "== ES levels of trade date 2023-12-26 (null price: the reason says why)"
$P parquet cat "$LAKE/silver/product_type=future/symbol=ES/table=levels/dt=2023-12-26/part-00000.parquet" \
  --columns level_id,price,known_at,trades,reason
echo "== first silver rows at the ES opening-range high (asks at/beyond the level, best-quote offsets, order-flow imbalance)"
$P parquet cat "$LAKE/silver/product_type=future/symbol=ES/table=level_vacuum_5s/dt=2023-12-26/part-00000.parquet" --limit 4 \
  --columns level_id,window_start,u_beyond_at_ask_depth,u_beyond_at_ask_added,u_beyond_at_ask_pulled,u_beyond_at_ask_filled,u_x_bid,u_x_ask,u_ofi
echo "== the precedent indexes (one per level kind and approach direction)"
$P index build --symbol ES --lake "$LAKE" --config config/sample.yaml
$P index build --symbol AMZN --lake "$LAKE" --config config/sample.yaml
echo "== walk-forward evaluation on the AMZN day (too few setups to conclude: it says so)"
$P evaluate --symbol AMZN --lake "$LAKE" --config config/sample.yaml --level or_low --minimum-precedents 5 | head -12
$P evaluate --symbol AMZN --lake "$LAKE" --config config/sample.yaml --k 5 --minimum-precedents 5 --html "$OUT/evaluate-amzn.html" > /dev/null
echo "   (the whole evaluation as a page with figures: $OUT/evaluate-amzn.html)"
echo "== the order-flow-imbalance study (Cont, Kukanov & Stoikov 2014) on the AMZN day: mid changes against OFI, docs/STUDIES.md"
$P study ofi --symbol AMZN --lake "$LAKE" --config config/sample.yaml --html "$OUT/ofi-amzn.html" 2>/dev/null | tail -3
echo "   (per window and with figures: $OUT/ofi-amzn.html)"
echo "== query the lake with DuckDB: read_parquet('$LAKE/gold/*/*/table=triggers/*/*.parquet', hive_partitioning = true)"
echo "== ES at 18:22:50 ET on trade date 2023-12-26: price approaches the opening-range high from above"
$P query --symbol ES --date 2023-12-26 --time 18:22:50 --level or_high --lake "$LAKE" --config config/sample.yaml
echo "== AMZN at 12:21:35 ET: approaching the opening-range low from above — its nearest precedents and what followed"
$P query --symbol AMZN --date 2012-06-21 --time 12:21:35 --level or_low --k 5 --lake "$LAKE" --config config/sample.yaml
echo "== the engine, record by record: the AMZN day replayed from its DBN file (levels, triggers with their precedents, outcomes; windows left out)"
$P replay "$AMZN"/amzn-20120621.mbo.dbn.zst --symbol AMZN --config config/sample.yaml --lake "$LAKE" --k 5 --format pretty > "$OUT/replay-amzn.txt"
awk '!/  window  /' "$OUT/replay-amzn.txt" | sed -n '1,20p'
echo "   (all $(wc -l < "$OUT/replay-amzn.txt") lines in $OUT/replay-amzn.txt; --format jsonl gives the lake's fields, --speed 10 paces it)"
echo "== the view: precedent serve replays a day of the lake in the browser (started here for a check, then stopped)"
$P serve --lake "$LAKE" --config config/sample.yaml --symbol AMZN --date 2012-06-21 --time 12:15 --speed 10 --port 0 2> "$OUT/serve.log" &
SERVE=$!
for _ in $(seq 1 100); do grep -q "open http" "$OUT/serve.log" 2>/dev/null && break; sleep 0.2; done
URL=$(grep -o "http://[^ ]*/" "$OUT/serve.log" | head -1)
sleep 2  # the engine runs the morning unpaced up to --time first
cat "$OUT/serve.log"
echo "GET ${URL}healthz → $(curl -s "${URL}healthz")"
echo "GET ${URL}api/replay → $(curl -s "${URL}api/replay")"
kill -INT $SERVE; wait $SERVE || true
echo "   to watch it: $P serve --lake $LAKE --config config/sample.yaml --symbol AMZN --date 2012-06-21 --time 12:15 --speed 10"
echo "   then open http://127.0.0.1:8080/ (docs/API.md: the page, the API, the stream)"
