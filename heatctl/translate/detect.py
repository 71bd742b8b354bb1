"""Tell HOT, CloudFormation and TOSCA documents apart by their top-level keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CFN_VERSION_KEYS = ("AWSTemplateFormatVersion", "HeatTemplateFormatVersion")


def detect_format(document: Mapping[str, Any]) -> str | None:
    """ "hot", "cfn", "tosca" or None for a loaded document.

    HOT has heat_template_version; TOSCA tosca_definitions_version; CloudFormation has
    AWSTemplateFormatVersion / HeatTemplateFormatVersion, or else a Resources section whose
    resource types are AWS::* or OS::* (Heat accepts CFN templates without a version).
    """
    if not isinstance(document, Mapping):
        return None
    if "heat_template_version" in document:
        return "hot"
    if "tosca_definitions_version" in document:
        return "tosca"
    if any(key in document for key in CFN_VERSION_KEYS):
        return "cfn"
    resources = document.get("Resources")
    if isinstance(resources, Mapping) and resources:
        types = [r.get("Type") for r in resources.values() if isinstance(r, Mapping)]
        if types and all(isinstance(t, str) and t.startswith(("AWS::", "OS::")) for t in types):
            return "cfn"
    return None
