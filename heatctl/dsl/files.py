"""Local files a template refers to: get_file contents and provider templates.

Heat's engine never reads files itself: the client fills a `files` map. heatctl is the
client, so it reads them, with the same rule Heat's client uses for where a relative name
points (relative to the file that names it), and a confinement rule of its own:

- a path must stay inside an allowed root: the top-level template's directory tree, the
  directory of each environment file (for the names it maps), and any --allow-file-root;
- `file://` URLs are paths like any other; other URLs (http, https, ...) are refused:
  heatctl does not fetch anything over the network while reading templates.

Every refusal is a `FileRefError` whose message says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse


class FileRefError(ValueError):
    """A referenced file cannot be used (outside the allowed roots, a URL, unreadable)."""


@dataclass
class FileAccess:
    """Resolves and reads referenced files inside a set of allowed root directories."""

    roots: list[Path] = field(default_factory=list)
    max_bytes: int = 512 * 1024
    _cache: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def for_template(cls, template: Path, extra_roots: Iterable[Path] = ()) -> FileAccess:
        """Access rooted at the template's directory, plus `extra_roots`."""
        roots = [template.resolve().parent, *(Path(r).resolve() for r in extra_roots)]
        return cls(roots=roots)

    def add_root(self, root: Path) -> None:
        """Allow files under `root` too (an environment file's directory)."""
        resolved = root.resolve()
        if resolved not in self.roots:
            self.roots.append(resolved)

    def resolve(self, name: str, including: Path | None) -> Path:
        """The local path `name` refers to, from the file `including` (None: the CWD)."""
        if not isinstance(name, str) or not name:
            raise FileRefError("a file name must be a non-empty string")
        parsed = urlparse(name)
        if parsed.scheme == "file":
            candidate = Path(unquote(parsed.path))
        elif parsed.scheme and len(parsed.scheme) > 1:
            raise FileRefError(
                f"'{name}' is a URL; heatctl reads local files only (download it next to"
                " the template and refer to it by a relative path)"
            )
        else:
            candidate = Path(name)
        if not candidate.is_absolute():
            base = including.parent if including is not None else Path.cwd()
            candidate = base / candidate
        resolved = candidate.resolve()
        if not any(resolved.is_relative_to(root) for root in self.roots):
            allowed = ", ".join(str(r) for r in self.roots)
            raise FileRefError(
                f"'{name}' is outside the template's directory tree ({allowed});"
                " pass --allow-file-root DIR to allow another directory"
            )
        return resolved

    def paths_read(self) -> list[Path]:
        """The resolved paths of every file read so far (a stack's source digest)."""
        return list(self._cache)

    def read_text(self, name: str, including: Path | None) -> str:
        """The content of `name` as text (get_file gives it unparsed)."""
        path = self.resolve(name, including)
        if path in self._cache:
            return self._cache[path]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise FileRefError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise FileRefError(f"is a directory, not a file: {path}") from None
        except OSError as exc:
            raise FileRefError(f"cannot read {path}: {exc.strerror}") from None
        if len(data) > self.max_bytes:
            raise FileRefError(f"{path} is {len(data):,} bytes, over {self.max_bytes:,}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileRefError(f"{path} is not UTF-8 text") from None
        self._cache[path] = text
        return text


def is_template_path(type_name: str) -> bool:
    """True when a resource type names a template file: *.yaml or *.template, as in Heat."""
    return type_name.endswith((".yaml", ".template"))


def is_zip_archive(path: Path) -> bool:
    """True when `path` is a zip file (a TOSCA CSAR), judged by its magic number."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False
