"""Runs the pack compiled by `qiangke sql --dialect spark` in Spark local mode.

Usage: python spark_run.py QUERY.sql FACTS.csv OUT_DIR COLUMNS
  FACTS.csv  a population in `qiangke batch`'s CSV layout (dotted event columns)
  OUT_DIR    where the award rows go, as one CSV part file with a header
  COLUMNS    comma-separated columns of the facts table the query reads
Every facts column is read as text, as the compiled query expects; columns the CSV lacks are null.
"""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

query_path, facts_csv, out_dir, columns = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
spark = (
    SparkSession.builder.master("local[2]")
    .appName("qiangke-sql")
    .config("spark.sql.ansi.enabled", "true")
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
facts = spark.read.option("header", "true").option("inferSchema", "false").csv(facts_csv)
for name in facts.columns:
    facts = facts.withColumnRenamed(name, name.replace(".", "__"))
unknown = [c for c in facts.columns if c not in columns]
if unknown:
    sys.exit(f"{facts_csv}: columns the pack does not name: {unknown}")
for name in columns:
    if name not in facts.columns:
        facts = facts.withColumn(name, F.lit(None).cast("string"))
facts.createOrReplaceTempView("facts")
query = open(query_path, encoding="utf-8").read().rstrip().rstrip(";")
awards = spark.sql(query)
awards.coalesce(1).write.mode("overwrite").option("header", "true").csv(out_dir)
spark.stop()
