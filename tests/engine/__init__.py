"""Tests of the engine: store, locks, walker, planner, cloud."""
