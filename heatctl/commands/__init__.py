"""Command groups of the heatctl CLI, one module each (see COMMAND_GROUPS in heatctl/cli.py)."""
