"""The angular heatmap's options -> the React heatmap's ``options``, as Grafana converts them on load.

Grafana kept the plugin id ``heatmap`` when it replaced the angular panel, so no schema step
renames it: the heatmap plugin's migration handler converts a panel whose ``options`` are empty
(``heatmapMigrationHandler`` -> ``angularToReactHeatmap`` in grafana/grafana
``public/app/plugins/panel/heatmap/migrations.ts``; defaults from its ``models.gen.ts``, scheme
names from ``palettes.ts``). Behaviour kept from there, in gdash's own code:

* ``dataFormat: tsbuckets`` means pre-bucketed data (``calculate: false``); anything else asks
  the panel to calculate buckets from ``xBucketSize``/``xBucketNumber``, ``yBucketSize``/
  ``yBucketNumber`` and a log ``yAxis.logBase`` (with ``splitFactor``);
* ``cards.cardPadding`` -> ``cellGap`` (2 when unset, 1 when 0), ``cards.cardRound`` -> ``cellRadius``;
* ``yAxis`` show/width/min/max/format/decimals and ``reverseYBuckets`` -> ``options.yAxis``;
  ``tooltipDecimals`` -> ``cellValues.decimals``; ``yBucketBound`` -> ``rowsFrame.layout``;
* ``legend.show``, ``tooltip.show``/``showHistogram``; ``hideZeroBuckets`` -> ``filterValues``;
* ``color``: ``spectrum`` -> a scheme (the d3 interpolator's name, matched as Grafana matches it),
  ``opacity`` -> opacity with its scale; ``cardColor`` -> ``fill``; ``min > max`` -> reversed.

One deviation: Grafana gates the y bucket count on ``xBucketNumber`` (and then writes the string
"undefined" when ``yBucketNumber`` is unset); gdash gates it on ``yBucketNumber`` itself.
The angular keys are dropped afterwards (also from panels whose options were converted before):
the React heatmap reads none of them.
"""

from __future__ import annotations

from typing import Any

from ._util import as_dict, is_number, js_truthy, number_out, parse_float

ANGULAR_KEYS = (
    "cards",
    "color",
    "dataFormat",
    "heatmap",
    "hideZeroBuckets",
    "highlightCards",
    "legend",
    "reverseYBuckets",
    "tooltip",
    "tooltipDecimals",
    "xAxis",
    "xBucketNumber",
    "xBucketSize",
    "yAxis",
    "yBucketBound",
    "yBucketNumber",
    "yBucketSize",
)
# palettes.ts order: Grafana takes the first scheme whose name occurs in the old interpolator name
SCHEMES = (
    "BrBG", "PiYG", "PRGn", "PuOr", "RdBu", "RdGy", "RdYlBu", "RdYlGn", "Spectral",
    "Blues", "Greens", "Greys", "Oranges", "Purples", "Reds",
    "Turbo", "Cividis", "Viridis", "Magma", "Inferno", "Plasma", "Warm", "Cool", "Cubehelix",
    "BuGn", "BuPu", "GnBu", "OrRd", "PuBuGn", "PuBu", "PuRd", "RdPu", "YlGnBu", "YlGn", "YlOrBr", "YlOrRd",
    "Rainbow", "Sinebow",
)  # fmt: skip
_LAYOUTS = {"upper": "ge", "lower": "le", "middle": "unknown"}


def is_angular(panel: dict[str, Any]) -> bool:
    """A heatmap still carrying options of the angular panel."""
    return panel.get("type") == "heatmap" and any(key in panel for key in ANGULAR_KEYS)


def _number(value: Any, default: float | None = None) -> float | None:
    """The frontend's ``asNumber``: null, "" and non-numbers give the default."""
    if value is None or value == "" or isinstance(value, bool):
        return default
    number = parse_float(value.strip() if isinstance(value, str) else value)
    return default if number is None else number


def _out(value: float | None) -> int | float | None:
    return None if value is None else number_out(value)


def _text(value: Any) -> str:
    """A value as a JavaScript template literal writes it (``${value}``)."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _calculation(panel: dict[str, Any], y_axis: dict[str, Any]) -> dict[str, Any]:
    calculation: dict[str, Any] = {}
    if js_truthy(panel.get("xBucketSize")):
        calculation["xBuckets"] = {"mode": "size", "value": _text(panel["xBucketSize"])}
    elif js_truthy(panel.get("xBucketNumber")):
        calculation["xBuckets"] = {"mode": "count", "value": _text(panel["xBucketNumber"])}
    if js_truthy(panel.get("yBucketSize")):
        calculation["yBuckets"] = {"mode": "size", "value": _text(panel["yBucketSize"])}
    elif js_truthy(panel.get("yBucketNumber")):
        calculation["yBuckets"] = {"mode": "count", "value": _text(panel["yBucketNumber"])}
    log_base = _number(y_axis.get("logBase"), 1)
    if log_base is not None and log_base > 1:
        buckets: dict[str, Any] = {"mode": "count", "scale": {"type": "log", "log": _out(log_base)}}
        split = _number(y_axis.get("splitFactor"))
        if split is not None and split > 0:
            buckets["value"] = _text(y_axis["splitFactor"])
        calculation["yBuckets"] = buckets
    return calculation


def _scheme(name: Any) -> str:
    if isinstance(name, str):
        if name in SCHEMES:
            return name
        for scheme in SCHEMES:
            if scheme in name:
                return scheme
    return "Oranges"


def _color(old: dict[str, Any]) -> dict[str, Any]:
    color: dict[str, Any] = {
        "mode": "scheme",
        "scheme": "Oranges",
        "fill": "dark-orange",
        "scale": "exponential",
        "reverse": False,
        "exponent": 0.5,
        "steps": 128,  # Grafana's best match with the angular colours
    }
    if old.get("mode") == "spectrum":
        color["scheme"] = _scheme(old.get("colorScheme"))
    elif old.get("mode") == "opacity":
        color["mode"] = "opacity"
        color["scale"] = old.get("scale")
    for key, source in (("fill", "cardColor"), ("min", "min"), ("max", "max")):
        color[key] = old.get(source)
    low, high = old.get("min"), old.get("max")
    if is_number(low) and is_number(high) and low > high:
        color.update(min=high, max=low, reverse=True)
    return color


def _without_none(value: dict[str, Any]) -> dict[str, Any]:
    """What the frontend saves: undefined and null values dropped (sortedDeepCloneWithoutNulls)."""
    return {k: _without_none(v) if isinstance(v, dict) else v for k, v in value.items() if v is not None}


def angular_options(panel: dict[str, Any]) -> dict[str, Any]:
    """The React heatmap options Grafana derives from an angular heatmap ``panel``."""
    y_axis = as_dict(panel.get("yAxis"))
    cards = as_dict(panel.get("cards"))
    calculate = panel.get("dataFormat") != "tsbuckets"
    gap = _number(cards.get("cardPadding"), 2)
    options: dict[str, Any] = {
        "calculate": calculate,
        "calculation": _calculation(panel, y_axis) if calculate else {},
        "color": _color(as_dict(panel.get("color"))),
        "cellGap": _out(gap) if gap else 1,
        "cellRadius": _out(_number(cards.get("cardRound"))),
        "yAxis": {
            "axisPlacement": "hidden" if y_axis.get("show") is False else "left",
            "reverse": bool(panel.get("reverseYBuckets")),
            "axisWidth": _out(_number(y_axis.get("width"))),
            "min": y_axis.get("min"),
            "max": y_axis.get("max"),
            "unit": y_axis.get("format"),
            "decimals": y_axis.get("decimals"),
        },
        "cellValues": {"decimals": _out(_number(panel.get("tooltipDecimals")))},
        "rowsFrame": {"layout": _LAYOUTS.get(panel.get("yBucketBound"), "auto")},  # type: ignore[arg-type]
        "legend": {"show": bool(as_dict(panel.get("legend")).get("show"))},
        "showValue": "never",
        "tooltip": {
            "show": bool(as_dict(panel.get("tooltip")).get("show")),
            "yHistogram": bool(as_dict(panel.get("tooltip")).get("showHistogram")),
        },
        "exemplars": {"color": "rgba(255,0,255,0.7)"},
    }
    if panel.get("hideZeroBuckets"):
        options["filterValues"] = {"le": 1e-9}
    return _without_none(options)


def angular_to_react(panel: dict[str, Any]) -> list[str]:
    """Convert an angular heatmap in place; returns the angular keys dropped."""
    if not isinstance(panel.get("options"), dict) or not panel["options"]:
        panel["options"] = angular_options(panel)
        if not isinstance(panel.get("fieldConfig"), dict):
            panel["fieldConfig"] = {"defaults": {}, "overrides": []}
    dropped = [key for key in ANGULAR_KEYS if key in panel]
    for key in dropped:
        del panel[key]
    return dropped
