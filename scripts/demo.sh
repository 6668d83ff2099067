#!/usr/bin/env bash
# Sets everything up and runs the main job on the sample data:
# builds Precedent (release) and summarises every real CME DBN file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA="${PRECEDENT_DATA:-../shared/data}"
[ -d "$DATA/dbn/cme" ] || { echo "demo: sample data not found at $DATA (set PRECEDENT_DATA)" >&2; exit 1; }
swift build -c release --product precedent
.build/release/precedent dbn info "$DATA"/dbn/cme/*.dbn.zst
