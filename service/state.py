"""What one app holds for its whole life (in app.extensions["coopkg"])."""
from dataclasses import dataclass, field

from flask import current_app

from coopkg.graph.settings import Settings


@dataclass
class AppState:
    settings: Settings
    store: object
    extras: dict = field(default_factory=dict)


def state() -> AppState:
    return current_app.extensions["coopkg"]


def get_store():
    return state().store


def get_settings() -> Settings:
    return state().settings
