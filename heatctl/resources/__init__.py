"""Resource types: one small declarative class per type, registered by decorator.

The Model Interpreter reads their schemas to validate templates; the engine calls their
lifecycle methods. Modules per service are imported by `registry.load_builtin()`.
"""
