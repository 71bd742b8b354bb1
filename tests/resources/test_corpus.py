"""Every resource in the Heat corpora validates against the schemas, except the known-bad ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatctl.dsl.loader import load_file
from heatctl.resources import registry
from heatctl.resources.validate import validate_properties
from tests.conftest import corpus_path

# Intrinsic functions of HOT and CFN: a one-key map with one of these keys is unresolved.
FUNCTIONS = {
    *[
        "get_param",
        "get_resource",
        "get_attr",
        "get_file",
        "get_input",
        "str_replace",
        "str_replace_strict",
    ],
    *[
        "str_replace_vstrict",
        "list_join",
        "digest",
        "repeat",
        "resource_facade",
        "str_split",
        "map_merge",
    ],
    *[
        "map_replace",
        "yaql",
        "if",
        "equals",
        "not",
        "and",
        "or",
        "filter",
        "make_url",
        "list_concat",
    ],
    *["list_concat_unique", "contains", "Ref"],
    *[
        "GetAtt",
        "Join",
        "Select",
        "Split",
        "Replace",
        "Base64",
        "GetAZs",
        "FindInMap",
        "MemberListToMap",
    ],
}
FUNCTIONS |= {
    f"Fn::{name}" for name in ["GetAtt", "Join", "Select", "Split", "Replace", "Base64", "GetAZs"]
}
FUNCTIONS |= {f"Fn::{name}" for name in ["FindInMap", "MemberListToMap", "ResourceFacade", "If"]}

# Problems Heat itself reports for these templates (they are meant to fail, or are broken).
EXPECTED = [
    "heat-integration/heat_integrationtests/functional/test_resource_group/"
    "nested_template_fail.yaml: random: property 'length': 'BAD' is not an integer",
    "heat-integration/heat_integrationtests/functional/test_template_resource/"
    "main_template__3.yaml: test: property 'fail': 'replace-this' is not a boolean "
    "(use true or false)",
    # OS::Octavia::HealthMonitor has no max_retries_down in Heat 27.
    "heat-templates/hot/octavia/servers_with_octavia.yaml: monitor: unknown property "
    "'max_retries_down' (did you mean 'max_retries'?)",
    "heat-templates/hot/software-config/example-templates/example-chef-template.yaml: "
    "structured_config: property 'config': ['recipe[nginx-pkg]'] is not a map",
]


def _unresolved(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in FUNCTIONS


def _resources(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        doc = load_file(path)
    except Exception:  # environments, data files and the like: not templates
        return []
    resources = doc.get("resources") or doc.get("Resources") if isinstance(doc, dict) else None
    if not isinstance(resources, dict):
        return []
    return [(name, r) for name, r in resources.items() if isinstance(r, dict)]


def test_corpus_resources_validate():
    root = corpus_path()
    problems: list[str] = []
    checked = 0
    for corpus in ("heat-templates", "heat-integration"):
        for path in sorted(corpus_path(corpus).rglob("*")):
            if not path.is_file() or path.suffix not in (".yaml", ".yml", ".template", ".json"):
                continue
            for name, resource in _resources(path):
                cls = registry.get(str(resource.get("type") or resource.get("Type")))
                if cls is None or "external_id" in resource:  # Heat skips external resources
                    continue
                checked += 1
                where = f"{path.relative_to(root)}: {name}"
                validate_properties(
                    cls.schema(),
                    resource.get("properties", resource.get("Properties")),
                    lambda _path, message, where=where: problems.append(f"{where}: {message}"),
                    is_unresolved=_unresolved,
                )
    assert checked > 600
    assert sorted(problems) == sorted(EXPECTED)
