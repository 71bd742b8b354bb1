"""A local OpenStack-compatible cloud for tests, demos and the embedded default.

`Sandbox` is the library entry point; see heatctl/sandbox/sandbox.py and docs/sandbox.md.
"""

from __future__ import annotations

from heatctl.sandbox.sandbox import Sandbox

__all__ = ["Sandbox"]
