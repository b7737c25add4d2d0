"""Finding formatters: text (default), json, github (workflow commands) and sarif (2.1.0).

Every format shows the rule's short fix hint: text on an indented ``fix:`` line under the finding,
json as ``hint``, github and sarif appended to the message as ``(fix: ...)`` (sarif also in
``properties.hint``).
"""

from __future__ import annotations

from collections.abc import Callable

from .. import __version__
from ..output import dump_json
from .findings import Finding
from .rules import RULES

FORMATS = ("text", "json", "github", "sarif")
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def render(findings: list[Finding], format: str, *, colour: bool = False) -> str:
    renderers: dict[str, Callable[[list[Finding]], str]] = {
        "text": lambda f: render_text(f, colour=colour),
        "json": render_json,
        "github": render_github,
        "sarif": render_sarif,
    }
    return renderers[format](findings)


def render_text(findings: list[Finding], *, colour: bool = False) -> str:
    import click

    lines = []
    for finding in findings:
        where = finding.path + (f":{finding.line}" if finding.line else "")
        severity = (
            click.style(finding.severity, fg=_COLOURS[finding.severity], bold=True) if colour else finding.severity
        )
        lines.append(f"{where}: {finding.code} {severity} {_described(finding)}")
        if finding.hint:
            lines.append(f"    fix: {finding.hint}")
    return "".join(line + "\n" for line in lines)


def _described(finding: Finding) -> str:
    """The message plus the query column and the dashboard/panel/rule context.

    The column counts inside the query text, not the source file line, so it is never written as
    ``path:line:col``.
    """
    column = f" (query column {finding.column})" if finding.column else ""
    context = finding.where()
    return f"{finding.message}{column}" + (f" [{context}]" if context else "")


def _with_fix(finding: Finding) -> str:
    """One-line message plus the rule's fix hint (GitHub annotations and SARIF results).

    SARIF 2.1.0 §3.55 ``fix`` objects require ``artifactChanges`` (concrete edits), which a hint is
    not, so the hint goes into the result message (and ``properties.hint``) instead.
    """
    return _described(finding) + (f" (fix: {finding.hint})" if finding.hint else "")


def render_json(findings: list[Finding]) -> str:
    return dump_json(
        [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "dashboard": f.dashboard,
                "panel": f.panel,
                "refId": f.ref_id,
                "rule": f.rule,
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "hint": f.hint,
            }
            for f in findings
        ]
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        properties = [f"file={_escape_property(f.path)}"]
        if f.line:
            properties.append(f"line={f.line}")
        properties.append(f"title={_escape_property(f'{f.code} {RULES[f.code].summary}')}")
        lines.append(f"::{_GITHUB_LEVELS[f.severity]} {','.join(properties)}::{_escape_data(_with_fix(f))}")
    return "".join(line + "\n" for line in lines)


def render_sarif(findings: list[Finding]) -> str:
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": RULES[code].check.__name__,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": RULES[code].doc},
            "help": {"text": RULES[code].doc},
            "properties": {"online": RULES[code].online, "fixHint": RULES[code].hint.replace("``", "`")},
            "defaultConfiguration": {"level": _SARIF_LEVELS[RULES[code].severity]},
        }
        for code in codes
    ]
    results = []
    for f in findings:
        physical: dict = {"artifactLocation": {"uri": f.path}}
        if f.line:
            physical["region"] = {"startLine": f.line}
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVELS[f.severity],
            "message": {"text": _with_fix(f)},
            "locations": [{"physicalLocation": physical}],
        }
        properties = {
            k: v
            for k, v in (
                ("dashboard", f.dashboard),
                ("panel", f.panel),
                ("refId", f.ref_id),
                ("rule", f.rule),
                ("queryColumn", f.column),
                ("hint", f.hint),
            )
            if v
        }
        if properties:
            result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "gdash", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return dump_json(log)
