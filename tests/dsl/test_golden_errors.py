"""Golden error fixtures: every `# ERROR: <text>` comment marks a line that must get a
diagnostic containing <text>, and no other line may get an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from heatctl.dsl.validate import validate_file

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
MARK = re.compile(r"#\s*ERROR:\s*(.+?)\s*$")


def expected_errors(path: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = MARK.search(line)
        if match:
            found.setdefault(number, []).append(match.group(1))
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yaml")))
def test_golden_fixture(name: str) -> None:
    path = FIXTURES / name
    expected = expected_errors(path)
    result = validate_file(path)
    assert not result.valid
    by_line: dict[int, list[str]] = {}
    for diagnostic in result.diagnostics:
        assert diagnostic.file == str(path)
        assert diagnostic.line is not None, diagnostic.format()
        by_line.setdefault(diagnostic.line, []).append(diagnostic.message)
    for line, texts in expected.items():
        for text in texts:
            assert any(text in m for m in by_line.get(line, [])), (line, text, by_line)
    unexpected = {line: msgs for line, msgs in by_line.items() if line not in expected}
    assert not unexpected, unexpected


def test_cfn_template_problems_are_located() -> None:
    result = validate_file(FIXTURES / "cfn.template")
    messages: dict[int | None, str] = {}
    for d in result.diagnostics:
        messages[d.line] = messages.get(d.line, "") + d.message + "\n"
    assert "invalid parameter type 'Strin' (did you mean 'String'?)" in messages[4]
    assert "out of range" in messages[5]
    assert "unknown section 'Resource'" in messages[7] and "'Resources'" in messages[7]
    assert "depends on 'Nope', which is not a resource" in messages[9]
    assert "'Propertys' is not a valid key of resource 'Vol'" in messages[9]


ENV_FIXTURES = Path(__file__).parent / "fixtures" / "env_errors"


def test_golden_environment_fixture() -> None:
    env = ENV_FIXTURES / "env.yaml"
    expected = expected_errors(env)
    result = validate_file(ENV_FIXTURES / "template.yaml", [env])
    in_env = [d for d in result.diagnostics if d.file == str(env)]
    by_line: dict[int, list[str]] = {}
    for diagnostic in in_env:
        by_line.setdefault(diagnostic.line or 0, []).append(diagnostic.message)
    for line, texts in expected.items():
        for text in texts:
            assert any(text in m for m in by_line.get(line, [])), (line, text, by_line)
    assert set(by_line) == set(expected), by_line
    # the registry's mapping is reported where the template uses the type
    others = [d.format() for d in result.diagnostics if d.file != str(env)]
    assert len(others) == 1 and "unknown resource type 'OS::Nova::Servr'" in others[0]
    assert f"(mapped from 'My::Server' by {env}:8:15)" in others[0]
