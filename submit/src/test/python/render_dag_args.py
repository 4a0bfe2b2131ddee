"""Loads submit/airflow/verdant_dag.py without Airflow and prints every SparkSubmitOperator's
rendered command line as JSON, for the Java test that feeds them to Verdant's own parser.

Airflow's modules are replaced by stubs that record the DAG's and the operators' keyword arguments;
the templated application_args are then rendered the way Airflow renders them (Jinja, with the DAG's
params and user_defined_macros and the sample context given on the command line).

usage: render_dag_args.py DAG_FILE RUN_ID DS
"""
import json
import re
import sys
import types
from datetime import date


class _Dag:
    current = None

    def __init__(self, dag_id=None, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _Dag.current = self
        return self

    def __exit__(self, *exc):
        _Dag.current = None
        return False


class _SparkSubmitOperator:
    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.downstream = []
        if _Dag.current is None:
            raise SystemExit(f"task {task_id} is not inside a DAG")
        _Dag.current.tasks.append(self)

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other


def _install_stubs():
    airflow = types.ModuleType("airflow")
    airflow.DAG = _Dag
    modules = {"airflow": airflow}
    path = "airflow.providers.apache.spark.operators.spark_submit"
    parts = path.split(".")
    for i in range(2, len(parts) + 1):
        modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    modules[path].SparkSubmitOperator = _SparkSubmitOperator
    sys.modules.update(modules)


def _render(template, context):
    try:
        import jinja2
    except ImportError:
        jinja2 = None
    if jinja2 is not None:
        return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(template).render(**context)

    # Without Jinja: the few expression forms the DAG uses (names, attribute access, macro calls).
    def evaluate(match):
        return str(eval(match.group(1), {"__builtins__": {}}, _Attrs(context)))  # noqa: S307 (test helper)

    return re.sub(r"\{\{\s*(.*?)\s*\}\}", evaluate, template)


class _Attrs(dict):
    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        return types.SimpleNamespace(**value) if isinstance(value, dict) else value


def main():
    dag_file, run_id, ds = sys.argv[1], sys.argv[2], sys.argv[3]
    _install_stubs()
    namespace = {"__name__": "verdant_dag", "__file__": dag_file}
    with open(dag_file, encoding="utf-8") as f:
        exec(compile(f.read(), dag_file, "exec"), namespace)  # noqa: S102 (test helper)
    dags = [v for v in namespace.values() if isinstance(v, _Dag)]
    if len(dags) != 1:
        raise SystemExit(f"expected one DAG in {dag_file}, found {len(dags)}")
    dag = dags[0]
    context = dict(dag.kwargs.get("user_defined_macros") or {})
    context.update(run_id=run_id, ds=ds, ds_nodash=ds.replace("-", ""), params=dict(dag.kwargs.get("params") or {}))
    date.fromisoformat(ds)
    out = []
    for task in dag.tasks:
        kw = task.kwargs
        out.append({
            "task_id": task.task_id,
            "application": kw.get("application"),
            "java_class": kw.get("java_class"),
            "properties_file": kw.get("properties_file"),
            "retries": dag.kwargs.get("default_args", {}).get("retries"),
            "downstream": task.downstream,
            "args": [_render(str(a), context) for a in kw.get("application_args") or []],
        })
    json.dump({"dag_id": dag.dag_id, "tasks": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
