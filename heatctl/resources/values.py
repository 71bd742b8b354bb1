"""A resource's property values as type-level checks see them (Heat's plugin `validate()`).

Before deployment some values are still function calls: they count as given (not null) but
their content is unknown, so a rule that needs the content skips them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from heatctl.resources.schema import Property


class _Unknown:
    """The value of a property that is still a function call."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

Path = tuple[str | int, ...]
Report = Callable[[Path, str], None]


def call_test(
    is_unresolved: Callable[[Any], bool],
) -> Callable[[Any, Collection[str]], bool]:
    """A test for "this value is itself a function call", from the caller's `is_unresolved`.

    Callers may answer `is_unresolved` for values that merely *contain* a call somewhere. A
    call is a one-key map (or an opaque object), so a list or a map of several keys is data
    to look into, and so is a one-key map whose key is a property the schema expects there.
    """

    def is_call(value: Any, known_keys: Collection[str] = ()) -> bool:
        if isinstance(value, list) or not is_unresolved(value):
            return False
        if isinstance(value, dict):
            return len(value) == 1 and next(iter(value)) not in known_keys
        return True

    return is_call


class PropertyValues:
    """Read access to a resource's properties with defaults, aliases and unknown values."""

    def __init__(
        self,
        schema: Mapping[str, Property],
        data: Mapping[str, Any],
        is_unresolved: Callable[[Any], bool],
    ) -> None:
        self.schema = schema
        self.data = data
        self.is_call = call_test(is_unresolved)
        # name -> the alias key the template used for it; built on the first miss (type
        # rules ask several names per resource, and most are absent).
        self._aliases: dict[str, str] | None = None

    def key(self, name: str) -> str:
        """The key the template used for `name` (an old alias such as network_id, or name)."""
        data = self.data
        if name in data:
            return name
        aliases = self._aliases
        if aliases is None:
            aliases = self._aliases = {}
            for key, prop in self.schema.items():  # the first alias in schema order wins
                if prop.alias_of and key in data:
                    aliases.setdefault(prop.alias_of, key)
        return aliases.get(name, name)

    def get(self, name: str) -> Any:
        """The value (or default) of `name`; UNKNOWN while it is a function call.

        An old alias reads as absent: like Heat's translation, its value moves to the new name.
        """
        prop = self.schema.get(name)
        if prop is not None and prop.alias_of:
            return None
        value = self.data.get(self.key(name))
        if value is None:
            return None if prop is None else prop.default
        return UNKNOWN if self.is_call(value, _keys(prop)) else value

    def given(self, name: str) -> bool:
        """Whether `name` has a non-null value (a function call counts as given)."""
        return self.get(name) is not None

    def truthy(self, name: str) -> bool:
        """Whether `name` has a non-empty value (a function call counts as non-empty)."""
        value = self.get(name)
        return value is UNKNOWN or bool(value)

    def items(self, name: str) -> list[Any]:
        """The items of a list property; [] when it is absent or unknown."""
        value = self.get(name)
        return value if isinstance(value, list) else []

    def entries(self, name: str) -> list[tuple[int, Mapping[str, Any]]]:
        """(index, item) for the items of a list-of-maps property that are concrete maps."""
        keys = _keys(self.schema.get(name))
        return [
            (index, item)
            for index, item in enumerate(self.items(name))
            if isinstance(item, Mapping) and not self.is_call(item, keys)
        ]

    def known(self, value: Any) -> bool:
        """Whether a nested value is concrete (no function call at its top)."""
        return value is not UNKNOWN and not self.is_call(value, ())


def _keys(prop: Property | None) -> Collection[str]:
    """The keys a map property (or each map item of a list property) may hold."""
    if prop is None:
        return ()
    target = prop.item if prop.item is not None else prop
    return target.schema.keys() if target.schema else ()


def is_true(value: Any) -> bool:
    """A boolean property value that is true (true, or 'true' in any case)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def as_int(value: Any) -> int | None:
    """A concrete integer property value (numeric strings too), else None."""
    if value is None or value is UNKNOWN or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_group_size(
    values: PropertyValues, report: Report, min_name: str, max_name: str, desired_name: str
) -> bool:
    """min <= desired <= max for scaling groups; True when something was reported."""
    low, high = as_int(values.get(min_name)), as_int(values.get(max_name))
    if low is None or high is None:
        return False
    if high < low:
        report((min_name,), f"{min_name} ({low}) is greater than {max_name} ({high})")
        return True
    desired = as_int(values.get(desired_name))
    if desired is not None and not low <= desired <= high:
        report(
            (desired_name,),
            f"{desired_name} ({desired}) must lie between {min_name} and {max_name}",
        )
        return True
    return False


def is_ip(text: str) -> bool:
    """Whether `text` is an IPv4 or IPv6 address."""
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def conflict(report: Report, path: Path, *names: str) -> None:
    """Report properties that may not be given together."""
    report(path, "properties " + _listed(names) + " cannot be given together")


def one_required(report: Report, path: Path, *names: str) -> None:
    """Report that one of several properties must be given."""
    report(path, "one of the properties " + _listed(names) + " is required")


def _listed(names: tuple[str, ...]) -> str:
    quoted = [f"'{name}'" for name in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


def check_ebs_snapshots(values: PropertyValues, report: Report) -> bool:
    """AWS BlockDeviceMappings: Heat supports only Ebs volumes made from a snapshot."""
    for index, mapping in values.entries("BlockDeviceMappings"):
        ebs = mapping.get("Ebs")
        if not values.known(ebs):
            continue
        if not ebs:
            report(("BlockDeviceMappings", index), "Ebs is required in a block device mapping")
            return True
        if isinstance(ebs, Mapping) and not ebs.get("SnapshotId"):
            report(("BlockDeviceMappings", index, "Ebs"), "Ebs needs SnapshotId")
            return True
    return False


def check_any_quota(values: PropertyValues, report: Report) -> None:
    """Quota types: at least one quota must be given besides the project."""
    quotas = [name for name in values.schema if name != "project"]
    if not any(values.given(name) for name in quotas):
        report((), "at least one quota is required: " + ", ".join(sorted(quotas)))


def check_value_specs(values: PropertyValues, report: Report) -> bool:
    """Neutron: value_specs may not set a property of the type, shared or tenant_id."""
    specs = values.get("value_specs")
    if not isinstance(specs, Mapping):
        return False
    found = sorted(({"shared", "tenant_id"} | set(values.schema)) & set(specs))
    if found:
        report(("value_specs",), f"value_specs cannot set {', '.join(found)}")
        return True
    return False


def check_role_assignments(values: PropertyValues, report: Report) -> None:
    """Keystone: each role of `roles` is granted on a project or on a domain, not both."""
    for index, role in values.entries("roles"):
        project, domain = role.get("project"), role.get("domain")
        if project is not None and domain is not None:
            conflict(report, ("roles", index), "project", "domain")
            return
        if project is None and domain is None:
            one_required(report, ("roles", index), "project", "domain")
            return


def is_base64(value: Any) -> bool:
    """Whether a concrete value decodes as base64 (unknown values pass)."""
    import base64
    import binascii

    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value)
    except (binascii.Error, ValueError):
        return False
    return True
