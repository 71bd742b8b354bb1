"""Every template of the Heat corpora validates, or fails with the reviewed diagnostic
listed in EXPECTED_FAILURES (one table, with the reason for each)."""

from __future__ import annotations

import re
from pathlib import Path

from heatctl.dsl.validate import validate_file
from tests.conftest import corpus_path

VERSION_KEY = re.compile(
    r'^\ufeff?\s*"?(heat_template_version|AWSTemplateFormatVersion|HeatTemplateFormatVersion)"?\s*:',
    re.M,
)
HT = "heat-templates/"
HI = "heat-integration/heat_integrationtests/functional/"
SC = HT + "hot/software-config/example-templates/"
TR = HI + "test_template_resource/"

# Templates that need environment files (paths relative to the corpus root), as the
# Heat tests and READMEs that ship them use them.
ENVIRONMENTS: dict[str, list[str]] = {
    SC + "example-pristine-atomic-tool.yaml": [SC + "example-pristine-atomic-tool_env.yaml"],
    SC + "example-config-pristine-image.yaml": [SC + "example-config-pristine-image_env.yaml"],
    SC + "example-pristine-atomic-docker-compose.yaml": [
        SC + "example-pristine-atomic-docker-compose_env.yaml"
    ],
    HI + "test_env_merge/template.yaml": [
        HI + "test_env_merge/env_1.yaml",
        HI + "test_env_merge/env_2.yaml",
    ],
    TR + "nested_templ__2.yaml": [TR + "env_templ__2.yaml"],
    TR + "main_templ.yaml": [TR + "env_templ__2.yaml"],
    TR + "main_templ__2.yaml": [TR + "env_templ__3.yaml"],
    TR + "template__3.yaml": [TR + "env.yaml"],
    HT + "hot/mistral/templates/autoscaling_using_mistral.yaml": [
        HT + "hot/mistral/nova_networking_server_with_ip_env.yaml"
    ],
}

_FRAGMENT = "get_file of a script the corpus lacks (heat-templates ships only the templates)"
_FILES_MAP = "provider template the Heat test supplies through its files map; not in the corpus"
_AGENTS = "get_file reaches into ../heat-agents, outside the corpus and the template's tree"

# path -> (expected message substring, reason). Reviewed one by one.
EXPECTED_FAILURES: dict[str, tuple[str | tuple[str, ...], str]] = {
    HT + "cfn/F17/Rails_Single_Instance.template": (
        "duplicate key 'm1.medium'",
        "Mappings repeats a key; Heat's JSON parser silently keeps the last, heatctl refuses",
    ),
    HT + "cfn/F17/WordPress_Single_Instance_With_Neutron.template": (
        "Ref refers to 'IPAddress', which is not a resource",
        "output refers to a resource the template does not define (a real template bug)",
    ),
    HT + "cfn/F17/invalid/AutoScalingMultiAZSample.template": (
        "dependency cycle: WebServerGroup -> LaunchConfig -> MEMAlarmHigh",
        "in cfn/F17/invalid: the alarm's dimensions Ref the group that needs the alarm",
    ),
    HT + "cfn/F17/invalid/AutoScalingMultiAZSample.yaml": (
        "dependency cycle: WebServerGroup -> LaunchConfig -> MEMAlarmHigh",
        "in cfn/F17/invalid: same cycle as the .template version",
    ),
    HT + "cfn/F17/invalid/WordPress_Single_Instance_With_HA.template": (
        "dependency cycle: WebServerRestartPolicy -> WikiDatabase -> HttpFailureAlarm",
        "in cfn/F17/invalid: restart policy, alarm and instance refer to each other",
    ),
    HT + "cfn/F17/invalid/WordPress_Single_Instance_With_HA_AccessPolicy.template": (
        "dependency cycle: WebServerRestartPolicy -> WikiDatabase -> HttpFailureAlarm",
        "in cfn/F17/invalid: same cycle as WordPress_Single_Instance_With_HA",
    ),
    HT + "cfn/F17/invalid/WordPress_Single_Instance_With_IHA.template": (
        "dependency cycle: WebServerRestartPolicy -> WikiDatabase -> HeartbeatFailureAlarm",
        "in cfn/F17/invalid: same kind of cycle, with a heartbeat alarm",
    ),
    SC + "example-chef-template.yaml": (
        "property 'config': ['recipe[nginx-pkg]'] is not a map",
        "StructuredConfig config must be a map; Heat rejects it too",
    ),
    HI + "test_resource_group/nested_template_fail.yaml": (
        "property 'length': 'BAD' is not an integer",
        "the Heat test expects this template to fail",
    ),
    TR + "main_template__3.yaml": (
        ("property 'fail': 'replace-this' is not a boolean", "server_fail.yaml"),
        "a Python format placeholder the test fills in, and a provider template from the"
        " test's files map",
    ),
    HI + "test_resource_group/nested_template_file.yaml": (
        "invalid parameter type 'empty'",
        "parameter type is a placeholder the Python test replaces",
    ),
    TR + "nested_templ__6.yaml": (
        '"resource_facade" can only be used in a provider template',
        "meant to be used as a provider template, validated here on its own",
    ),
    HI + "test_validation/template__2.yaml": (
        "unknown resource type 'My::Config'",
        "the test maps My::Config in an environment it builds in Python",
    ),
    HI + "test_default_parameters/template.yaml": ("nested_random.yaml", _FILES_MAP),
    HI + "test_preview_update/template_nested_parent.yaml": ("nested1.yaml", _FILES_MAP),
    HI + "test_translation/template_value_from_nested_stack_main.yaml": (
        "network.yaml",
        _FILES_MAP,
    ),
    TR + "main_templ.yaml": ("nested.yaml", _FILES_MAP),
    TR + "main_templ__2.yaml": ("nested.yaml", _FILES_MAP),
    TR + "template__2.yaml": ("fail.yaml", _FILES_MAP),
    TR + "template__3.yaml": ("concrete.yaml", _FILES_MAP),
}
for _name in (
    "main_template.yaml",
    "main_template__2.yaml",
    "main_template__4.yaml",
    "main_template__5.yaml",
    "main_template__6.yaml",
    "main_template_add_prop.yaml",
    "main_template_change_prop.yaml",
    "main_template_remove_prop.yaml",
):
    EXPECTED_FAILURES[TR + _name] = ("the.yaml", _FILES_MAP)
for _name in (
    "main_template__7.yaml",
    "main_template__8.yaml",
    "main_template_update.yaml",
    "main_template_update__2.yaml",
):
    EXPECTED_FAILURES[TR + _name] = ("resource.yaml", _FILES_MAP)


BC = HT + "hot/software-config/boot-config/templates/"
for _path in (
    HT + "hot/Windows/ActiveDirectoryController/ActiveDirectoryDomainController.yaml",
    HT + "hot/Windows/IIS_Drupal/IIS_Drupal.yaml",
    HT + "hot/Windows/MSSQLServer/MSSQL.yaml",
    HT + "hot/Windows/PuppetAgent/puppet-agent.yaml",
    BC + "install_config_agent_centos7_rdo.yaml",
    BC + "install_config_agent_fedora_pip.yaml",
    BC + "install_config_agent_fedora_yum.yaml",
    BC + "install_config_agent_ubuntu_pip.yaml",
    BC + "install_container_agent.yaml",
    SC + "example-ansible-template.yaml",
    SC + "example-cloud-init-configure-ca-cert.yaml",
    SC + "example-puppet-template.yaml",
    SC + "example-salt-template.yaml",
    SC + "example-script-template.yaml",
    SC + "example-software-deploymentgroup-template.yaml",
    SC + "wordpress/WordPress_software-config_1-instance.yaml",
    SC + "wordpress/WordPress_software-config_2-instances.yaml",
):
    EXPECTED_FAILURES[_path] = ("get_file: no such file", _FRAGMENT)
EXPECTED_FAILURES[BC + "install_config_agent_test_image.yaml"] = ("get_file: ", _AGENTS)
EXPECTED_FAILURES[SC + "example-pristine-atomic-tool.yaml"] = (
    "is outside the template's directory tree",
    "its environment maps a provider template in ../boot-config; heatctl confines provider"
    " templates to the template's tree unless --allow-file-root is given",
)
RG = HI + "test_resource_group/"
EXPECTED_FAILURES[HI + "test_delete/root_template.yaml"] = ("empty.yaml", _FILES_MAP)
EXPECTED_FAILURES[HI + "test_heat_autoscaling/template_nested.yaml"] = (
    "randomstr.yaml",
    _FILES_MAP,
)
EXPECTED_FAILURES[RG + "child_template.yaml"] = ("value.yaml", _FILES_MAP)
EXPECTED_FAILURES[RG + "parent_template.yaml"] = ("child.yaml", _FILES_MAP)
EXPECTED_FAILURES[RG + "template__3.yaml"] = ("fail.yaml", _FILES_MAP)
_TEST_ENV = "the Heat test maps this type in an environment it builds in Python"
EXPECTED_FAILURES[RG + "template.yaml"] = ("unknown resource type 'My::RandomString'", _TEST_ENV)
EXPECTED_FAILURES[RG + "template__2.yaml"] = (
    ("invalid parameter type 'empty'", "unknown resource type 'My::RandomString'"),
    "a parameter type placeholder the Python test replaces, and " + _TEST_ENV,
)
EXPECTED_FAILURES[HI + "test_create_update/provider_group_template.yaml"] = (
    "unknown resource type 'My::TestResource'",
    _TEST_ENV,
)
EXPECTED_FAILURES[HT + "hot/octavia/servers_with_octavia.yaml"] = (
    "unknown property 'max_retries_down'",
    "OS::Octavia::HealthMonitor has no max_retries_down in Heat 27 (tests/resources agrees)",
)
EXPECTED_FAILURES[HT + "hot/mistral/templates/autoscaling_using_mistral.yaml"] = (
    ("unknown property 'security_group'", "missing required property 'security_group_name'"),
    "a real template bug: the group member passes security_group, the provider template"
    " (server_with_ip.yaml) declares security_group_name; Heat would fail at create",
)
EXPECTED_FAILURES[HI + "test_abandon_adopt/parent_template.yaml"] = ("nested.yaml", _FILES_MAP)
EXPECTED_FAILURES[HI + "test_conditions/root_output_tmpl.yaml"] = ("nested_output.yaml", _FILES_MAP)
EXPECTED_FAILURES[HI + "test_preview_update/template_nested1.yaml"] = ("nested2.yaml", _FILES_MAP)


def corpus_templates() -> list[Path]:
    found = []
    for corpus in ("heat-templates", "heat-integration"):
        for path in sorted(corpus_path(corpus).rglob("*")):
            if (
                path.suffix in (".yaml", ".yml", ".template", ".json")
                and path.is_file()
                and VERSION_KEY.search(path.read_text(encoding="utf-8", errors="replace"))
            ):
                found.append(path)
    return found


def _matches(expected: str | tuple[str, ...], errors: list[str]) -> bool:
    """Every error is one of the expected ones, and every expected one occurs."""
    texts = (expected,) if isinstance(expected, str) else expected
    return (
        bool(errors)
        and all(any(t in e for t in texts) for e in errors)
        and all(any(t in e for e in errors) for t in texts)
    )


def test_corpus_templates_validate(capsys):
    root = corpus_path()
    templates = corpus_templates()
    unexpected: list[str] = []
    failed_as_expected = 0
    for path in templates:
        key = str(path.relative_to(root))
        envs = [root / e for e in ENVIRONMENTS.get(key, [])]
        result = validate_file(path, envs)
        errors = [d.message for d in result.diagnostics if d.severity == "error"]
        expected = EXPECTED_FAILURES.get(key)
        if expected is None:
            if errors:
                unexpected.append(f"{key}: {errors[:3]}")
        elif not _matches(expected[0], errors):
            unexpected.append(f"{key}: expected only {expected[0]!r}, got {errors[:3]}")
        else:
            failed_as_expected += 1
    with capsys.disabled():
        print(
            f"\ncorpus: {len(templates)} templates, {len(templates) - failed_as_expected}"
            f" validated, {failed_as_expected} expected failures"
        )
    assert len(templates) == 270  # 131 heat-templates + 139 heat-integration (heat.md)
    assert not unexpected, "\n".join(unexpected)
