"""What the `heatctl sandbox` commands need beyond the Sandbox class: finding a running
sandbox through its runtime file, status without serving, wiping state."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from heatctl.errors import ConfigError

STATE_FILE = "sandbox.db"
RUNTIME_FILE = "sandbox.json"


def default_state_path(state_dir: Path) -> Path:
    """Where `heatctl sandbox` keeps its cloud: <state dir>/sandbox.db."""
    return state_dir / STATE_FILE


def write_runtime(state_path: Path, url: str) -> Path:
    """Record the URL and pid of a serving sandbox beside its state file."""
    path = state_path.parent / RUNTIME_FILE
    path.write_text(json.dumps({"url": url, "pid": os.getpid(), "state": str(state_path)}))
    return path


def clear_runtime(state_path: Path) -> None:
    """Forget the runtime record (on shutdown)."""
    (state_path.parent / RUNTIME_FILE).unlink(missing_ok=True)


def control(url: str, method: str = "GET", path: str = "/status") -> dict[str, Any]:
    """Call a running sandbox's control API; ConfigError if it does not answer."""
    request = urllib.request.Request(f"{url}/__sandbox__{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            data: dict[str, Any] = json.loads(response.read() or b"{}")
            return data
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ConfigError(f"the sandbox at {url} does not answer: {error}") from None


def running_url(state_path: Path) -> str | None:
    """The URL of the sandbox serving this state, if one answers."""
    path = state_path.parent / RUNTIME_FILE
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if record.get("state") != str(state_path):
        return None
    try:
        control(str(record["url"]))
    except ConfigError:
        return None
    return str(record["url"])


def status(state_path: Path) -> dict[str, Any]:
    """The status of a running sandbox, or of its state file when none is serving."""
    url = running_url(state_path)
    if url is not None:
        return {"running": True, **control(url)}
    if not state_path.exists():
        return {"running": False, "state": str(state_path), "resources": None}
    from heatctl.sandbox import Sandbox

    sandbox = Sandbox(state_path=state_path)
    try:
        return {"running": False, **sandbox.status()}
    finally:
        sandbox.stop()


def reset(state_path: Path) -> str:
    """Wipe the cloud: through the control API if it is serving, else delete the files."""
    url = running_url(state_path)
    if url is not None:
        control(url, "POST", "/reset")
        return f"reset the sandbox serving at {url}"
    removed = 0
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{state_path}{suffix}")
        if target.exists():
            target.unlink()
            removed += 1
    if not removed:
        return f"nothing to reset: no sandbox state at {state_path}"
    return f"removed {state_path}; the next start seeds a fresh cloud"


def attach_or_start(state_path: Path, **options: Any) -> tuple[dict[str, Any], Any]:
    """The embedded default: a clouds.yaml entry for the sandbox that owns `state_path`.

    If `heatctl sandbox serve` is serving that state, use it (and return None as the
    sandbox); otherwise start one in this process on an ephemeral loopback port and return
    it, so the caller can `stop()` it. Two processes never open the same state file.
    """
    from heatctl.sandbox import Sandbox

    url = running_url(state_path)
    if url is not None:
        config = Sandbox.config_for(url, password=str(options.get("password", "secret")))
        return config, None
    sandbox = Sandbox(state_path=state_path, **options).start()
    return sandbox.cloud_config(), sandbox


def parse_timings(values: tuple[str, ...] | list[str]) -> dict[str, float]:
    """`STEP=SECONDS` strings (the CLI's --timing) as a timings dict; UsageError if bad."""
    from heatctl.errors import UsageError
    from heatctl.sandbox.cloud import Timings

    known = set(Timings.__dataclass_fields__)
    out: dict[str, float] = {}
    for value in values:
        step, _, seconds = value.partition("=")
        try:
            out[step] = float(seconds)
        except ValueError:
            out[step] = -1.0
        if step not in known or out[step] < 0:
            raise UsageError(
                f"--timing {value}: expected STEP=SECONDS with STEP one of "
                f"{', '.join(sorted(known))} and SECONDS >= 0"
            )
    return out


def start_serving(
    state_path: Path,
    *,
    host: str,
    port: int,
    rules: Path | None,
    virtual_clock: bool,
    timings: dict[str, float],
    keystone_url: str | None,
) -> Any:
    """Build and start the sandbox `heatctl sandbox serve` runs; record it as running.

    A busy port is a ConfigError with a hint. In hybrid mode the sandbox logs in to the
    real Keystone as admin with HEATCTL_SANDBOX_KEYSTONE_PASSWORD (default "secret").
    """
    from heatctl.sandbox import Sandbox

    keystone = None
    if keystone_url:
        password = os.environ.get("HEATCTL_SANDBOX_KEYSTONE_PASSWORD", "secret")
        keystone = {"auth_url": keystone_url, "username": "admin", "password": password}
    box = Sandbox(
        state_path=state_path,
        rules=rules,
        host=host,
        port=port,
        virtual_clock=virtual_clock,
        timings=timings,
        keystone=keystone,
    )
    try:
        box.start()
    except OSError as error:
        box.stop()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port, or 0 for any free one",
        ) from None
    write_runtime(state_path, box.url)
    return box
