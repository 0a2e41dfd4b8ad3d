#!/usr/bin/env python3
"""Checks both engines' award files against the Decimal reference and prints the comparison.

An award is identified by (entity, claim year, rule); the population has at most one event of a
type per entity-year, so no two awards share an identity. An award is wrong when it is missing,
extra, or its low or high differs from the reference (compared as decimals, so `10000`, `10000.0`
and `10000.00` are equal; an empty high means no upper limit). qiangke's file is restricted to the
14 rules; every other rule it awards is ignored. A population row (entity-year) is wrong when any
of its awards is wrong.

Exits 1 if qiangke differs from the reference on any row.
"""

import argparse
import csv
import re
import sys
from decimal import Decimal

from reference import RULE_IDS


def amount(cell):
    return None if cell == "" else Decimal(cell)


def load(path, rules=None):
    """(entity, year, rule) → (low, high), keeping only the given rules."""
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if rules is None or r["rule"] in rules:
                key = (r["entity"], r["claim_year"], r["rule"])
                if key in out:
                    sys.exit(f"{path}: two awards for {key}")
                out[key] = (amount(r["low"]), amount(r["high"]))
    return out


def differences(reference, engine):
    """Wrong awards as (key, expected, got); expected or got is None when missing or extra."""
    wrong = [(k, v, engine.get(k)) for k, v in reference.items() if engine.get(k) != v]
    wrong += [(k, None, v) for k, v in engine.items() if k not in reference]
    return sorted(wrong, key=lambda w: w[0])


def time_v(path):
    """Wall seconds and peak RSS (KiB) from the report of `/usr/bin/time -v`."""
    text = open(path, encoding="utf-8").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return seconds, rss


def show(award):
    """`200000.00`, an interval `300000.00–600000.00`, `40000.00–∞`, or `—` for no award."""
    if award is None:
        return "—"
    low, high = award
    return f"{low}" if low == high else f"{low}–{'∞' if high is None else high}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True, help="population rows (entity-years)")
    ap.add_argument("--reference", required=True)
    ap.add_argument("--qiangke", required=True, help="award file of qiangke batch")
    ap.add_argument("--qiangke-time", required=True, help="/usr/bin/time -v report of qiangke batch")
    ap.add_argument("--openfisca", required=True, help="award file of run_openfisca.py")
    ap.add_argument("--openfisca-time", required=True, help="/usr/bin/time -v report of run_openfisca.py")
    ap.add_argument("--show", type=int, default=3, help="wrong awards listed per engine and rule")
    a = ap.parse_args()

    reference = load(a.reference)
    engines = [
        ("qiangke", load(a.qiangke, set(RULE_IDS)), time_v(a.qiangke_time)),
        ("OpenFisca", load(a.openfisca), time_v(a.openfisca_time)),
    ]
    print(f"population: {a.rows:,} rows (entity-years); reference: {len(reference):,} awards of the 14 rules")
    print()
    print(f"{'engine':<10} {'wall':>9} {'peak RSS':>11} {'awards':>9} {'awards wrong':>13} {'rows wrong':>19}")
    results = {}
    for name, got, (wall, rss) in engines:
        wrong = differences(reference, got)
        rows = len({k[:2] for k, _, _ in wrong})
        results[name] = (wall, rss, wrong)
        print(f"{name:<10} {wall:>8.2f}s {rss / 1024:>7.1f} MiB {len(got):>9,} {len(wrong):>13,} {rows:>9,} ({rows / a.rows:.3%})")
    (q_wall, q_rss, q_wrong), (o_wall, o_rss, _) = results["qiangke"], results["OpenFisca"]
    print(f"ratio qiangke/OpenFisca: wall {q_wall / o_wall:.3f}, peak RSS {q_rss / o_rss:.3f}")

    for name, (_, _, wrong) in results.items():
        by_rule = {}
        for w in wrong:
            by_rule.setdefault(w[0][2], []).append(w)
        for rule, ws in sorted(by_rule.items(), key=lambda x: -len(x[1])):
            print(f"\n{name}, {rule}: {len(ws):,} wrong, e.g.")
            for (entity, year, _), expected, got in ws[: a.show]:
                print(f"  {entity} {year}: expected {show(expected)}, got {show(got)}")
    if q_wrong:
        print("\nFAIL: qiangke differs from the Decimal reference", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
