#!/usr/bin/env bash
# Installs what the tests need and runs them all (Swift Testing; the reference
# implementations in Tests/Oracle run from inside the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA="${PRECEDENT_DATA:-../shared/data}"
[ -d "$DATA/dbn" ] || { echo "test: sample data not found at $DATA (set PRECEDENT_DATA)" >&2; exit 1; }
swift build --build-tests
swift test --skip-build
# Every fuzz target briefly (docs/FUZZING.md), so that a reader that starts crashing on bad input
# is caught by the change that made it.
bash scripts/fuzz.sh all "${PRECEDENT_FUZZ_SECONDS:-60}"
