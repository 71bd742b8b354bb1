"""CLI command groups, one module each (registered in heatctl.cli.COMMAND_GROUPS)."""
