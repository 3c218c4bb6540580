"""Every blueprint of the service. Each module exposes `bp`; add a module name here to mount it."""
import importlib

BLUEPRINT_MODULES = [
    "health",
    "assets",
    "home",
]


def register_blueprints(app) -> None:
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
