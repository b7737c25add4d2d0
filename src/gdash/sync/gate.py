"""The project's own gate, run by ``gdash push`` (and ``--dry-run``) before any request to Grafana:
compile (loading the project), schema validation, and lint. Error-severity lint findings refuse the
push unless ``--no-lint``; schema problems always refuse it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..lint import Finding, lint_config, lint_project
from ..lint.output import render_text
from ..model import Project
from ..validate import validate_project


@dataclass
class GateResult:
    problems: list[str] = field(default_factory=list)  # schema validation: always refuse
    findings: list[Finding] = field(default_factory=list)  # lint findings (all severities)
    lint: bool = True

    @property
    def lint_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def refused(self) -> bool:
        return bool(self.problems) or (self.lint and bool(self.lint_errors))

    def report(self) -> str:
        """What to print on stderr: problems, lint findings, and why the push was refused."""
        lines = [f"error: {p}" for p in self.problems]
        text = "\n".join(lines) + ("\n" if lines else "")
        if self.lint_errors:
            text += render_text(self.lint_errors)
        if self.problems:
            text += f"push refused: {len(self.problems)} schema problem(s); fix them (see `gdash validate`)\n"
        elif self.refused:
            text += (
                f"push refused: {len(self.lint_errors)} lint error(s); fix them, or push with --no-lint "
                "(see `gdash lint`)\n"
            )
        return text


def run_gate(project: Project, *, lint: bool = True) -> GateResult:
    """Validate and (unless ``lint=False``) lint a loaded (compiled) project. Makes no request."""
    result = GateResult(problems=[str(p) for p in validate_project(project)], lint=lint)
    if lint:
        result.findings = lint_project(project, lint_config(project.config))
    return result
