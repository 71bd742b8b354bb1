"""TOSCA Simple Profile in YAML (1.0 to 1.3, NFV profiles) -> HOT. See docs/translate-tosca.md."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from heatctl.translate.base import TranslateOptions, Translation


class ToscaTranslator:
    """The `tosca` translator (entry point heatctl.translators:tosca)."""

    name: ClassVar[str] = "tosca"

    def detect(self, document: Mapping[str, Any]) -> bool:
        """TOSCA documents carry tosca_definitions_version."""
        return "tosca_definitions_version" in document

    def translate(
        self,
        path: Path,
        document: Mapping[str, Any],
        inputs: Mapping[str, str],
        options: TranslateOptions,
    ) -> Translation:
        """Translate a TOSCA YAML file or CSAR archive at `path`."""
        from heatctl.translate.tosca.translator import translate_tosca

        csar = "__csar__" in document
        return translate_tosca(path, str(path), None if csar else document, inputs, options)
