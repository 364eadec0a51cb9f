"""The collaborators a request handler needs, as the app factory registered them."""
from __future__ import annotations

from flask import current_app

from service.config import Settings
from service.store import Store


def store() -> Store:
    return current_app.extensions["claimtrack.store"]


def settings() -> Settings:
    return current_app.extensions["claimtrack.settings"]


def enqueue_extraction(article_id: str) -> None:
    current_app.extensions["claimtrack.enqueue_extraction"](article_id)
