"""Bounded YAML and JSON loading (gdash.safeload) and the inputs routed through it (issue 15)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml

from gdash import safeload
from gdash.config import Config
from gdash.errors import ConfigError
from gdash.importer import import_paths
from gdash.lint import lint_config, lint_paths
from gdash.sync.client import SyncError
from gdash.sync.environment import resolve_environment


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text,message,line", [
    (billion_laughs(), "more than 1,000,000 nodes once aliases are expanded", 7),
    ("a: &a [1, *a]\n", "an alias refers to a node that contains it", 1),
    ("? {a: 1}\n: x\n", "a mapping or list is used as a key", 1),
    ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 150)), "nested deeper than 100 levels", None),
    ("n: " + "9" * 65 + "\n", "an integer with more than 64 digits", 1),
    ("d: 2021-02-30\n", "cannot read the value '2021-02-30'", 1),
    ("x: !!python/object/apply:os.system [echo]\n", "could not determine a constructor", 1),
    ("a: [1\n", "invalid YAML", 2),
])
def test_yaml_limits_are_one_line_errors_in_milliseconds(text, message, line):
    start = time.perf_counter()
    with pytest.raises(safeload.InputError) as error:
        safeload.load_yaml(text, "f.yaml")
    assert time.perf_counter() - start < 0.1
    assert message in error.value.message
    if line:
        assert error.value.location.line == line


@pytest.mark.parametrize("text,message", [
    ("[" * 5000 + "]" * 5000, "nested deeper than 100 levels"),
    ("[" * 150 + "]" * 150, "nested deeper than 100 levels"),
    ('{"a": NaN}', "NaN is not JSON"),
    ('{"a": 1e999}', "out of range"),
    ("1" * 100, "more than 64 digits"),
    ('{"a": 1,}', "invalid JSON"),
    ('{"title": "\\ud800"}', "lone surrogate"),  # found by the fuzz suite: SARIF output could not encode it
    ('{"\\udc00": 1}', "lone surrogate"),
])
def test_json_limits(text, message):
    with pytest.raises(safeload.InputError, match=message):
        safeload.load_json(text, "f.json")


def test_alias_amplification_is_bounded():
    # found by the fuzz suite: 2.8 KB of aliases became 6,500 rules for the importer (over a minute)
    rule = "  - &r {alert: A, expr: up == 0, labels: {severity: critical, team: t}}\n" + "  - *r\n" * 64
    amplified = "groups:\n- &g\n  name: g\n  rules:\n" + rule + "".join("- *g\n" for _ in range(100))
    with pytest.raises(safeload.InputError, match=r"aliases expand the document from \d+ distinct nodes to"):
        safeload.load_yaml(amplified, "rules.yaml")
    shared = "defaults: &d {team: t, severity: warning, runbook: r}\nrules:\n" + "".join(
        f"- {{alert: A{i}, expr: up, labels: {{<<: *d, n: '{i}'}}}}\n" for i in range(300))
    assert len(safeload.load_yaml(shared, "rules.yaml")["rules"]) == 300  # ordinary sharing is fine


@pytest.mark.parametrize("text", [
    "? {a: 1}\n: x\n",
    "a: 1\nb: {? [1]: 2}\n",
    "x:\n" + "".join("  " * i + "- \n" for i in range(1, 150)),
    "x:\n" + "".join("  " * i + "- \n" for i in range(1, 99)) + "  " * 99 + "- {a: 1}\n",
    "x:\n" + "".join("  " * i + "- \n" for i in range(1, 99)),
    "[" * 99 + "1" + "]" * 99,
    "[" * 100 + "]" * 100,
    "n: [1, " + "9" * 65 + "]\n",
    "k: {" + "9" * 65 + ": v}\n",
    's: ["é", {"ü": 1}]\n',
    "42\n",
    "groups:\n- name: g\n  rules:\n  - {alert: A, expr: 'up{x=\"&\"} == 0', annotations: {u: 'a?b=1&c=2'}}\n",
])
def test_alias_free_check_refuses_what_the_general_check_refuses(text):
    """Texts without anchors take a lighter walk; it must name the same problem at the same node."""
    assert not safeload._has_anchor(text)

    def outcome(check):
        try:
            for node in yaml.compose_all(text, Loader=safeload._ComposeLoader):
                check(node, "f.yaml")
        except safeload.InputError as error:
            return error.message, error.location.line, error.hint
        return None

    assert outcome(safeload._check_tree) == outcome(safeload.check_node)


@pytest.mark.parametrize("text", ["a: &x 1\n", "- &x [1]\n", "[&x 1, *x]", "{a:&x 1, b: *x}", "&x a"])
def test_anchors_take_the_general_check(text):
    assert safeload._has_anchor(text)


def test_real_files_still_load():
    assert safeload.load_yaml("a: &x {b: 1}\nc: *x\n<<: {d: 2}\n", "f") == {"a": {"b": 1}, "c": {"b": 1}, "d": 2}
    assert safeload.load_json('\ufeff{"a": [1, 2.5, null, "x"]}', "f") == {"a": [1, 2.5, None, "x"]}
    assert safeload.load_yaml_all("a: 1\n---\n---\nb: 2\n", "f") == [{"a": 1}, {"b": 2}]


def test_lint_and_import_refuse_a_billion_laughs(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(billion_laughs())
    start = time.perf_counter()
    findings = lint_paths([rules], lint_config(Config()), root=tmp_path)
    assert [f.code for f in findings] == ["LNT001"] and "aliases are expanded" in findings[0].message
    with pytest.raises(ConfigError, match="aliases are expanded"):
        import_paths([rules], dashboards_dir=tmp_path / "d", alerts_dir=tmp_path / "a")
    assert time.perf_counter() - start < 1


def test_a_hostile_servers_deep_json_is_one_line():
    class Deep(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"[" * 100000 + b"]" * 100000
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Deep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = resolve_environment(Config(raw={"environments": {"e": {
            "url": f"http://127.0.0.1:{server.server_port}", "token_env": "T", "retries": 0}}}), "e", environ={"T": "t"})
        with pytest.raises(SyncError, match="answer is refused: nested deeper than 100 levels"):
            env.client().get("/api/search")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, -0, true, null, "x"], "b": {"c": "é \\u00e9 \\n"}}',
        "[" * 100 + "]" * 100,
        '{"q": "' + "]" * 200 + '", "deep": ' + "[" * 99 + "]" * 99 + "}",
        "123456789012345678901234567890",
        '[-9223372036854775809, 18446744073709551616, 9223372036854775807]',
        '"only a string with \\" and \\\\"',
        "\ufeff[1]",
    ],
)
def test_fast_json_reader_reads_what_the_stdlib_reads(text: str) -> None:
    """orjson reads what passes gdash's limits; anything it reads differently goes to the stdlib."""
    import json

    expected = json.loads(text.removeprefix("\ufeff"))
    for given in (text, text.encode("utf-8")):
        value = safeload.load_json(given, "doc.json")
        assert value == expected and repr(value) == repr(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 101 + "]" * 101, "nested deeper than 100"),
        ('["' + "]" * 300 + '", ' + "[" * 100 + "]" * 100 + "]", "nested deeper than 100"),  # strings hide nothing
        ("[" + "9" * 70 + "]", "more than 64 digits"),
        ('["\\ud800"]', "lone surrogate"),
        ("[NaN]", "NaN is not JSON"),
        ("[1e400]", "out of range"),
    ],
)
def test_fast_json_reader_leaves_every_refusal_to_the_checked_path(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        safeload.load_json(text, "doc.json")
