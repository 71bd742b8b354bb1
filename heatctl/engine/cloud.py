"""Which cloud to talk to, and a connection to it.

Selection follows openstacksdk's own conventions (openstack.config), in this order:
1. `--os-cloud NAME` (a cloud of clouds.yaml);
2. `OS_CLOUD`;
3. `OS_*` variables (OS_AUTH_URL, OS_USERNAME, ...): the environment cloud;
4. a clouds.yaml with exactly one cloud;
5. nothing configured: the embedded sandbox, started in-process on a loopback port with
   its state in the state directory (`sandbox.db`), announced in one line.
A clouds.yaml with several clouds and no choice is an error that lists them.

Any failure to reach or authenticate to the chosen cloud is one CloudError (exit 5) that
names the cloud and its endpoint; the cloud's own words follow.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heatctl.engine.retry import error_chain
from heatctl.errors import CloudError, ConfigError

SANDBOX = "sandbox (embedded)"
SANDBOX_DB = "sandbox.db"


@dataclass(frozen=True)
class CloudChoice:
    """The cloud heatctl will use and why."""

    name: str
    source: str  # "--os-cloud", "OS_CLOUD", "environment", "clouds.yaml", "sandbox"
    config_file: str | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.source == "sandbox"


def _load_config(config_files: list[str] | None) -> Any:
    """openstack.config's view of clouds.yaml and the OS_* variables (of os.environ)."""
    import openstack.config
    from openstack import exceptions

    try:
        return openstack.config.OpenStackConfig(config_files=config_files)
    except exceptions.ConfigException as error:
        raise ConfigError(f"cannot read the cloud configuration: {error}") from error


def select_cloud(
    os_cloud: str | None = None, *, config_files: list[str] | None = None
) -> CloudChoice:
    """Decide which cloud to use (see the module docstring). Reads no network.

    `config_files` replaces openstacksdk's clouds.yaml search path (tests use it)."""
    env = os.environ
    config = _load_config(config_files)
    clouds: dict[str, Any] = config.cloud_config.get("clouds", {})
    file = getattr(config, "config_filename", None)
    if os_cloud or env.get("OS_CLOUD"):
        name = os_cloud or env["OS_CLOUD"]
        if name not in clouds:
            known = ", ".join(sorted(c for c in clouds if c != "defaults")) or "none"
            raise ConfigError(
                f"cloud {name!r} is not defined in {file or 'any clouds.yaml'} (defined: {known})",
                hint="check the name, or set OS_CLIENT_CONFIG_FILE to the right clouds.yaml",
            )
        return CloudChoice(name, "--os-cloud" if os_cloud else "OS_CLOUD", file)
    if config.envvar_key in clouds:
        return CloudChoice(config.envvar_key, "environment", None)
    named = sorted(c for c in clouds if c != "defaults")
    if len(named) == 1:
        return CloudChoice(named[0], "clouds.yaml", file)
    if named:
        raise ConfigError(
            f"{file} defines {len(named)} clouds ({', '.join(named)}) and none is chosen",
            hint="pick one with --os-cloud NAME or OS_CLOUD=NAME",
        )
    return CloudChoice(SANDBOX, "sandbox")


def endpoint_of(choice: CloudChoice, config_files: list[str] | None = None) -> str:
    """The auth URL of a configured cloud, for messages ('?' when it has none)."""
    try:
        region = _load_config(config_files).get_one(cloud=choice.name)
    except Exception:  # a message helper must never fail the caller
        return "?"
    return str(region.config.get("auth", {}).get("auth_url") or "?")


@dataclass
class CloudSession:
    """An authenticated openstacksdk Connection, and the sandbox behind it if embedded."""

    choice: CloudChoice
    connection: Any
    endpoint: str
    sandbox: Any = None
    notice: str = ""
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Close the connection and stop the embedded sandbox (if any). Safe twice."""
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            closer()

    def __enter__(self) -> CloudSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    choice: CloudChoice,
    *,
    state_dir: Path,
    config_files: list[str] | None = None,
    sandbox_factory: Callable[[Path], Any] | None = None,
) -> CloudSession:
    """Open (and authenticate) a connection to the chosen cloud.

    For the sandbox, `sandbox_factory(state_path)` builds it (default: heatctl.sandbox).
    Raises CloudError (exit 5) naming the cloud and endpoint when it cannot be used.
    """
    quiet_client_logs()
    if choice.is_sandbox:
        return _connect_sandbox(choice, state_dir, sandbox_factory)
    import openstack

    endpoint = endpoint_of(choice, config_files)
    try:
        region = _load_config(config_files).get_one(cloud=choice.name)
        conn = openstack.connection.Connection(config=region)
        conn.authorize()
    except Exception as error:
        raise connection_error(choice.name, endpoint, error) from error
    session = CloudSession(choice, conn, endpoint)
    session._closers.append(conn.close)
    return session


def _connect_sandbox(
    choice: CloudChoice, state_dir: Path, factory: Callable[[Path], Any] | None
) -> CloudSession:
    state_dir.mkdir(parents=True, exist_ok=True)
    state_path = state_dir / SANDBOX_DB
    if factory is not None:  # tests bring their own
        sandbox = factory(state_path).start()
        config = sandbox.cloud_config()
    else:
        # A `heatctl sandbox serve` on this state is used; else one starts in-process.
        from heatctl.sandbox.runtime import attach_or_start

        config, sandbox = attach_or_start(state_path)
    url = str(config["auth"]["auth_url"])
    try:
        conn = _connection_from(config)
        conn.authorize()
    except Exception as error:
        if sandbox is not None:
            sandbox.stop()
        raise connection_error(choice.name, url, error) from error
    where = "embedded sandbox cloud" if sandbox is not None else "sandbox cloud served"
    notice = (
        "No cloud configured (clouds.yaml, OS_CLOUD, OS_* or --os-cloud): using the "
        f"{where} at {url}, state in {state_path}"
    )
    session = CloudSession(choice, conn, url, sandbox=sandbox, notice=notice)
    session._closers.extend([*([sandbox.stop] if sandbox is not None else []), conn.close])
    return session


def _connection_from(config: dict[str, Any]) -> Any:
    import openstack.config
    from openstack.connection import Connection

    region = openstack.config.get_cloud_region(load_yaml_config=False, load_envvars=False, **config)
    return Connection(config=region)


def connection_error(cloud: str, endpoint: str, error: BaseException) -> CloudError:
    """One clear CloudError for any failure to reach or authenticate to a cloud."""
    chain = error_chain(error)
    names = {cls.__name__ for e in chain for cls in type(e).__mro__}
    statuses = {getattr(e, "http_status", None) or getattr(e, "status_code", None) for e in chain}
    text = str(error).strip()
    if 401 in statuses or "Unauthorized" in names:
        what, hint = "authentication failed", "check the credentials of this cloud in clouds.yaml"
    elif names & {"ConnectFailure", "ConnectTimeout", "SSLError"} or "Unable to establish" in text:
        what, hint = "cannot connect", "check auth_url and that the endpoint is reachable"
    elif "DiscoveryFailure" in names:
        what, hint = "no usable identity API found", "check auth_url (it should be Keystone's)"
    elif "EndpointNotFound" in names or "EndpointNotFound" in text:
        what, hint = "a service is missing from the catalog", "check region_name and interface"
    else:
        what, hint = "cannot use the cloud", "run with --debug for details"
    errno = re.search(r"\[Errno -?\d+\] ([^\"')]+)", text)
    detail = errno.group(1) if errno else (text.splitlines()[0] if text else type(error).__name__)
    return CloudError(f"cloud {cloud!r} at {endpoint}: {what}: {detail}", hint=hint)


def quiet_client_logs() -> None:
    """Keep keystoneauth/openstacksdk warnings off the terminal unless logging is set up
    (without a handler, Python prints WARNING records to stderr)."""
    for name in ("keystoneauth", "openstack"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
