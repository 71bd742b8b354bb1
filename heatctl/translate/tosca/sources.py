"""Reading TOSCA service templates: local files, CSAR archives, and their imports.

A CSAR (a zip) is read in memory, never extracted, with guards against zip bombs (member
count, total and per-member size, compression ratio) and path traversal (absolute names,
`..`, backslashes, drive letters). Imports resolve relative to the importing file, inside
the archive for a CSAR. URL imports are refused with a diagnostic: translation is offline.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heatctl.dsl.diagnostics import Diagnostic, did_you_mean, locate
from heatctl.dsl.loader import LoadError, loads
from heatctl.translate.base import TranslationError

if TYPE_CHECKING:
    import zipfile

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB
META_PATH = "TOSCA-Metadata/TOSCA.meta"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


# Linux names an open file's real path in /proc/self/fd: one open (O_PATH: no read access
# needed) and one readlink instead of Path.resolve()'s lstat of every path component
# (~4 us instead of ~30 us for a path 9 directories deep).
_O_PATH = getattr(os, "O_PATH", 0)
_PROC_FD = _O_PATH != 0 and os.path.isdir("/proc/self/fd")


def real_path(path: Path) -> Path:
    """`path.resolve()`: the absolute path with every symbolic link resolved."""
    if _PROC_FD:
        try:
            fd = os.open(path, _O_PATH | os.O_CLOEXEC)
        except OSError:
            return path.resolve()
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        finally:
            os.close(fd)
        # Anything unusual (a deleted file, a pseudo-file): the portable way.
        if target.startswith("/") and not target.endswith(" (deleted)"):
            return Path(target)
    return path.resolve()


def is_url(text: str) -> bool:
    """True for http://, https://, ftp:// ... references."""
    return bool(_URL.match(text))


@dataclass
class SourceFile:
    """One loaded YAML document with the name diagnostics use for it."""

    name: str
    document: Mapping[str, Any]
    location: str
    """Where relative references from this file resolve: a directory or an archive path."""
    prefixes: list[str] = field(default_factory=list)
    """namespace_prefix values this file was imported under (its types get aliases)."""


def fail(
    message: str,
    file: str | None,
    doc: Any = None,
    path: tuple[Any, ...] = (),
    *,
    hint: str | None = None,
) -> TranslationError:
    """A TranslationError with one diagnostic located at `path` inside `doc`."""
    line, col = locate(doc, path) if doc is not None else (None, None)
    diagnostic = Diagnostic(message, file, line, col, "error", tuple(path))
    return TranslationError(f"cannot translate {file or 'template'}", [diagnostic], hint=hint)


class Archive:
    """A CSAR read into memory, with its members checked before any is used."""

    def __init__(self, path: Path, display: str) -> None:
        self.display = display
        self.members: dict[str, bytes] = {}
        import zipfile  # only CSARs need it (with shutil, bz2, lzma: ~3 ms of start-up)

        try:
            with zipfile.ZipFile(path) as archive:
                self._read(archive)
        except zipfile.BadZipFile as exc:
            raise fail(f"not a valid CSAR (zip) archive: {exc}", display) from None
        except OSError as exc:
            raise fail(f"cannot read archive: {exc.strerror or exc}", display) from None

    def _read(self, archive: zipfile.ZipFile) -> None:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise fail(
                f"archive has {len(infos):,} members, over the limit of {MAX_MEMBERS:,}",
                self.display,
            )
        total = 0
        for info in infos:
            name = info.filename
            if (
                name.startswith(("/", "\\"))
                or "\\" in name
                or ".." in name.split("/")
                or re.match(r"^[A-Za-z]:", name)
            ):
                raise fail(
                    f"unsafe member name '{name}' (absolute path or '..'): refusing the archive",
                    self.display,
                )
            if info.is_dir():
                continue
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (
                info.file_size > MAX_MEMBER_BYTES
                or total > MAX_TOTAL_BYTES
                or (info.file_size > 1 << 20 and ratio > MAX_RATIO)
            ):
                raise fail(
                    f"member '{name}' is too large once uncompressed ({info.file_size:,} bytes); this looks like a zip bomb",
                    self.display,
                )
            with archive.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)
            if len(data) > MAX_MEMBER_BYTES:  # the header lied about the size
                raise fail(
                    f"member '{name}' is larger than its header says; refusing the archive",
                    self.display,
                )
            self.members[name] = data

    def entry_definitions(self) -> str:
        """The archive path of the main service template (TOSCA.meta or the single root YAML)."""
        if META_PATH in self.members:
            return self._entry_from_meta()
        meta_like = [n for n in self.members if n.lower().endswith("tosca.meta")]
        if meta_like:
            raise fail(
                f"no {META_PATH} in the archive (found '{meta_like[0]}'; the directory must be named TOSCA-Metadata)",
                self.display,
            )
        roots = [n for n in self.members if "/" not in n and n.endswith((".yaml", ".yml"))]
        if len(roots) == 1:
            return roots[0]
        if not roots:
            raise fail(f"no {META_PATH} and no YAML file at the root of the archive", self.display)
        raise fail(
            f"no {META_PATH} and {len(roots)} YAML files at the root ({', '.join(sorted(roots))}): cannot tell which is the entry",
            self.display,
        )

    def _entry_from_meta(self) -> str:
        name = f"{self.display}!{META_PATH}"
        text = self.members[META_PATH].decode("utf-8", "replace")
        fields: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise TranslationError(
                    f"cannot translate {self.display}",
                    [Diagnostic("TOSCA.meta is not in 'Key: value' form", name, number, 1)],
                )
            fields.setdefault(key.strip(), value.strip())
        entry = fields.get("Entry-Definitions")
        if not entry:
            hint = did_you_mean("Entry-Definitions", []) or ""
            close = [k for k in fields if k.lower().startswith("entry")]
            extra = f" (found '{close[0]}')" if close else hint
            raise TranslationError(
                f"cannot translate {self.display}",
                [Diagnostic(f"TOSCA.meta has no Entry-Definitions{extra}", name, 1, 1)],
            )
        if entry not in self.members:
            raise TranslationError(
                f"cannot translate {self.display}",
                [Diagnostic(f"Entry-Definitions '{entry}' is not in the archive", name, 1, 1)],
            )
        return entry


@dataclass
class SourceSet:
    """The main template and every file it imports, loaded once each."""

    main: SourceFile
    files: list[SourceFile] = field(default_factory=list)
    archive: Archive | None = None
    base_dir: Path | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    resolved_elsewhere: list[tuple[SourceFile, tuple[Any, ...], str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[SourceFile]:
        return iter(self.files)

    def has_file(self, location: str, relative: str) -> bool:
        """For a CSAR: whether `relative` (from a file at `location`) is in the archive."""
        if self.archive is None:
            return True
        return posixpath.normpath(posixpath.join(location, relative)) in self.archive.members


def _imports(source: SourceFile) -> Iterator[tuple[str, tuple[Any, ...], Mapping[str, Any]]]:
    entries = source.document.get("imports") or []
    if not isinstance(entries, list):
        raise fail("imports must be a list", source.name, source.document, ("imports",))
    for index, entry in enumerate(entries):
        path: tuple[Any, ...] = ("imports", index)
        target: Any = entry
        options: Mapping[str, Any] = {}
        if isinstance(entry, dict | Mapping):
            if "file" in entry:
                target, options = entry["file"], entry
            elif len(entry) == 1:
                ((key, value),) = entry.items()
                target = value.get("file") if isinstance(value, dict | Mapping) else value
                options = value if isinstance(value, dict | Mapping) else {}
                path = (*path, key)
        if not isinstance(target, str) or not target:
            raise fail("an import must name a file", source.name, source.document, path)
        if options.get("repository") is not None:
            repository = options["repository"]
            raise fail(
                f"import '{target}' comes from repository '{repository}' (a URL); heatctl translates offline and does not fetch it",
                source.name,
                source.document,
                path,
                hint="download the file and import it by a relative path",
            )
        yield target, path, options


def load_sources(path: Path, display: str, document: Mapping[str, Any] | None = None) -> SourceSet:
    """Load a template (YAML or CSAR) and, transitively, its imports."""
    archive: Archive | None = None
    resolved = real_path(path)
    if document is None or "__csar__" in document:
        archive = Archive(path, display)
        entry = archive.entry_definitions()
        name = f"{display}!{entry}"
        document = _load_bytes(archive.members[entry], name)
        main = SourceFile(name, document, posixpath.dirname(entry))
    else:
        main = SourceFile(display, document, str(resolved.parent))
    sources = SourceSet(main, [main], archive, resolved.parent)
    seen = {entry if archive is not None else str(resolved): main}
    queue = [main]
    while queue:
        current = queue.pop(0)
        for target, where, options in _imports(current):
            loaded, new = _load_import(sources, current, target, where, seen)
            prefix = options.get("namespace_prefix")
            if isinstance(prefix, str) and prefix not in loaded.prefixes:
                loaded.prefixes.append(prefix)
            if new:
                sources.files.append(loaded)
                queue.append(loaded)
    return sources


def _load_bytes(
    data: bytes, name: str, warnings: list[Diagnostic] | None = None
) -> Mapping[str, Any]:
    try:
        loaded: Mapping[str, Any] = loads(data, name, what="TOSCA definitions")
    except LoadError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        if warnings is None or first is None or not first.message.startswith("duplicate key"):
            raise TranslationError(f"cannot translate {name}", exc.diagnostics) from None
        # An imported definitions file with a duplicate key: PyYAML (and so tosca-parser)
        # keeps the last value. Accept it the same way, say so in the report, and lose
        # this file's positions (the alias-bomb and size checks already ran).
        warnings.append(first)
        import yaml

        loaded = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def _load_import(
    sources: SourceSet,
    current: SourceFile,
    target: str,
    where: tuple[Any, ...],
    seen: dict[str, SourceFile],
) -> tuple[SourceFile, bool]:
    """The imported file, and whether it is loaded for the first time."""
    if is_url(target):
        raise fail(
            f"import '{target}' is a URL; heatctl translates offline and does not fetch it",
            current.name,
            current.document,
            where,
            hint="download the file and import it by a relative path",
        )
    if sources.archive is not None:
        key = posixpath.normpath(posixpath.join(current.location, target))
        if key in seen:
            return seen[key], False
        data = sources.archive.members.get(key)
        if data is None or key.startswith("../"):
            raise fail(
                f"import '{target}' is not in the archive (looked for '{key}')",
                current.name,
                current.document,
                where,
            )
        display = f"{sources.archive.display}!{key}"
        loaded = SourceFile(
            display, _load_member(data, display, sources.warnings), posixpath.dirname(key)
        )
        seen[key] = loaded
        return loaded, True
    file = _find_local(sources, current, target, where)
    real = real_path(file)
    resolved = str(real)
    if resolved in seen:
        return seen[resolved], False
    display = _display(real, file)
    try:
        document = _load_cached(real, display, sources.warnings)
    except OSError as exc:
        raise fail(
            f"cannot read import '{target}': {exc.strerror}", current.name, current.document, where
        ) from None
    loaded = SourceFile(display, document, str(real.parent))
    seen[resolved] = loaded
    return loaded, True


# Imported definitions files (TOSCA type libraries, often thousands of lines, such as the
# ETSI SOL001 types) are parsed once per process and reused while their size and mtime
# are unchanged: translation never modifies a loaded document.
_CACHE: dict[tuple[str, str, int, int], tuple[Mapping[str, Any], list[Diagnostic]]] = {}
_CACHE_SIZE = 64


def _load_cached(real: Path, display: str, warnings: list[Diagnostic]) -> Mapping[str, Any]:
    stat = real.stat()
    key = (str(real), display, stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is None:
        found: list[Diagnostic] = []
        cached = (_load_bytes(real.read_bytes(), display, found), found)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    warnings.extend(cached[1])
    return cached[0]


# Imported definitions files inside CSARs, likewise, keyed by their name and their exact
# content (a CSAR is read anew each time; the same bytes parse to the same document).
_MEMBER_CACHE: dict[tuple[str, bytes], tuple[Mapping[str, Any], list[Diagnostic]]] = {}


def _load_member(data: bytes, display: str, warnings: list[Diagnostic]) -> Mapping[str, Any]:
    key = (display, data)
    cached = _MEMBER_CACHE.get(key)
    if cached is None:
        found: list[Diagnostic] = []
        cached = (_load_bytes(data, display, found), found)
        if len(_MEMBER_CACHE) >= _CACHE_SIZE:
            _MEMBER_CACHE.pop(next(iter(_MEMBER_CACHE)))
        _MEMBER_CACHE[key] = cached
    warnings.extend(cached[1])
    return cached[0]


def _find_local(
    sources: SourceSet, current: SourceFile, target: str, where: tuple[Any, ...]
) -> Path:
    """The file an import names: relative to the importing file, else (as tosca-parser's
    users rely on) relative to the main template's directory or one of its parents."""
    file = Path(current.location, target)
    if file.is_file() or Path(target).is_absolute():
        if not file.is_file():
            raise fail(f"import '{target}' not found", current.name, current.document, where)
        return file
    base = Path(sources.main.location)
    for directory in (base, *list(base.parents)[:4]):
        candidate = directory / target
        if candidate.is_file():
            sources.resolved_elsewhere.append((current, where, str(directory)))
            return candidate
    raise fail(
        f"import '{target}' not found (looked for {file})", current.name, current.document, where
    )


def _display(real: Path, file: Path) -> str:
    """How diagnostics name an imported file: relative to the CWD when under it."""
    # Path.relative_to(Path.cwd()) on the strings (both are absolute and normalised).
    text, cwd = str(real), os.getcwd()
    base = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if text.startswith(base):
        return text[len(base) :]
    return "." if text == cwd else str(file)
