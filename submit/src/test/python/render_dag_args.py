"""Loads submit/airflow/verdant_dag.py without Airflow and prints every task's rendered Verdant
command line as JSON, for the Java test that feeds them to Verdant's own parser.

Airflow's modules are replaced by stubs that record the DAG's and the operators' keyword arguments;
the templated application_args (SparkSubmitOperator) and bash_command (BashSensor) are then rendered
the way Airflow renders them (Jinja, with the DAG's params, user_defined_macros and
user_defined_filters and the sample context given on the command line: a daily run whose data
interval ends a day after DS). A sensor's Verdant arguments are the words of its rendered command
after the main class and the application jar.

usage: render_dag_args.py DAG_FILE RUN_ID DS
"""
import json
import re
import shlex
import sys
import types
from datetime import date, datetime, timedelta, timezone

MAIN_CLASS = "io.verdant.jobs.Verdant"


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


class _Operator:
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


class _SparkSubmitOperator(_Operator):
    pass


class _BashSensor(_Operator):
    pass


def _install_stubs():
    airflow = types.ModuleType("airflow")
    airflow.DAG = _Dag
    modules = {"airflow": airflow}
    for path, name, cls in (("airflow.providers.apache.spark.operators.spark_submit", "SparkSubmitOperator",
                             _SparkSubmitOperator),
                            ("airflow.sensors.bash", "BashSensor", _BashSensor)):
        parts = path.split(".")
        for i in range(2, len(parts) + 1):
            modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
        setattr(modules[path], name, cls)
    sys.modules.update(modules)


def _render(template, context, filters):
    try:
        import jinja2
    except ImportError:
        jinja2 = None
    if jinja2 is not None:
        env = jinja2.Environment(undefined=jinja2.StrictUndefined)
        env.filters.update(filters)
        return env.from_string(template).render(**context)

    # Without Jinja: the few forms the DAG uses (names, attribute access, macro calls, filter blocks).
    def evaluate(match):
        return str(eval(match.group(1), {"__builtins__": {}}, _Attrs(context)))  # noqa: S307 (test helper)

    def expressions(text):
        return re.sub(r"\{\{\s*(.*?)\s*\}\}", evaluate, text)

    def block(match):
        return filters[match.group(1)](expressions(match.group(2)))

    return expressions(re.sub(r"\{%\s*filter\s+(\w+)\s*%\}(.*?)\{%\s*endfilter\s*%\}", block, template))


class _Attrs(dict):
    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        return types.SimpleNamespace(**value) if isinstance(value, dict) else value


def _seconds(delta):
    return None if delta is None else delta.total_seconds()


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
    start = datetime.combine(date.fromisoformat(ds), datetime.min.time(), tzinfo=timezone.utc)
    context.update(run_id=run_id, ds=ds, ds_nodash=ds.replace("-", ""), params=dict(dag.kwargs.get("params") or {}),
                   data_interval_start=start, data_interval_end=start + timedelta(days=1))
    filters = dict(dag.kwargs.get("user_defined_filters") or {})
    defaults = dag.kwargs.get("default_args", {})
    out = []
    for task in dag.tasks:
        kw = task.kwargs
        entry = {
            "task_id": task.task_id,
            "operator": type(task).__name__.lstrip("_"),
            "retries": kw.get("retries", defaults.get("retries")),
            "downstream": task.downstream,
        }
        if isinstance(task, _BashSensor):
            words = shlex.split(_render(kw["bash_command"], context, filters))
            i = words.index(MAIN_CLASS)
            entry.update(command=words[:i + 2], args=words[i + 2:], mode=kw.get("mode"),
                         poke_interval=kw.get("poke_interval"), timeout=kw.get("timeout"),
                         retry_exit_code=kw.get("retry_exit_code"))
        else:
            entry.update(application=kw.get("application"), java_class=kw.get("java_class"),
                         properties_file=kw.get("properties_file"), retry_delay_s=_seconds(kw.get("retry_delay")),
                         args=[_render(str(a), context, filters) for a in kw.get("application_args") or []])
        out.append(entry)
    json.dump({"dag_id": dag.dag_id, "tasks": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
