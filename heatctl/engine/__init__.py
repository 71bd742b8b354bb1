"""The Model Processor: dependency graph, plan, walker, store and cloud access.

`heatctl.engine.graph` builds the resource dependency graph from a `heatctl.dsl.template`
Template; the rest of the engine (planner, walker, store) builds on it.
"""
