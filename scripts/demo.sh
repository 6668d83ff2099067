#!/usr/bin/env bash
# Sets everything up and runs the main job on the sample data:
# builds Precedent (release) and summarises every real CME DBN file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA="${PRECEDENT_DATA:-../shared/data}"
[ -d "$DATA/dbn/cme" ] || { echo "demo: sample data not found at $DATA (set PRECEDENT_DATA)" >&2; exit 1; }
swift build -c release --product precedent
P=.build/release/precedent
OUT="${PRECEDENT_OUT:-out}"
mkdir -p "$OUT"
echo "== what the CME sample files hold"
$P dbn info "$DATA"/dbn/cme/*.dbn.zst
echo "== the ESH4 order book after the last events of 2023-12-25 (top 3 levels)"
$P book "$DATA"/dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst --depth 3 --pretty | tail -3
echo "== LOBSTER AMZN 2012-06-21 imported to DBN MBO"
$P import lobster --symbol AMZN --date 2012-06-21 --out "$OUT/amzn-20120621.mbo.dbn.zst" \
  --message "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv \
  --orderbook "$DATA"/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv
echo "== the ESH4 MBO file as Parquet (readable by pyarrow, DuckDB, Polars, BigQuery)"
$P dbn to-parquet "$DATA"/dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst --out "$OUT/parquet"
$P parquet schema "$OUT/parquet/esh4-glbx-mdp3-20231225-to2330.mbo.mbo.parquet"
echo "== the CME MBO samples in a Hive-partitioned lake (DuckDB: read_parquet('out/lake/**/*.parquet', hive_partitioning = true))"
$P lake write-dbn "$DATA"/dbn/cme/*.mbo.dbn.zst --lake "$OUT/lake" --table mbo --overwrite
$P lake ls "$OUT/lake"
