"""An example alert rule, tested by alerts/tests/example.yaml (`gdash test`)."""

from gdash import AlertGroup, alert_rule

group = AlertGroup(
    "example",
    alert_rule(
        "TargetDown",
        "up",
        op="eq",
        threshold=0,
        for_="5m",
        severity="critical",
        team="platform",
        summary="{{ $labels.job }} on {{ $labels.instance }} is down",
        description="Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}).",
        runbook_url="https://runbooks.example.com/target-down",
    ),
    folder="Example alerts",
    interval="1m",
)
