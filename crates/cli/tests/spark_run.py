"""Runs the pack compiled by `qiangke sql --dialect spark` in Spark local mode.

Usage: python spark_run.py FACTS COLUMNS QUERY.sql OUT_DIR [QUERY.sql OUT_DIR ...]
  FACTS      a population in `qiangke batch`'s layout (dotted or `__` event columns): a CSV file,
             or Parquet when the name ends in `.parquet` (a file or a folder of part files); a
             path or a URI Spark reads itself (file://, hdfs://, s3a://)
  COLUMNS    comma-separated columns of the facts table the queries read
  QUERY.sql  a query from `qiangke sql --dialect spark` (its caching statements, each ended by a
             line holding only `;`, then the query)
  OUT_DIR    where its rows go, as one part file: Parquet when the name ends in `.parquet`,
             else CSV with a header
One Spark session runs every query; QIANGKE_SPARK_MASTER names the master (default local[2]).
Every facts column is read as text, as the compiled query expects; columns the CSV lacks are null.
"""
import atexit
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

facts_csv, columns, jobs = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
if not jobs or len(jobs) % 2:
    sys.exit(__doc__)
# Scratch tables (qk_*) go to a warehouse of this run only: a table left by an earlier run would
# make CREATE TABLE fail.
warehouse = os.environ.get("QIANGKE_SPARK_WAREHOUSE") or tempfile.mkdtemp(prefix="qiangke-warehouse-")
if "QIANGKE_SPARK_WAREHOUSE" not in os.environ:
    atexit.register(shutil.rmtree, warehouse, True)
spark = (
    SparkSession.builder.master(os.environ.get("QIANGKE_SPARK_MASTER", "local[2]"))
    .appName("qiangke-sql")
    .config("spark.sql.ansi.enabled", "true")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.memory", "4g")
    # The compiled query writes its scratch tables (qk_*) here; few partitions suit local mode.
    .config("spark.sql.warehouse.dir", warehouse)
    .config("spark.sql.shuffle.partitions", os.environ.get("QIANGKE_SPARK_PARTITIONS", "8"))
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
if facts_csv.lower().endswith(".parquet"):
    # Typed columns (decimals, dates, booleans) as the text the compiled query casts itself.
    facts = spark.read.parquet(facts_csv)
    facts = facts.select([F.col(f"`{c}`").cast("string").alias(c.replace(".", "__")) for c in facts.columns])
else:
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
for query_path, out_dir in zip(jobs[::2], jobs[1::2]):
    # Statements before the query (caching the input stage) end with a line holding only `;`.
    *prelude, query = open(query_path, encoding="utf-8").read().split("\n;\n")
    for statement in prelude:
        spark.sql(statement)
    query = query.rstrip().rstrip(";")
    rows = spark.sql(query).coalesce(1).write.mode("overwrite")
    if out_dir.lower().endswith(".parquet"):
        rows.parquet(out_dir)
    else:
        rows.option("header", "true").csv(out_dir)
spark.stop()
