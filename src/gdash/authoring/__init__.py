"""The authoring API: what dashboards/*.py and alerts/*.py import (re-exported by ``gdash``)."""
from .alerts import AlertGroup, alert_rule, rule_uid
from .dashboard import Dashboard, Row, link
from .notifications import (ContactPoint, Inhibit, MuteTiming, Policy, Receiver, Route, TimeInterval, discord, email,
                            opsgenie, pagerduty, slack, teams, telegram, webhook)
from .panels import bargauge, gauge, logs, panel, stat, table, text, timeseries
from .queries import loki, prom, query
from .variables import adhoc, constant, custom_var, datasource_var, interval_var, query_var, textbox

__all__ = [
    "AlertGroup", "alert_rule", "rule_uid", "Dashboard", "Row", "link", "ContactPoint", "Policy", "Receiver",
    "Route", "Inhibit", "MuteTiming", "TimeInterval", "discord", "email", "opsgenie", "pagerduty", "teams", "telegram", "slack", "webhook", "bargauge", "gauge", "logs", "stat", "table", "text", "timeseries",
    "loki", "prom", "custom_var", "datasource_var", "interval_var", "query_var", "panel", "textbox", "constant",
    "adhoc", "query",
]
