"""Command modules, one per group; each is imported only when its group is used."""
