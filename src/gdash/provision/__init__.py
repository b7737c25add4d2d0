"""``gdash provision``: a Grafana provisioning directory (dashboards, datasources, alerting) from the project."""
from .files import WriteResult, read_manifest, write_managed_tree
from .tree import MANIFEST, provision_outputs, write_provisioning

__all__ = ["MANIFEST", "WriteResult", "provision_outputs", "read_manifest", "write_managed_tree", "write_provisioning"]
