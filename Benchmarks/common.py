"""Paths shared by the benchmark scripts (run them from the repository root)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("PRECEDENT_DATA", os.path.join(os.path.dirname(ROOT), "shared", "data"))
# The real CME ESH4 MBO sample: DBN v1, 44,371 records.
ESH4_MBO = os.path.join(DATA, "dbn", "cme", "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst")
RELEASE_BINARY = os.path.join(ROOT, ".build", "release", "precedent")
BENCH_BINARY = os.path.join(ROOT, ".build", "release", "precedent-bench")
