"""heatctl: Heat's orchestration model as a command-line tool with local state."""

__version__ = "0.1.0"
