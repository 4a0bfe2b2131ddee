"""Verdant on Airflow: ingest -> train -> compress -> evaluate -> report, one spark-submit per job.

Each task is a SparkSubmitOperator that submits Verdant's application jar
(target/verdant-<version>-spark3.5.jar, main class io.verdant.jobs.Verdant) with one of the
Spark properties files of submit/conf (docs/operations.md). The Spark connection (conn_id, default
spark_default) names the master (spark://..., yarn or k8s://...) and, in its extras, the deploy mode.

Runs are idempotent, so retries and reruns are safe:
- every job gets --run-id from the DAG run (Airflow's run_id made safe for Verdant: letters, digits,
  '.', '_' and '-'), so a retry of a task reuses the same id and Verdant recognizes outputs it already
  completed;
- every output is a partition of the logical date (.../ds=YYYY-MM-DD), written atomically (temp dir,
  then rename) and replaced with --overwrite by a rerun of the same date.

Configuration (environment of the Airflow scheduler and workers, all optional):
  VERDANT_APP_JAR        the application jar, readable by spark-submit on the Airflow worker
  VERDANT_PROPERTIES     the Spark properties file (default: the YARN one next to the jar)
  VERDANT_SPARK_CONN_ID  the Airflow Spark connection (default spark_default)
  VERDANT_WORK_DIR       where tables and models go (default hdfs:///verdant); any Hadoop URI
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

VERDANT_HOME = os.environ.get("VERDANT_HOME", "/opt/verdant")
APP_JAR = os.environ.get("VERDANT_APP_JAR", f"{VERDANT_HOME}/verdant-0.1.0-SNAPSHOT-spark3.5.jar")
PROPERTIES = os.environ.get("VERDANT_PROPERTIES", f"{VERDANT_HOME}/conf/yarn.properties")
SPARK_CONN_ID = os.environ.get("VERDANT_SPARK_CONN_ID", "spark_default")
WORK_DIR = os.environ.get("VERDANT_WORK_DIR", "hdfs:///verdant")
MAIN_CLASS = "io.verdant.jobs.Verdant"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def verdant_run_id(run_id: str, job: str) -> str:
    """Airflow's run_id (e.g. 'scheduled__2026-11-22T00:00:00+00:00') as a Verdant --run-id.

    Verdant allows 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit; the same
    Airflow run always maps to the same id, so a retried task finds its own finished output.
    """
    safe = _UNSAFE.sub("-", run_id).strip("-._") or "run"
    return f"{safe[:100]}-{job}"


# Where each job reads and writes: one partition per logical date ({{ ds }}).
TABLE = "{{ params.work_dir }}/tables/{{ params.dataset }}/ds={{ ds }}"
MODEL = "{{ params.work_dir }}/models/{{ params.model }}/ds={{ ds }}"
COMPRESSED = "{{ params.work_dir }}/compressed/{{ params.model }}/ds={{ ds }}"
REPORT = "{{ params.work_dir }}/reports/{{ params.model }}/ds={{ ds }}"

# The Verdant command line of each task (application_args; rendered by Airflow's templating).
JOBS = {
    "ingest": [
        "ingest", "--dataset", "{{ params.dataset }}",
        "--out", TABLE, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'ingest') }}",
    ],
    "train": [
        "train", "--data", TABLE, "--model", "{{ params.model }}",
        "--out", MODEL, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'train') }}",
    ],
    "compress": [
        "compress", "--model", MODEL, "--data", TABLE,
        "--out", COMPRESSED, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'compress') }}",
    ],
    # The compressed file scored on the test split: what would ship, checked after decoding.
    "evaluate": [
        "evaluate", "--model", COMPRESSED + "/model.vdcm", "--data", TABLE, "--split", "test",
        "--run-id", "{{ verdant_run_id(run_id, 'evaluate') }}",
    ],
    # The static HTML report of this DAG run's four runs (docs/report.md): index.html, its charts and charts.json,
    # read from the ledger and the model and compression files those runs wrote. No Spark work.
    "report": [
        "report",
        "--run", "{{ verdant_run_id(run_id, 'ingest') }}", "{{ verdant_run_id(run_id, 'train') }}",
        "{{ verdant_run_id(run_id, 'compress') }}", "{{ verdant_run_id(run_id, 'evaluate') }}",
        "--out", REPORT, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'report') }}",
    ],
}

default_args = {
    "owner": "verdant",
    # Safe: a retry reuses the run id and the output partition (see the module docstring).
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=6),
}

with DAG(
    dag_id="verdant_pipeline",
    description="Verdant: ingest, train, compress and evaluate on Spark, with energy and carbon per job, and their report",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={"work_dir": WORK_DIR, "dataset": "mnist", "model": "lenet-300-100"},
    user_defined_macros={"verdant_run_id": verdant_run_id},
    tags=["verdant", "spark"],
) as dag:
    previous = None
    for job, args in JOBS.items():
        task = SparkSubmitOperator(
            task_id=job,
            conn_id=SPARK_CONN_ID,
            application=APP_JAR,
            java_class=MAIN_CLASS,
            properties_file=PROPERTIES,
            name=f"verdant-{job}",
            application_args=args,
            verbose=False,
        )
        if previous is not None:
            previous >> task
        previous = task
