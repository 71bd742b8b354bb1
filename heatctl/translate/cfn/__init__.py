"""CloudFormation (AWSTemplateFormatVersion / HeatTemplateFormatVersion) -> HOT.

    from heatctl.translate.cfn import CfnTranslator
    result = CfnTranslator().translate(path, document, {}, TranslateOptions())

The mapping of every section, function, resource type and attribute is documented in
docs/translate-cfn.md; every construct that does not translate one-to-one gets a report
entry with its file:line:col.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from heatctl.translate.base import TranslateOptions, Translation
from heatctl.translate.cfn.template import HOT_VERSION, translate_document
from heatctl.translate.detect import detect_format

__all__ = ["HOT_VERSION", "CfnTranslator", "translate_document"]


class CfnTranslator:
    """The `cfn` translator of the heatctl.translators entry point group."""

    name: ClassVar[str] = "cfn"

    def detect(self, document: Mapping[str, Any]) -> bool:
        """True for a CloudFormation document (a version key, or AWS/OS typed Resources)."""
        return detect_format(document) == "cfn"

    def translate(
        self,
        path: Path,
        document: Mapping[str, Any],
        inputs: Mapping[str, str],
        options: TranslateOptions,
    ) -> Translation:
        """Translate `document` (loaded from `path`). Parameters stay parameters of the HOT
        template; `inputs` (name=value) become their defaults."""
        base_dir = options.base_dir or Path(path).resolve().parent
        return translate_document(document, str(path), inputs=inputs, base_dir=base_dir)
