"""Model translators: CloudFormation, TOSCA (and plug-ins) to HOT.

    from heatctl.translate import translate_file
    result = translate_file(Path("web.tosca.yaml"))
    print(dump_hot(result.hot))

Translators are discovered through the `heatctl.translators` entry point group, so a
package can add a format (say, OASIS CAMP) without touching heatctl; see docs/translate.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from heatctl.translate.base import (
    ReportEntry,
    TranslateOptions,
    Translation,
    TranslationError,
    Translator,
)
from heatctl.translate.detect import detect_format

__all__ = [
    "ReportEntry",
    "TranslateOptions",
    "Translation",
    "TranslationError",
    "Translator",
    "detect_format",
    "load_source",
    "translate_file",
    "translators",
]

ENTRY_POINT_GROUP = "heatctl.translators"


@cache
def _translator_classes() -> dict[str, Any]:
    classes: dict[str, Any] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            classes[entry.name] = entry.load()
        except (ImportError, AttributeError):
            # A plug-in that cannot load must not break the others; it is simply absent
            # (`heatctl translate --from NAME` then says the format is unknown).
            continue
    return classes


def translators() -> dict[str, Translator]:
    """Every installed translator, by name, from the `heatctl.translators` entry points."""
    return {name: cls() for name, cls in sorted(_translator_classes().items())}


def load_source(path: Path) -> Mapping[str, Any]:
    """Load a source template: YAML/JSON through the safe loader, or a CSAR (zip) archive.

    A CSAR is returned as its entry definitions document; the TOSCA translator reads the
    archive itself, so for zips this returns a small marker document.
    """
    from heatctl.dsl.loader import load_file

    if _is_zip(path):
        return {"tosca_definitions_version": "csar", "__csar__": str(path)}
    loaded: Mapping[str, Any] = load_file(path)
    return loaded


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def translate_file(
    path: Path,
    from_: str = "auto",
    inputs: Mapping[str, str] | None = None,
    options: TranslateOptions | None = None,
) -> Translation:
    """Translate the template at `path` to HOT.

    `from_` is a translator name or "auto" (detect from the document). Raises
    TranslationError (exit 3) when the format is unknown or the source is invalid.
    """
    path = Path(path)
    options = options or TranslateOptions()
    if options.base_dir is None:
        options = TranslateOptions(options.strict, options.cloud, path.resolve().parent)
    document = load_source(path)
    available = translators()
    name = from_
    if from_ == "auto":
        detected = detect_format(document)
        if detected is None:
            raise TranslationError.at(
                "cannot tell the template format: expected tosca_definitions_version (TOSCA),"
                " AWSTemplateFormatVersion or a Resources section (CloudFormation)",
                str(path),
                1,
                1,
                hint="pass --from cfn or --from tosca",
            )
        if detected == "hot":
            raise TranslationError.at(
                "the template is already HOT (it has heat_template_version); nothing to translate",
                str(path),
                1,
                1,
            )
        name = detected
    translator = available.get(name)
    if translator is None:
        known = ", ".join(sorted(available)) or "none"
        raise TranslationError.at(
            f"no translator for format '{name}' is installed (installed: {known})", str(path)
        )
    return translator.translate(path, document, dict(inputs or {}), options)
