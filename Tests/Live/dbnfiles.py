"""Reads a DBN file (plain or zstd) with databento_dbn, records upgraded to DBN v3: (metadata, records)."""
import databento_dbn as dbn
import zstandard


def read(path):
    raw = open(path, "rb").read()
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        raw = zstandard.ZstdDecompressor().stream_reader(raw).read()
    dec = dbn.DBNDecoder(upgrade_policy=dbn.VersionUpgradePolicy.UPGRADE_TO_V3)
    dec.write(raw)
    items = dec.decode()
    return items[0], items[1:]
