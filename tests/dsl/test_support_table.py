"""docs/template-language.md's support table must be the one versions.py generates."""

from __future__ import annotations

import re
from pathlib import Path

from heatctl.dsl.versions import cfn_versions, hot_versions, support_table_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "template-language.md"
TABLE = re.compile(r"<!-- support-table:start[^>]*-->\n(.*?)<!-- support-table:end -->", re.S)


def documented_table() -> str:
    match = TABLE.search(DOC.read_text(encoding="utf-8"))
    assert match, f"{DOC} has no support-table markers"
    return match.group(1)


def test_the_documented_table_is_the_generated_one() -> None:
    # On failure: regenerate the block between the markers from support_table_markdown().
    assert documented_table() == support_table_markdown()


def test_the_table_has_a_column_per_version_and_a_row_per_function() -> None:
    lines = support_table_markdown().splitlines()
    header = lines[0].strip("|").split("|")
    assert len(header) == 1 + len(hot_versions()) + len(cfn_versions())
    names = {line.split("|")[1].strip().strip("`") for line in lines[2:]}
    for spec in (*hot_versions(), *cfn_versions()):
        assert set(spec.functions) <= names
        assert spec.removed <= names


def test_cells_follow_the_heat_reference_table() -> None:
    rows = {
        line.split("|")[1].strip().strip("`"): [c.strip() for c in line.split("|")[2:-1]]
        for line in support_table_markdown().splitlines()[2:]
    }
    # Spot checks from /work/shared/reference/heat.md section a.
    assert rows["Fn::Select"][:4] == ["✓", "✓", "✓", "R"]
    assert rows["Ref"][:2] == ["✓ P+R", "R"]
    assert rows["get_attr"][:4] == ["✓ A", "✓ B", "✓ B", "✓ C"]
    assert rows["if"][4:11] == ["", "✓ 3", "✓ 3", "✓ 3", "✓ 3", "✓ 3", "✓ 2/3"]
    assert rows["Fn::GetAtt"][:11] == [""] * 11
    assert rows["equals"][5] == "c"
