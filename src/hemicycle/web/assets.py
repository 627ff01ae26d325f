"""Browser assets from npm, served by Hemicycle itself: no page loads anything from
another site, so the interface works offline and behind a firewall.

``scripts/web-assets.sh`` (``make setup``) installs ``web/package-lock.json`` into
``Settings.assets_dir``; only the folders named in PACKAGES are served, at
``/assets/<name>/<file>``. axe-core is installed the same way but is only read by the
accessibility tests (``axe_source``), never served.
"""

from __future__ import annotations

from pathlib import Path

from hemicycle.config import Settings

# public name -> folder inside the npm install; the version is in package-lock.json
PACKAGES: dict[str, str] = {
    "openseadragon": "openseadragon/build/openseadragon",
    "swagger-ui": "swagger-ui-dist",
}
MEDIA = {".js": "text/javascript", ".css": "text/css", ".png": "image/png",
         ".svg": "image/svg+xml", ".map": "application/json"}
CACHE = "public, max-age=604800"


class AssetsMissing(RuntimeError):
    """The npm assets are not installed: the message says what to run."""


def asset_path(settings: Settings, name: str, relative: str) -> Path:
    """The file behind /assets/<name>/<relative>; AssetsMissing or KeyError/ValueError."""
    folder = PACKAGES[name]
    root = (settings.assets_dir / folder).resolve()
    if not root.is_dir():
        raise AssetsMissing(f"web asset {name!r} is not installed in {settings.assets_dir}: "
                            "run `make setup` (scripts/web-assets.sh) with the npm registry "
                            "reachable")
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or path.suffix not in MEDIA or not path.is_file():
        raise ValueError(f"no asset {relative!r} in {name}")
    return path


def axe_source(settings: Settings) -> str:
    """axe-core's script, for the accessibility tests to inject into pages."""
    path = settings.assets_dir / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise AssetsMissing(f"axe-core is not installed in {settings.assets_dir}: run "
                            "`make setup` (scripts/web-assets.sh) with the npm registry "
                            "reachable")
    return path.read_text(encoding="utf-8")
