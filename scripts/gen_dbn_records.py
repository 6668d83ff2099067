#!/usr/bin/env python3
"""Generate Sources/PrecedentDBN/Generated/<Type>.swift from the DBN layout tables.

Input: a Markdown file of Databento's DBN record layouts (byte offsets of every record type and
version, one table each, checked against real files). One table becomes one Swift struct with a
memberwise initializer, an unchecked little-endian reader, a writer and a field
table (output names, offsets, kinds) used by `dbn cat` and the tests.

Run from the repository root:  python3 scripts/gen_dbn_records.py LAYOUTS.md
The output is committed; re-run only when the layout document changes.
"""
import re
import sys
from pathlib import Path

if len(sys.argv) != 2:
    sys.exit("usage: python3 scripts/gen_dbn_records.py LAYOUTS.md  (Databento's DBN record layout tables)")
LAYOUTS = Path(sys.argv[1])
OUT = Path("Sources/PrecedentDBN/Generated")

# Section title prefix -> (Swift type, version tag or None for version-independent).
SECTIONS = [
    ("MBO ", "MBOMsg"), ("Trades / MBP-0", "TradeMsg"), ("MBP-1 / TBBO", "MBP1Msg"),
    ("MBP-10", "MBP10Msg"), ("BBO-1s/1m", "BBOMsg"), ("CMBP-1/TCBBO", "CMBP1Msg"),
    ("CBBO-1s/1m", "CBBOMsg"), ("OHLCV", "OHLCVMsg"), ("Status", "StatusMsg"),
    ("Imbalance", "ImbalanceMsg"), ("Instrument definition", "InstrumentDefMsg"),
    ("Statistics", "StatMsg"), ("Symbol mapping", "SymbolMappingMsg"),
    ("Error", "ErrorMsg"), ("System", "SystemMsg"),
]
LATEST = 3

PRICE_FIELDS = {
    "price", "open", "high", "low", "close", "ref_price", "cont_book_clr_price",
    "auct_interest_clr_price", "ssr_filling_price", "ind_match_price", "upper_collar",
    "lower_collar", "min_price_increment", "display_factor", "high_limit_price",
    "low_limit_price", "max_price_variation", "unit_of_measure_qty",
    "min_price_increment_amount", "price_ratio", "strike_price", "leg_price", "leg_delta",
    "trading_reference_price", "bid_px", "ask_px",
}
TIME_FIELDS = {"ts_event", "ts_recv", "ts_ref", "expiration", "activation", "start_ts",
               "end_ts", "auction_time"}
SIDE_FIELDS = {"side", "leg_side", "unpaired_side"}
CLASS_FIELDS = {"instrument_class", "leg_instrument_class"}
INT_TYPES = {"u1": "UInt8", "u2": "UInt16", "u4": "UInt32", "u8": "UInt64",
             "i1": "Int8", "i2": "Int16", "i4": "Int32", "i8": "Int64"}
LEVEL = re.compile(r"^(.*)_(\d\d)$")


def camel(name):
    parts = [p for p in name.strip("_").split("_") if p]
    out = parts[0]
    for p in parts[1:]:
        out += "ID" if p == "id" else p[0].upper() + p[1:]
    return ("reserved" + out[len("reserved"):]) if name.startswith("_") else out


def parse(text):
    tables, title, rows = [], None, []
    for line in text.splitlines():
        if line.startswith("#### "):
            if title:
                tables.append((title, rows))
            title, rows = line[5:], []
        elif title and line.startswith("| ") and not line.startswith("| off") and "---" not in line:
            off, size, typ, name = [c.strip() for c in line.strip("|").split("|")]
            rows.append((int(off), int(size), typ, name))
    if title:
        tables.append((title, rows))
    return tables


def swift_type(name, size, typ):
    """(Swift type, field-table kind) for one field."""
    if typ.startswith("S"):
        n = int(typ[1:])
        if n == 1 and not name.startswith("_"):
            if name == "action":
                return "Action", ".char"
            if name in SIDE_FIELDS:
                return "Side", ".char"
            if name in CLASS_FIELDS:
                return "InstrumentClass", ".char"
            return "UInt8", ".char"
        return f"FixedString<{n}>", f".string({n})"
    base = INT_TYPES[typ]
    if name == "flags":
        return "RecordFlags", ".flags"
    if name in PRICE_FIELDS and typ == "i8":
        return "Price", ".price"
    if name in TIME_FIELDS and typ == "u8":
        return "UnixNanos", ".timestamp"
    return base, "." + {"UInt8": "u8", "UInt16": "u16", "UInt32": "u32", "UInt64": "u64",
                        "Int8": "i8", "Int16": "i16", "Int32": "i32", "Int64": "i64"}[base]


def read_expr(ty, off):
    if ty.startswith("FixedString"):
        return f"{ty}(unchecked: p + {off})"
    if ty in ("Action", "Side", "InstrumentClass", "RecordFlags", "Price", "UnixNanos"):
        return f"{ty}(rawValue: p.le({off}))"
    return f"p.le({off})"


def write_stmt(ty, prop, off):
    if ty.startswith("FixedString"):
        return f"{prop}.write(to: p + {off})"
    if ty in ("Action", "Side", "InstrumentClass", "RecordFlags", "Price", "UnixNanos"):
        return f"p.storeLE({prop}.rawValue, {off})"
    return f"p.storeLE({prop}, {off})"


def generate(title, rows, type_name):
    size = int(re.search(r"— (\d+) bytes", title).group(1))
    rtypes = re.search(r"\((?:rtype )?([^)]*)\)", title).group(1)
    body = [r for r in rows if r[0] >= 16]
    # Group BidAskPair levels (bid_px_00 …) into `levels`.
    level_rows = [r for r in body if LEVEL.match(r[3])]
    plain = [r for r in body if not LEVEL.match(r[3])]
    n_levels = len({LEVEL.match(r[3]).group(2) for r in level_rows})
    pair = None
    if level_rows:
        pair = "ConsolidatedBidAskPair" if any("_pb_" in r[3] for r in level_rows) else "BidAskPair"
        level_base = min(r[0] for r in level_rows)
    props = []  # (prop, swift type, default or None)
    reads, writes, fields = [], [], []
    for off, sz, typ, name in plain:
        ty, kind = swift_type(name, sz, typ)
        prop = camel(name)
        default = f"{ty}()" if name.startswith("_") else None
        props.append((prop, ty, default, name, off, typ))
        reads.append(f"{prop} = {read_expr(ty, off)}")
        writes.append(write_stmt(ty, prop, off))
    if pair:
        props.append(("levels", f"InlineArray<{n_levels}, {pair}>", None, "levels", level_base, None))
        reads.append(f"levels = InlineArray {{ i in {pair}(unchecked: p + {level_base} + i * {pair}.size) }}")
        writes.append(f"for i in 0..<{n_levels} {{ levels[i].write(to: p + {level_base} + i * {pair}.size) }}")
    # Field table in layout order (the official package's dtype order), hidden fields left out.
    for off, sz, typ, name in body:
        if name.startswith("_") or (LEVEL.match(name) and LEVEL.match(name).group(1).startswith("_")):
            continue
        _, kind = swift_type(LEVEL.match(name).group(1) if LEVEL.match(name) else name, sz, typ)
        fields.append((name, off, kind))
    # dtype order: header (rtype, publisher_id, instrument_id, ts_event) then body.
    table = [("rtype", 1, ".u8"), ("publisher_id", 2, ".u16"), ("instrument_id", 4, ".u32"),
             ("ts_event", 8, ".timestamp")] + fields
    out = []
    out.append(f"/// DBN record `{title}`.")
    out.append(f"///")
    out.append(f"/// Generated from Databento's DBN layout table by `scripts/gen_dbn_records.py`; do not edit.")
    out.append(f"/// Prices are fixed-point 1e-9 (`Price`), timestamps UTC nanoseconds (`UnixNanos`).")
    out.append(f"public struct {type_name}: DBNRecordLayout {{")
    out.append(f"    /// Encoded size in bytes without a `ts_out` suffix (`length` = {size // 4} words).")
    out.append(f"    public static let recordSize = {size}")
    out.append(f"    public var hd: RecordHeader")
    for prop, ty, default, name, off, typ in props:
        if name == "levels":
            out.append(f"    /// Book levels, best first ({pair}; `*_00` … in the official field names).")
        elif default:
            out.append(f"    /// Reserved bytes at offset {off}, kept so records round-trip byte for byte.")
        else:
            out.append(f"    /// `{name}` ({typ} at offset {off}).")
        out.append(f"    public var {prop}: {ty}")
    params = ",\n        ".join(
        ["hd: RecordHeader"] + [f"{p}: {t}" + (f" = {d}" if d else "") for p, t, d, *_ in props])
    out.append("")
    out.append(f"    @inlinable public init(\n        {params}\n    ) {{")
    out.append("        self.hd = hd")
    for p, *_ in props:
        out.append(f"        self.{p} = {p}")
    out.append("    }")
    out.append("")
    out.append(f"    /// Reads the record at `p`. The caller guarantees {size} readable bytes.")
    out.append("    @inlinable public init(unchecked p: UnsafeRawPointer) {")
    out.append("        hd = RecordHeader(unchecked: p)")
    for r in reads:
        out.append(f"        {r}")
    out.append("    }")
    out.append("")
    out.append(f"    /// Writes the {size}-byte layout at `p` (header as stored in `hd`).")
    out.append("    @inlinable public func write(to p: UnsafeMutableRawPointer) {")
    out.append("        hd.write(to: p)")
    for w in writes:
        out.append(f"        {w}")
    out.append("    }")
    out.append("")
    if pair:
        out.append("    /// Equal when every byte of the encoding is equal (`InlineArray` has no `==`).")
        out.append("    public static func == (a: Self, b: Self) -> Bool {")
        out.append("        withUnsafeTemporaryAllocation(byteCount: 2 * recordSize, alignment: 8) { buf in")
        out.append("            let p = buf.baseAddress!")
        out.append("            a.write(to: p)")
        out.append("            b.write(to: p + recordSize)")
        out.append("            return memcmp(p, p + recordSize, recordSize) == 0")
        out.append("        }")
        out.append("    }")
        out.append("")
    out.append("    /// Output fields in the official `databento-dbn` order and names.")
    out.append("    public static let fields: [FieldSpec] = [")
    for name, off, kind in table:
        out.append(f"        FieldSpec(\"{name}\", {off}, {kind}),")
    out.append("    ]")
    out.append("}")
    return "\n".join(out)


def main():
    tables = parse(LAYOUTS.read_text())

    def version_of(title):
        m = re.search(r"\) v(\d)", title)
        return int(m.group(1)) if m else None

    # Latest layouts first, so that an older table identical to one already seen is skipped.
    tables.sort(key=lambda t: 0 if version_of(t[0]) in (None, LATEST) else 1)
    chunks, seen = [], {}
    for title, rows in tables:
        base = next(t for prefix, t in SECTIONS if title.startswith(prefix))
        m = re.search(r"\) v(\d)", title)
        version = int(m.group(1)) if m else None
        type_name = base if version in (None, LATEST) else f"{base}V{version}"
        layout = tuple(rows)
        if version is not None and version != LATEST:
            # v2 tables identical to the latest (or to v1) need no type of their own.
            if (base, layout) in seen:
                continue
        seen[(base, layout)] = type_name
        chunks.append((type_name, generate(title, rows, type_name)))
    header = ("// Generated by scripts/gen_dbn_records.py from Databento's DBN layout table. Do not edit.\n\n"
              "import PrecedentCore\n\n")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.swift"):
        old.unlink()
    for type_name, code in chunks:
        imports = header
        if "memcmp" in code:
            imports = header.replace("import PrecedentCore\n", "#if canImport(Glibc)\nimport Glibc\n#else\nimport Darwin\n#endif\nimport PrecedentCore\n")
        (OUT / f"{type_name}.swift").write_text(imports + code + "\n")
    print(f"wrote {len(chunks)} record types to {OUT}")


if __name__ == "__main__":
    main()
