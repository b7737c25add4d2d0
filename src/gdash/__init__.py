"""gdash: Grafana dashboards and alert rules as code.

Dashboard files import the authoring API from here::

    from gdash import Dashboard, Row, timeseries, prom, datasource_var, query_var

The authoring API (and grafanalib under it) is imported on first use of one of its names, so
commands that never compile (``gdash --version``, ``gdash lint FILE``) do not pay for it.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (startup time); mypy reads it as True
if TYPE_CHECKING:
    from .authoring import *  # noqa: F403 - the names __getattr__ serves, for type checkers
    from .slo import SLO  # noqa: F401

# name -> module of gdash.authoring defining it: a shortcut that imports only that module; names
# not listed (added to gdash.authoring later) are found through gdash.authoring.__all__.
_AUTHORING = {
    "AlertGroup": "alerts",
    "alert_rule": "alerts",
    "rule_uid": "alerts",
    "Dashboard": "dashboard",
    "Row": "dashboard",
    "link": "dashboard",
    "ContactPoint": "notifications",
    "Policy": "notifications",
    "Receiver": "notifications",
    "Route": "notifications",
    "email": "notifications",
    "slack": "notifications",
    "webhook": "notifications",
    "bargauge": "panels",
    "gauge": "panels",
    "logs": "panels",
    "stat": "panels",
    "table": "panels",
    "text": "panels",
    "timeseries": "panels",
    "loki": "queries",
    "prom": "queries",
    "custom_var": "variables",
    "datasource_var": "variables",
    "interval_var": "variables",
    "query_var": "variables",
}
_OTHERS = {"SLO": "gdash.slo"}  # exported beside the authoring API


def __getattr__(name: str) -> object:  # typing is not imported: it costs startup time
    from importlib import import_module

    if name == "__all__":  # `from gdash import *`: the whole authoring API, and SLO
        return [*import_module("gdash.authoring").__all__, *_OTHERS]
    if name in _OTHERS:
        value = getattr(import_module(_OTHERS[name]), name)
        globals()[name] = value
        return value
    module = _AUTHORING.get(name)
    if module is None:  # a name added to gdash.authoring but not (yet) listed above
        from importlib.util import find_spec

        # ``from . import safeload`` asks for the attribute before importing the submodule: a
        # submodule's name must not import the authoring API (and grafanalib) on the way.
        if name.startswith("_") or find_spec(f"gdash.{name}") is not None:
            raise AttributeError(f"module 'gdash' has no attribute {name!r}")
        authoring = import_module("gdash.authoring")
        if name.startswith("_") or name not in authoring.__all__:
            raise AttributeError(f"module 'gdash' has no attribute {name!r}")
        value = getattr(authoring, name)
    else:
        value = getattr(import_module(f"gdash.authoring.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_AUTHORING, *_OTHERS})
