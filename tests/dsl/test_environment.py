"""Environment files, the resource registry, provider templates and file confinement."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatctl.dsl.diagnostics import Diagnostics
from heatctl.dsl.environment import (
    RegistryError,
    ResourceRegistry,
    merge_environments,
    parse_environment,
)
from heatctl.dsl.loader import loads
from heatctl.dsl.validate import Options, load_stack_template, validate_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def env_of(text: str, name: str = "env.yaml"):
    diagnostics = Diagnostics()
    env = parse_environment(loads(text, name, expect=None), name, Path("/envs"), diagnostics)
    return env, diagnostics


def test_unknown_and_empty_sections_are_errors():
    _, diagnostics = env_of("parameter:\n  a: 1\nparameter_defaults:\nresource_registry: {}\n")
    messages = [(d.line, d.message) for d in diagnostics]
    assert (
        1,
        "environment has wrong section \"parameter\" (did you mean 'parameters'?)",
    ) in messages
    assert (3, 'environment has empty section "parameter_defaults"') in messages
    assert len(messages) == 2


def test_hooks_and_restricted_actions_are_checked():
    text = (
        "resource_registry:\n  resources:\n    web*:\n      hooks: [pre-create, pre-crate]\n"
        "      restricted_actions: replace\n"
    )
    env, diagnostics = env_of(text)
    assert [d.message for d in diagnostics] == [
        "invalid hook 'pre-crate' (did you mean 'pre-create'?)"
    ]
    merged = merge_environments([env], {}, Diagnostics())
    assert merged.registry.hooks_for("web1") == ("pre-crate", "pre-create")
    assert merged.registry.restricted_actions_for("web1") == ("replace",)
    assert merged.registry.hooks_for("db") == ()


def test_merge_in_order_with_strategies():
    # As in Heat, every file that sets a merged parameter must name the same strategy.
    strategies = "parameter_merge_strategies:\n  name: merge\n  tags: merge\n  conf: deep_merge\n"
    first, _ = env_of(
        strategies + "parameters:\n  name: abc\n  tags: a,b\n  conf: {x: {y: 1}}\n  count: 1\n",
        "one.yaml",
    )
    second, _ = env_of(
        "parameter_merge_strategies:\n  name: merge\n  tags: merge\n  conf: deep_merge\n"
        "parameters:\n  name: def\n  tags: c\n  conf: {x: {z: 2}}\n  count: 5\n",
        "two.yaml",
    )
    types = {"name": "string", "tags": "comma_delimited_list", "conf": "json", "count": "number"}
    diagnostics = Diagnostics()
    env = merge_environments([first, second], types, diagnostics)
    assert not diagnostics.items
    assert env.parameters == {
        "name": "abcdef",
        "tags": "a,b,c",
        "conf": {"x": {"y": 1, "z": 2}},
        "count": 5,
    }
    assert env.origins["name"].file == "two.yaml" and env.origins["name"].line == 6


def test_conflicting_merge_strategies_are_an_error():
    first, _ = env_of("parameter_merge_strategies:\n  name: merge\nparameters:\n  name: a\n", "1")
    second, _ = env_of(
        "parameter_merge_strategies:\n  name: overwrite\nparameters:\n  name: b\n", "2"
    )
    diagnostics = Diagnostics()
    merge_environments([first, second], {"name": "string"}, diagnostics)
    assert (
        "conflicting merge strategy 'overwrite' for parameter 'name'"
        in diagnostics.items[0].message
    )


def registry_of(text: str) -> ResourceRegistry:
    env, diagnostics = env_of(text)
    assert not diagnostics.items
    return merge_environments([env], {}, Diagnostics()).registry


def test_registry_aliases_wildcards_and_none():
    registry = registry_of(
        "resource_registry:\n"
        '  "My::Server": "OS::Nova::Server"\n'
        '  "OS::Network*": "OS::Neutron*"\n'
        '  "Legacy::*": "OS::Heat::None"\n'
        '  "My::App": "app.yaml"\n'
        "  resources:\n    special:\n      'OS::Nova::Server': 'special.yaml'\n"
    )
    assert registry.resolve("My::Server").name == "OS::Nova::Server"
    assert registry.resolve("OS::Network::Port").name == "OS::Neutron::Port"
    assert registry.resolve("Legacy::Thing").kind == "none"
    app = registry.resolve("My::App")
    assert (app.kind, app.name, app.path) == ("template", "app.yaml", Path("/envs"))
    assert registry.resolve("OS::Nova::Server", "special").kind == "template"
    assert registry.resolve("OS::Nova::Server", "other").kind == "plugin"
    # Heat's global environment maps the old Quantum names
    assert registry.resolve("OS::Quantum::Net").name == "OS::Neutron::Net"


def test_registry_loop_is_an_error():
    registry = registry_of('resource_registry:\n  "A::B": "C::D"\n  "C::D": "A::B"\n')
    with pytest.raises(RegistryError, match="loop"):
        registry.resolve("A::B")


PROVIDER = """\
heat_template_version: 2016-10-14
parameters:
  size: {type: number}
  label: {type: string, default: x}
  region: {type: string, default: none}
resources:
  vol:
    type: OS::Cinder::Volume
    properties:
      size: {get_param: size}
outputs:
  volume_id:
    value: {get_resource: vol}
"""


def test_provider_templates_are_validated_with_their_schema(tmp_path):
    write(tmp_path / "lib" / "disk.yaml", PROVIDER)
    top = write(
        tmp_path / "top.yaml",
        "heat_template_version: 2016-10-14\nresources:\n"
        "  d1:\n    type: lib/disk.yaml\n    properties: {size: 1, colour: red}\n"
        "  d2:\n    type: My::Disk\n    properties: {label: y}\n"
        "outputs:\n  a: {value: {get_attr: [d1, volume_id]}}\n"
        "  b: {value: {get_attr: [d1, volume]}}\n  c: {value: {get_attr: [d2, resource.vol.size]}}\n",
    )
    env = write(tmp_path / "env.yaml", "resource_registry:\n  My::Disk: lib/disk.yaml\n")
    result = validate_file(top, [env])
    messages = [(d.line, d.message) for d in result.diagnostics]
    assert any(line == 5 and "unknown property 'colour'" in m for line, m in messages), messages
    assert any(line == 8 and "missing required property 'size'" in m for line, m in messages)
    assert any(
        line == 11 and "has no attribute 'volume'" in m and "volume_id" in m for line, m in messages
    )
    assert len(messages) == 3, messages
    assert result.summary["providers"] == ["lib/disk.yaml"]


def test_errors_inside_a_provider_template_name_its_file(tmp_path):
    write(tmp_path / "bad.yaml", PROVIDER.replace("OS::Cinder::Volume", "OS::Cinder::Volum"))
    top = write(
        tmp_path / "top.yaml",
        "heat_template_version: 2016-10-14\nresources:\n  d:\n    type: bad.yaml\n"
        "    properties: {size: 1}\n",
    )
    result = validate_file(top)
    assert [(Path(d.file).name, d.line) for d in result.diagnostics] == [("bad.yaml", 8)]


def test_provider_recursion_is_an_error(tmp_path):
    top = write(
        tmp_path / "self.yaml",
        "heat_template_version: 2016-10-14\nresources:\n  me:\n    type: self.yaml\n",
    )
    result = validate_file(top)
    assert any("uses itself" in d.message for d in result.diagnostics)


def test_parameter_defaults_reach_provider_templates(tmp_path):
    write(tmp_path / "disk.yaml", PROVIDER)
    top = write(
        tmp_path / "top.yaml",
        "heat_template_version: 2016-10-14\nresources:\n  d:\n    type: disk.yaml\n"
        "    properties: {size: 1}\n",
    )
    env = write(tmp_path / "env.yaml", "parameter_defaults:\n  region: east\n")
    loaded = load_stack_template(top, [env])
    assert loaded.ok, loaded.diagnostics.items
    nested = loaded.providers["d"].loaded
    assert nested is not None and nested.parameters.values["region"] == "east"


def test_get_file_is_confined_to_the_template_tree(tmp_path):
    write(tmp_path / "outside.sh", "echo hi\n")
    write(tmp_path / "t" / "inside.sh", "echo in\n")
    top = write(
        tmp_path / "t" / "top.yaml",
        "heat_template_version: 2016-10-14\nresources:\n  c:\n    type: OS::Heat::SoftwareConfig\n"
        "    properties:\n      config: {get_file: ../outside.sh}\n"
        "  d:\n    type: OS::Heat::SoftwareConfig\n"
        "    properties:\n      config: {get_file: 'http://example.com/x.sh'}\n"
        "  e:\n    type: OS::Heat::SoftwareConfig\n"
        "    properties:\n      config: {get_file: inside.sh}\n",
    )
    result = validate_file(top)
    messages = {d.line: d.message for d in result.diagnostics}
    assert "outside the template's directory tree" in messages[6]
    assert "--allow-file-root" in messages[6]
    assert "is a URL" in messages[10]
    assert len(messages) == 2
    allowed = validate_file(top, options=Options(allow_file_roots=(tmp_path,)))
    assert [d.line for d in allowed.diagnostics] == [10]


def test_jinja_templates_render_in_a_sandbox(run_cli, tmp_path):
    path = write(
        tmp_path / "web.j2.yaml",
        "heat_template_version: 2016-10-14\nresources:\n"
        "{% for i in range(count|int) %}"
        "  r{{ i }}:\n    type: OS::Heat::RandomString\n{% endfor %}",
    )
    ok = run_cli("template", "validate", str(path), "--var", "count=3")
    assert ok.exit_code == 0, ok.output
    assert "resources: 3" in ok.stdout
    missing = run_cli("template", "validate", str(path))
    assert missing.exit_code == 3
    assert f"{path}:3: error: undefined variable: 'count' is undefined" in missing.stderr
    evil = write(tmp_path / "evil.j2.yaml", "{{ ''.__class__.__mro__ }}\n")
    refused = run_cli("template", "validate", str(evil))
    assert refused.exit_code == 3 and "sandbox" in refused.stderr


def test_environment_parameters_and_errors_in_env_file(run_cli, tmp_path):
    top = write(
        tmp_path / "t.yaml",
        "heat_template_version: 2016-10-14\nparameters:\n  n: {type: number}\n"
        "resources: {}\noutputs:\n  o: {value: {get_param: n}}\n",
    )
    env = write(tmp_path / "e.yaml", "parameters:\n  n: lots\n")
    result = run_cli("template", "validate", str(top), "-e", str(env))
    assert result.exit_code == 3
    assert f"{env}:2:6: error: parameter 'n' is invalid: value must be a number" in result.stderr
    ok = run_cli("template", "resolve", str(top), "-e", str(env), "-P", "n=4")
    assert ok.exit_code == 0 and "value: 4" in ok.stdout


def test_group_members_are_validated(tmp_path):
    write(tmp_path / "disk.yaml", PROVIDER)
    top = write(
        tmp_path / "group.yaml",
        "heat_template_version: 2016-10-14\nresources:\n"
        "  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n      count: 2\n"
        "      resource_def:\n        type: disk.yaml\n"
        "        properties: {size: '%index%', colour: x}\n"
        "  h:\n    type: OS::Heat::AutoScalingGroup\n    properties:\n"
        "      min_size: 1\n      max_size: 2\n"
        "      resource: {type: OS::Nova::Servr}\n",
    )
    result = validate_file(top)
    messages = [(d.line, d.message) for d in result.diagnostics]
    assert messages == [
        (9, "unknown property 'colour'"),
        (15, "unknown resource type 'OS::Nova::Servr' (did you mean 'OS::Nova::Server'?)"),
    ]
    assert "g/resource_def" in result.loaded.providers


def test_event_sinks_are_checked():
    _, diagnostics = env_of(
        "event_sinks:\n  - {type: zaqar-queue, target: q, ttl: 60}\n"
        "  - {type: zaqar-queu, target: q}\n  - {type: zaqar-queue}\n"
    )
    assert [(d.line, d.message) for d in diagnostics] == [
        (3, "unknown event sink type 'zaqar-queu' (did you mean 'zaqar-queue'?)"),
        (4, "an event sink needs a target (the Zaqar queue name)"),
    ]


def test_missing_provider_names_the_environment_line(tmp_path):
    top = write(
        tmp_path / "t.yaml",
        "heat_template_version: 2016-10-14\nresources:\n  d:\n    type: My::Disk\n",
    )
    env = write(tmp_path / "e.yaml", "resource_registry:\n  My::Disk: lib/nodisk.yaml\n")
    (diagnostic,) = validate_file(top, [env]).diagnostics
    assert diagnostic.line == 4
    assert diagnostic.message.startswith("provider template not found: lib/nodisk.yaml")
    assert diagnostic.message.endswith(f"(mapped by {env}:2:13)")


def test_nested_stack_from_get_file(tmp_path):
    write(tmp_path / "disk.yaml", PROVIDER)
    top = write(
        tmp_path / "t.yaml",
        "heat_template_version: 2016-10-14\nresources:\n"
        "  s:\n    type: OS::Heat::Stack\n    properties:\n"
        "      template: {get_file: disk.yaml}\n      parameters: {lable: x}\n",
    )
    messages = {(d.line, d.message) for d in validate_file(top).diagnostics}
    assert messages == {
        (7, "'lable' is not a parameter of disk.yaml (did you mean 'label'?)"),
        (7, "parameter 'size' of disk.yaml has no default and is not given"),
    }


def test_jinja_include_stays_in_the_template_directory(run_cli, tmp_path):
    write(tmp_path / "outside.j2", "  x: {type: OS::Heat::RandomString}\n")
    write(tmp_path / "sub" / "part.yaml", "  r2: {type: OS::Heat::RandomString}\n")
    head = "heat_template_version: 2016-10-14\nresources:\n  r1: {type: OS::Heat::RandomString}\n"
    ok = write(tmp_path / "sub" / "t.j2.yaml", head + '{% include "part.yaml" %}\n')
    result = run_cli("template", "validate", str(ok))
    assert result.exit_code == 0 and "resources: 2" in result.stdout, result.output
    out = write(tmp_path / "sub" / "u.j2.yaml", head + '{% include "../outside.j2" %}\n')
    result = run_cli("template", "validate", str(out))
    assert result.exit_code == 3
    assert "included template not found: ../outside.j2" in result.stderr
    broken = write(tmp_path / "sub" / "v.j2.yaml", head + "{% if x %}\n")
    result = run_cli("template", "validate", str(broken))
    assert result.exit_code == 3 and f"{broken}:4: error: Jinja2 syntax error" in result.stderr
