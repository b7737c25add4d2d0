"""``gdash import``: Grafana dashboard JSON and alert rules -> idiomatic gdash Python, with a proven round trip.

Library entry points (the CLI only calls these):
- ``import_paths(paths, dashboards_dir=, alerts_dir=)``: files (dashboard JSON, Grafana alert rule
  exports/provisioning files, Prometheus rule files) -> generated modules;
- ``import_dashboards(models, out_dir)``: dashboards already in memory (e.g. fetched from Grafana);
- ``import_live(environment, root)``: ``gdash pull --as-python``;
- ``roundtrip_differences(original, compiled, datasources)``: the comparison that defines "same".
"""

from .compare import canonical_dashboard, roundtrip_differences
from .live import import_live
from .project import ImportedFile, ImportReport, import_dashboards, import_paths

__all__ = [
    "ImportReport",
    "ImportedFile",
    "canonical_dashboard",
    "import_dashboards",
    "import_live",
    "import_paths",
    "roundtrip_differences",
]
