#!/usr/bin/env python3
"""Runs the OpenFisca model (openfisca_wuwei) over the flat population and writes its awards.

Usage: run_openfisca.py POPULATION.csv AWARDS.csv (with openfisca-core 46 installed).

The population (sorted by id, one row per entity-year) becomes one OpenFisca applicant per
entity, with each row's cells set as inputs of the row's year; every award variable is
calculated for every year of the file. An award is a value above zero; its low and high are the
float32 values written with two decimals, as a user of the model would print them. Times of the
phases go to stderr.
"""

import array
import csv
import logging
import sys
import time

import numpy
from openfisca_core.simulation_builder import SimulationBuilder

from openfisca_wuwei import AWARDS, CountryTaxBenefitSystem
from openfisca_wuwei.enums import ApplicantKind, CompetitionMode, CompetitionRole, Level, MarkKind, RecognitionKind

# Columns → input variables, by how a cell is read. Money is parsed as a Python float and stored
# by OpenFisca as float32, the variable's dtype.
MONEY = {
    "rd_expenditure": "rd_expenditure",
    "super_deduction_amount": "super_deduction_amount",
    "open_competition_project.total": "open_competition_total",
    "won_project.amount": "won_project_amount",
}
BOOL = {
    "above_scale": "above_scale",
    "super_deduction_first_time": "super_deduction_first_time",
    "recognition.renewal": "recognition_renewal",
}
COUNT = {"high_value_patents": "high_value_patents", "municipal_commissioners": "municipal_commissioners"}
ENUM = {
    "recognition.kind": ("recognition_kind", RecognitionKind),
    "open_competition_project.mode": ("open_competition_mode", CompetitionMode),
    "open_competition_project.role": ("open_competition_role", CompetitionRole),
    "won_project.level": ("won_project_level", Level),
    "ip_mark.kind": ("ip_mark_kind", MarkKind),
}
TEXT = {
    "recognition.name": "recognition_name",
    "open_competition_project.name": "open_competition_name",
    "won_project.name": "won_project_name",
    "ip_mark.name": "ip_mark_name",
}
EVENT_DATES = ["recognition.date", "open_competition_project.date", "won_project.date", "ip_mark.date"]


class Year:
    """The cells of one year's rows, column by column, and the entity each row belongs to."""

    def __init__(self):
        self.entity = array.array("l")
        self.money = {v: array.array("d") for v in MONEY.values()}
        self.bool = {v: array.array("b") for v in BOOL.values()}
        self.count = {v: array.array("l") for v in COUNT.values()}
        self.enum = {v: array.array("b") for v, _ in ENUM.values()}
        self.text = {v: [] for v in TEXT.values()}


def read(path):
    """Entity ids, their kinds (enum indices) and the rows by year."""
    ids, kinds, years = [], array.array("b"), {}
    seen_years = set()  # the current entity's years
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        at = {name: i for i, name in enumerate(header)}
        kind_index = {item.name: item.index for item in ApplicantKind}
        enum_index = {col: (var, {item.name: item.index for item in enum}) for col, (var, enum) in ENUM.items()}
        for line, r in enumerate(rows, start=2):
            if not ids or r[at["id"]] != ids[-1]:
                if ids and r[at["id"]] < ids[-1]:
                    sys.exit(f"{path}:{line}: rows are not sorted by id")
                ids.append(r[at["id"]])
                kinds.append(kind_index[r[at["kind"]]])
                seen_years.clear()
            year = int(r[at["year"]])
            if year in seen_years:
                sys.exit(f"{path}:{line}: a second row for {ids[-1]} in {year} (the model takes one)")
            seen_years.add(year)
            for col in EVENT_DATES:
                if r[at[col]] and int(r[at[col]][:4]) != year:
                    sys.exit(f"{path}:{line}: {col} is not in the row's year")
            y = years.setdefault(year, Year())
            y.entity.append(len(ids) - 1)
            # An empty cell (not known) is the variable's default.
            for col, var in MONEY.items():
                y.money[var].append(float(r[at[col]] or 0))
            for col, var in BOOL.items():
                y.bool[var].append(r[at[col]] == "true")
            for col, var in COUNT.items():
                y.count[var].append(int(r[at[col]] or 0))
            for col, (var, index) in enum_index.items():
                y.enum[var].append(index[r[at[col]]] if r[at[col]] else 0)  # 0: NONE
            for col, var in TEXT.items():
                y.text[var].append(r[at[col]])
    return ids, kinds, years


def spread(count, rows, values, dtype):
    """One value per entity: the rows' values at their entities, the default elsewhere."""
    out = numpy.zeros(count, dtype=dtype) if dtype is not object else numpy.full(count, "", dtype=object)
    out[rows] = numpy.asarray(values, dtype=dtype)
    return out


def main():
    population, out_path = sys.argv[1:3]
    # The model is not pip-installed: OpenFisca would warn that it has no package metadata.
    logging.getLogger("openfisca_core").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    ids, kinds, years = read(population)
    t1 = time.perf_counter()

    system = CountryTaxBenefitSystem()
    sim = SimulationBuilder().build_default_simulation(system, count=len(ids))
    n = len(ids)
    sim.set_input("kind", "ETERNITY", numpy.asarray(kinds, dtype=numpy.int16))
    for year, y in years.items():
        rows = numpy.asarray(y.entity, dtype=numpy.int64)
        for var, values in y.money.items():
            sim.set_input(var, str(year), spread(n, rows, values, numpy.float64))
        for var, values in y.bool.items():
            sim.set_input(var, str(year), spread(n, rows, values, bool))
        for var, values in y.count.items():
            sim.set_input(var, str(year), spread(n, rows, values, numpy.int64))
        for var, values in y.enum.items():
            sim.set_input(var, str(year), spread(n, rows, values, numpy.int16))
        for var, values in y.text.items():
            sim.set_input(var, str(year), spread(n, rows, values, object))
    t2 = time.perf_counter()

    awards = 0
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        out.write("entity,claim_year,rule,low,high\n")
        for year in sorted(years):
            for rule, low_var, high_var in AWARDS:
                low = sim.calculate(low_var, str(year))
                high = sim.calculate(high_var, str(year)) if high_var else None
                for i in numpy.flatnonzero(low > 0):
                    high_text = "" if high is None else f"{float(high[i]):.2f}"
                    out.write(f"{ids[i]},{year},{rule},{float(low[i]):.2f},{high_text}\n")
                    awards += 1
    t3 = time.perf_counter()
    print(
        f"openfisca: {n} applicants, {awards} awards; read {t1 - t0:.2f}s, inputs {t2 - t1:.2f}s, "
        f"calculate and write {t3 - t2:.2f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
