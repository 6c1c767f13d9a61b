"""The companion's static files, served from `static/` only, by exact name.

At start the folder is read once into an allow-list: each regular file of a known kind, its bytes and its
content type. A request names a file; the name is looked up in that list and nothing else happens. No part of a
request is ever joined to a path, so no `..`, encoded slash or symbolic link can reach a file outside the
folder, and a file added to the folder while the server runs is not served until it starts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"
ROUTE = "/static/{name}"  # not user text
# The kinds of file the pages use, with the content types phones must be told (text ones with their charset).
CONTENT_TYPES = {
    ".css": ("text/css", "utf-8"),
    ".js": ("text/javascript", "utf-8"),
    ".svg": ("image/svg+xml", "utf-8"),
    ".png": ("image/png", None),
    ".ico": ("image/x-icon", None),
    ".woff2": ("font/woff2", None),
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    charset: str | None


def load_assets(folder: Path = STATIC_DIR) -> dict[str, Asset]:
    """Every servable file directly in `folder` by its name: regular files of a known kind, not hidden ones."""
    found: dict[str, Asset] = {}
    for path in sorted(folder.iterdir()):
        kind = CONTENT_TYPES.get(path.suffix.lower())
        if kind is None or path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        found[path.name] = Asset(path.read_bytes(), *kind)
    return found


class StaticFiles:
    """The allow-list, and `handle`, the handler of `ROUTE`: a file from the list, or 404."""

    def __init__(self, folder: Path = STATIC_DIR) -> None:
        self.assets = load_assets(folder)

    async def handle(self, request: web.Request) -> web.Response:
        asset = self.assets.get(request.match_info.get("name", ""))
        if asset is None:
            raise web.HTTPNotFound()
        return web.Response(body=asset.body, content_type=asset.content_type, charset=asset.charset)
