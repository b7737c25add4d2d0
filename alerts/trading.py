"""Alerts on the trading platform."""
from gdash import AlertGroup, alert_rule

group = AlertGroup(
    "trading",
    alert_rule(
        "OrderFailureRatioHigh",
        'sum by (strategy) (rate(trading_orders_total{status="failed"}[5m])) '
        "/ sum by (strategy) (rate(trading_orders_total[5m]))",
        op="gt", threshold=0.1, for_="5m", severity="critical", team="trading", no_data="OK",
        summary="More than 10 % of {{ $labels.strategy }} orders fail",
        description="Strategy {{ $labels.strategy }} has an order failure ratio of {{ humanizePercentage $values.B.Value }}.",
        runbook_url="https://runbooks.example.com/trading#order-failure-ratio",
    ),
    folder="Trading alerts",
)
