"""Pieces every Neutron collection shares: list filters, paging, fields, tags, timestamps."""

from __future__ import annotations

import fnmatch
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, public

COLLECTIONS = {
    "networks": "network",
    "subnets": "subnet",
    "ports": "port",
    "routers": "router",
    "floatingips": "floatingip",
    "security-groups": "security_group",
    "security-group-rules": "sg_rule",
    "qos/policies": "qos_policy",
    "policies": "qos_policy",  # Neutron's tag extension names QoS policies so
    "subnetpools": "subnetpool",
    "trunks": "trunk",
}
PAGING_KEYS = {
    "limit",
    "marker",
    "page_reverse",
    "sort_key",
    "sort_dir",
    "fields",
    "tags",
    "tags-any",
    "not-tags",
    "not-tags-any",
}


def stamp(cloud: Cloud, body: Body, *, created: bool = False) -> None:
    """Set Neutron's standard attributes: timestamps and the revision number."""
    now = iso(cloud.now())
    if created:
        body["created_at"] = now
        body["revision_number"] = 0
    body["updated_at"] = now
    body["revision_number"] = int(body.get("revision_number", 0)) + (0 if created else 1)


def new_standard(cloud: Cloud, project: str, entity: Body) -> Body:
    """The attributes every Neutron resource starts with."""
    body: Body = {
        "project_id": project,
        "tenant_id": project,
        "description": entity.get("description", ""),
        "tags": list(entity.get("tags") or []),
    }
    stamp(cloud, body, created=True)
    return body


def _matches(item: Body, key: str, values: list[str]) -> bool:
    if key not in item:
        return False
    value = item[key]
    if isinstance(value, bool):
        return any(v.lower() == str(value).lower() for v in values)
    if isinstance(value, list):
        # e.g. fixed_ips=ip_address=10.0.0.3 or security_groups=<id>
        return any(_list_match(value, v) for v in values)
    return str(value) in values or (value is None and "" in values)


def _list_match(items: list[Any], wanted: str) -> bool:
    if "=" in wanted:
        field, _, expected = wanted.partition("=")
        return any(isinstance(i, dict) and str(i.get(field)) == expected for i in items)
    return wanted in [str(i) for i in items]


def _tag_filter(request: Request, item: Body) -> bool:
    tags = set(item.get("tags") or [])

    def arg_set(name: str) -> set[str] | None:
        """The tags named by a (repeatable, comma-separated) query parameter."""
        values = request.query.get(name)
        if not values:
            return None
        return {tag for value in values for tag in value.split(",") if tag}

    all_of, any_of = arg_set("tags"), arg_set("tags-any")
    none_of, not_any = arg_set("not-tags"), arg_set("not-tags-any")
    if all_of is not None and not all_of <= tags:
        return False
    if any_of is not None and not any_of & tags:
        return False
    if none_of is not None and none_of <= tags:
        return False
    return not (not_any is not None and not_any & tags)


def filter_items(request: Request, items: list[Body]) -> list[Body]:
    """Neutron's list filters: equality per attribute (repeat = OR) and the tag filters."""
    out = []
    for item in items:
        if not all(
            _matches(item, key, values)
            for key, values in request.query.items()
            if key not in PAGING_KEYS
        ):
            continue
        if _tag_filter(request, item):
            out.append(item)
    return out


def list_response(
    request: Request, cloud: Cloud, plural: str, path: str, items: list[Body]
) -> Response:
    """Filter, sort, page and trim a collection as Neutron does."""
    items = filter_items(request, [public(item) for item in items])
    sort_key = request.arg("sort_key")
    if sort_key:
        reverse = request.arg("sort_dir", "asc") == "desc"
        items.sort(key=lambda i: str(i.get(sort_key, "")), reverse=reverse)
    page, links = _page(request, cloud, plural, path, items)
    fields = request.query.get("fields")
    if fields:
        page = [{k: v for k, v in item.items() if k in fields} for item in page]
    body: Body = {plural: page}
    if links:
        body[f"{plural}_links"] = links
    return json_response(200, body)


def _page(
    request: Request, cloud: Cloud, plural: str, path: str, items: list[Body]
) -> tuple[list[Body], list[Body]]:
    limit_text = request.arg("limit")
    marker = request.arg("marker")
    if marker:
        ids = [item.get("id") for item in items]
        if marker not in ids:
            raise ApiError(404, f"Marker {marker} could not be found.", kind="NotFound")
        items = items[ids.index(marker) + 1 :]
    if not limit_text:
        return items, []
    try:
        limit = int(limit_text)
    except ValueError:
        raise ApiError(
            400,
            f"Invalid input for limit. Reason: '{limit_text}' is not an integer.",
            kind="HTTPBadRequest",
        ) from None
    if limit <= 0 or len(items) <= limit:
        return items, []
    page = items[:limit]
    href = f"{cloud.base_url}/network/v2.0/{path}?limit={limit}&marker={page[-1]['id']}"
    return page, [{"rel": "next", "href": href}]


def check_name_like(value: Any, field: str) -> None:
    """Neutron rejects non-string names and descriptions with this message."""
    if value is not None and not isinstance(value, str):
        raise ApiError(
            400,
            f"Invalid input for {field}. Reason: '{value}' is not a valid string.",
            kind="HTTPBadRequest",
        )


def name_glob(pattern: str, name: str) -> bool:
    """Shell-style match used by fault rules on names."""
    return fnmatch.fnmatchcase(name, pattern)
