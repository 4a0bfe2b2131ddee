"""Verdant on Airflow: ingest -> plan_train -> train -> compress -> evaluate -> score -> report, one spark-submit per job.

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

Training waits for a clean (or cheap) grid: plan_train is a sensor in reschedule mode that runs
`verdant plan train ... --check` every few minutes (no worker slot is held in between) until the
plan says the window has come (exit 0; exit 3 means not yet), at the latest when the job must start
to end by the deadline (VERDANT_DEADLINE_HOURS after the end of the data interval). train itself pauses
at an epoch boundary when the grid gets dirty (--pause-above, see docs/scheduling.md) and fails with
a distinct exit status; Airflow retries it (train has many retries, each --resume continues from the
checkpoint of the same run id) until it completes.

Configuration (environment of the Airflow scheduler and workers, all optional):
  VERDANT_APP_JAR        the application jar, readable by spark-submit on the Airflow worker
  VERDANT_PROPERTIES     the Spark properties file (default: the YARN one next to the jar)
  VERDANT_SPARK_CONN_ID  the Airflow Spark connection (default spark_default)
  VERDANT_WORK_DIR       where tables and models go (default hdfs:///verdant); any Hadoop URI
  VERDANT_SIGNALS        the grid signal file (default $VERDANT_WORK_DIR/signals/grid.parquet), kept
                         current by the operator (docs/scheduling.md: exporting a grid operator's series)
  VERDANT_ZONE           the grid zone of the cluster in that file (default DE)
  VERDANT_DEADLINE_HOURS train must end this many hours after the data interval (default 12)
  VERDANT_PAUSE_ABOVE    train pauses while the grid's gCO2e/kWh is above this (default 450)
  VERDANT_PLAN_COMMAND   how the sensor runs Verdant without a cluster (default: spark-submit in local
                         mode of the application jar; planning starts no Spark)
"""
from __future__ import annotations

import os
import re
import shlex
from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sensors.bash import BashSensor

VERDANT_HOME = os.environ.get("VERDANT_HOME", "/opt/verdant")
APP_JAR = os.environ.get("VERDANT_APP_JAR", f"{VERDANT_HOME}/verdant-0.1.0-SNAPSHOT-spark3.5.jar")
PROPERTIES = os.environ.get("VERDANT_PROPERTIES", f"{VERDANT_HOME}/conf/yarn.properties")
SPARK_CONN_ID = os.environ.get("VERDANT_SPARK_CONN_ID", "spark_default")
WORK_DIR = os.environ.get("VERDANT_WORK_DIR", "hdfs:///verdant")
MAIN_CLASS = "io.verdant.jobs.Verdant"
SIGNALS = os.environ.get("VERDANT_SIGNALS", f"{WORK_DIR}/signals/grid.parquet")
ZONE = os.environ.get("VERDANT_ZONE", "DE")
DEADLINE_HOURS = int(os.environ.get("VERDANT_DEADLINE_HOURS", "12"))
PAUSE_ABOVE = os.environ.get("VERDANT_PAUSE_ABOVE", "450")
PLAN_COMMAND = os.environ.get(
    "VERDANT_PLAN_COMMAND",
    f"spark-submit --master local[1] --conf spark.ui.enabled=false --class {MAIN_CLASS} {APP_JAR}")
# verdant plan --check: 0 = start now, 3 = not yet (poke again), anything else = an error.
EXIT_NOT_YET = 3

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def verdant_run_id(run_id: str, job: str) -> str:
    """Airflow's run_id (e.g. 'scheduled__2026-11-22T00:00:00+00:00') as a Verdant --run-id.

    Verdant allows 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit; the same
    Airflow run always maps to the same id, so a retried task finds its own finished output.
    """
    safe = _UNSAFE.sub("-", run_id).strip("-._") or "run"
    return f"{safe[:100]}-{job}"


def verdant_deadline(data_interval_end: datetime, hours: int) -> str:
    """The instant a job must have ended by: hours after the end of the run's data interval, ISO-8601 UTC."""
    return (data_interval_end + timedelta(hours=hours)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# Where each job reads and writes: one partition per logical date ({{ ds }}).
TABLE = "{{ params.work_dir }}/tables/{{ params.dataset }}/ds={{ ds }}"
MODEL = "{{ params.work_dir }}/models/{{ params.model }}/ds={{ ds }}"
COMPRESSED = "{{ params.work_dir }}/compressed/{{ params.model }}/ds={{ ds }}"
REPORT = "{{ params.work_dir }}/reports/{{ params.model }}/ds={{ ds }}"
SCORES = "{{ params.work_dir }}/scores/{{ params.model }}/ds={{ ds }}"
# The registered name of the model (docs/models.md); compress moves the alias "champion" to its output.
MODEL_NAME = "{{ params.dataset }}-{{ params.model }}"

# The Verdant command line of each task (application_args; rendered by Airflow's templating).
JOBS = {
    "ingest": [
        "ingest", "--dataset", "{{ params.dataset }}",
        "--out", TABLE, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'ingest') }}",
    ],
    # --resume: a retry (after a pause or a failure) continues from the checkpoint of the same run id;
    # --pause-above: pause at an epoch boundary while the grid is dirtier than that (exit 75, retried).
    "train": [
        "train", "--data", TABLE, "--model", "{{ params.model }}",
        "--out", MODEL, "--overwrite", "--resume",
        "--pause-above", "{{ params.pause_above }}", "--signals", "{{ params.signals }}", "--zone", "{{ params.zone }}",
        "--model-name", MODEL_NAME,
        "--run-id", "{{ verdant_run_id(run_id, 'train') }}",
    ],
    "compress": [
        "compress", "--model", MODEL, "--data", TABLE,
        "--out", COMPRESSED, "--overwrite",
        "--model-name", MODEL_NAME, "--model-alias", "champion",
        "--run-id", "{{ verdant_run_id(run_id, 'compress') }}",
    ],
    # The compressed file scored on the test split: what would ship, checked after decoding.
    "evaluate": [
        "evaluate", "--model", COMPRESSED + "/model.vdcm", "--data", TABLE, "--split", "test",
        "--run-id", "{{ verdant_run_id(run_id, 'evaluate') }}",
    ],
    # The date's rows scored by the registry's champion (the compressed model): predictions as Parquet, and
    # the cost of 1,000 predictions in the ledger (docs/score.md).
    "score": [
        "score", "--model", "models:/" + MODEL_NAME + "@champion", "--data", TABLE, "--split", "test",
        "--out", SCORES, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'score') }}",
    ],
    # The static HTML report of this DAG run's five runs (docs/report.md): index.html, its charts and charts.json,
    # read from the ledger and the model and compression files those runs wrote (its Spark session runs no tasks).
    "report": [
        "report",
        "--run", "{{ verdant_run_id(run_id, 'ingest') }}", "{{ verdant_run_id(run_id, 'train') }}",
        "{{ verdant_run_id(run_id, 'compress') }}", "{{ verdant_run_id(run_id, 'evaluate') }}",
        "{{ verdant_run_id(run_id, 'score') }}",
        "--out", REPORT, "--overwrite",
        "--run-id", "{{ verdant_run_id(run_id, 'report') }}",
    ],
}

# The gate in front of train: the same command line, planned (the plan's ledger row is <train run id>.plan);
# plan reads --signals and --zone from it.
PLAN_TRAIN = ["plan", *JOBS["train"],
              "--deadline", "{{ verdant_deadline(data_interval_end, params.deadline_hours) }}",
              "--check"]

# Per-task settings over default_args: a paused train exits non-zero and is retried (with --resume) until
# it completes; a retry every 30 minutes for a day covers a dirty evening.
TASK_ARGS = {
    "train": {"retries": 48, "retry_delay": timedelta(minutes=30), "retry_exponential_backoff": False,
              "execution_timeout": timedelta(hours=24)},
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
    description="Verdant: ingest, train, compress, evaluate and score on Spark, with energy and carbon per job, and their report",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={"work_dir": WORK_DIR, "dataset": "mnist", "model": "lenet-300-100", "signals": SIGNALS, "zone": ZONE,
            "deadline_hours": DEADLINE_HOURS, "pause_above": PAUSE_ABOVE},
    user_defined_macros={"verdant_run_id": verdant_run_id, "verdant_deadline": verdant_deadline},
    user_defined_filters={"sh": shlex.quote},
    tags=["verdant", "spark"],
) as dag:
    previous = None
    for job, args in JOBS.items():
        if job == "train":
            # Reschedule mode frees the worker slot between pokes; the timeout is the deadline (by then
            # the plan itself says start, its fallback when the job no longer fits).
            gate = BashSensor(
                task_id="plan_train",
                # Each argument is quoted for the shell after Airflow renders it.
                bash_command=PLAN_COMMAND + " " + " ".join("{% filter sh %}" + a + "{% endfilter %}" for a in PLAN_TRAIN),
                retry_exit_code=EXIT_NOT_YET,
                mode="reschedule",
                poke_interval=5 * 60,
                timeout=DEADLINE_HOURS * 3600,
            )
            previous >> gate
            previous = gate
        task = SparkSubmitOperator(
            task_id=job,
            conn_id=SPARK_CONN_ID,
            application=APP_JAR,
            java_class=MAIN_CLASS,
            properties_file=PROPERTIES,
            name=f"verdant-{job}",
            application_args=args,
            verbose=False,
            **TASK_ARGS.get(job, {}),
        )
        if previous is not None:
            previous >> task
        previous = task
