#!/usr/bin/env python3
"""Reference Parquet reading and writing with pyarrow (and DuckDB) for Precedent's tests.

    parquet_oracle.py make OUT --rows N [--compression C] [--dictionary 0|1] [--delta]
                      [--page-version 1.0|2.0] [--row-group-size M] [--no-arrow-schema] [--page-checksum]
        Writes a Parquet file with pyarrow from real data: the first N records of the
        CME ESH4 MBO sample decoded by databento-dbn, as columns of every supported type
        (--delta: integer columns DELTA_BINARY_PACKED; --no-arrow-schema: without the
        ARROW:schema key in the footer; --page-checksum: a CRC-32 on every page).
    parquet_oracle.py checksums FILE
        Reads FILE with pyarrow verifying every page checksum; prints how many pages have one.
    parquet_oracle.py lake-check LAKE DBN_FILE...
        DuckDB over the lake (hive partitioning) against databento-dbn's decoding.
    parquet_oracle.py dbn-compare TABLE.parquet DBN_FILE
        A `dbn to-parquet` table against databento-dbn's decoding, field by field.
    parquet_oracle.py compare FILE OURS.jsonl [--duckdb]
        OURS.jsonl: {"columns": [...]} then one JSON array per row (values as
        `precedent parquet cat` prints them). Compares every value with pyarrow's
        reading of FILE (and DuckDB's read_parquet with --duckdb). Exit 0 when equal.
"""
import argparse
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("PRECEDENT_DATA", os.path.join(os.path.dirname(ROOT), "shared", "data"))
MBO = os.path.join(DATA, "dbn", "cme", "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst")


def real_table(rows, nested=False):
    import databento_dbn as dbn
    dec = dbn.DBNDecoder(compression=dbn.Compression.ZSTD)
    with open(MBO, "rb") as f:
        dec.write(f.read())
    recs = [r for r in dec.decode()[1:]][:rows]
    action = [str(r.action.value) for r in recs]
    return pa.table({
        "ts_recv": pa.array([r.ts_recv for r in recs], pa.timestamp("ns", tz="UTC")),
        "ts_event_local": pa.array([r.ts_event for r in recs], pa.timestamp("ns")),
        "day": pa.array([r.ts_recv // 86_400_000_000_000 for r in recs], pa.int32()).cast(pa.date32()),
        "order_id": pa.array([r.order_id for r in recs], pa.uint64()),
        "price": pa.array([r.price for r in recs], pa.int64()),
        "trade_price": pa.array([r.price if a == "T" else None for r, a in zip(recs, action)], pa.int64()),
        "price_decimal": pa.array([r.price / 1e9 for r in recs], pa.float64()),
        "size": pa.array([r.size for r in recs], pa.uint32()),
        "size_f": pa.array([float(r.size) for r in recs], pa.float32()),
        "flags": pa.array([r.flags for r in recs], pa.uint8()),
        "sequence": pa.array([r.sequence for r in recs], pa.int32()),
        "ts_in_delta": pa.array([r.ts_in_delta for r in recs], pa.int32()),
        "channel": pa.array([r.channel_id for r in recs], pa.int16()),
        "action": pa.array(action, pa.string()),
        "side": pa.array([str(r.side.value) if a != "R" else None for r, a in zip(recs, action)], pa.string()),
        "is_snapshot": pa.array([bool(r.flags & 0x20) for r in recs], pa.bool_()),
    } | ({
        # A nullable group (none for clear records) with a nullable price (none for trades) and a
        # required side; and a required group.
        "book": pa.StructArray.from_arrays(
            [pa.array([None if a == "T" else r.price for r, a in zip(recs, action)], pa.int64()),
             pa.array([r.size for r in recs], pa.uint32()),
             pa.array([str(r.side.value) for r in recs], pa.string())],
            fields=[pa.field("price", pa.int64()), pa.field("size", pa.uint32(), nullable=False),
                    pa.field("side", pa.string(), nullable=False)],
            mask=pa.array([a == "R" for a in action])),
        "meta": pa.StructArray.from_arrays(
            [pa.array([r.sequence for r in recs], pa.int32()), pa.array([r.flags for r in recs], pa.uint8())],
            fields=[pa.field("sequence", pa.int32(), nullable=False), pa.field("flags", pa.uint8(), nullable=False)]),
    } if nested else {}))


def column_values(col):
    t = col.type
    if pa.types.is_timestamp(t):
        col = col.cast(pa.int64())
    elif pa.types.is_date32(t):
        col = col.cast(pa.int32())
    values = col.to_pylist()
    if pa.types.is_float32(t):
        values = [None if v is None else float(np.float32(v)) for v in values]
    return values


def duckdb_rows(path, names, types):
    import duckdb
    cols = []
    for n, t in zip(names, types):
        q = f'"{n}"'
        if pa.types.is_timestamp(t):
            cols.append(f"epoch_ns({q})")
        elif pa.types.is_date32(t):
            cols.append(f"({q} - DATE '1970-01-01')")
        else:
            cols.append(q)
    con = duckdb.connect()
    return con.execute(f"select {', '.join(cols)} from read_parquet('{path}')").fetchall()


def dbn_compare(parquet_path, dbn_path):
    """A `precedent dbn to-parquet` table against databento-dbn's decoding of the DBN file:
    every field of every record (undefined prices and timestamps must be null)."""
    import databento_dbn as dbn
    with open(dbn_path, "rb") as f:
        data = f.read()
    dec = dbn.DBNDecoder(compression=dbn.Compression.ZSTD if data[:4] == b"\x28\xb5\x2f\xfd" else dbn.Compression.NONE,
                         upgrade_policy=dbn.VersionUpgradePolicy.UPGRADE_TO_V3)
    dec.write(data)
    recs = dec.decode()[1:]
    table = pq.read_table(parquet_path)
    rtype = table.column("rtype")[0].as_py()
    recs = [r for r in recs if int(r.rtype) == rtype]
    cols = {n: column_values(table.column(n)) for n in table.column_names}
    problems = []
    if len(recs) != table.num_rows:
        problems.append(f"rows: databento-dbn {len(recs)}, parquet {table.num_rows}")
    for i, r in enumerate(recs):
        raw = bytes(r)
        row = np.frombuffer(raw[: np.dtype(r._dtypes).itemsize], dtype=r._dtypes)[0]
        for name in row.dtype.names:
            if name == "length" or name.startswith("_") or "_reserved" in name:
                continue
            v = row[name]
            want = v.split(b"\0")[0].decode() if isinstance(v, bytes) else int(v)
            if name in r._price_fields and want == 2**63 - 1:
                want = None
            if name in r._timestamp_fields and want == 2**64 - 1:
                want = None
            got = cols[name][i]
            if got != want:
                problems.append(f"record {i} field {name}: databento-dbn {want!r}, parquet {got!r}")
        if len(problems) > 10:
            break
    if problems:
        print(f"{parquet_path}: differences"); [print("  " + p) for p in problems[:12]]
        return 1
    print(f"{parquet_path}: {len(recs)} records identical to databento-dbn")
    return 0


def lake_check(lake, dbn_files):
    """DuckDB over the lake (hive partitioning) against databento-dbn's decoding of the
    DBN files: rows, sum of size and first ts_recv per (symbol, UTC date)."""
    import duckdb
    import databento_dbn as dbn
    expected = {}
    for path in dbn_files:
        with open(path, "rb") as f:
            data = f.read()
        dec = dbn.DBNDecoder(compression=dbn.Compression.ZSTD)
        dec.write(data)
        out = dec.decode()
        md, recs = out[0], out[1:]
        ids = {}
        for raw, intervals in md.mappings.items():
            for iv in intervals:
                ids[int(iv["symbol"])] = raw
        for r in recs:
            key = (ids[r.instrument_id], r.ts_recv // 86_400_000_000_000)
            n, s, first = expected.get(key, (0, 0, None))
            expected[key] = (n + 1, s + r.size, r.ts_recv if first is None else min(first, r.ts_recv))
    con = duckdb.connect()
    rows = con.execute(f"""select symbol, (dt - DATE '1970-01-01') as day, count(*), sum(size), min(epoch_ns(ts_recv)),
                                  min(product_type), min("table")
                           from read_parquet('{lake}/**/*.parquet', hive_partitioning = true)
                           group by symbol, dt order by symbol, dt""").fetchall()
    got = {(sym, day): (n, int(s), first) for sym, day, n, s, first, _, _ in rows}
    problems = [] if got == expected else [f"duckdb {sorted(got.items())}", f"databento-dbn {sorted(expected.items())}"]
    if any(p != "future" or t != "mbo" for *_, p, t in rows):
        problems.append("partition columns product_type/table missing or wrong")
    if problems:
        print("lake differs:"); [print("  " + p) for p in problems]
        return 1
    print(f"lake: {len(rows)} partitions, {sum(v[0] for v in got.values())} rows, identical to databento-dbn")
    return 0


def schema_check(parquet_path, avsc_path, bq_path):
    """The Avro schema parses (fastavro) and the BigQuery schema describes exactly the file's
    columns: names, order, modes (from nullability) and types (from the Arrow types)."""
    import fastavro
    problems = []
    with open(avsc_path) as f:
        avro = json.load(f)
    fastavro.parse_schema(avro)
    schema = pq.read_schema(parquet_path)
    if [x["name"] for x in avro["fields"]] != schema.names:
        problems.append(f"avro fields {[x['name'] for x in avro['fields']]} vs columns {schema.names}")

    def bq_type(t):
        if pa.types.is_struct(t): return "RECORD"
        if pa.types.is_timestamp(t): return "TIMESTAMP" if t.tz else "DATETIME"
        if pa.types.is_date32(t): return "DATE"
        if pa.types.is_string(t): return "STRING"
        if pa.types.is_boolean(t): return "BOOL"
        if pa.types.is_integer(t): return "INT64"
        if pa.types.is_floating(t): return "FLOAT64"
        return "BYTES"

    def check(bq, fields, prefix=""):
        if [e["name"] for e in bq] != [f.name for f in fields]:
            problems.append(f"{prefix}bigquery names {[e['name'] for e in bq]} vs {[f.name for f in fields]}")
            return
        for e, f in zip(bq, fields):
            if e["type"] != bq_type(f.type):
                problems.append(f"{prefix}{f.name}: bigquery {e['type']}, arrow {f.type}")
            if e["mode"] != ("NULLABLE" if f.nullable else "REQUIRED"):
                problems.append(f"{prefix}{f.name}: mode {e['mode']}, arrow nullable={f.nullable}")
            if not e.get("description"):
                problems.append(f"{prefix}{f.name}: no description")
            if pa.types.is_struct(f.type):
                check(e["fields"], list(f.type), prefix + f.name + ".")

    with open(bq_path) as f:
        check(json.load(f), list(schema))
    if problems:
        print("schemas differ:"); [print("  " + p) for p in problems[:12]]
        return 1
    print(f"{avsc_path}, {bq_path}: describe the {len(schema.names)} columns exactly")
    return 0


def check_stats(path):
    """Every column chunk's min/max/null count, as pyarrow reads them, equal those of its values."""
    import pyarrow.compute as pc
    problems = []
    f = pq.ParquetFile(path)
    for g in range(f.num_row_groups):
        table = f.read_row_group(g)
        for j in range(table.num_columns):
            st = f.metadata.row_group(g).column(j).statistics
            col = table.column(j)
            name = table.column_names[j]
            if st is None or not st.has_null_count:
                problems.append(f"row group {g} column {name}: no statistics")
                continue
            if st.null_count != col.null_count:
                problems.append(f"row group {g} column {name}: null_count {st.null_count}, data has {col.null_count}")
            if pa.types.is_struct(col.type):
                continue  # statistics belong to the leaves
            if col.null_count < len(col):
                mm = pc.min_max(col)
                lo, hi = mm["min"].as_py(), mm["max"].as_py()
                if not st.has_min_max or st.min != lo or st.max != hi:
                    problems.append(f"row group {g} column {name}: stats {st.min}..{st.max}, data {lo}..{hi}")
    return problems


def checksums(path):
    """pyarrow reads the file verifying page checksums (it raises on a mismatch); the number of
    pages that carry one, counted from the page headers pyarrow's metadata locates."""
    pq.read_table(path, page_checksum_verification=True)
    f = pq.ParquetFile(path)
    pages = with_crc = 0
    raw = open(path, "rb").read()
    for g in range(f.num_row_groups):
        for c in range(f.metadata.num_columns):
            col = f.metadata.row_group(g).column(c)
            pos = col.dictionary_page_offset if col.has_dictionary_page else col.data_page_offset
            end = pos + col.total_compressed_size
            while pos < end:
                header, size = thrift_page_header(raw, pos)
                pages += 1
                with_crc += 4 in header
                pos += size + header[3]
    print(json.dumps({"pages": pages, "with_checksum": with_crc}))
    return 0


def thrift_page_header(raw, pos):
    """The top-level fields of a Thrift compact PageHeader at `pos` (integers only; nested structs
    skipped) and its length in bytes."""
    start, fields, last = pos, {}, 0

    def varint():
        nonlocal pos
        v = shift = 0
        while True:
            b = raw[pos]; pos += 1
            v |= (b & 0x7F) << shift
            if b < 0x80:
                return v
            shift += 7

    def skip(t):
        nonlocal pos
        if t in (1, 2):
            return
        if t == 3:
            pos += 1
        elif t in (4, 5, 6):
            varint()
        elif t == 7:
            pos += 8
        elif t == 8:
            n = varint(); pos += n
        elif t in (9, 10):
            h = raw[pos]; pos += 1
            n = h >> 4
            if n == 15:
                n = varint()
            for _ in range(n):
                skip(h & 0x0F)
        elif t == 12:
            last_inner = 0
            while True:
                h = raw[pos]; pos += 1
                if h == 0:
                    return
                if h >> 4 == 0:
                    varint()
                skip(h & 0x0F)

    while True:
        h = raw[pos]; pos += 1
        if h == 0:
            return fields, pos - start
        t, delta = h & 0x0F, h >> 4
        fid = last + delta if delta else varint()
        last = fid
        if t in (5, 6):
            z = varint()
            fields[fid] = (z >> 1) ^ -(z & 1)
        else:
            skip(t)


def compare(path, ours_path, with_duckdb, with_stats=False):
    # Page checksums are verified where a page has one (Precedent writes them on every page).
    table = pq.read_table(path, page_checksum_verification=True)
    names = table.column_names
    with open(ours_path) as f:
        header = json.loads(f.readline())
        ours = [json.loads(line) for line in f if line.strip()]
    problems = []
    if header["columns"] != names:
        problems.append(f"column names: pyarrow {names}, ours {header['columns']}")
    cols = [column_values(table.column(i)) for i in range(table.num_columns)]
    types = [table.schema.field(i).type for i in range(table.num_columns)]
    theirs = list(zip(*cols)) if cols else []
    if len(ours) != len(theirs):
        problems.append(f"rows: pyarrow {len(theirs)}, ours {len(ours)}")

    def same(a, b, t):
        if a is None or b is None:
            return a is None and b is None
        if pa.types.is_float32(t):
            return np.float32(a) == np.float32(b)
        return a == b

    for i, (a, b) in enumerate(zip(theirs, ours)):
        for j, (x, y) in enumerate(zip(a, b)):
            if not same(x, y, types[j]):
                problems.append(f"row {i} column {names[j]}: pyarrow {x!r}, ours {y!r}")
        if len(problems) > 10:
            break
    if with_duckdb and not problems:
        drows = duckdb_rows(path, names, types)
        if len(drows) != len(ours):
            problems.append(f"rows: duckdb {len(drows)}, ours {len(ours)}")
        for i, (a, b) in enumerate(zip(drows, ours)):
            for j, (x, y) in enumerate(zip(a, b)):
                if not same(x, y, types[j]):
                    problems.append(f"row {i} column {names[j]}: duckdb {x!r}, ours {y!r}")
            if len(problems) > 10:
                break
    if with_stats and not problems:
        problems += check_stats(path)
    if problems:
        print(f"{path}: differences")
        for p in problems[:12]:
            print("  " + p)
        return 1
    print(f"{path}: {len(ours)} rows x {len(names)} columns identical" + (" (pyarrow and duckdb)" if with_duckdb else ""))
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "schema-check":
        return schema_check(sys.argv[2], sys.argv[3], sys.argv[4])
    if len(sys.argv) > 1 and sys.argv[1] == "lake-check":
        return lake_check(sys.argv[2], sys.argv[3:])
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["make", "compare", "schema", "dbn-compare", "checksums"])
    ap.add_argument("file")
    ap.add_argument("ours", nargs="?")
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--compression", default="snappy")
    ap.add_argument("--dictionary", type=int, default=1)
    ap.add_argument("--page-version", default="1.0")
    ap.add_argument("--row-group-size", type=int, default=None)
    ap.add_argument("--duckdb", action="store_true")
    ap.add_argument("--nested", action="store_true", help="make: add struct columns")
    ap.add_argument("--stats", action="store_true", help="also check every column chunk's statistics")
    ap.add_argument("--delta", action="store_true", help="make: DELTA_BINARY_PACKED for every integer column")
    ap.add_argument("--no-arrow-schema", action="store_true", help="make: leave the ARROW:schema key out of the footer")
    ap.add_argument("--page-checksum", action="store_true", help="make: write a CRC-32 on every page")
    a = ap.parse_args()
    if a.command == "make":
        table = real_table(a.rows, a.nested)
        dictionary, encodings = bool(a.dictionary), None
        if a.delta:
            def integer(t):
                return pa.types.is_integer(t) or pa.types.is_timestamp(t) or pa.types.is_date32(t)
            encodings = {f.name: "DELTA_BINARY_PACKED" for f in table.schema if integer(f.type)}
            dictionary = [f.name for f in table.schema if f.name not in encodings] if a.dictionary else False
        pq.write_table(table, a.file, compression=a.compression, use_dictionary=dictionary,
                       column_encoding=encodings, data_page_version=a.page_version, row_group_size=a.row_group_size,
                       store_schema=not a.no_arrow_schema, write_page_checksum=a.page_checksum)
        return 0
    if a.command == "checksums":
        return checksums(a.file)
    if a.command == "dbn-compare":
        return dbn_compare(a.file, a.ours)
    if a.command == "schema":
        print(pq.read_schema(a.file))
        return 0
    return compare(a.file, a.ours, a.duckdb, a.stats)


if __name__ == "__main__":
    sys.exit(main())
