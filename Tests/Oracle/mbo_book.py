#!/usr/bin/env python3
"""A naive reference L3 book, written from the rules of docs/BOOK.md, for comparing with Precedent.

    mbo_book.py FILE --instrument-id N [--depth 10]

Decodes FILE with the official databento-dbn package and prints, after every MBO record
of the instrument that carries F_LAST, the same CSV as `precedent book FILE --depth N`.
Deliberately simple and independent of Precedent: orders in a dict, levels as dicts of
price -> [size, count], top levels by sorting. Rules:
  A add (side N or undefined price: skipped; a duplicate id replaces the old order)
  C subtract `size` from the order, removing it at zero (larger cancels clamp; unknown ids ignored)
  M new price/size (unknown id: add; size 0: remove; side N keeps the order's side)
  R clear; a run of F_SNAPSHOT records clears the book where it begins
  T, F, N no change. Queue priority does not affect aggregated levels, so it is not modelled.
"""
import argparse
import sys

import databento_dbn as dbn

F_LAST, F_SNAPSHOT = 0x80, 0x20
UNDEF_PRICE = 2**63 - 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--instrument-id", type=int, required=True)
    ap.add_argument("--depth", type=int, default=10)
    a = ap.parse_args()

    with open(a.file, "rb") as f:
        data = f.read()
    dec = dbn.DBNDecoder(compression=dbn.Compression.ZSTD if data[:4] == b"\x28\xb5\x2f\xfd" else dbn.Compression.NONE)
    dec.write(data)
    records = dec.decode()[1:]

    orders = {}  # id -> (side, price, size)
    levels = {"B": {}, "A": {}}  # side -> price -> [size, count]

    def level_add(side, price, size):
        lv = levels[side].setdefault(price, [0, 0])
        lv[0] += size
        lv[1] += 1

    def level_sub(side, price, size, remove_order):
        lv = levels[side][price]
        lv[0] -= size
        if remove_order:
            lv[1] -= 1
        if lv[1] == 0:
            assert lv[0] == 0, (side, price, lv)
            del levels[side][price]

    def add(oid, side, price, size):
        if price == UNDEF_PRICE or side not in ("A", "B"):
            return
        if oid in orders:
            s, p, z = orders.pop(oid)
            level_sub(s, p, z, True)
        orders[oid] = (side, price, size)
        level_add(side, price, size)

    def remove(oid):
        s, p, z = orders.pop(oid)
        level_sub(s, p, z, True)

    out = sys.stdout
    cols = ["ts_recv", "ts_event", "sequence", "action", "side"]
    for i in range(a.depth):
        ii = f"{i:02d}"
        cols += [f"bid_px_{ii}", f"bid_sz_{ii}", f"bid_ct_{ii}", f"ask_px_{ii}", f"ask_sz_{ii}", f"ask_ct_{ii}"]
    out.write(",".join(cols) + "\n")

    in_snapshot = False
    for r in records:
        if not isinstance(r, dbn.MBOMsg) or r.instrument_id != a.instrument_id:
            continue
        action, side = str(r.action.value), str(r.side.value)
        oid, price, size, flags = r.order_id, r.price, r.size, r.flags
        if flags & F_SNAPSHOT:
            if not in_snapshot:
                in_snapshot = True
                if action != "R":
                    orders.clear(); levels["A"].clear(); levels["B"].clear()
        else:
            in_snapshot = False
        if action == "A":
            add(oid, side, price, size)
        elif action == "C":
            if oid in orders:
                s, p, z = orders[oid]
                if size >= z:
                    remove(oid)
                else:
                    orders[oid] = (s, p, z - size)
                    level_sub(s, p, size, False)
        elif action == "M":
            if price == UNDEF_PRICE:
                pass
            elif oid not in orders:
                add(oid, side, price, size)
            else:
                s, p, z = orders[oid]
                new_side = s if side == "N" else side
                if size == 0:
                    remove(oid)
                elif new_side != s or price != p:
                    remove(oid)
                    add(oid, new_side, price, size)
                else:
                    orders[oid] = (s, p, size)
                    levels[s][p][0] += size - z
        elif action == "R":
            orders.clear(); levels["A"].clear(); levels["B"].clear()
        if flags & F_LAST:
            bids = sorted(levels["B"].items(), reverse=True)[: a.depth]
            asks = sorted(levels["A"].items())[: a.depth]
            row = [str(r.ts_recv), str(r.ts_event), str(r.sequence), action, side]
            for i in range(a.depth):
                b = bids[i] if i < len(bids) else None
                k = asks[i] if i < len(asks) else None
                row += [str(b[0]), str(b[1][0]), str(b[1][1])] if b else ["", "", ""]
                row += [str(k[0]), str(k[1][0]), str(k[1][1])] if k else ["", "", ""]
            out.write(",".join(row) + "\n")


if __name__ == "__main__":
    main()
