"""Checks of the benchmark's own parts: the generator, the Decimal reference against hand-computed
rows, and the OpenFisca model against the reference where float32 is exact.

Run from bench/peer with the benchmark's venv: .venv/bin/python -m unittest test_peer
"""

import csv
import io
import os
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

import compare
import gen_population
import reference

HERE = os.path.dirname(os.path.abspath(__file__))
D = Decimal


def row(**cells):
    """A population row: every column empty but those given (`recognition_kind` → `recognition.kind`)."""
    r = dict.fromkeys(gen_population.HEADER, "")
    r.update(id="E1", name="t", kind="enterprise")
    for k, v in cells.items():
        r[k.replace("__", ".")] = str(v)
    return r


def run(*rows):
    """The reference's awards of one entity's rows: {(year, rule): (low, high)}."""
    return {(y, rule): (lo, hi) for _, y, rule, lo, hi in reference.awards(list(rows))}


class Reference(unittest.TestCase):
    def test_rd_tiers_boundaries_prefer_higher(self):
        def tier(rd):
            got = run(row(year=2023, above_scale="true", rd_expenditure=rd, super_deduction_amount="1.00"))
            return got.get((2023, "rd-spend-tiers"), (None,))[0]

        self.assertIsNone(tier("4999999.99"))
        self.assertEqual(tier("5000000.00"), D(100000))
        self.assertEqual(tier("9999999.99"), D(100000))
        self.assertEqual(tier("10000000.00"), D(200000))  # 以上…以下 on both sides: the higher band
        self.assertEqual(tier("20000000.00"), D(500000))
        self.assertEqual(tier("99999999.99"), D(500000))
        self.assertEqual(tier("100000000.00"), D(1000000))

    def test_rd_tiers_need_a_claim_and_above_scale(self):
        self.assertEqual(run(row(year=2023, above_scale="true", rd_expenditure="8000000", super_deduction_amount="0.00")), {})
        self.assertEqual(run(row(year=2023, above_scale="false", rd_expenditure="8000000", super_deduction_amount="5")), {})
        self.assertEqual(run(row(year=2023, above_scale="", rd_expenditure="8000000", super_deduction_amount="5")), {})

    def test_first_super_deduction_strictly_above_and_once(self):
        base = dict(above_scale="true", rd_expenditure="0", super_deduction_first_time="true")
        self.assertEqual(run(row(year=2023, super_deduction_amount="500000.00", **base)), {})
        got = run(row(year=2023, super_deduction_amount="500000.01", **base), row(year=2024, super_deduction_amount="900000", **base))
        self.assertEqual(got, {(2023, "first-super-deduction"): (D(50000), D(50000))})

    def test_open_competition_range_cap_and_recipient(self):
        def subsidy(total, mode="task_set", role="solver", kind="enterprise"):
            r = row(year=2024, kind=kind, open_competition_project__name="P", open_competition_project__total=total,
                    open_competition_project__mode=mode, open_competition_project__role=role)
            return run(r).get((2024, "open-competition-subsidy"))

        self.assertIsNone(subsidy("2999999.99"))
        self.assertEqual(subsidy("3000000.00"), (D("300000.00"), D("600000.00")))  # 不低于 includes
        self.assertEqual(subsidy("4624785.33"), (D("462478.53"), D("924957.07")))  # half a fen rounds up
        self.assertEqual(subsidy("7000000.00"), (D("700000.00"), D("1000000.00")))
        self.assertEqual(subsidy("12000000.00"), (D("1000000.00"), D("1000000.00")))
        self.assertIsNone(subsidy("5000000", mode="task_set", role="poster"))
        self.assertIsNotNone(subsidy("5000000", mode="enterprise_posted", role="poster"))
        self.assertIsNone(subsidy("5000000", mode="enterprise_posted", role="poster", kind="university"))
        self.assertIsNone(subsidy("5000000", kind="person"))

    def test_won_project_strictly_above_capped_once_by_name(self):
        def won(amount, level="provincial", name="W"):
            return row(year=2023, won_project__name=name, won_project__level=level, won_project__amount=amount)

        self.assertEqual(run(won("1000000.00")), {})
        self.assertEqual(run(won("1000000.05")), {(2023, "won-project-matching"): (D("100000.01"), D("100000.01"))})
        self.assertEqual(run(won("30000000")), {(2023, "won-project-matching"): (D(2000000), D(2000000))})
        self.assertEqual(run(won("5000000", level="municipal")), {})
        again = run(won("5000000"), {**won("6000000"), "year": "2024"}, {**won("7000000", name="X"), "year": "2025"})
        self.assertEqual(sorted(again), [(2023, "won-project-matching"), (2025, "won-project-matching")])

    def test_recognitions_once_per_kind_or_site_and_not_renewals(self):
        def rec(year, kind, renewal="false", name=""):
            return row(year=year, recognition__kind=kind, recognition__renewal=renewal, recognition__name=name)

        got = run(rec(2022, "high_tech", renewal="true"), rec(2023, "high_tech"), rec(2024, "high_tech"))
        self.assertEqual(got, {(2023, "high-tech-new"): (D(200000), D(200000))})
        got = run(rec(2022, "smart_factory", name="智能工厂1"), rec(2023, "smart_factory", name="智能工厂2"),
                  rec(2024, "smart_factory", name="智能工厂1"))
        self.assertEqual(sorted(got), [(2022, "smart-factory-new"), (2023, "smart-factory-new")])
        self.assertEqual(run(rec(2021, "municipal_sti"), rec(2022, "municipal_sti")), {(2022, "municipal-sti-new"): (D(30000), D(30000))})
        self.assertEqual(run({**rec(2023, "high_tech"), "kind": "research_institute"}), {})

    def test_patents_marks_commissioners(self):
        got = run(row(year=2021, high_value_patents=2), row(year=2025, high_value_patents=3, municipal_commissioners=4))
        self.assertEqual(got, {(2021, "high-value-patents"): (D(20000), D(20000)), (2025, "commissioner-funding"): (D(40000), None)})
        marks = run(row(year=2022, ip_mark__kind="well_known_trademark", ip_mark__name="M1"),
                    row(year=2023, ip_mark__kind="well_known_trademark", ip_mark__name="M1"),
                    row(year=2024, ip_mark__kind="gi_product", ip_mark__name="M1"),
                    row(year=2025, ip_mark__kind="gi_mark_user"))
        self.assertEqual(marks, {(2022, "trademark-gi-per-item"): (D(80000), D(80000)), (2024, "trademark-gi-per-item"): (D(50000), D(50000))})


class Generator(unittest.TestCase):
    def test_deterministic_sorted_and_dense_at_thresholds(self):
        texts = []
        for _ in range(2):
            buf = io.StringIO()
            _, cols = gen_population.write(buf, 5000, seed=3)
            texts.append(buf.getvalue())
        self.assertEqual(texts[0], texts[1])
        rows = list(csv.DictReader(io.StringIO(texts[0])))
        self.assertEqual(len(rows), 5000)
        keys = [(r["id"], int(r["year"])) for r in rows]
        self.assertEqual(keys, sorted(set(keys)))
        for name, col in cols.items():
            self.assertEqual(col.placed, col.written // gen_population.BOUNDARY_EVERY, name)
        points = {gen_population.fen_text(p) for p in gen_population.MoneyColumn("rd_expenditure").points}
        self.assertGreaterEqual(sum(r["rd_expenditure"] in points for r in rows), cols["rd_expenditure"].placed)


class OpenFiscaModel(unittest.TestCase):
    def test_agrees_with_the_reference_where_float32_is_exact(self):
        """With every money value a multiple of 100 yuan (of 100万元 above 2^24), float32 holds it,
        and the model must give exactly the reference's awards: any difference is the model's logic."""

        def exact(cell):
            if not cell:
                return cell
            step = D(100) if D(cell) < 2**24 else D(1000000)
            return str((D(cell) / step).to_integral_value() * step)

        with tempfile.TemporaryDirectory() as tmp:
            buf = io.StringIO()
            gen_population.write(buf, 30000, seed=5)
            rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
            pop = os.path.join(tmp, "pop.csv")
            with open(pop, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, gen_population.HEADER)
                w.writeheader()
                for r in rows:
                    w.writerow({k: exact(v) if k in gen_population.THRESHOLDS else v for k, v in r.items()})
            ref, of = os.path.join(tmp, "ref.csv"), os.path.join(tmp, "of.csv")
            subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), pop, ref], check=True, capture_output=True)
            subprocess.run([sys.executable, os.path.join(HERE, "run_openfisca.py"), pop, of], check=True, capture_output=True)
            expected = compare.load(ref)
            self.assertGreater(len(expected), 5000)
            self.assertEqual(compare.differences(expected, compare.load(of)), [])


if __name__ == "__main__":
    unittest.main()
