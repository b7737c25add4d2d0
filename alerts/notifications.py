"""Who gets told: contact points and the notification policy tree.

Secrets are never in this file: receivers name the environment variables that hold them.
"""
from gdash import ContactPoint, Policy, Route, email, slack, webhook

contact_points = [
    ContactPoint("oncall-email", email("oncall@example.com")),
    ContactPoint("slack-critical", slack(url_env="SLACK_CRITICAL_WEBHOOK_URL", channel="#alerts-critical")),
    ContactPoint("slack-warnings", slack(url_env="SLACK_WARNINGS_WEBHOOK_URL", channel="#alerts")),
    ContactPoint("trading-webhook", webhook(url_env="TRADING_ALERT_WEBHOOK_URL")),
]

policy = Policy(
    receiver="oncall-email",
    group_by=["grafana_folder", "alertname"],
    routes=[
        Route("trading-webhook", matchers={"team": "trading"}, continue_=True),
        Route("slack-critical", matchers={"severity": "critical"}, repeat_interval="1h"),
        Route("slack-warnings", matchers={"severity": "warning"}),
    ],
)
