"""Grafana-managed rules and notification routing -> Prometheus rule files and Alertmanager config."""

from .alertmanager import alertmanager_config, alertmanager_templates, write_alertmanager_config
from .export import PrometheusExport, export_prometheus
from .rules import TranslationError, prometheus_rule, prometheus_rule_files, translate_project
from .tools import check_alertmanager_config, check_rule_files, run_tool

__all__ = [
    "PrometheusExport",
    "TranslationError",
    "export_prometheus",
    "alertmanager_config",
    "alertmanager_templates",
    "check_alertmanager_config",
    "check_rule_files",
    "prometheus_rule",
    "prometheus_rule_files",
    "run_tool",
    "translate_project",
    "write_alertmanager_config",
]
