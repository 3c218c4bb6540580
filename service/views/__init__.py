"""Every blueprint of the service: each module in this package that exposes `bp` is mounted.

Discovery (rather than a list) lets each feature own its module without touching a shared file.
"""
import importlib
import pkgutil


def blueprint_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def register_blueprints(app) -> None:
    for name in blueprint_modules():
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
