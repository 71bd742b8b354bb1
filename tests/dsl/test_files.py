"""Referenced files: relative to the including file, confined to the allowed roots."""

from __future__ import annotations

import pytest

from heatctl.dsl.files import FileAccess, FileRefError, is_template_path


def test_paths_are_relative_to_the_including_file(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.sh").write_text("echo a\n")
    access = FileAccess.for_template(tmp_path / "top.yaml")
    assert access.read_text("a.sh", tmp_path / "lib" / "nested.yaml") == "echo a\n"
    assert access.read_text("lib/a.sh", tmp_path / "top.yaml") == "echo a\n"
    uri = f"file://{tmp_path / 'lib' / 'a.sh'}"
    assert access.read_text(uri, tmp_path / "top.yaml") == "echo a\n"


def test_escapes_are_refused(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s\n")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    access = FileAccess.for_template(root / "top.yaml")
    for name in ("../secret.txt", "link.txt", str(tmp_path / "secret.txt"), "/etc/passwd"):
        with pytest.raises(FileRefError, match="outside the template's directory tree"):
            access.read_text(name, root / "top.yaml")
    with pytest.raises(FileRefError, match="is a URL"):
        access.read_text("https://example.com/x", root / "top.yaml")
    access.add_root(tmp_path)
    assert access.read_text("../secret.txt", root / "top.yaml") == "s\n"


def test_unreadable_files(tmp_path):
    access = FileAccess.for_template(tmp_path / "top.yaml")
    with pytest.raises(FileRefError, match="no such file"):
        access.read_text("missing.sh", tmp_path / "top.yaml")
    (tmp_path / "d").mkdir()
    with pytest.raises(FileRefError, match="is a directory"):
        access.read_text("d", tmp_path / "top.yaml")
    (tmp_path / "bin").write_bytes(b"\xff\xfe")
    with pytest.raises(FileRefError, match="not UTF-8"):
        access.read_text("bin", tmp_path / "top.yaml")
    access.max_bytes = 3
    (tmp_path / "big").write_text("12345")
    with pytest.raises(FileRefError, match="over 3"):
        access.read_text("big", tmp_path / "top.yaml")


def test_template_types_are_yaml_or_template_files():
    assert is_template_path("nested.yaml") and is_template_path("lib/x.template")
    assert not is_template_path("OS::Nova::Server") and not is_template_path("x.yml")
