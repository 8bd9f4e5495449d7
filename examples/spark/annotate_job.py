"""Spark job: annotate articles at scale. Takes articles as JSONL or Parquet (local paths or
object-store URIs such as s3a://, gs://, abfss://; fields ``id``, ``text`` or ``html``, and
optional ``url``, ``title``, ``published``) and writes five Parquet tables under the output
folder — ``articles`` (one row per input article, error records included), ``sentences``,
``entities``, ``claims``, ``quotes`` — partitioned by publication month (``month=YYYY-MM`` or
``month=undated``), with the columns of ``healthclaims.SCHEMAS``.

Each partition is annotated by one :class:`healthclaims.Annotator`: one healthclaims process per
task, which loads the model once and streams the partition's articles through it in batches.
The annotator is the release binary: the one bundled with the installed Python package, or —
for a cluster without it — the release tarball shipped with ``--archives`` (``--binary``).
The annotation logic is the CLI's; this job only moves rows.

    spark-submit --master local[4] examples/spark/annotate_job.py articles.jsonl out/

See README.md, "Run on Spark", for a cluster submission.
"""
import argparse
import json
import os
import sys


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", nargs="+", help="JSONL or Parquet files or folders (any Hadoop file system URI)")
    p.add_argument("output", help="output folder: <output>/<table>/month=.../*.parquet")
    p.add_argument("--format", choices=["jsonl", "parquet"], default=None, help="input format (default: from the first input's extension; jsonl otherwise)")
    p.add_argument("--binary", default=None, help="healthclaims binary on the executors, e.g. hc/healthclaims-0.9.2/bin/healthclaims for --archives healthclaims-0.9.2-x86_64-linux.tar.gz#hc (default: the installed package's)")
    p.add_argument("--partitions", type=int, default=None, help="repartition the input into N partitions first (default: as read)")
    p.add_argument("--threads", type=int, default=None, help="worker threads per task (default: spark.task.cpus)")
    p.add_argument("--batch-size", type=int, default=64, help="articles per batch sent to the annotator")
    p.add_argument("--mode", default="overwrite", choices=["overwrite", "append", "error"], help="Parquet save mode")
    return p.parse_args(argv)


def annotate_partition(articles, binary, threads, batch_size):
    """One partition's articles (Rows) → JSON records, through one Annotator: one process and
    one model load per task, not per record."""
    import healthclaims

    rows = (r.asDict() for r in articles)
    hc = healthclaims.Annotator(binary=_resolve(binary), threads=threads, torch_threads=1, batch_size=batch_size)
    try:
        for rec in hc.iter_annotate(rows, batch_size=batch_size):
            yield json.dumps(rec, ensure_ascii=False)
    finally:
        hc.close()


def _resolve(binary):
    """A relative --binary is found in the task's working directory (where YARN and Kubernetes
    unpack --archives), else in SparkFiles' folder (where local mode unpacks them)."""
    if binary and not os.path.isabs(binary) and not os.path.exists(binary):
        from pyspark import SparkFiles

        cand = os.path.join(SparkFiles.getRootDirectory(), binary)
        if os.path.exists(cand):
            return cand
    return binary


def run(spark, inputs, output, fmt=None, binary=None, partitions=None, threads=None, batch_size=64, mode="overwrite", timings=None):
    """The job itself (also called by test_job.py); returns the number of articles written.
    ``timings``, a dict, gets the seconds spent annotating (reading included) and writing."""
    import time

    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    import healthclaims

    # the executors unpickle this module's functions by reference: ship it to them
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    fmt = fmt or ("parquet" if inputs[0].rstrip("/").endswith(".parquet") else "jsonl")
    reader = spark.read
    if fmt == "parquet":
        df = reader.parquet(*inputs)
    else:
        # every field as a string or null: a number id or a non-string text reaches the
        # annotator as the CLI would read it from the line (not as Spark's inferred type)
        fields = ["id", "text", "html", "url", "title", "published"]
        schema = T.StructType([T.StructField(f, T.StringType()) for f in fields])
        df = reader.schema(schema).option("mode", "PERMISSIVE").json(list(inputs))
    wanted = [c for c in ("id", "text", "html", "url", "title", "published") if c in df.columns]
    df = df.select(*[F.col(c).cast("string") for c in wanted]).withColumn("source", F.input_file_name())
    if partitions:
        df = df.repartition(partitions)
    task_cpus = int(spark.sparkContext.getConf().get("spark.task.cpus", "1"))
    nthreads = threads or task_cpus
    records = df.rdd.mapPartitions(lambda it: annotate_partition(it, binary, nthreads, batch_size))
    records.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        t0 = time.perf_counter()
        n = records.count()  # annotates every partition once; the tables read the cached records
        t1 = time.perf_counter()
        for table, columns in healthclaims.SCHEMAS.items():
            schema = T.StructType([T.StructField(c, _spark_type(T, ty)) for c, ty in columns])
            rows = records.flatMap(lambda line, t=table: _rows(line, t))
            out = spark.createDataFrame(rows, schema)
            out.write.mode(mode).partitionBy("month").parquet(f"{output.rstrip('/')}/{table}")
        if timings is not None:
            timings.update(annotate=t1 - t0, write=time.perf_counter() - t1)
        return n
    finally:
        records.unpersist()


def _rows(line, table):
    import healthclaims

    rec = json.loads(line)
    rows = healthclaims.table_rows(rec)[table]
    return [tuple(r[c] for c, _ in healthclaims.SCHEMAS[table]) for r in rows]


def _spark_type(T, ty):
    return {"string": T.StringType(), "int": T.LongType(), "float": T.DoubleType(), "bool": T.BooleanType()}[ty]


def main(argv=None):
    from pyspark.sql import SparkSession

    args = parse_args(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("healthclaims-annotate").getOrCreate()
    try:
        n = run(spark, args.input, args.output, args.format, args.binary, args.partitions, args.threads, args.batch_size, args.mode)
    finally:
        spark.stop()
    print(f"healthclaims spark job: {n} articles -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
