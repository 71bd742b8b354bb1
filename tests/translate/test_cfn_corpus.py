"""Every CloudFormation template of the shared corpus translates (or fails for a true reason).

For each template with AWSTemplateFormatVersion or HeatTemplateFormatVersion under
shared/corpus/heat-templates and shared/corpus/heat-integration:
- translation raises nothing but a TranslationError, and that only for the templates in
  EXPECTED_ERRORS, with the reason given there;
- the HOT output is closed: no CloudFormation function is left, and every get_param,
  get_resource, get_attr, depends_on and condition names something the output declares;
- the report covers every construct translated approximately or kept (Fn::Base64,
  AWS::Region, Fn::GetAZs, AWS types kept), each entry with file:line;
- the output is deterministic and survives a round trip through the HOT writer and loader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from heatctl.dsl.loader import load_file, loads
from heatctl.errors import InvalidInput
from heatctl.translate.base import TranslateOptions, Translation
from heatctl.translate.cfn import CfnTranslator
from heatctl.translate.hot_yaml import dump_hot
from heatctl.translate.report import construct_name
from tests.conftest import CORPUS, corpus_path

CORPORA = ("heat-templates", "heat-integration")
_VERSION_KEY = re.compile(r'^\s*"?(AWSTemplateFormatVersion|HeatTemplateFormatVersion)"?\s*:', re.M)
PSEUDO = {"OS::stack_name", "OS::stack_id", "OS::project_id"}

# Templates Heat itself could not run either; the substring is the reason we must give.
EXPECTED_ERRORS = {
    # "m1.medium" is a key twice in the AWSInstanceType2Arch mapping.
    "heat-templates/cfn/F17/Rails_Single_Instance.template": "duplicate key 'm1.medium'",
    # The output refers to a resource the template does not have.
    "heat-templates/cfn/F17/WordPress_Single_Instance_With_Neutron.template": (
        "Outputs.InstanceIPAddress.Value.Ref: parameter or resource 'IPAddress' does not exist"
    ),
}


def cfn_templates() -> list[str]:
    """Corpus-relative paths of every CFN template (empty when the corpus is absent)."""
    found = []
    for corpus in CORPORA:
        root = CORPUS / corpus
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".template", ".json") or not path.is_file():
                continue
            if _VERSION_KEY.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(str(path.relative_to(CORPUS)))
    return found


TEMPLATES = cfn_templates()


def translate(relative: str) -> Translation:
    path = corpus_path(*relative.split("/"))
    return CfnTranslator().translate(path, load_file(path), {}, TranslateOptions())


def calls(value: Any) -> Iterator[tuple[str, Any]]:
    """Every one-key mapping in `value` as (key, argument): the function calls."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            yield next(iter(value.items()))
        for item in value.values():
            yield from calls(item)
    elif isinstance(value, list):
        for item in value:
            yield from calls(item)


def dangling_names(hot: Mapping[str, Any]) -> list[str]:
    """Names the HOT template uses but does not declare."""
    resources = hot.get("resources", {})
    parameters = set(hot.get("parameters", {})) | PSEUDO
    conditions = set(hot.get("conditions", {}))
    problems = []
    for function, arg in calls(hot):
        name = arg[0] if isinstance(arg, list) and arg else arg
        if function in ("get_resource", "get_attr") and name not in resources:
            problems.append(f"{function} {name}")
        elif function == "get_param" and name not in parameters:
            problems.append(f"get_param {name}")
        elif function == "if" and name not in conditions:
            problems.append(f"if {name}")
    for name, resource in resources.items():
        depends = resource.get("depends_on", [])
        for dependency in [depends] if isinstance(depends, str) else depends:
            if dependency not in resources:
                problems.append(f"{name} depends_on {dependency}")
        if "condition" in resource and resource["condition"] not in conditions:
            problems.append(f"{name} condition {resource['condition']}")
    return problems


def test_corpus_has_the_cfn_templates() -> None:
    corpus_path("heat-templates")
    corpus_path("heat-integration")
    # 41 + 30 per the corpus notes in shared/reference/heat.md.
    assert len(TEMPLATES) == 71


@pytest.mark.parametrize("relative", TEMPLATES)
def test_template_translates(relative: str) -> None:
    if relative in EXPECTED_ERRORS:
        with pytest.raises(InvalidInput) as caught:
            translate(relative)
        text = "\n".join(d.format() for d in caught.value.diagnostics)
        assert EXPECTED_ERRORS[relative] in text
        return
    result = translate(relative)
    hot = result.hot
    assert hot["heat_template_version"] == "2016-10-14"
    leftovers = {f for f, _ in calls(hot) if f == "Ref" or str(f).startswith("Fn::")}
    assert not leftovers, f"CloudFormation functions left in the output: {leftovers}"
    assert dangling_names(hot) == []
    assert all(e.file and e.line for e in result.report), "every entry needs file:line"


def approximated(value: Any, path: tuple[Any, ...] = ()) -> Iterator[str]:
    """Constructs of a CFN source that cannot translate exactly: Fn::Base64, Fn::GetAZs and
    Ref AWS::Region / AWS::StackId (as construct names, like the report's)."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            key, arg = next(iter(value.items()))
            if key in ("Fn::Base64", "Fn::GetAZs") or (
                key == "Ref" and arg in ("AWS::Region", "AWS::StackId")
            ):
                yield construct_name((*path, key))
        for key, item in value.items():
            yield from approximated(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from approximated(item, (*path, index))


@pytest.mark.parametrize("relative", [t for t in TEMPLATES if t not in EXPECTED_ERRORS])
def test_template_report_covers_approximations(relative: str) -> None:
    source = load_file(corpus_path(*relative.split("/")))
    result = translate(relative)
    reported = [e.construct for e in result.report if e.kind != "info" or "dropped" in e.message]
    for construct in approximated(source):
        # Reported itself, or inside a construct reported as dropped (say, an
        # AvailabilityZones property made of Fn::GetAZs that Heat ignored anyway).
        assert any(construct == r or construct.startswith(f"{r}.") for r in reported), construct
    entries = [(e.kind, e.construct) for e in result.report]
    for name, resource in result.hot.get("resources", {}).items():
        if str(resource["type"]).startswith("AWS::"):
            assert ("untranslated", f"Resources.{name}.Type") in entries, name


@pytest.mark.parametrize("relative", [t for t in TEMPLATES if t not in EXPECTED_ERRORS])
def test_template_output_is_deterministic_and_round_trips(relative: str) -> None:
    first, second = translate(relative), translate(relative)
    text = dump_hot(first.hot)
    assert text == dump_hot(second.hot)
    assert first.report == second.report
    assert loads(text, "out.yaml") == first.hot


# -- the translated HOT, validated by heatctl's Model Interpreter --------------------------

# Translations the validator rejects, each for a reason that is in the source template too
# (the same validator rejects the CloudFormation source for it).
EXPECTED_INVALID = {
    **{
        f"heat-integration/heat_integrationtests/functional/test_template_resource/{name}": (
            "provider template not found: the.yaml"  # the test supplies it in `files`
        )
        for name in (
            "main_template__2.yaml",
            "main_template__4.yaml",
            "main_template__5.yaml",
            "main_template_add_prop.yaml",
            "main_template_change_prop.yaml",
            "main_template_remove_prop.yaml",
        )
    },
    # a placeholder the functional test replaces before use
    "heat-integration/heat_integrationtests/functional/test_template_resource/main_template__3.yaml": (
        "'replace-this' is not a boolean"
    ),
    "heat-integration/heat_integrationtests/functional/test_template_resource/template__2.yaml": (
        "provider template not found: fail.yaml"
    ),
    # The alarm restarts the server whose metadata names the alarm (a cycle in the source).
    "heat-templates/cfn/F17/invalid/WordPress_Single_Instance_With_HA.template": "dependency cycle",
    "heat-templates/cfn/F17/invalid/WordPress_Single_Instance_With_HA_AccessPolicy.template": (
        "dependency cycle"
    ),
    "heat-templates/cfn/F17/invalid/WordPress_Single_Instance_With_IHA.template": "dependency cycle",
    # The launch configuration's metadata refers to an alarm that scales its own group.
    "heat-templates/cfn/F17/invalid/AutoScalingMultiAZSample.template": "dependency cycle",
    "heat-templates/cfn/F17/invalid/AutoScalingMultiAZSample.yaml": "dependency cycle",
}


def write_translation(result: Translation, directory: Path, name: str) -> Path:
    """The translation as files, as `heatctl translate -o` writes them."""
    main = directory / name
    main.write_text(dump_hot(result.hot), encoding="utf-8")
    for nested, hot in result.nested.items():
        (directory / nested).parent.mkdir(parents=True, exist_ok=True)
        (directory / nested).write_text(dump_hot(hot), encoding="utf-8")
    return main


@pytest.mark.parametrize("relative", [t for t in TEMPLATES if t not in EXPECTED_ERRORS])
def test_translated_template_validates(relative: str, tmp_path: Path) -> None:
    validate = pytest.importorskip("heatctl.dsl.validate")
    main = write_translation(translate(relative), tmp_path, Path(relative).stem + ".yaml")
    result = validate.validate_file(main)
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    if relative in EXPECTED_INVALID:
        assert errors, f"{relative} now validates: remove it from EXPECTED_INVALID"
        assert any(EXPECTED_INVALID[relative] in e for e in errors), errors
    else:
        assert errors == []


def test_expected_invalid_are_invalid_in_the_source_too() -> None:
    validate = pytest.importorskip("heatctl.dsl.validate")
    for relative, reason in EXPECTED_INVALID.items():
        result = validate.validate_file(corpus_path(*relative.split("/")))
        errors = [d.format() for d in result.diagnostics if d.severity == "error"]
        assert any(reason in e for e in errors), (relative, errors)
