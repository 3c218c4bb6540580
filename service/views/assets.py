"""/vendor/...: front-end libraries installed from the npm registry into node_modules (never copied
into the repo). Only the listed package folders are served."""
from flask import Blueprint, abort, send_from_directory

from coopkg.graph.paths import ROOT

bp = Blueprint("assets", __name__)

NODE_MODULES = ROOT / "node_modules"
SERVED = {
    "yasgui": NODE_MODULES / "@zazuko" / "yasgui" / "build",
    "cytoscape": NODE_MODULES / "cytoscape" / "dist",
    "axe-core": NODE_MODULES / "axe-core",
}


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package, filename):
    folder = SERVED.get(package)
    if folder is None or not folder.is_dir():
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
