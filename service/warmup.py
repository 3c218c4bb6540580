"""Caches built as the service starts (at national scale they read every triple), so the first
visitor does not wait: one background thread per cache, never in Flask-client tests."""
import logging
import threading


def warm_when_registered(blueprint, name: str, *builders) -> None:
    """When `blueprint` is mounted on a real service, call each builder(store) in a background thread."""
    @blueprint.record_once
    def _start(state) -> None:
        if state.app.testing:  # Flask-client tests build what they use, in the request
            return
        store = state.app.extensions["coopkg"].store

        def warm():
            try:
                for build in builders:
                    build(store)
            except Exception:  # the page that needs it will report it
                logging.getLogger("coopkg.service").exception("warming the %s failed", name)

        threading.Thread(target=warm, name=f"warm-{name.replace(' ', '-')}", daemon=True).start()
