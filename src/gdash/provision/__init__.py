"""``gdash provision``: a Grafana provisioning directory (dashboards, datasources, alerting) from the project."""

from .tree import MANIFEST, provision_outputs, write_provisioning

__all__ = ["MANIFEST", "provision_outputs", "write_provisioning"]
