#!/usr/bin/env python3
"""The exact reference for the peer benchmark: the 14 awards, in decimal.Decimal, from the CSV.

Written from the rules' TOML (packs/wuwei-2022/rules/) and the plan's sentences, independently of
qiangke and of the OpenFisca model: it reads the flat CSV of gen_population.py and writes one line
per award (entity, claim_year, rule, low, high — high empty where the plan sets no upper limit).

What every rule here shares with the pack:
- an award needs every fact it reads to be known: an empty cell is "needs information", which
  never awards and never uses up a once-key;
- applicants: a rule that names applicant kinds awards nothing to other kinds;
- in force: a yearly rule in its claim years, an event rule for events dated in its period;
- once-keys: entity + rule + the rule's `once` parts; a key awarded in an earlier year (or earlier
  the same year) is not awarded again. An entity's years are evaluated in order;
- amounts finer than a fen are rounded half away from zero (ROUND_HALF_UP on positive amounts).

Standard library only.
"""

import argparse
import csv
import itertools
import sys
from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10_000)  # 万元
FEN = Decimal("0.01")
PLAN = (2022, 2025)  # pack.toml valid_from / valid_until

# 四(二)7, one rule per recognition kind: (rule id, kind, amount, once-key includes the name).
RECOGNITION_RULES = [
    ("high-tech-new", "high_tech", 20 * WAN, False),  # 对新认定的高新技术企业给予20万元一次性补助
    ("smart-factory-new", "smart_factory", 50 * WAN, True),  # 智能工厂、数字化车间,分别给予50万元、20万元
    ("digital-workshop-new", "digital_workshop", 20 * WAN, True),
    ("little-giant-new", "little_giant", 20 * WAN, False),  # “小巨人”企业、省级专精特新中小企业,分别给予20万元、10万元
    ("provincial-srdi-new", "provincial_srdi", 10 * WAN, False),
    ("provincial-sti-new", "provincial_sti", 5 * WAN, False),  # 省级科技创新型企业…分别给予5万元
    ("municipal-sti-new", "municipal_sti", 3 * WAN, False),  # 市级科技创新型企业,给予3万元
]

# 四(二)8 rd_spend: 1亿元以上 100万元; 2000万元以上1亿元以下 50万元; 1000万元以上2000万元以下 20万元;
# 500万元以上1000万元以下 10万元. 以上 and 以下 both include the number, so neighbouring bands share
# their boundary; the pack resolves it to the higher band (note tier-boundary-overlap). Listed from
# the top: the first band whose lower bound is reached.
RD_TIERS = [(10_000 * WAN, 100 * WAN), (2_000 * WAN, 50 * WAN), (1_000 * WAN, 20 * WAN), (500 * WAN, 10 * WAN)]

RULE_IDS = (
    ["open-competition-subsidy", "won-project-matching"]
    + [r[0] for r in RECOGNITION_RULES]
    + ["rd-spend-tiers", "first-super-deduction", "high-value-patents", "trademark-gi-per-item", "commissioner-funding"]
)


def money(cell):
    return None if cell == "" else Decimal(cell)


def flag(cell):
    return None if cell == "" else cell == "true"


def count(cell):
    return None if cell == "" else int(cell)


def fen(x):
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def in_plan(year):
    return PLAN[0] <= year <= PLAN[1]


def candidates(row, kind, year):
    """The awards a row's facts would give, before once-keys: (rule, once-key parts, low, high)."""
    enterprise = kind == "enterprise"

    # 四(一)3 揭榜挂帅: 科技投入总额不低于300万元 (includes 300万元); 10%–20% of the total, at most
    # 100万元 a project. The posting enterprise (企业出榜) or the solver of a task set by the plan
    # (任务定榜) is paid (note open-competition-recipient). Once per project name.
    total = money(row["open_competition_project.total"])
    if total is not None and in_plan(year) and kind in ("enterprise", "research_institute", "university", "team"):
        mode, role = row["open_competition_project.mode"], row["open_competition_project.role"]
        recipient = (mode == "enterprise_posted" and role == "poster" and enterprise) or (mode == "task_set" and role == "solver")
        if total >= 300 * WAN and recipient:
            cap = 100 * WAN
            yield ("open-competition-subsidy", (row["open_competition_project.name"],),
                   fen(min(total * Decimal("0.10"), cap)), fen(min(total * Decimal("0.20"), cap)))

    # 四(一)3 配套: national or provincial projects 单个金额超过100万元 (excludes 100万元), 10%, at most
    # 200万元; research institutes and enterprises. Once per project name.
    won = money(row["won_project.amount"])
    if won is not None and in_plan(year) and kind in ("research_institute", "enterprise"):
        if row["won_project.level"] in ("national", "provincial") and won > 100 * WAN:
            amount = fen(min(won * Decimal("0.10"), 200 * WAN))
            yield ("won-project-matching", (row["won_project.name"],), amount, amount)

    # 四(二)7: a new (not renewed) recognition, enterprises only. Once per kind (per kind and name
    # for smart factories and digital workshops, note facilities-per-site).
    rec_kind, renewal = row["recognition.kind"], flag(row["recognition.renewal"])
    if rec_kind and in_plan(year) and enterprise and renewal is False:
        for rule, kind_id, amount, by_name in RECOGNITION_RULES:
            if rec_kind == kind_id:
                yield (rule, (kind_id, row["recognition.name"]) if by_name else (kind_id,), amount, amount)

    # 四(二)8 (claim year = the spending year, 2022–2025; enterprises): above-scale in the year and a
    # super deduction claimed on it (> 0元, note rd-list-from-super-deduction); the tier of the
    # year's R&D spending, below 500万元 nothing. Once per claim year.
    above, rd, deduction = flag(row["above_scale"]), money(row["rd_expenditure"]), money(row["super_deduction_amount"])
    if in_plan(year) and enterprise and above and deduction is not None and deduction > 0 and rd is not None:
        amount = next((a for lower, a in RD_TIERS if rd >= lower), None)
        if amount is not None:
            yield ("rd-spend-tiers", (year,), amount, amount)
    # 首次享受研发费用加计扣除…且加计额超过50万元 (exactly 50万元 does not qualify): 5万元, once per
    # enterprise ever (note first-super-deduction-once).
    first = flag(row["super_deduction_first_time"])
    if in_plan(year) and enterprise and above and first and deduction is not None and deduction > 50 * WAN:
        yield ("first-super-deduction", (), 5 * WAN, 5 * WAN)

    # 四(四)16 上一年度…高价值发明专利,每件给予1万元: claim years 2021–2024 (note previous-year-awards),
    # any applicant, once per claim year.
    patents = count(row["high_value_patents"])
    if patents and 2021 <= year <= 2024:
        yield ("high-value-patents", (year,), patents * WAN, patents * WAN)

    # 四(四)16 中国驰名商标 8万元; 地理标志证明商标(集体商标)、国家地理标志产品保护 5万元; per item
    # (once per kind and name), any applicant. 核准使用地理标志专用标志 is another rule.
    mark = row["ip_mark.kind"]
    if mark in ("well_known_trademark", "gi_trademark", "gi_product") and in_plan(year):
        amount = 8 * WAN if mark == "well_known_trademark" else 5 * WAN
        yield ("trademark-gi-per-item", (mark, row["ip_mark.name"]), amount, amount)

    # 四(五)19 市级科技特派员…按每人每年不低于1万元: at least headcount × 1万元, no upper limit (high
    # empty); any applicant, once per claim year.
    commissioners = count(row["municipal_commissioners"])
    if commissioners and in_plan(year):
        yield ("commissioner-funding", (year,), commissioners * WAN, None)


def awards(rows):
    """The awards of one entity's rows (all of its years), in year order."""
    kind = rows[0]["kind"]
    awarded = set()
    for row in sorted(rows, key=lambda r: int(r["year"])):
        year = int(row["year"])
        for rule, parts, low, high in candidates(row, kind, year):
            key = (rule, *parts)
            if key not in awarded:
                awarded.add(key)
                yield (row["id"], year, rule, low, high)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("population")
    ap.add_argument("out")
    a = ap.parse_args()
    n = 0
    with open(a.population, encoding="utf-8", newline="") as f, open(a.out, "w", encoding="utf-8", newline="") as out:
        out.write("entity,claim_year,rule,low,high\n")
        for _, rows in itertools.groupby(csv.DictReader(f), key=lambda r: r["id"]):
            for entity, year, rule, low, high in awards(list(rows)):
                out.write(f"{entity},{year},{rule},{low:.2f},{'' if high is None else f'{high:.2f}'}\n")
                n += 1
    print(f"reference: {n} awards", file=sys.stderr)


if __name__ == "__main__":
    main()
