"""Trading Performance: signals, orders, volume, PnL and order latency per strategy.

Metrics (documented in README, "Trading metrics"):
trading_signals_total{strategy,side}, trading_orders_total{strategy,status} with status
success|failed|pending, trading_order_volume_total{strategy,side} (quote currency, USD),
trading_pnl{strategy} (USD, gauge), trading_order_latency_seconds_bucket{strategy,le}.
"""
from gdash import Dashboard, Row, bargauge, datasource_var, prom, query_var, stat, timeseries

STRATEGY = 'job=~"$job", instance=~"$instance", strategy=~"$strategy"'

dashboard = Dashboard(
    "Trading Performance",
    uid="trading-performance",
    folder="Trading",
    description="Signals, orders, volume, PnL and order latency of the trading platform, per strategy.",
    tags=["trading"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(trading_orders_total, job)"),
        query_var("instance", 'label_values(trading_orders_total{job=~"$job"}, instance)'),
        query_var("strategy", 'label_values(trading_orders_total{job=~"$job"}, strategy)'),
    ],
    time=("now-24h", "now"),
    rows=[
        Row(
            "Summary",
            stat("Total PnL", prom(f"sum(trading_pnl{{{STRATEGY}}})"), unit="currencyUSD",
                 thresholds=[(None, "red"), (0, "green")],
                 description="Current profit and loss summed over the selected strategies."),
            stat("Orders/min", prom(f"sum(rate(trading_orders_total{{{STRATEGY}}}[$__rate_interval])) * 60"),
                 unit="short", description="Orders placed per minute, all statuses."),
            stat(
                "Order failure ratio",
                prom(f'sum(rate(trading_orders_total{{status="failed", {STRATEGY}}}[$__rate_interval])) '
                     f"/ sum(rate(trading_orders_total{{{STRATEGY}}}[$__rate_interval]))"),
                unit="percentunit", decimals=2, thresholds=[0.05, 0.1],
                description="Share of orders that failed; the OrderFailureRatioHigh alert fires above 10 %.",
            ),
            stat(
                "p95 order latency",
                prom("histogram_quantile(0.95, sum by (le) "
                     f"(rate(trading_order_latency_seconds_bucket{{{STRATEGY}}}[$__rate_interval])))"),
                unit="s", decimals=3, thresholds=[0.25, 0.5],
                description="95th percentile time from signal to order acknowledgement.",
            ),
        ),
        Row(
            "Signals and orders",
            timeseries(
                "Signals by strategy",
                prom(f"sum by (strategy, side) (rate(trading_signals_total{{{STRATEGY}}}[$__rate_interval]))",
                     "{{strategy}} {{side}}"),
                unit="ops", description="Trading signals emitted per second, per strategy and side (buy/sell).",
            ),
            timeseries(
                "Orders by status",
                prom(f"sum by (status) (rate(trading_orders_total{{{STRATEGY}}}[$__rate_interval]))", "{{status}}"),
                unit="ops", stack=True, fill=40,
                overrides=[
                    {"matcher": {"id": "byName", "options": name},
                     "properties": [{"id": "color", "value": {"fixedColor": color, "mode": "fixed"}}]}
                    for name, color in (("success", "green"), ("failed", "red"), ("pending", "yellow"))
                ],
                description="Orders per second by status: success, failed, pending.",
            ),
        ),
        Row(
            "Volume and PnL",
            timeseries(
                "Order volume",
                prom(f"sum by (strategy) (rate(trading_order_volume_total{{{STRATEGY}}}[$__rate_interval]))",
                     "{{strategy}}"),
                unit="currencyUSD", description="Traded notional per second, per strategy.",
            ),
            timeseries(
                "PnL by strategy",
                prom(f"sum by (strategy) (trading_pnl{{{STRATEGY}}})", "{{strategy}}"),
                unit="currencyUSD", thresholds=[(None, "red"), (0, "green")],
                description="Current profit and loss per strategy.",
            ),
            bargauge(
                "Volume share by strategy (24h)",
                prom(f"sum by (strategy) (increase(trading_order_volume_total{{{STRATEGY}}}[24h]))", "{{strategy}}",
                     instant=True),
                unit="currencyUSD", w=24, h=6,
                description="Traded notional over the last 24 hours per strategy.",
            ),
        ),
        Row(
            "Latency",
            timeseries(
                "Order latency percentiles",
                *[
                    prom(f"histogram_quantile({q}, sum by (le) "
                         f"(rate(trading_order_latency_seconds_bucket{{{STRATEGY}}}[$__rate_interval])))", f"p{int(q * 100)}")
                    for q in (0.5, 0.95, 0.99)
                ],
                unit="s", description="p50, p95 and p99 time from signal to order acknowledgement.",
            ),
            timeseries(
                "p95 order latency by strategy",
                prom("histogram_quantile(0.95, sum by (le, strategy) "
                     f"(rate(trading_order_latency_seconds_bucket{{{STRATEGY}}}[$__rate_interval])))", "{{strategy}}"),
                unit="s", description="95th percentile order latency per strategy.",
            ),
        ),
    ],
)
