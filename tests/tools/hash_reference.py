#!/usr/bin/env python3
"""Independent reference for docs/hashing.md.

Writes (or checks) tests/data/hash/golden.json from the specification alone, without
the C++ code: if the docs, this file and common/hash disagree, a test fails.

  hash_reference.py --write tests/data/hash/golden.json
  hash_reference.py --check tests/data/hash/golden.json
"""
import datetime
import decimal
import json
import struct
import sys

import xxhash

DOMAINS = {"bk": b"contractsync.bk.v1", "data": b"contractsync.data.v1"}
EPOCH = datetime.date(1970, 1, 1)


def lp(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def normalized_decimal(text: str) -> str:
    # Exact: the default context would round to 28 digits; ContractSync keeps 38.
    ctx = decimal.Context(prec=100)
    d = decimal.Decimal(text)
    if d == 0:
        return "0"
    s = format(d.normalize(ctx), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def encode_value(ftype: str, value) -> bytes:
    if value is None:
        return b"\x00"
    if ftype == "string":
        return b"\x01" + lp(value.encode("utf-8"))
    if ftype == "decimal":
        return b"\x02" + lp(normalized_decimal(value).encode("ascii"))
    if ftype == "integer":
        return b"\x03" + struct.pack("<q", int(value))
    if ftype == "boolean":
        return b"\x04" + (b"\x01" if value else b"\x00")
    if ftype == "date":
        days = (datetime.date.fromisoformat(value) - EPOCH).days
        return b"\x05" + struct.pack("<i", days)
    if ftype == "timestamp":
        ts = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        delta = ts - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        return b"\x06" + struct.pack("<q", micros)
    raise ValueError(f"unknown type {ftype}")


def record_hash(domain: str, fields) -> str:
    out = lp(DOMAINS[domain]) + struct.pack("<I", len(fields))
    for f in sorted(fields, key=lambda f: f["name"].encode("utf-8")):
        out += lp(f["name"].encode("utf-8")) + encode_value(f["type"], f["value"])
    return xxhash.xxh3_128_hexdigest(out)


def F(name, ftype, value):
    return {"name": name, "type": ftype, "value": value}


CASES = [
    ("empty data record", "data", []),
    ("single string key", "bk", [F("item_id", "string", "AB-100")]),
    ("item id with P21 special characters", "bk", [F("item_id", "string", "3/4\" PVC + TEE #40 & co")]),
    ("composite key", "bk", [F("supplier_id", "integer", 10), F("item_id", "string", "AB-100")]),
    ("composite key, fields given in other order", "bk", [F("item_id", "string", "AB-100"), F("supplier_id", "integer", 10)]),
    ("separator inside value (one field)", "bk", [F("a", "string", "x|y")]),
    ("separator split across two fields", "bk", [F("a", "string", "x"), F("b", "string", "y")]),
    ("length-prefix confusion 1", "bk", [F("a", "string", "ab"), F("b", "string", "c")]),
    ("length-prefix confusion 2", "bk", [F("a", "string", "a"), F("b", "string", "bc")]),
    ("string one vs integer one (string)", "bk", [F("a", "string", "1")]),
    ("string one vs integer one (integer)", "bk", [F("a", "integer", 1)]),
    ("empty string", "data", [F("note", "string", "")]),
    ("null", "data", [F("note", "string", None)]),
    ("unicode", "data", [F("desc", "string", "Café – 10 µm ✓")]),
    ("embedded NUL and newline", "data", [F("desc", "string", "a\u0000b\nc")]),
    ("decimal 12.50", "data", [F("price", "decimal", "12.50")]),
    ("decimal 12.5", "data", [F("price", "decimal", "12.5")]),
    ("decimal negative zero", "data", [F("price", "decimal", "-0.00")]),
    ("decimal large", "data", [F("price", "decimal", "12345678901234567890.123456789")]),
    ("decimal negative", "data", [F("price", "decimal", "-1234.5000")]),
    ("integer negative", "data", [F("qty", "integer", -42)]),
    ("integer max", "data", [F("qty", "integer", 9223372036854775807)]),
    ("boolean true", "data", [F("active", "boolean", True)]),
    ("boolean false", "data", [F("active", "boolean", False)]),
    ("date", "data", [F("effective", "date", "2026-11-22")]),
    ("date before epoch", "data", [F("effective", "date", "1969-12-31")]),
    ("timestamp", "data", [F("modified", "timestamp", "2026-11-22T13:45:01.250000Z")]),
    ("timestamp before epoch", "data", [F("modified", "timestamp", "1969-12-31T23:59:59.999999Z")]),
    ("typical inv_mast row", "data", [
        F("item_id", "string", "AB-100"), F("item_desc", "string", "Widget, large \"blue\""),
        F("list_price", "decimal", "1234.50"), F("delete_flag", "string", "N"),
        F("inv_mast_uid", "integer", 100234), F("date_last_modified", "timestamp", "2026-01-02T03:04:05Z"),
        F("default_selling_unit", "string", "EA"), F("weight", "decimal", None)]),
]


def build():
    return [{"name": n, "domain": d, "fields": f, "hash": record_hash(d, f)} for n, d, f in CASES]


def main(argv):
    if len(argv) != 3 or argv[1] not in ("--write", "--check"):
        print(__doc__, file=sys.stderr)
        return 2
    cases = build()
    if argv[1] == "--write":
        with open(argv[2], "w", encoding="utf-8") as f:
            json.dump(cases, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return 0
    with open(argv[2], encoding="utf-8") as f:
        stored = json.load(f)
    if stored != cases:
        print(f"{argv[2]} differs from the reference in docs/hashing.md; regenerate with --write",
              file=sys.stderr)
        return 1
    print(f"{len(cases)} golden vectors match the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
