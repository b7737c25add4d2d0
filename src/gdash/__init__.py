"""gdash: Grafana dashboards and alert rules as code.

Dashboard files import the authoring API from here::

    from gdash import Dashboard, Row, timeseries, prom, datasource_var, query_var
"""
__version__ = "0.1.0"

from .authoring import *  # noqa: E402,F401,F403
from .authoring import __all__  # noqa: E402,F401
from .slo import SLO  # noqa: E402,F401

__all__ = [*__all__, "SLO"]
