"""The service each admin-made record belongs to, for Sandbox.inventory (leak checks).

Keystone's records (`ks_*`) are listed under identity by their prefix."""

from __future__ import annotations

ADMIN_KINDS: dict[str, str] = {
    "flavor": "compute",
    "aggregate": "compute",
    "compute_quota": "compute",
    "snapshot": "volume",
    "backup": "volume",
    "volume_type": "volume",
    "type_encryption": "volume",
    "qos_specs": "volume",
    "volume_quota": "volume",
}
