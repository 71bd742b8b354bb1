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
    "BUILT_IN",
    "ReportEntry",
    "TranslateOptions",
    "Translation",
    "TranslationError",
    "Translator",
    "detect_format",
    "load_source",
    "translate_file",
    "translator",
    "translators",
]

ENTRY_POINT_GROUP = "heatctl.translators"
ZIP_MAGIC = b"PK\x03\x04"
# The translators heatctl ships, as registered in pyproject.toml. translate_file() imports
# these directly: scanning every installed distribution's entry points costs ~20 ms of
# start-up, a fifth of a whole `heatctl translate` run. Other names go through entry points.
BUILT_IN = {
    "cfn": ("heatctl.translate.cfn", "CfnTranslator"),
    "tosca": ("heatctl.translate.tosca", "ToscaTranslator"),
}


@cache
def _translator_classes() -> dict[str, Any]:
    from importlib.metadata import entry_points  # slow to import: only when listing

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


def translator(name: str) -> Translator | None:
    """The translator called `name`, importing only that plug-in (start-up time matters:
    one `heatctl translate` should not import every translator)."""
    if name in BUILT_IN:
        import importlib

        module, attribute = BUILT_IN[name]
        try:
            built_in: Translator = getattr(importlib.import_module(module), attribute)()
        except (ImportError, AttributeError):
            return None
        return built_in
    if _translator_classes.cache_info().currsize:
        cls = _translator_classes().get(name)
        return cls() if cls is not None else None
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP, name=name):
        try:
            found: Translator = entry.load()()
            return found
        except (ImportError, AttributeError):
            return None
    return None


def load_source(path: Path) -> Mapping[str, Any]:
    """Load a source template: YAML/JSON through the safe loader, or a CSAR (zip) archive.

    A CSAR is returned as its entry definitions document; the TOSCA translator reads the
    archive itself, so for zips this returns a small marker document.
    """
    from heatctl.dsl.loader import Limits, loads, read_source

    # One read: the zip check (is_zip_archive's magic number) on the bytes to be loaded.
    name, limits = str(path), Limits()
    data = read_source(path, limits, name, unless=ZIP_MAGIC)
    if data is None:
        return {"tosca_definitions_version": "csar", "__csar__": str(path)}
    loaded: Mapping[str, Any] = loads(data, name, limits=limits)
    return loaded


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
        options = TranslateOptions(options.strict, options.cloud, path.absolute().parent)
    document = load_source(path)
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
    found = translator(name)
    if found is None:
        known = ", ".join(sorted(translators())) or "none"
        raise TranslationError.at(
            f"no translator for format '{name}' is installed (installed: {known})", str(path)
        )
    return found.translate(path, document, dict(inputs or {}), options)
