"""Environment files (`-e`): parameters, parameter_defaults, resource_registry and the rest.

Sections, as in heat/common/environment_format.py: parameters, parameter_defaults,
resource_registry, encrypted_param_names, event_sinks, parameter_merge_strategies. An
unknown section is an error (with did-you-mean), and so is an empty (null) one.

Several `-e` files are merged in order, as Heat's environment_util.merge_environments
does: for parameters and parameter_defaults each file's `parameter_merge_strategies`
(`default` plus per-parameter overwrite / merge / deep_merge) decide how a value combines
with the value from earlier files, and two files giving one parameter different strategies
is an error. The resource registry is merged key by key (later files win), like the
client-side merge users of `openstack stack create -e a -e b` get; other sections are
updated shallowly.

The resource registry maps type names: `"A": "B"` (alias), `"A": file.yaml` (a provider
template, relative to the environment file), `"OS::Foo*": "OS::Bar*"` (prefix wildcards,
the rest of the name carried over when the value also ends in `*`), `"A": OS::Heat::None`
(disable), and per-resource rules under `resources:` (fnmatch globs on resource names)
holding type mappings, `hooks` and `restricted_actions`, nested for nested stacks.
"""

from __future__ import annotations

import copy
import fnmatch
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from heatctl.dsl.diagnostics import Diagnostics, did_you_mean, locate
from heatctl.dsl.files import is_template_path
from heatctl.dsl.parameters import ValueOrigin

SECTIONS = (
    "parameters",
    "parameter_defaults",
    "resource_registry",
    "encrypted_param_names",
    "event_sinks",
    "parameter_merge_strategies",
)
HOOKS = ("pre-create", "pre-update", "pre-delete", "post-create", "post-update", "post-delete")
RESTRICTED_ACTIONS = ("update", "replace")
MERGE_STRATEGIES = ("overwrite", "merge", "deep_merge")
NONE_TYPE = "OS::Heat::None"

# Heat's global environment (etc/heat/environment.d/default.yaml): old names that map to
# current ones. The two AWS provider templates it also lists are resource types here.
GLOBAL_ALIASES: Mapping[str, str] = {
    "OS::Quantum*": "OS::Neutron*",
    "OS::Metering::Alarm": "OS::Aodh::Alarm",
    "OS::Ceilometer::Alarm": "OS::Aodh::Alarm",
    "OS::Ceilometer::GnocchiResourcesAlarm": "OS::Aodh::GnocchiResourcesAlarm",
    "OS::Ceilometer::GnocchiAggregationByMetricsAlarm": "OS::Aodh::GnocchiAggregationByMetricsAlarm",
    "OS::Ceilometer::GnocchiAggregationByResourcesAlarm": "OS::Aodh::GnocchiAggregationByResourcesAlarm",
    "OS::Ceilometer::CombinationAlarm": "OS::Aodh::CombinationAlarm",
}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class RegistryEntry:
    """One `"Type": "target"` line of a resource registry, and where it was written."""

    key: str
    value: str | None
    base: Path | None = None
    origin: ValueOrigin | None = None

    @property
    def is_glob(self) -> bool:
        """True for a prefix wildcard such as `OS::Neutron*`."""
        return self.key.endswith("*")

    def matches(self, type_name: str) -> bool:
        """True when this entry applies to `type_name`."""
        if self.is_glob:
            return type_name.startswith(self.key[:-1])
        return type_name == self.key

    def target(self, type_name: str) -> str | None:
        """The type (or template name) `type_name` maps to through this entry."""
        if self.value is None or not self.is_glob or not self.value.endswith("*"):
            return self.value
        return self.value[:-1] + type_name[len(self.key) - 1 :]


_GLOBAL_ENTRIES = tuple(RegistryEntry(key, value) for key, value in GLOBAL_ALIASES.items())


@dataclass
class ResourceRule:
    """`resource_registry.resources.<glob>`: rules for resources whose name matches."""

    pattern: str
    types: dict[str, RegistryEntry] = field(default_factory=dict)
    hooks: tuple[str, ...] = ()
    restricted_actions: tuple[str, ...] = ()
    children: dict[str, ResourceRule] = field(default_factory=dict)


@dataclass(frozen=True)
class TypeResolution:
    """What a resource type name finally means once the registry is applied."""

    requested: str
    kind: Literal["plugin", "template", "none"]
    name: str
    """The plugin type name, or the template's name as written."""
    path: Path | None = None
    """For kind 'template' mapped in an environment: the directory to resolve it from."""
    via: tuple[RegistryEntry, ...] = ()


class RegistryError(ValueError):
    """A registry mapping loops or is otherwise unusable."""


@dataclass
class ResourceRegistry:
    """Type mappings and per-resource rules, user entries over the global ones."""

    entries: dict[str, RegistryEntry] = field(default_factory=dict)
    rules: dict[str, ResourceRule] = field(default_factory=dict)
    use_global: bool = True
    _cache: dict[tuple[str, str | None], TypeResolution] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _lookup(self, type_name: str, resource_name: str | None) -> RegistryEntry | None:
        if resource_name is not None:
            for rule in self.rules_for(resource_name):
                entry = rule.types.get(type_name)
                if entry is not None:
                    return entry
        entry = self.entries.get(type_name)
        if entry is not None:
            return entry
        globs = [e for e in self.entries.values() if e.is_glob and e.matches(type_name)]
        if globs:
            return max(globs, key=lambda e: len(e.key))
        if self.use_global:
            for candidate in _GLOBAL_ENTRIES:
                if candidate.matches(type_name):
                    return candidate
        return None

    def resolve(self, type_name: str, resource_name: str | None = None) -> TypeResolution:
        """Follow mappings from `type_name` to a plugin type, a template, or None."""
        if resource_name is not None and not self.rules:
            resource_name = None  # no per-resource rules: the answer depends on the type only
        key = (type_name, resource_name)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._resolve(type_name, resource_name)
        return cached

    def _resolve(self, type_name: str, resource_name: str | None) -> TypeResolution:
        via: list[RegistryEntry] = []
        current = type_name
        seen = {current}
        while True:
            entry = self._lookup(current, resource_name)
            target = entry.target(current) if entry is not None else None
            if entry is None or target is None or target == current:
                break
            via.append(entry)
            if is_template_path(target):
                return TypeResolution(type_name, "template", target, entry.base, tuple(via))
            if target in seen:
                chain = " -> ".join([type_name, *(e.target(type_name) or "" for e in via)])
                raise RegistryError(f"resource_registry mappings loop: {chain}")
            seen.add(target)
            current = target
        if current == NONE_TYPE:
            return TypeResolution(type_name, "none", current, None, tuple(via))
        if is_template_path(current):
            return TypeResolution(type_name, "template", current, None, tuple(via))
        return TypeResolution(type_name, "plugin", current, None, tuple(via))

    def rules_for(self, resource_name: str) -> list[ResourceRule]:
        """Per-resource rules whose glob matches `resource_name` (exact names first)."""
        exact = self.rules.get(resource_name)
        found = [exact] if exact is not None else []
        found += [
            rule
            for pattern, rule in self.rules.items()
            if pattern != resource_name and fnmatch.fnmatchcase(resource_name, pattern)
        ]
        return found

    def hooks_for(self, resource_name: str) -> tuple[str, ...]:
        """Every hook (breakpoint) set for the resource named `resource_name`."""
        return tuple(sorted({h for r in self.rules_for(resource_name) for h in r.hooks}))

    def restricted_actions_for(self, resource_name: str) -> tuple[str, ...]:
        """The actions (update, replace) an update may not take on `resource_name`."""
        actions = {a for r in self.rules_for(resource_name) for a in r.restricted_actions}
        return tuple(sorted(actions))

    def nested(self, resource_name: str) -> ResourceRegistry:
        """The registry a nested stack under `resource_name` sees."""
        rules: dict[str, ResourceRule] = {}
        for rule in self.rules_for(resource_name):
            rules.update(rule.children)
        return ResourceRegistry(dict(self.entries), rules, self.use_global)


@dataclass
class EnvironmentFile:
    """One parsed environment file."""

    file: str | None
    doc: Any
    base: Path | None
    sections: dict[str, Any] = field(default_factory=dict)


@dataclass
class Environment:
    """Every `-e` file merged, ready to use."""

    parameters: dict[str, Any] = field(default_factory=dict)
    parameter_defaults: dict[str, Any] = field(default_factory=dict)
    registry: ResourceRegistry = field(default_factory=ResourceRegistry)
    event_sinks: list[Any] = field(default_factory=list)
    encrypted_param_names: list[Any] = field(default_factory=list)
    merge_strategies: dict[str, str] = field(default_factory=dict)
    origins: dict[str, ValueOrigin] = field(default_factory=dict)
    """parameter name -> where its value came from; `default:<name>` for defaults."""
    files: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------ parsing


class _Reporter:
    def __init__(self, file: str | None, doc: Any, diagnostics: Diagnostics) -> None:
        self.file, self.doc, self.diagnostics = file, doc, diagnostics

    def error(self, message: str, path: Path_, key: bool = False) -> None:
        self.diagnostics.error(message, file=self.file, doc=self.doc, path=path, key=key)

    def origin(self, path: Path_) -> ValueOrigin:
        line, col = locate(self.doc, path)
        where = ":".join(str(p) for p in (self.file, line, col) if p is not None)
        return ValueOrigin(f"environment {where}", self.file, line, col)


def parse_environment(
    doc: Any, file: str | None, base: Path | None, diagnostics: Diagnostics
) -> EnvironmentFile:
    """Check one environment document and read its sections."""
    env = EnvironmentFile(file, doc, base)
    report = _Reporter(file, doc, diagnostics)
    if doc is None:
        return env
    if not isinstance(doc, Mapping):
        report.error("an environment must be a mapping of sections", ())
        return env
    for section, value in doc.items():
        if section not in SECTIONS:
            hint = did_you_mean(section, SECTIONS)
            report.error(f'environment has wrong section "{section}"{hint}', (section,), True)
        elif value is None:
            report.error(f'environment has empty section "{section}"', (section,), True)
        elif section in ("event_sinks", "encrypted_param_names"):
            if not isinstance(value, list):
                report.error(f"'{section}' must be a list", (section,))
            else:
                env.sections[section] = value
        elif not isinstance(value, Mapping):
            report.error(f"'{section}' must be a mapping", (section,))
        else:
            env.sections[section] = value
    _check_sinks(env.sections.get("event_sinks", []), report)
    _check_strategies(env.sections.get("parameter_merge_strategies", {}), report)
    if "resource_registry" in env.sections:
        _check_registry(env.sections["resource_registry"], ("resource_registry",), report)
    return env


def _check_sinks(sinks: list[Any], report: _Reporter) -> None:
    """Heat knows one sink type: zaqar-queue, with a target queue and an optional ttl."""
    for index, sink in enumerate(sinks):
        where = ("event_sinks", index)
        if not isinstance(sink, Mapping):
            report.error("an event sink must be a mapping with type and target", where)
        elif sink.get("type") != "zaqar-queue":
            hint = did_you_mean(sink.get("type"), ["zaqar-queue"])
            report.error(f"unknown event sink type '{sink.get('type')}'{hint}", where)
        elif not isinstance(sink.get("target"), str):
            report.error("an event sink needs a target (the Zaqar queue name)", where)


def _check_strategies(strategies: Mapping[Any, Any], report: _Reporter) -> None:
    for name, strategy in strategies.items():
        if strategy not in MERGE_STRATEGIES:
            hint = did_you_mean(strategy, MERGE_STRATEGIES)
            where = ("parameter_merge_strategies", name)
            report.error(f"invalid merge strategy '{strategy}' for '{name}'{hint}", where)


def _check_registry(registry: Mapping[Any, Any], path: Path_, report: _Reporter) -> None:
    for key, value in registry.items():
        where = (*path, key)
        if key == "resources":
            if not isinstance(value, Mapping):
                report.error("'resources' in resource_registry must be a mapping", where)
            else:
                for name, rule in value.items():
                    _check_rule(rule, (*where, name), report)
        elif value is not None and not isinstance(value, str):
            report.error(f"mapping of '{key}' must be a type name or a template file", where)


def _check_rule(rule: Any, path: Path_, report: _Reporter) -> None:
    if not isinstance(rule, Mapping):
        report.error(f"rules for resource '{path[-1]}' must be a mapping", path)
        return
    for key, value in rule.items():
        where = (*path, key)
        if key in ("hooks", "restricted_actions"):
            allowed = HOOKS if key == "hooks" else RESTRICTED_ACTIONS
            for item in [value] if isinstance(value, str) else value or []:
                if item not in allowed:
                    hint = did_you_mean(item, allowed)
                    report.error(f"invalid {key[:-1].replace('_', ' ')} '{item}'{hint}", where)
        elif isinstance(value, Mapping):
            _check_rule(value, where, report)
        elif value is not None and not isinstance(value, str):
            report.error(f"mapping of '{key}' must be a type name or a template file", where)


# ------------------------------------------------------------------------------ merging


def merge_environments(
    files: list[EnvironmentFile],
    parameter_types: Mapping[str, str],
    diagnostics: Diagnostics,
) -> Environment:
    """Merge parsed `-e` files in order, as Heat does (see the module docstring)."""
    env = Environment(files=[f.file or "<environment>" for f in files])
    chosen: dict[str, str] = {}
    for item in files:
        report = _Reporter(item.file, item.doc, diagnostics)
        strategies = dict(item.sections.get("parameter_merge_strategies", {}))
        for section, prefix in (("parameters", ""), ("parameter_defaults", "default:")):
            values = item.sections.get(section)
            if values:
                target = env.parameters if section == "parameters" else env.parameter_defaults
                _merge_parameters(target, values, parameter_types, strategies, chosen, report)
                for name in values:
                    env.origins[prefix + str(name)] = report.origin((section, name))
        _merge_registry(env.registry, item.sections.get("resource_registry", {}), item.base, report)
        env.event_sinks.extend(item.sections.get("event_sinks", []))
        env.encrypted_param_names.extend(item.sections.get("encrypted_param_names", []))
        env.merge_strategies.update(strategies)
    return env


def _strategy(strategies: Mapping[str, str], name: str, chosen: Mapping[str, str]) -> str:
    default = strategies.get("default", "overwrite")
    strategy = strategies.get(name, chosen.get(name, default))
    return strategy if strategy in MERGE_STRATEGIES else default


def _merge_parameters(
    old: dict[str, Any],
    new: Mapping[str, Any],
    types: Mapping[str, str],
    strategies: Mapping[str, str],
    chosen: dict[str, str],
    report: _Reporter,
) -> None:
    for name, value in new.items():
        if name in types and value is not None:
            strategy = _strategy(strategies, name, chosen)
            if name in chosen and chosen[name] != strategy:
                report.error(
                    f"conflicting merge strategy '{strategy}' for parameter '{name}'"
                    f" (an earlier file chose '{chosen[name]}')",
                    ("parameter_merge_strategies",),
                )
                continue
            chosen[name] = strategy
    for name, value in new.items():
        strategy = chosen.get(name, "overwrite")
        if name not in old or value is None or strategy == "overwrite" or name not in types:
            old[name] = copy.deepcopy(value)
            continue
        try:
            old[name] = _merge_value(old[name], value, types[name], strategy == "deep_merge")
        except (TypeError, ValueError) as exc:
            report.error(f"cannot merge parameter '{name}': {exc}", ("parameters", name))


def _merge_value(old: Any, new: Any, param_type: str, deep: bool) -> Any:
    import json

    if param_type == "json":
        old = json.loads(old) if isinstance(old, str) else old
        new = json.loads(new) if isinstance(new, str) else new
        if not isinstance(old, dict) or not isinstance(new, dict):
            raise ValueError("only json maps can be merged")
        return merge_maps(old, new, deep)
    if param_type == "comma_delimited_list":
        if isinstance(old, list) and isinstance(new, list):
            return old + new
        return ",".join([_as_text(old), _as_text(new)])
    if param_type == "string":
        return str(old) + str(new)
    if param_type == "number":
        from heatctl.dsl.parameters import coerce

        return coerce("number", old) + coerce("number", new)
    raise ValueError(f"a {param_type} parameter cannot be merged; use overwrite")


def _as_text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def merge_maps(old: dict[str, Any], new: Mapping[str, Any], deep: bool) -> dict[str, Any]:
    """Heat's merge_map: shallow update, or with `deep` recursive maps, extended lists and
    concatenated strings."""
    result = dict(old)
    for key, value in new.items():
        if value is None:
            continue
        previous = result.get(key)
        if not deep or previous is None:
            result[key] = value
        elif isinstance(value, Mapping) and isinstance(previous, Mapping):
            result[key] = merge_maps(dict(previous), value, deep)
        elif isinstance(value, list | str) and type(previous) is type(value):
            result[key] = operator.add(previous, value)  # lists extended, strings joined
        else:
            result[key] = value
    return result


def _merge_registry(
    registry: ResourceRegistry, section: Mapping[Any, Any], base: Path | None, report: _Reporter
) -> None:
    base_url = section.get("base_url")
    for key, value in section.items():
        if key in ("resources", "base_url"):
            continue
        if value is None or isinstance(value, str):
            origin = report.origin(("resource_registry", key))
            entry_base = _entry_base(value, base, base_url)
            registry.entries[str(key)] = RegistryEntry(str(key), value, entry_base, origin)
    rules = section.get("resources")
    if isinstance(rules, Mapping):
        for name, body in rules.items():
            path = ("resource_registry", "resources", name)
            _merge_rule(registry.rules, str(name), body, base, path, report)


def _entry_base(value: str | None, base: Path | None, base_url: Any) -> Path | None:
    if isinstance(base_url, str) and base_url and base is not None:
        return base / base_url
    return base


def _merge_rule(
    rules: dict[str, ResourceRule],
    name: str,
    body: Any,
    base: Path | None,
    path: Path_,
    report: _Reporter,
) -> None:
    if not isinstance(body, Mapping):
        return
    rule = rules.setdefault(name, ResourceRule(name))
    for key, value in body.items():
        if key in ("hooks", "restricted_actions"):
            items = tuple([value] if isinstance(value, str) else value or ())
            if key == "hooks":
                rule.hooks = tuple(dict.fromkeys((*rule.hooks, *items)))
            else:
                rule.restricted_actions = tuple(dict.fromkeys((*rule.restricted_actions, *items)))
        elif isinstance(value, Mapping):
            _merge_rule(rule.children, str(key), value, base, (*path, key), report)
        elif value is None or isinstance(value, str):
            origin = report.origin((*path, key))
            rule.types[str(key)] = RegistryEntry(str(key), value, base, origin)
