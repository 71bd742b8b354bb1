"""Progress output: plain lines, NDJSON and the live view; secrets never shown."""

from __future__ import annotations

import io
import json

from rich.console import Console

from heatctl.engine.progress import JsonProgress, LiveProgress, PlainProgress, ProgressEvent

T = 1764076209.0  # 2025-11-25T13:10:09Z


def events() -> list[ProgressEvent]:
    return [
        ProgressEvent("web", "CREATE_IN_PROGRESS", time=T),
        ProgressEvent("web", "CREATE_IN_PROGRESS", "db", "OS::Trove::Instance", "state changed", T),
        ProgressEvent(
            "web", "CREATE_FAILED", "db", "OS::Trove::Instance", "bad password hunter2", T + 2
        ),
    ]


def test_plain_lines_are_timestamped_and_masked() -> None:
    out = io.StringIO()
    progress = PlainProgress(out, secrets=["hunter2"])
    for event in events():
        progress.event(event)
    progress.heartbeat(31.2, ["db"])
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "2025-11-25T13:10:09Z web CREATE_IN_PROGRESS",
        "2025-11-25T13:10:09Z web/db CREATE_IN_PROGRESS",
        "2025-11-25T13:10:11Z web/db CREATE_FAILED: bad password ******",
    ]
    assert lines[3].endswith("still waiting after 31s for 1 resource(s): db")


def test_ndjson_is_one_object_per_line() -> None:
    out = io.StringIO()
    progress = JsonProgress(out, secrets=["hunter2"])
    for event in events():
        progress.event(event)
    progress.heartbeat(5, ["a", "b"])
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert docs[2] == {
        "time": "2025-11-25T13:10:11Z",
        "stack": "web",
        "resource": "db",
        "type": "OS::Trove::Instance",
        "status": "CREATE_FAILED",
        "reason": "bad password ******",
    }
    assert docs[3] == {"heartbeat": {"elapsed": 5, "waiting": ["a", "b"]}}


def test_live_view_shows_resources_status_and_count() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    progress = LiveProgress(console, "web", secrets=["hunter2"])
    for event in events():
        progress.event(event)
    progress.event(ProgressEvent("web", "CREATE_COMPLETE", "net", "OS::Neutron::Net", "", T + 1))
    progress.close()
    text = out.getvalue()
    assert "CREATE_FAILED" in text and "net" in text and "hunter2" not in text
    assert "1/2 done" in text
