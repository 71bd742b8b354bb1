"""The library API the engine builds on: load_stack_template without Click."""

from __future__ import annotations

from pathlib import Path

from heatctl.dsl.functions import evaluate
from heatctl.dsl.validate import Options, load_stack_template, validate_file

TEMPLATE = """\
heat_template_version: 2016-10-14
parameters:
  name: {type: string}
  count: {type: number, default: 2}
conditions:
  many: {not: {equals: [{get_param: count}, 1]}}
resources:
  first:
    type: OS::Heat::RandomString
    properties: {length: {get_param: count}}
  extra:
    type: OS::Heat::RandomString
    condition: many
    properties: {salt: {get_attr: [first, value]}}
outputs:
  greeting: {value: {str_replace: {template: hi NAME, params: {NAME: {get_param: name}}}}}
"""


class Resources:
    """A stand-in for the engine's view of created resources."""

    def reference(self, name: str) -> str:
        return f"id-of-{name}"

    def attribute(self, name: str, attr: str, path: list) -> str:
        return f"{attr}-of-{name}"

    def all_attributes(self, name: str) -> dict:
        return {}

    def has_resource(self, name: str) -> bool:
        return name in ("first", "extra")


def write(tmp_path: Path) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    return path


def test_a_deployment_requires_every_parameter(tmp_path):
    loaded = load_stack_template(write(tmp_path), options=Options(require_parameters=True))
    assert not loaded.ok
    assert [d.message for d in loaded.diagnostics] == ["parameter 'name' was not provided"]
    assert [d.line for d in loaded.diagnostics] == [3]
    relaxed = validate_file(write(tmp_path))
    assert relaxed.valid and relaxed.summary["parameters_without_value"] == ["name"]


def test_loaded_template_gives_the_engine_what_it_needs(tmp_path):
    loaded = load_stack_template(write(tmp_path), parameters={"name": "bob", "count": "1"})
    assert loaded.ok, loaded.diagnostics.items
    assert loaded.parameters.values == {"name": "bob", "count": 1}
    assert loaded.conditions == {"many": False}
    assert list(loaded.active) == ["first"]
    assert loaded.graph.order() == ["first"]
    assert loaded.types["first"].name == "OS::Heat::RandomString"
    scope = loaded.scope_with(Resources())
    output = loaded.template.outputs["greeting"].value
    assert evaluate(output, scope) == "hi bob"
    props = loaded.template.resources["first"].properties
    assert evaluate(props, scope) == {"length": 1}


def test_all_conditions_true(tmp_path):
    loaded = load_stack_template(write(tmp_path), parameters={"name": "x"})
    assert list(loaded.active) == ["first", "extra"]
    assert loaded.graph.requirements("extra") == ["first"]
    extra = loaded.template.resources["extra"].properties
    assert evaluate(extra, loaded.scope_with(Resources())) == {"salt": "value-of-first"}


NESTED = """\
heat_template_version: 2016-10-14
parameters:
  size: {type: number, constraints: [{range: {max: 10}}]}
  region: {type: string, default: none}
resources:
  v:
    type: OS::Heat::Value
    properties:
      value:
        str_replace: {template: R-S, params: {R: {get_param: region}, S: {get_param: size}}}
      type: string
    metadata: {role: {resource_facade: metadata}}
outputs:
  out: {value: {get_attr: [v, value]}}
"""


def test_load_nested_with_real_values(tmp_path):
    (tmp_path / "disk.yaml").write_text(NESTED)
    top = tmp_path / "top.yaml"
    top.write_text(
        "heat_template_version: 2016-10-14\nresources:\n"
        "  d:\n    type: disk.yaml\n    properties: {size: 3}\n    metadata: {role: db}\n"
    )
    env = tmp_path / "env.yaml"
    env.write_text("parameter_defaults:\n  region: east\n")
    parent = load_stack_template(top, [env], options=Options(require_parameters=True))
    assert parent.ok, parent.diagnostics.items
    from heatctl.dsl.validate import load_nested

    child = load_nested(parent, "d", {"size": 3}, facade={"metadata": {"role": "db"}})
    assert child.ok, child.diagnostics.items
    assert child.depth == 1 and child.parameters.values == {"size": 3, "region": "east"}
    resource = child.template.resources["v"]
    assert evaluate(resource.properties, child.scope)["value"] == "east-3"
    assert evaluate(resource.metadata, child.scope) == {"role": {"role": "db"}}
    bad = load_nested(parent, "d", {"size": 30})
    assert [d.message for d in bad.diagnostics] == [
        "parameter 'size' is invalid: 30 is out of range (min: None, max: 10)"
        " (from property size of d)"
    ]
