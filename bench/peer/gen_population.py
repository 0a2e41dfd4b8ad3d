#!/usr/bin/env python3
"""A seeded synthetic population for the peer benchmark, in the flat CSV `qiangke batch` reads.

One row per entity-year (an entity has one to three consecutive years, mostly inside the plan's
2022–2025, sometimes one year either side), sorted by id. The header names the pack's facts;
events are `event.field` columns, one event per type and row, dated in the row's year. Only the
columns that the benchmark's 14 awards read are written (see README.md).

Values are realistic and skewed (log-normal money, mostly zero counts, few events), with some
cells empty (not known). In each money column, every 500th value written (0.2%) is instead a
threshold of the rules exactly or one fen either side, cycling through every (threshold, offset)
pair; the thresholds are listed in THRESHOLDS below. Names of projects, factories and marks are
written in their canonical form (ASCII digits, no spaces), and an entity sometimes reports the
same recognition, project or mark again in a later year, which must not pay twice.

Standard library only; the same seed gives the same file.
"""

import argparse
import math
import random
import sys

HEADER = [
    "id", "name", "year", "kind",
    "above_scale", "rd_expenditure", "super_deduction_amount", "super_deduction_first_time",
    "high_value_patents", "municipal_commissioners",
    "recognition.date", "recognition.kind", "recognition.renewal", "recognition.name",
    "open_competition_project.date", "open_competition_project.name", "open_competition_project.total",
    "open_competition_project.mode", "open_competition_project.role",
    "won_project.date", "won_project.name", "won_project.level", "won_project.amount",
    "ip_mark.date", "ip_mark.kind", "ip_mark.name",
]

WAN = 10_000  # 万元

# Money thresholds of the 14 rules, per column: the amounts their guards and tiers compare with,
# and the inputs at which a cap starts to bind (四(一)3: 20% and 10% of 500万/1000万 reach the
# 100万元 cap; 10% of 2000万 reaches the 200万元 cap).
THRESHOLDS = {
    "rd_expenditure": [500 * WAN, 1000 * WAN, 2000 * WAN, 10000 * WAN],  # 四(二)8 tiers
    "super_deduction_amount": [0, 50 * WAN],  # > 0 (a claim), > 50万元 (first deduction)
    "open_competition_project.total": [300 * WAN, 500 * WAN, 1000 * WAN],
    "won_project.amount": [100 * WAN, 2000 * WAN],
}
BOUNDARY_EVERY = 500  # one value in 500 (0.2%) of each money column is a threshold ± 0 or 1 fen

KINDS = [("enterprise", 85), ("research_institute", 5), ("university", 4), ("team", 3), ("institution", 2), ("person", 1)]
# The seven recognitions of 四(二)7 that the benchmark awards (tech_innovation_demo is left out).
RECOGNITIONS = [
    ("high_tech", 28), ("smart_factory", 6), ("digital_workshop", 12), ("little_giant", 4),
    ("provincial_srdi", 16), ("provincial_sti", 16), ("municipal_sti", 18),
]
FACILITY_NAME = {"smart_factory": "智能工厂", "digital_workshop": "数字化车间"}
LEVELS = [("national", 25), ("provincial", 50), ("municipal", 25)]
MARKS = [("well_known_trademark", 20), ("gi_trademark", 30), ("gi_product", 25), ("gi_mark_user", 25)]
PLAN_FIRST, PLAN_LAST = 2022, 2025


def pick(rng, weighted):
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def fen_text(fen):
    return f"{fen // 100}.{fen % 100:02d}"


class MoneyColumn:
    """Writes one money column: skewed values, with every BOUNDARY_EVERY-th one on a threshold."""

    def __init__(self, name):
        # (threshold − 1 fen, threshold, threshold + 1 fen), in fen, never negative.
        self.points = [t * 100 + d for t in THRESHOLDS[name] for d in (-1, 0, 1) if t * 100 + d >= 0]
        self.written = 0
        self.placed = 0

    def text(self, fen):
        self.written += 1
        if self.written % BOUNDARY_EVERY == 0:
            fen = self.points[self.placed % len(self.points)]
            self.placed += 1
        return fen_text(fen)


def lognormal_fen(rng, median_yuan, sigma, cap_yuan):
    """A skewed amount in fen: log-normal around the median, cut at the cap, any number of fen."""
    yuan = min(median_yuan * math.exp(sigma * rng.gauss(0.0, 1.0)), cap_yuan)
    return max(1, int(yuan * 100))


def date_in(rng, year):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class Entity:
    """One entity's fixed traits and what it has already reported (for repeated reports)."""

    def __init__(self, rng, number):
        self.id = f"PEER{number:08d}"
        self.kind = pick(rng, KINDS)
        self.enterprise = self.kind == "enterprise"
        self.above_scale = self.enterprise and rng.random() < 0.35
        self.claims_deduction = self.enterprise and rng.random() < 0.8
        # Whether its first claim of the super deduction falls in its years.
        self.first_claim_pending = self.claims_deduction and rng.random() < 0.25
        self.rd_median = {"enterprise": 1_500_000, "research_institute": 3_000_000, "university": 5_000_000}.get(self.kind, 0)
        self.recognitions = []  # (kind, name) reported so far
        self.projects = []  # open-competition project names
        self.won = []  # won project names
        self.marks = []  # (kind, name)
        self.serial = 0

    def next_name(self, prefix):
        self.serial += 1
        return f"{prefix}{self.serial}"


def row_for(rng, ent, year, cols):
    """The cells of one entity-year, in HEADER order ('' = not known / no event)."""
    cells = dict.fromkeys(HEADER, "")
    cells.update(id=ent.id, name="synthetic", year=str(year), kind=ent.kind)

    def known():  # 1% of the yearly cells are left empty
        return rng.random() < 0.99

    if ent.enterprise and rng.random() < 0.1:  # the status changes from one year to the next
        ent.above_scale = not ent.above_scale
    if known():
        cells["above_scale"] = "true" if ent.above_scale else "false"
    rd = 0
    if ent.rd_median and rng.random() < 0.7:
        rd = lognormal_fen(rng, ent.rd_median, 1.5, 500_000_000)
    if known():
        cells["rd_expenditure"] = cols["rd_expenditure"].text(rd)
    # The deduction claimed on the year's expenses: a share of them (the eligible part at 100%).
    deduction = int(rd * rng.uniform(0.6, 1.0)) if ent.claims_deduction and rd else 0
    if known():
        cells["super_deduction_amount"] = cols["super_deduction_amount"].text(deduction)
    first = bool(deduction) and ent.first_claim_pending
    if first:
        # Usually flagged once; sometimes the flag is reported again the next year.
        ent.first_claim_pending = rng.random() < 0.1
    if known():
        cells["super_deduction_first_time"] = "true" if first else "false"
    if known():
        cells["high_value_patents"] = str(min(int(rng.expovariate(0.6)) + 1, 40) if rng.random() < 0.08 else 0)
    if known():
        cells["municipal_commissioners"] = str(min(int(rng.expovariate(0.35)) + 1, 30) if rng.random() < 0.06 else 0)

    if rng.random() < (0.11 if ent.enterprise else 0.01):
        if ent.recognitions and rng.random() < 0.25:
            kind, name = rng.choice(ent.recognitions)  # reported again
        else:
            kind = pick(rng, RECOGNITIONS)
            name = ent.next_name(FACILITY_NAME[kind]) if kind in FACILITY_NAME else ""
            ent.recognitions.append((kind, name))
        cells.update({
            "recognition.date": date_in(rng, year), "recognition.kind": kind,
            "recognition.renewal": "true" if rng.random() < 0.2 else "false", "recognition.name": name,
        })
    if rng.random() < (0.03 if ent.kind in ("enterprise", "research_institute", "university", "team") else 0.005):
        if ent.projects and rng.random() < 0.2:
            name = rng.choice(ent.projects)
        else:
            name = ent.next_name("揭榜项目")
            ent.projects.append(name)
        cells.update({
            "open_competition_project.date": date_in(rng, year), "open_competition_project.name": name,
            "open_competition_project.total": cols["open_competition_project.total"].text(lognormal_fen(rng, 4_000_000, 0.9, 300_000_000)),
            "open_competition_project.mode": rng.choice(["task_set", "enterprise_posted"]),
            "open_competition_project.role": rng.choice(["poster", "solver"]),
        })
    if rng.random() < 0.04:
        if ent.won and rng.random() < 0.2:
            name = rng.choice(ent.won)
        else:
            name = ent.next_name("科技计划项目")
            ent.won.append(name)
        cells.update({
            "won_project.date": date_in(rng, year), "won_project.name": name, "won_project.level": pick(rng, LEVELS),
            "won_project.amount": cols["won_project.amount"].text(lognormal_fen(rng, 800_000, 1.0, 100_000_000)),
        })
    if rng.random() < 0.02:
        if ent.marks and rng.random() < 0.2:
            kind, name = rng.choice(ent.marks)
        else:
            kind = pick(rng, MARKS)
            # 核准使用地理标志专用标志 is one per entity and has no name.
            name = "" if kind == "gi_mark_user" else ent.next_name("商标")
            ent.marks.append((kind, name))
        cells.update({"ip_mark.date": date_in(rng, year), "ip_mark.kind": kind, "ip_mark.name": name})
    return [cells[c] for c in HEADER]


def write(out, rows, seed):
    rng = random.Random(seed)
    cols = {name: MoneyColumn(name) for name in THRESHOLDS}
    out.write(",".join(HEADER) + "\n")
    written = number = 0
    while written < rows:
        number += 1
        ent = Entity(rng, number)
        first = rng.randint(PLAN_FIRST - 1, PLAN_LAST)
        span = min(rng.randint(1, 3), rows - written, PLAN_LAST + 2 - first)
        for year in range(first, first + span):
            # No cell holds a comma or a quote: plain joining is valid CSV.
            out.write(",".join(row_for(rng, ent, year, cols)) + "\n")
        written += span
    return number, cols


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        entities, cols = write(f, a.rows, a.seed)
    placed = ", ".join(f"{n} {c.placed}/{c.written}" for n, c in cols.items())
    print(f"population: {a.rows} rows, {entities} entities, seed {a.seed}; on a threshold ± 1 fen: {placed}", file=sys.stderr)


if __name__ == "__main__":
    main()
