"""Who gets told, when, and what the message says: contact points, the notification policy tree,
mute timings, Alertmanager inhibition and the Slack message templates.

Secrets are never in this file: receivers name the environment variables that hold them.

Paging once per outage: Grafana-managed alerting has no inhibition, so the rules themselves are
written not to double-page (HighErrorRate is quiet while a database is down, every rule reads OK
on no data). The inhibition rules below do the same job for the Prometheus/Alertmanager export
(`gdash export prometheus` / `gdash export alertmanager`), where the rule expressions are the same
and Alertmanager adds the inhibition on top.
"""
from gdash import ContactPoint, Inhibit, MuteTiming, Policy, Route, TimeInterval, email, slack, webhook

SLACK_TITLE = '{{ template "slack.title" . }}'
SLACK_TEXT = '{{ template "slack.text" . }}'

# Grafana's notification templates and Alertmanager's share the data model, so the same text is
# provisioned to Grafana and exported beside the Alertmanager config.
templates = {
    "slack": (
        '{{ define "slack.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}'
        "{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.severity }} ({{ . }}){{ end }}{{ end }}\n"
        '{{ define "slack.text" }}{{ range .Alerts }}*{{ .Annotations.summary }}*\n'
        "{{ .Annotations.description }}\n"
        "{{ with .Annotations.runbook_url }}Runbook: {{ . }}\n{{ end }}"
        "{{ end }}{{ end }}\n"
    ),
}

contact_points = [
    ContactPoint("oncall-email", email("oncall@example.com")),
    ContactPoint("slack-critical", slack(url_env="SLACK_CRITICAL_WEBHOOK_URL", channel="#alerts-critical",
                                         title=SLACK_TITLE, text=SLACK_TEXT)),
    ContactPoint("slack-warnings", slack(url_env="SLACK_WARNINGS_WEBHOOK_URL", channel="#alerts",
                                         title=SLACK_TITLE, text=SLACK_TEXT)),
    ContactPoint("trading-webhook", webhook(url_env="TRADING_ALERT_WEBHOOK_URL")),
    # the dead man's switch service (Healthchecks.io, Dead Man's Snitch, PagerDuty's heartbeat ...):
    # it expects the always-firing Watchdog every minute and pages when the heartbeats stop
    ContactPoint("deadmans-switch", webhook(url_env="DEADMANS_SWITCH_URL")),
]

mute_timings = [
    # warnings wait for the morning; critical alerts page at any hour
    MuteTiming("nights", times=[("22:00", "24:00"), ("00:00", "07:00")], location="Europe/Berlin"),
    # the trading desk's webhook is quiet while the markets are closed
    MuteTiming("market-closed",
               TimeInterval(weekdays=("saturday", "sunday")),
               TimeInterval(weekdays=("monday:friday",), times=(("00:00", "08:00"), ("22:00", "24:00")),
                            location="Europe/London")),
]

policy = Policy(
    receiver="oncall-email",
    group_by=["grafana_folder", "alertname"],
    routes=[
        # first and without continue: the heartbeat reaches the dead man's switch and no human
        Route("deadmans-switch", matchers={"alertname": "Watchdog"},
              group_wait="0s", group_interval="1m", repeat_interval="1m"),
        Route("trading-webhook", matchers={"team": "trading"}, continue_=True, mute_timings=["market-closed"]),
        Route("slack-critical", matchers={"severity": "critical"}, repeat_interval="1h"),
        Route("slack-warnings", matchers={"severity": "warning"}, mute_timings=["nights"]),
    ],
)

inhibit_rules = [
    # a database that is down explains the API's errors and latency: page for the database only
    Inhibit(source={"alertname": ["PostgresDown", "MongoDBDown", "RedisDown"]},
            target={"alertname": ["HighErrorRate", "HighResponseTime"]}),
    # an API that cannot be scraped has no error ratio worth a second page
    Inhibit(source={"alertname": "ServiceDown"}, target={"alertname": ["HighErrorRate", "HighResponseTime"]},
            equal=["job"]),
    # a disk about to fill is also almost full: one alert per filesystem
    Inhibit(source={"alertname": "DiskWillFillIn4Hours"}, target={"alertname": "DiskAlmostFull"},
            equal=["instance", "mountpoint"]),
]
