"""``gdash import``: Grafana dashboard JSON and alert rules -> idiomatic gdash Python, with a proven round trip.

Library entry points (the CLI only calls these):
- ``import_paths(paths, dashboards_dir=, alerts_dir=)``: files (dashboard JSON, Grafana alert rule
  exports/provisioning files, Prometheus rule files) -> generated modules (an ``ImportReport`` of
  ``ImportedFile``); ``gdash pull --as-python`` is ``gdash.sync.pull_python.pull_as_python``;
- ``roundtrip_differences(original, compiled, datasources)``: the comparison that defines "same".
"""

from .compare import roundtrip_differences
from .project import ImportedFile, ImportReport, import_paths

__all__ = [
    "ImportReport",
    "ImportedFile",
    "import_paths",
    "roundtrip_differences",
]
