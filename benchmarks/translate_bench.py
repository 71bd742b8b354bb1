"""Benchmark: the TOSCA corpus through `heatctl translate`, per file, from the command line
and in-process; optionally heat-translator on the same files for comparison.

    python benchmarks/translate_bench.py [--corpus ../shared/corpus/tosca] [--heat-translator /tmp/ht-venv/bin/heat-translator]

Only files that heatctl translates are timed (the corpus test lists the others). For
heat-translator each file runs the way its own tests run it (from the data directory,
`--template-file F --template-type tosca --output-file D/x.yaml`); its failures are counted
and left out of its timings. Prints a Markdown table (paste it into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_files(corpus: Path) -> list[Path]:
    """TOSCA inputs of the corpus (YAML and CSAR), without the expected HOT outputs."""
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.suffix in (".yaml", ".yml", ".zip", ".csar")
        and "hot_output" not in p.parts
        and "toscaparser" not in p.parts
    )


def translatable(files: list[Path]) -> list[Path]:
    """The files heatctl translates (others fail on purpose; see tests/translate)."""
    from heatctl.errors import InvalidInput
    from heatctl.translate import translate_file

    good = []
    for path in files:
        try:
            translate_file(path)
        except InvalidInput:
            continue
        good.append(path)
    return good


def time_in_process(files: list[Path], repeat: int = 3) -> list[float]:
    """Best-of-`repeat` seconds per file for translate_file + dump_hot (no start-up)."""
    from heatctl.translate import translate_file
    from heatctl.translate.hot_yaml import dump_hot

    times = []
    for path in files:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            result = translate_file(path)
            dump_hot(result.hot)
            for nested in result.nested.values():
                dump_hot(nested)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return times


# Before timing, as heat-translator's script has (its imports parse tosca-parser's type
# definitions): the translator's modules imported and the normative types loaded.
FIRST_SCRIPT = """
import sys, time
from pathlib import Path
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import dump_hot
from heatctl.translate.tosca import (
    builders, container, nfv, outputs, policies, scaling, senlin, software, translator, types
)
types.TypeRegistry()
for name in sys.argv[1:]:
    start = time.perf_counter()
    result = translate_file(Path(name))
    dump_hot(result.hot)
    for nested in result.nested.values():
        dump_hot(nested)
    print(time.perf_counter() - start)
"""


def time_in_process_first(files: list[Path]) -> list[float]:
    """Seconds for the first translate_file + dump_hot of each file, in a fresh process
    that translates the files one after the other (what a library user translating a
    batch of new files sees: what one translation leaves in the per-process tables helps
    the next files only, never the same file again)."""
    command = [sys.executable, "-c", FIRST_SCRIPT, *map(str, files)]
    proc = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT, env=ENV)
    return [float(line) for line in proc.stdout.split()]


CACHED = """What stays loaded in-process between translations, on each side:
- heatctl: the normative TOSCA types (parsed from normative.json on first use) and what is
  derived from them alone (derived_from chains, merged sections, capability tables of
  normative node types); parsed imported definitions files (keyed by path, size, mtime);
  how plain YAML scalars resolve and how strings are quoted in HOT (text -> decision).
  The template itself is read, parsed, checked and translated in full every time.
- heat-translator: tosca-parser's normative and NFV type definitions (parsed at import).
Best of 3: each file's third translation in a row; first translation: each file once,
in a fresh process, after the files before it."""

# Bytecode caching on, as in any pip-installed tool (some sandboxes set this variable).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CPU: dict[str, list[float]] = {}
HT_OK: list[bool] = []  # per file: whether heat-translator's CLI translated it
HT_FIRST: list[float | None] = []  # per file: heat-translator's first in-process run


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(
    command: list[str], cwd: Path | None = None, label: str = ""
) -> tuple[float, bool]:
    """Wall-clock seconds for one process, and whether it exited 0 (CPU seconds go to CPU[label])."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, cwd=cwd, check=False, env=ENV)
    elapsed = time.perf_counter() - start
    CPU.setdefault(label, []).append(_children_cpu() - cpu)
    return elapsed, proc.returncode == 0


def time_heatctl_cli(files: list[Path]) -> list[float]:
    """Seconds per file for `python -m heatctl translate F -o OUT` in a fresh process."""
    times = []
    with tempfile.TemporaryDirectory() as out:
        warm = [sys.executable, "-m", "heatctl", "translate", str(files[0]), "-o", f"{out}/x.yaml"]
        subprocess.run(warm, capture_output=True, env=ENV, check=False)  # write bytecode caches
        for path in files:
            elapsed, ok = time_command(
                [sys.executable, "-m", "heatctl", "translate", str(path), "-o", f"{out}/x.yaml"],
                ROOT,
                "heatctl",
            )
            if not ok:
                raise SystemExit(f"heatctl failed on {path}")
            times.append(elapsed)
    return times


def time_heat_translator(binary: str, files: list[Path]) -> tuple[list[float], int]:
    """Seconds per file for heat-translator's CLI, and how many files it failed on."""
    times, failures = [], 0
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            data_dir = next((p for p in path.parents if p.name == "data"), path.parent)
            command = [
                binary,
                "--template-file",
                str(path),
                "--template-type",
                "tosca",
                "--output-file",
                f"{out}/x.yaml",
            ]
            # From the repository root, as upstream's tests run (some imports rely on it).
            root = data_dir.parents[2] if data_dir.name == "data" else path.parent
            elapsed, ok = time_command(command, root, "heat-translator")
            HT_OK.append(ok)
            if ok:
                times.append(elapsed)
            else:
                failures += 1
    return times, failures


def time_heat_translator_in_process(python: str, files: list[Path]) -> list[float | None]:
    """Per-file seconds for ToscaTemplate + TOSCATranslator, timed inside heat-translator's
    venv (None where it fails)."""
    script = (
        "import sys, time, os\n"
        "from toscaparser.tosca_template import ToscaTemplate\n"
        "from translator.hot.tosca_translator import TOSCATranslator\n"
        "for path in sys.argv[1:]:\n"
        "    best = first = None\n"
        "    for _ in range(3):\n"
        "        start = time.perf_counter()\n"
        "        try:\n"
        "            TOSCATranslator(ToscaTemplate(path, {}, True), {}).translate()\n"
        "        except Exception:\n"
        "            best = None\n"
        "            break\n"
        "        elapsed = time.perf_counter() - start\n"
        "        best = elapsed if best is None else min(best, elapsed)\n"
        "        first = elapsed if first is None else first\n"
        "    print(f'{best} {first}' if best is not None else 'fail fail')\n"
    )
    with tempfile.TemporaryDirectory() as scratch:  # it writes nested templates into the CWD
        command = [python, "-c", script, *map(str, files)]
        proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=scratch)
    words = proc.stdout.split()
    HT_FIRST[:] = [None if w == "fail" else float(w) for w in words[1::2]]
    return [None if w == "fail" else float(w) for w in words[0::2]]


def summary(times: list[float]) -> str:
    """Median, p95 and total in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{statistics.median(ordered) * 1000:.1f} ms | {p95 * 1000:.1f} ms | {sum(ordered):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "tosca")
    parser.add_argument(
        "--heat-translator",
        help="path to heat-translator's console script (its venv's python is used in-process)",
    )
    parser.add_argument("--limit", type=int, default=0, help="time only the first N files")
    args = parser.parse_args()
    files = translatable(corpus_files(args.corpus))
    if args.limit:
        files = files[: args.limit]
    print(f"{len(files)} files; {machine()}; load average before: {_load()}\n")
    notes = []
    first = time_in_process_first(files)
    inprocess = time_in_process(files)
    rows = [("heatctl in-process (translate_file + dump_hot, best of 3)", inprocess)]
    rows.append(("heatctl in-process, first translation of each file", first))
    rows.append(
        ("heatctl CLI, wall (`python -m heatctl translate F -o OUT`)", time_heatctl_cli(files))
    )
    rows.append(("heatctl CLI, CPU user+sys", CPU["heatctl"]))
    if args.heat_translator:
        cli, failures = time_heat_translator(args.heat_translator, files)
        rows.append(
            (f"heat-translator CLI, wall ({failures} of {len(files)} files fail, not timed)", cli)
        )
        rows.append(("heat-translator CLI, CPU user+sys (all runs)", CPU["heat-translator"]))
        same = [
            (h, t)
            for h, t, ok in zip(CPU["heatctl"], CPU["heat-translator"], HT_OK, strict=True)
            if ok
        ]
        notes.append(_ratio("CLI CPU user+sys", same))
        python = str(Path(args.heat_translator).parent / "python")
        per_file = time_heat_translator_in_process(python, files)
        inproc = [t for t in per_file if t is not None]
        rows.append(
            (f"heat-translator in-process, best of 3 ({len(files) - len(inproc)} fail)", inproc)
        )
        rows.append(("heat-translator in-process, first translation", [t for t in HT_FIRST if t]))
        # The same files on both sides: those heat-translator translates.
        both = [(h, t) for h, t in zip(inprocess, per_file, strict=True) if t is not None]
        rows.append((f"heatctl in-process, the {len(both)} same files", [h for h, _ in both]))
        notes.append(_ratio("in-process, best of 3", both))
        firsts = [(h, t) for h, t in zip(first, HT_FIRST, strict=True) if t is not None]
        rows.append(
            (
                f"heatctl in-process, first translation, the {len(firsts)} same files",
                [h for h, _ in firsts],
            )
        )
        notes.append(_ratio("in-process, first translation of each file", firsts))
    print("| run | median per file | p95 | total |")
    print("|---|---|---|---|")
    for label, times in rows:
        print(f"| {label} | {summary(times)} |")
    print("", *notes, f"load average after: {_load()}", "", CACHED, sep="\n")


def _ratio(what: str, pairs: list[tuple[float, float]]) -> str:
    """heat-translator time / heatctl time on the files both translate."""
    ratios = [t / h for h, t in pairs]
    total = sum(t for _, t in pairs) / sum(h for h, _ in pairs)
    return (
        f"{what}, the {len(pairs)} files heat-translator translates: heat-translator/heatctl "
        f"per file median {statistics.median(ratios):.1f}x, totals {total:.1f}x"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    """CPU count and model, Python version: what the figures depend on."""
    import platform

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                model,
            )
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


if __name__ == "__main__":
    main()
