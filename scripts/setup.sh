#!/usr/bin/env bash
# Installs what Precedent needs on a Debian machine with Swift 6 (idempotent; quick when all is present):
#   Debian: libzstd-dev, libsnappy-dev, zlib1g-dev (codecs), libopenblas-dev (k-NN), zstd (tests compare with the zstd command),
#           chromium (the page of precedent serve is tested in it)
#   PyPI:   the reference implementations the tests compare with: databento-dbn, numpy, pyarrow, duckdb, fastavro, faiss-cpu;
#           playwright (drives the system chromium: its own browser download is not used);
#           databento (its live gateway classes and challenge function build the mock gateway, and its
#           official Live client checks that mock; installed without its pin on an older databento-dbn);
#           ray (cluster/ray_run.py, the driver that runs the pipeline on a Ray cluster, and its test)
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in libzstd-dev libsnappy-dev zlib1g-dev libopenblas-dev zstd pkg-config chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import databento_dbn, numpy, pyarrow, duckdb, fastavro, faiss, pandas, talib, playwright' >/dev/null 2>&1; then
  echo "setup: installing Python test oracles (databento-dbn, numpy, pyarrow, duckdb, fastavro, faiss-cpu, pandas, ta-lib, playwright)"
  python3 -m pip install -q --disable-pip-version-check "databento-dbn==0.72.0" numpy "pyarrow>=20" "duckdb>=1.1" pytz fastavro faiss-cpu pandas ta-lib playwright
fi

if ! python3 -c 'import databento.live.gateway, databento.common.cram, zstandard, aiohttp' >/dev/null 2>&1; then
  echo "setup: installing the databento client (the live tests' mock gateway and its check)"
  python3 -m pip install -q --disable-pip-version-check --no-deps "databento==0.88.0"
  python3 -m pip install -q --disable-pip-version-check zstandard "aiohttp>=3.8.3,<4" requests "certifi>=2026.10.19"
fi

if ! python3 -c 'import ray' >/dev/null 2>&1; then
  echo "setup: installing Ray (cluster/ray_run.py and its test)"
  python3 -m pip install -q --disable-pip-version-check "ray==2.60.0"
fi

command -v swift >/dev/null || { echo "setup: swift 6 is not on PATH (expected under /opt/swift)" >&2; exit 1; }
