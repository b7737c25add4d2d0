"""Seeded generators of broken gdash inputs (issue 15): each returns the files of one case.

Every generator is a function ``(rng) -> Case``; the same seed gives the same inputs, so a
failure is reproduced with ``GDASH_FUZZ_SEED=<seed>`` and the case index printed by the test.
Seeds are real files (the importer and lint corpora, the seed project, Prometheus's and Loki's
parser test queries from ../shared), mutated structurally (values of the wrong type, deleted
keys, deep nesting, hostile strings) and textually (bytes, YAML syntax, truncation).
"""
from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


@dataclass
class Case:
    kind: str
    files: dict[str, bytes]  # relpath inside the case directory -> content
    commands: list[list[str]]  # gdash arguments; "{dir}" is replaced by the case directory
    description: str = ""
    notes: list[str] = field(default_factory=list)


# --- seeds -----------------------------------------------------------------------------------------

def _read_all(paths) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(paths)]


def _queries(language: str, fallback: list[str]) -> list[str]:
    found: list[str] = []
    cases = SHARED / "conformance" / language / "cases.json"
    if cases.is_file():
        found = [c["query"] for c in json.loads(cases.read_text(encoding="utf-8")) if c.get("valid")]
    valid = SHARED / "conformance" / language / "valid.txt"
    if valid.is_file():
        found += [line for line in valid.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found or fallback


DASHBOARD_SEEDS = _read_all((REPO / "tests" / "importer" / "corpus").glob("*.json"))
RULE_SEEDS = _read_all([*(REPO / "tests" / "importer" / "corpus").glob("*.yaml"),
                        *sorted((REPO / "tests" / "lint" / "corpus" / "real").rglob("*.yml"))[:12]])
PROMQL = _queries("promql", ['sum(rate(http_requests_total{job="api"}[5m])) by (route)', "up == 0"])
LOGQL = _queries("logql", ['sum(count_over_time({job="api"} |= "error" [5m]))', '{app="x"} | json'])
CONFIG_SEED = (REPO / "gdash.yaml").read_text(encoding="utf-8")
PY_SEEDS = _read_all([*(REPO / "dashboards").glob("[!_]*.py"), *(REPO / "alerts").glob("*.py")])

GOOD_DASHBOARD = ("from gdash import Dashboard, timeseries, prom\n"
                  "dashboard = Dashboard('Fuzz', uid='fuzz', panels=[timeseries('t', prom('up'))])\n")

# --- hostile values -------------------------------------------------------------------------------

STRINGS = ["", " ", "x" * 300, "../../etc/passwd", "/etc/passwd", "a/b", "\\", "\0", "\ud800", "\U0001f600",
           "${var}", "$__interval", "[[var]]", "off", "yes", "~", "null", "1e309", "0x1F", "2021-02-30", "-",
           "NaN", "{{ $labels.x }}", "<script>", "a" * 5000, "\n\n", "'", '"', "`", "#", "&a", "*a", "!!binary",
           "sum(", ")", "(" * 200 + "up" + ")" * 200, "up{" * 50]
NUMBERS = [0, -1, 1, 24, 25, 100000000, 2**63, 2**64, -(2**63) - 1, 10**70, 1.5, -0.0, 1e308, 3.14]
SPECIAL = [None, True, False, [], {}, [None], {"": None}, [[[[[[]]]]]], {"a": {"b": {"c": {}}}}]


def hostile_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(STRINGS)
    if roll < 0.55:
        return rng.choice(NUMBERS)
    if roll < 0.7:
        return copy.deepcopy(rng.choice(SPECIAL))
    if roll < 0.8:
        return mutate_query(rng, rng.choice(PROMQL + LOGQL))
    if roll < 0.88 and depth < 3:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if roll < 0.95 and depth < 3:
        return {rng.choice(["a", "uid", "title", "expr", "panels", "type", "id", ""]): hostile_value(rng, depth + 1)
                for _ in range(rng.randint(0, 3))}
    nested: object = "deep"
    for _ in range(rng.choice([50, 150, 600])):
        nested = [nested] if rng.random() < 0.5 else {"k": nested}
    return nested


_QUERY_BITS = ["(", ")", "{", "}", "[", "]", '"', "'", "`", ",", "=", "=~", "!=", "|=", "|~", "| json", "| logfmt",
               "| unwrap x", " by (a)", " without (b)", " on (c) group_left", " offset 5m", " @ 100", "[5m:1m]",
               "[5m]", " bool ", " and ", " or ", " unless ", "+", "-", "*", "/", "^", "%", " > 0", "$var", "${var}",
               "[[var]]", "$__rate_interval", "$__interval", "\\", "\n", "#", "1e999", "0x", "sum(", "rate(",
               "label_replace(", "histogram_quantile(0.9, ", "vector(", "count_over_time(", "\0", "µs", "1KB"]


def mutate_query(rng: random.Random, query: str) -> str:
    text = query
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        at = rng.randint(0, len(text))
        if roll < 0.4:
            text = text[:at] + rng.choice(_QUERY_BITS) + text[at:]
        elif roll < 0.6 and text:
            end = min(len(text), at + rng.randint(1, 8))
            text = text[:at] + text[end:]
        elif roll < 0.7:
            n = rng.choice([10, 70, 500, 3000])
            text = "(" * n + text + ")" * rng.choice([0, n])
        elif roll < 0.8:
            text = " + ".join([text] * rng.choice([2, 50, 300]))
        elif roll < 0.9:
            text = text[:at]
        else:
            other = rng.choice(PROMQL + LOGQL)
            text = text[:at] + other[rng.randint(0, len(other)):]
    return text


# --- structural and textual mutation --------------------------------------------------------------

def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for key, value in list(doc.items())[:40]:
            yield from _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc[:40]):
            yield from _paths(value, (*prefix, index))


def _get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def mutate_structure(rng: random.Random, doc):
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 5)):
        paths = list(_paths(doc))
        path = rng.choice(paths)
        if not path:
            if rng.random() < 0.1:
                doc = hostile_value(rng)
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        value = parent[key]
        roll = rng.random()
        if roll < 0.45:
            parent[key] = hostile_value(rng)
        elif roll < 0.6 and isinstance(parent, dict):
            del parent[key]
        elif roll < 0.7 and isinstance(value, str):
            parent[key] = mutate_query(rng, value)
        elif roll < 0.8:
            parent[key] = [value, value] if rng.random() < 0.5 else {"wrapped": value}
        elif roll < 0.9 and isinstance(parent, dict):
            parent[rng.choice(["extra", "panels", "rules", "groups", "targets", "__proto__", ""])] = hostile_value(rng)
        elif isinstance(parent, list):
            parent.extend([value] * rng.choice([2, 100]))
    return doc


_TEXT_BITS = ["&a ", "*a", "<<: *a", "? ", "!!python/object:os.system ", "!!binary ", "\t", "{", "[", "}", "]", ":",
              "- ", "---\n", "...\n", "'", '"', "\\", "\0", "\x85", "\ufeff", "%YAML 1.1\n", "#", "|", ">", "~",
              "\n  ", ",", '"\\ud800"', "1e999", "NaN", "-Infinity", "9" * 80]


def mutate_text(rng: random.Random, text: str) -> bytes:
    data = text
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        at = rng.randint(0, len(data))
        if roll < 0.4:
            data = data[:at] + rng.choice(_TEXT_BITS) + data[at:]
        elif roll < 0.6 and data:
            data = data[:at] + data[min(len(data), at + rng.randint(1, 20)):]
        elif roll < 0.7:
            data = data[:at]
        elif roll < 0.8:
            lines = data.splitlines(keepends=True)
            if lines:
                line = rng.choice(lines)
                data = data.replace(line, line * rng.choice([2, 50]), 1)
        else:
            data = data[:at] + data[at: at + 40] * rng.choice([2, 30]) + data[at:]
    raw = data.encode("utf-8", "surrogatepass")
    if rng.random() < 0.08:
        index = rng.randint(0, len(raw))
        raw = raw[:index] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0xFE])]) + raw[index:]
    return raw


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _dump(rng: random.Random, doc, as_json: bool) -> bytes:
    if as_json:
        try:
            text = json.dumps(doc, indent=rng.choice([None, 1, 2]))
        except (ValueError, RecursionError):
            text = "[]"
    else:
        try:
            text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        except (yaml.YAMLError, RecursionError, UnicodeEncodeError):
            text = "{}\n"
    return text.encode("utf-8", "surrogatepass")


def _document(rng: random.Random, seeds: list[str], as_json: bool) -> bytes:
    seed = rng.choice(seeds)
    roll = rng.random()
    if roll < 0.05:
        return billion_laughs().encode()
    if roll < 0.55:
        try:
            doc = json.loads(seed) if seed.lstrip().startswith(("{", "[")) else yaml.safe_load(seed)
        except (ValueError, yaml.YAMLError):
            doc = {}
        return _dump(rng, mutate_structure(rng, doc), as_json)
    return mutate_text(rng, seed)


# --- the input kinds --------------------------------------------------------------------------------

def lint_dashboard(rng: random.Random) -> Case:
    data = _document(rng, DASHBOARD_SEEDS, as_json=True)
    return Case("lint-dashboard", {"input.json": data},
                [["lint", "{dir}/input.json"], ["lint", "--format", rng.choice(["json", "sarif", "github"]),
                                                "{dir}/input.json"]])


def lint_rules(rng: random.Random) -> Case:
    name = rng.choice(["rules.yaml", "rules.yml", "rules.json"])
    data = _document(rng, RULE_SEEDS, as_json=name.endswith(".json"))
    return Case("lint-rules", {name: data}, [["lint", f"{{dir}}/{name}"]])


def import_dashboard(rng: random.Random) -> Case:
    data = _document(rng, DASHBOARD_SEEDS, as_json=True)
    return Case("import-dashboard", {"input.json": data, "project/dashboards/.keep": b""},
                [["-C", "{dir}/project", "import", "{dir}/input.json", "--out", "{dir}/project/dashboards",
                  "--alerts-out", "{dir}/project/alerts"]])


def import_rules(rng: random.Random) -> Case:
    name = rng.choice(["rules.yaml", "rules.json"])
    data = _document(rng, RULE_SEEDS, as_json=name.endswith(".json"))
    return Case("import-rules", {name: data, "project/dashboards/.keep": b""},
                [["-C", "{dir}/project", "import", f"{{dir}}/{name}", "--out", "{dir}/project/dashboards",
                  "--alerts-out", "{dir}/project/alerts"]])


def config(rng: random.Random) -> Case:
    if rng.random() < 0.6:
        data = _dump(rng, mutate_structure(rng, yaml.safe_load(CONFIG_SEED)), as_json=False)
    else:
        data = mutate_text(rng, CONFIG_SEED) if rng.random() < 0.9 else billion_laughs().encode()
    env = rng.choice(["prod", "staging", "local", "off", "nope"])
    return Case("config", {"gdash.yaml": data, "dashboards/fuzz.py": GOOD_DASHBOARD.encode()},
                [["-C", "{dir}", "validate"], ["-C", "{dir}", "provision", "--out", "{dir}/out", "--env", env],
                 ["-C", "{dir}", "lint"]])


# Python: authoring calls with arguments of every type, and files that misbehave

PY_VALUES = ["None", "True", "0", "-1", "30", "24", "10**30", "1.5", "float('nan')", "'x'", "''", "'\\ud800'",
             "'x' * 300", "[]", "{}", "['job']", "{'a': 1}", "(1, 2)", "prom('up')", "[prom('up')]", "object()",
             "'80'", "[(None, 'green'), (80, 'red')]", "[70, 90]", "{'x': float('inf')}", "SELF", "'../x'",
             "'up{'", "'(' * 5000", "b'x'", "{1: 2}", "[[[]]]", "'5m'", "'often'", "Route('r')", "5"]
PANELS = ["timeseries", "stat", "gauge", "bargauge", "table", "logs"]
PANEL_KWARGS = ["description", "unit", "min", "max", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h",
                "extra", "legend", "stack", "fill", "transformations", "overrides", "reduce", "graph", "sort_by"]
DASHBOARD_KWARGS = ["folder", "description", "tags", "variables", "rows", "links", "time", "refresh", "timezone",
                    "tooltip", "editable", "extra"]
RULE_KWARGS = ["op", "for_", "labels", "annotations", "uid", "datasource", "range_seconds", "no_data", "exec_error"]
MISBEHAVIOUR = [
    "import sys\nsys.exit({n})\n", "raise SystemExit({v})\n", "raise BaseException({v})\n", "raise GeneratorExit\n",
    "class E(Exception):\n    def __str__(self):\n        raise ValueError\nraise E()\n",
    "def f():\n    return f()\nf()\n", "print('x' * {n}0000)\n", "raise ValueError({v})\n", "x = 1 / 0\n",
    "dashboard = {v}\n", "dashboards = [{v}, {v}]\n", "groups = {v}\n", "group = {v}\n", "contact_points = {v}\n",
    "policy = {v}\n", "templates = {v}\n", "from gdash import *\n",
    "def f(\n", "\0", "x = " + "(" * 300 + ")" * 300 + "\n", "import nonexistent_module_xyz\n",
    "from grafanalib import core\ndashboard = core.Dashboard(title={v}, uid={v})\n",
    "from grafanalib import core\nfrom gdash import Dashboard\ndashboard = Dashboard('A', uid='a', panels=[core.TimeSeries(title={v}, targets={v})])\n",
]
HEADER = ("from gdash import (AlertGroup, ContactPoint, Dashboard, Policy, Receiver, Route, Row, alert_rule, bargauge,\n"
          "    custom_var, datasource_var, email, gauge, interval_var, link, logs, loki, prom, query_var, slack, stat,\n"
          "    table, text, timeseries, webhook)\n")


# "content" cases keep every argument's type right and make the values hostile, so they get past
# the argument checks into compiling, validation, lint and the writers; "types" cases do not
_MODE = {"content": False}

CONTENT_VALUES = {
    "description": lambda rng: repr(rng.choice(STRINGS)), "unit": lambda rng: repr(rng.choice(STRINGS)),
    "min": lambda rng: repr(rng.choice([0, -1e308, 1e308, 5])), "max": lambda rng: repr(rng.choice([0, 1e308, 5])),
    "decimals": lambda rng: repr(rng.randint(0, 20)),
    "thresholds": lambda rng: rng.choice(["[70, 90]", "[(None, 'green'), (80, 'red')]", "[]", "[1e308]", "[-0.0]"]),
    "mappings": lambda rng: rng.choice(["[{}]", "[{'type': 'value', 'options': {'1': {'text': 'x'}}}]", "[{'type': 5}]"]),
    "links": lambda rng: rng.choice(["[{}]", "[{'url': '../x', 'title': 5}]"]),
    "repeat": lambda rng: repr(rng.choice(["job", "$x", "a b", "x" * 300])),
    "w": lambda rng: repr(rng.randint(1, 24)), "h": lambda rng: repr(rng.randint(1, 200)),
    "extra": lambda rng: rng.choice([
        "{'fieldConfig': {'defaults': 'x'}}", "{'gridPos': 'x'}", "{'type': 'row'}", "{'targets': 'x'}",
        "{'id': 'x'}", "{'datasource': 5}", "{'panels': [{'type': 'row'}]}", "{'title': None}", "{'uid': '../x'}",
        "{'fieldConfig': {'overrides': [5]}}", "{'options': []}", "{'templating': {'list': 5}}", "{'schemaVersion': 'x'}",
        "{'panels': 'x'}", "{'time': None}", "{'refresh': 5}", "{'fieldConfig': {'defaults': {'thresholds': 5}}}"]),
    "legend": lambda rng: repr(rng.choice(["list", "table", "hidden"])), "stack": lambda rng: repr(rng.random() < 0.5),
    "fill": lambda rng: repr(rng.randint(0, 100)),
    "transformations": lambda rng: rng.choice(["[{}]", "[{'id': 5}]", "[{'id': 'organize', 'options': 'x'}]"]),
    "overrides": lambda rng: rng.choice(["[{}]", "[{'matcher': 5, 'properties': 'x'}]"]),
    "reduce": lambda rng: repr(rng.choice(["mean", "x", "lastNotNull"])), "graph": lambda rng: "True",
    "sort_by": lambda rng: repr(rng.choice(STRINGS)),
    "folder": lambda rng: repr(rng.choice(["Ops", "../..", "a/b", "x" * 150, "General", " ", "\\", "-"])),
    "tags": lambda rng: repr([rng.choice(STRINGS) for _ in range(2)]),
    "variables": lambda rng: rng.choice(["[query_var('job', 'label_values(up, job)')]", "[datasource_var('loki')]",
                                         "[custom_var('a', ['x', 'y']), custom_var('a', ['z'])]", "[interval_var()]",
                                         "[query_var('x' * 300, '')]", "[datasource_var('prometheus', 'ds')] * 2"]),
    "links_d": lambda rng: "[link('x', '../../etc')]",
    "time": lambda rng: rng.choice(["('now-6h', 'now')", "('x', 'y')", "('now', 'now-1h')"]),
    "refresh": lambda rng: repr(rng.choice(["30s", "", "x", "0"])), "timezone": lambda rng: repr(rng.choice(STRINGS)),
    "tooltip": lambda rng: repr(rng.choice(["default", "shared tooltip"])), "editable": lambda rng: "False",
    "op": lambda rng: repr(rng.choice(["gt", "lt", "eq"])), "for_": lambda rng: repr(rng.choice(["0s", "5m", "1000d"])),
    "labels": lambda rng: rng.choice(["{'severity': 'x'}", "{'a b': 'c'}", "{'__name__': 'x'}", "{'team': '../x'}"]),
    "annotations": lambda rng: rng.choice(["{'summary': '{{ $value'}", "{'x': ''}"]),
    "uid": lambda rng: repr(rng.choice(["a", "x" * 41, "../x", "a b", "", "UPPER", "é"])),
    "datasource": lambda rng: repr(rng.choice(["prometheus", "${ds}", "loki", "x/y", "-- Mixed --"])),
    "range_seconds": lambda rng: repr(rng.randint(1, 10**6)),
    "no_data": lambda rng: repr(rng.choice(["NoData", "OK"])), "exec_error": lambda rng: repr(rng.choice(["Error", "OK"])),
}


def _value(rng: random.Random, valid: str) -> str:
    if _MODE["content"]:
        return valid
    return rng.choice(PY_VALUES) if rng.random() < 0.3 else valid


def _kwargs(rng: random.Random, names: list[str]) -> str:
    chosen = rng.sample(names, rng.randint(0, min(4, len(names))))
    if _MODE["content"]:
        return "".join(f", {name}={CONTENT_VALUES[name](rng)}" for name in chosen if name in CONTENT_VALUES)
    return "".join(f", {name}={rng.choice(PY_VALUES)}" for name in chosen)


_HELPER_KWARGS = {
    "timeseries": {"description", "unit", "min", "max", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h",
                   "extra", "legend", "stack", "fill", "transformations", "overrides"},
    "stat": {"description", "unit", "min", "max", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h",
             "extra", "reduce", "graph", "transformations"},
    "gauge": {"description", "unit", "min", "max", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h",
              "extra", "reduce", "transformations"},
    "bargauge": {"description", "unit", "min", "max", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h",
                 "extra", "reduce", "transformations"},
    "table": {"description", "unit", "decimals", "thresholds", "mappings", "links", "repeat", "w", "h", "extra",
              "transformations", "overrides", "sort_by"},
    "logs": {"description", "links", "w", "h", "extra"},
}


def _query(rng: random.Random, helper: str) -> str:
    if not _MODE["content"] and rng.random() < 0.2:
        return rng.choice(PY_VALUES)
    if helper == "logs" or rng.random() < 0.15:
        return f"loki({_value(rng, repr(mutate_query(rng, rng.choice(LOGQL)) if rng.random() < 0.5 else rng.choice(LOGQL)))})"
    query = mutate_query(rng, rng.choice(PROMQL)) if rng.random() < 0.4 else rng.choice(PROMQL)
    return f"prom({_value(rng, repr(query))}, {repr(rng.choice(['', '{{job}}', '{{', 'x' * 300]))})"


def _panel(rng: random.Random) -> str:
    helper = rng.choice(PANELS)
    queries = ", ".join(_query(rng, helper) for _ in range(rng.randint(0, 3)))
    title = _value(rng, repr(rng.choice(["Panel", *STRINGS]) if _MODE["content"] else "Panel"))
    names = sorted(_HELPER_KWARGS[helper]) if _MODE["content"] else PANEL_KWARGS
    return f"{helper}({title}{', ' + queries if queries else ''}{_kwargs(rng, names)})"


def _dashboard_source(rng: random.Random) -> str:
    panels = ", ".join(_panel(rng) for _ in range(rng.randint(0, 4)))
    uid = _value(rng, repr(f"d{rng.randint(0, 9)}") if rng.random() < 0.8 else CONTENT_VALUES["uid"](rng))
    row = f"Row({_value(rng, repr('Row'))}, {_panel(rng)})" if rng.random() < 0.3 else ""
    return (HEADER + "SELF = {}\nSELF['me'] = SELF\n"
            f"dashboard = Dashboard({_value(rng, repr(rng.choice(['Fuzz', *STRINGS]) if _MODE['content'] else 'Fuzz'))}, "
            f"uid={uid}, panels=[{panels}]"
            f"{', rows=[' + row + ']' if row else ''}{_kwargs(rng, DASHBOARD_KWARGS)})\n")


def _alerts_source(rng: random.Random) -> str:
    rule = (f"alert_rule({_value(rng, repr('HighErrors'))}, {_value(rng, repr(rng.choice(PROMQL)))}, "
            f"threshold={_value(rng, '1')}, severity={_value(rng, repr('critical'))}, team='t', summary='s', "
            f"description='d', runbook_url='https://x'{_kwargs(rng, RULE_KWARGS)})")
    route = f"Route({_value(rng, repr('team'))}, matchers={_value(rng, repr({'team': 't'}))})"
    return (HEADER + "SELF = {}\nSELF['me'] = SELF\n"
            f"groups = [AlertGroup({_value(rng, repr('g'))}, {rule}, folder={_value(rng, repr('Alerts'))}, "
            f"interval={_value(rng, repr('1m'))})]\n"
            f"contact_points = [ContactPoint('team', slack(url_env={_value(rng, repr('SLACK_URL'))}))]\n"
            f"policy = Policy('team', routes=[{route}])\n")


def project_files(rng: random.Random) -> Case:
    _MODE["content"] = rng.random() < 0.5
    roll = rng.random() * (0.6 if _MODE["content"] else 1)
    files: dict[str, bytes] = {}
    if roll < 0.35:
        files["dashboards/fuzz.py"] = _dashboard_source(rng).encode("utf-8", "surrogatepass")
    elif roll < 0.6:
        files["alerts/fuzz.py"] = _alerts_source(rng).encode("utf-8", "surrogatepass")
        files["dashboards/ok.py"] = GOOD_DASHBOARD.encode()
    elif roll < 0.8:
        snippet = rng.choice(MISBEHAVIOUR).format(n=rng.choice([0, 1, 3, 255, 1000]), v=rng.choice(PY_VALUES))
        folder = rng.choice(["dashboards", "alerts"])
        files[f"{folder}/fuzz.py"] = (HEADER + snippet).encode("utf-8", "surrogatepass")
        files.setdefault("dashboards/ok.py", GOOD_DASHBOARD.encode())
    else:  # the seed project's own files, mutated as text
        files["dashboards/_common.py"] = (REPO / "dashboards" / "_common.py").read_bytes()
        files[f"{rng.choice(['dashboards', 'alerts'])}/fuzz.py"] = mutate_text(rng, rng.choice(PY_SEEDS))
    return Case("project-files", files, [["-C", "{dir}", "build", "--out", "{dir}/build"], ["-C", "{dir}", "lint"]])


KINDS = {
    "lint-dashboard": lint_dashboard,
    "lint-rules": lint_rules,
    "import-dashboard": import_dashboard,
    "import-rules": import_rules,
    "config": config,
    "project-files": project_files,
}
