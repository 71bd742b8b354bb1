"""The config resources (SoftwareConfig, StructuredConfig, SoftwareComponent, CloudConfig,
MultipartMime) as Heat makes them: each stores one software config and its id is the
physical id. Configs never change: any property change replaces the resource (a new id),
so deployments referring to it are updated to the new config.

- SoftwareConfig / StructuredConfig: group, config (a string, or a map), inputs, outputs,
  options, as given; Heat fills each input's type (String) and replace_on_change (False).
- SoftwareComponent: group `component`, config `{"configs": [...]}`.
- CloudConfig: `#cloud-config\\n` + the map as YAML.
- MultipartMime: a MIME multipart message of the parts; a part's config that names a
  stored config (a uuid) is replaced by that config's text; a `multipart` part has its
  own parts appended.
"""

from __future__ import annotations

import email
import email.message
import os
import uuid
from collections.abc import Callable
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import yaml

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.software_store import SoftwareConfig, SoftwareStore, software_store
from heatctl.engine.wait import Wait

INPUT_DEFAULTS = {"type": "String", "replace_on_change": False}
OUTPUT_DEFAULTS = {"type": "String", "error_output": False}


def _io(items: Any, defaults: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**defaults, **{k: v for k, v in i.items() if v is not None}} for i in items or []]


def plain_config(ctx: ResourceContext, store: SoftwareStore) -> SoftwareConfig:
    """SoftwareConfig and StructuredConfig."""
    p = ctx.properties
    config = p.get("config")
    return SoftwareConfig(
        id="",
        name=ctx.physical_name(),
        group=str(p.get("group") or "Heat::Ungrouped"),
        config="" if config is None else config,
        inputs=_io(p.get("inputs"), INPUT_DEFAULTS),
        outputs=_io(p.get("outputs"), OUTPUT_DEFAULTS),
        options=dict(p.get("options") or {}),
    )


def component_config(ctx: ResourceContext, store: SoftwareStore) -> SoftwareConfig:
    """SoftwareComponent: the configs list under `configs`, group `component`."""
    config = plain_config(ctx, store)
    configs = [
        {"actions": c.get("actions") or ["CREATE", "UPDATE"], **c}
        for c in ctx.properties.get("configs") or []
    ]
    config.group, config.config = "component", {"configs": configs}
    return config


def cloud_config(ctx: ResourceContext, store: SoftwareStore) -> SoftwareConfig:
    """CloudConfig: the map as a YAML cloud-config document."""
    body = yaml.safe_dump(ctx.properties.get("cloud_config") or {}, default_flow_style=False)
    return SoftwareConfig(id="", name=ctx.physical_name(), config=f"#cloud-config\n{body}")


def multipart_config(ctx: ResourceContext, store: SoftwareStore) -> SoftwareConfig:
    """MultipartMime: the parts as one MIME multipart message."""
    return SoftwareConfig(
        id="",
        name=ctx.physical_name(),
        group=str(ctx.properties.get("group") or "Heat::Ungrouped"),
        config=mime_message(ctx.properties.get("parts") or [], store),
    )


def mime_message(parts: list[dict[str, Any]], store: SoftwareStore) -> str:
    """The multipart message Heat's MultipartMime.get_message builds."""
    subparts: list[MIMEText] = []
    for item in parts:
        content = str(item.get("config") or "")
        if _is_uuid(content):
            found = store.find_config(content)
            if found is not None:
                content = found.config if isinstance(found.config, str) else str(found.config)
        if item.get("type", "text") == "multipart":
            message = email.message_from_string(content)
            if message.is_multipart():
                for sub in message.get_payload():
                    if not isinstance(sub, email.message.Message):
                        continue
                    payload = sub.get_payload(decode=True)
                    text = payload.decode() if isinstance(payload, bytes) else str(payload)
                    subparts.append(
                        _text_part(text, sub.get_content_subtype(), sub.get_filename() or "")
                    )
            continue
        filename = str(item.get("filename") or "")
        subtype = str(item.get("subtype") or "") or os.path.splitext(filename)[0]
        subparts.append(_text_part(content, subtype, filename))
    return MIMEMultipart(_subparts=subparts).as_string()


def _text_part(text: str, subtype: str, filename: str) -> MIMEText:
    try:
        text.encode("us-ascii")
        charset = "us-ascii"
    except UnicodeEncodeError:
        charset = "utf-8"
    part = MIMEText(text, _subtype=subtype, _charset=charset) if subtype else MIMEText(text)
    if filename:
        part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) in (32, 36)


Builder = Callable[[ResourceContext, SoftwareStore], SoftwareConfig]


def create_config(ctx: ResourceContext, build: Builder) -> Wait | None:
    """Store the config (once: a resumed create finds the id it saved)."""
    store = software_store(ctx)
    if ctx.physical_id and store.find_config(ctx.physical_id) is not None:
        return None
    config = build(ctx, store)
    config.id = ctx.data.get("config_id") or str(uuid.uuid4())
    ctx.data["config_id"] = config.id
    store.create_config(config, ctx.stack_id)
    ctx.physical_id = config.id
    return None


def delete_config(ctx: ResourceContext) -> Wait | None:
    if ctx.physical_id:
        software_store(ctx).delete_config(ctx.physical_id)
    return None


def config_attributes(ctx: ResourceContext) -> dict[str, Any]:
    """`config`: the stored content (empty when it is gone, as Heat)."""
    found = software_store(ctx).find_config(ctx.physical_id or "")
    if found is None:
        return {"config": ""}
    values: dict[str, Any] = {"config": found.config}
    if found.group == "component" and isinstance(found.config, dict):
        values["configs"] = found.config.get("configs")
    return values
