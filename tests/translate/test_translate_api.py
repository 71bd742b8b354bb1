"""The translator API: format detection, entry point discovery, the translate command."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatctl.translate import TranslationError, detect_format, translate_file, translators


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"heat_template_version": "2013-05-23"}, "hot"),
        ({"tosca_definitions_version": "tosca_simple_yaml_1_3"}, "tosca"),
        ({"AWSTemplateFormatVersion": "2010-09-09"}, "cfn"),
        ({"HeatTemplateFormatVersion": "2012-12-12"}, "cfn"),
        (
            {"Resources": {"a": {"Type": "AWS::EC2::Instance"}, "b": {"Type": "OS::Nova::Server"}}},
            "cfn",
        ),
        ({"Resources": {"a": {"Type": "Custom::Thing"}}}, None),
        ({"resources": {}}, None),
    ],
)
def test_detect_format(document: dict, expected: str | None) -> None:
    assert detect_format(document) == expected


def test_translators_come_from_entry_points() -> None:
    found = translators()
    assert "tosca" in found
    assert found["tosca"].name == "tosca"


def test_hot_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("heat_template_version: 2013-05-23\nresources: {}\n")
    with pytest.raises(TranslationError) as info:
        translate_file(path)
    assert "already HOT" in info.value.diagnostics[0].message


def test_unknown_format_has_location(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("foo: bar\n")
    with pytest.raises(TranslationError) as info:
        translate_file(path)
    diagnostic = info.value.diagnostics[0]
    assert (diagnostic.file, diagnostic.line) == (str(path), 1)


def test_built_in_table_matches_entry_points() -> None:
    from importlib.metadata import entry_points

    from heatctl.translate import BUILT_IN, ENTRY_POINT_GROUP

    registered = {e.name: tuple(e.value.split(":")) for e in entry_points(group=ENTRY_POINT_GROUP)}
    assert {k: registered[k] for k in BUILT_IN} == BUILT_IN
