"""The Model Interpreter: load, validate and resolve Heat Orchestration Templates."""
