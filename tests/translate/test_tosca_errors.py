"""Bad TOSCA input: each problem is one diagnostic with file:line and exit code 3."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from heatctl.errors import InvalidInput
from heatctl.translate import translate_file

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def _error(path: Path, **inputs: str) -> tuple[str, int | None, str | None]:
    with pytest.raises(InvalidInput) as info:
        translate_file(path, inputs=inputs)
    diagnostic = info.value.diagnostics[0]
    assert info.value.exit_code == 3
    return diagnostic.message, diagnostic.line, diagnostic.file


def _write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + text)
    return path


def test_unknown_node_type_did_you_mean(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "topology_template:\n  node_templates:\n    a:\n      type: tosca.nodes.Compte\n"
    )
    message, line, file = _error(path)
    assert "unknown node type 'tosca.nodes.Compte'" in message
    assert "did you mean 'tosca.nodes.Compute'" in message
    assert (line, file) == (5, str(path))


def test_unknown_property_did_you_mean(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "topology_template:\n  node_templates:\n    v:\n      type: tosca.nodes.BlockStorage\n      properties:\n        sise: 1 GB\n",
    )
    message, line, _ = _error(path)
    assert "has no property 'sise'" in message and "did you mean 'size'" in message
    assert line == 7


def test_type_mismatch(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "topology_template:\n  node_templates:\n    n:\n      type: tosca.nodes.network.Port\n      properties:\n        order: first\n",
    )
    message, line, _ = _error(path)
    assert "'first' is not a valid integer" in message
    assert line == 7


def test_missing_required_property(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "topology_template:\n  node_templates:\n    f:\n      type: tosca.nodes.network.FloatingIP\n",
    )
    message, line, _ = _error(path)
    assert "requires property 'floating_network'" in message
    assert line == 5


def test_missing_input_needed_at_translate_time(tmp_path: Path) -> None:
    text = "topology_template:\n  inputs:\n    n: {type: integer}\n  node_templates:\n    c: {type: tosca.nodes.Compute}\n  policies:\n    - s:\n        type: tosca.policies.Scaling\n        targets: [c]\n        properties: {min_instances: {get_input: n}}\n"
    message, line, _ = _error(_write(tmp_path, text))
    assert "input 'n' has no default and no value given" in message and "-P n=VALUE" in message
    assert line == 11


def test_broken_import(tmp_path: Path) -> None:
    path = _write(tmp_path, "imports:\n  - types/missing.yaml\n")
    message, line, _ = _error(path)
    assert "import 'types/missing.yaml' not found" in message
    assert line == 3


def test_error_in_imported_file_points_there(tmp_path: Path) -> None:
    (tmp_path / "types.yaml").write_text(
        HEAD + "node_types:\n  my.Server:\n    derived_from: tosca.nodes.Compuet\n"
    )
    path = _write(tmp_path, "imports:\n  - types.yaml\n")
    message, line, file = _error(path)
    assert "derived from unknown type 'tosca.nodes.Compuet'" in message
    assert file is not None and file.endswith("types.yaml") and line == 4


def test_unknown_function_target(tmp_path: Path) -> None:
    text = "topology_template:\n  node_templates:\n    server: {type: tosca.nodes.Compute}\n  outputs:\n    o: {value: {get_attribute: [servr, private_address]}}\n"
    message, line, _ = _error(_write(tmp_path, text))
    assert "'servr', which does not exist" in message and "did you mean 'server'" in message
    assert line == 6


def test_invalid_yaml_is_located(tmp_path: Path) -> None:
    message, line, _ = _error(_write(tmp_path, "topology_template: [\n"))
    assert "invalid YAML" in message and line is not None


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "a.zip") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_csar_translates(tmp_path: Path) -> None:
    body = (
        HEAD + "topology_template:\n  node_templates:\n    c: {type: tosca.nodes.Compute}\n"
    ).encode()
    meta = b"TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: me\nEntry-Definitions: defs/main.yaml\n"
    path = _zip(tmp_path, {"TOSCA-Metadata/TOSCA.meta": meta, "defs/main.yaml": body})
    assert translate_file(path).hot["resources"]["c"]["type"] == "OS::Nova::Server"


def test_csar_path_traversal_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"../evil.yaml": b"x: 1\n"})
    message, _, _ = _error(path)
    assert "unsafe member name '../evil.yaml'" in message


def test_csar_zip_bomb_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"main.yaml": b"\n" * (2 * 1024 * 1024)})
    message, _, _ = _error(path)
    assert "zip bomb" in message


def test_csar_bad_import_inside_archive(tmp_path: Path) -> None:
    body = (HEAD + "imports: [../outside.yaml]\n").encode()
    path = _zip(tmp_path, {"main.yaml": body})
    message, line, file = _error(path)
    assert "is not in the archive" in message
    assert file is not None and file.endswith("a.zip!main.yaml") and line == 2


def test_csar_missing_script(tmp_path: Path) -> None:
    body = (
        HEAD + "topology_template:\n  node_templates:\n    c: {type: tosca.nodes.Compute}\n"
        "    s:\n      type: tosca.nodes.SoftwareComponent\n      requirements: [{host: c}]\n"
        "      interfaces: {Standard: {create: scripts/install.sh}}\n"
    ).encode()
    message, _, _ = _error(_zip(tmp_path, {"main.yaml": body}))
    assert "'scripts/install.sh' is not in the CSAR archive" in message
