"""A bounded disk cache of rendered pages and derivatives, and the stored files it serves.

Entries are keyed by the file's SHA-512, so a replaced file can never serve stale pixels;
the cache's size is ``Settings.iiif_cache_mb``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from hemicycle.config import Settings
from hemicycle.interop.iiif_image.render import PDF_DPI, derive, page_sizes, render_page
from hemicycle.interop.iiif_image.request import ImageApiError, Plan

# ---- the cache ----

class PageCache:
    """Rendered pages and derivatives on disk under ``root``, at most ``max_bytes``.

    Entries live in a folder per file checksum; the least recently used entries are
    removed when the total passes the limit. A few decoded pages are also kept in
    memory so that the tiles of one page do not decode it again and again.
    """

    def __init__(self, root: Path, max_bytes: int,
                 memory_pixels: int = 20_000_000):
        self.root = root
        self.max_bytes = max_bytes
        self.memory_pixels = memory_pixels
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple[str, int], Image.Image] = OrderedDict()
        self._sizes: dict[str, list[tuple[int, int]]] = {}
        self._total: int | None = None
        self._pending: list = []

    def _dir(self, checksum: str) -> Path:
        return self.root / checksum[:2] / checksum[:40]

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self._added(len(data), path)

    def _added(self, size: int, keep: Path) -> None:
        with self._lock:
            if self._total is None:
                self._total = sum(f.stat().st_size for f in self.root.rglob("*") if f.is_file())
            else:
                self._total += size
            over = self._total > self.max_bytes
        if over:
            self.prune(keep)

    def prune(self, keep: Path | None = None) -> None:
        """Remove the least recently used entries until the cache is at 80 % of its limit
        (``keep``, the entry just made, stays: it is about to be served)."""
        entries = []
        for f in self.root.rglob("*"):
            if f.is_file():
                st = f.stat()
                entries.append((st.st_mtime, st.st_size, f))
        total = sum(e[1] for e in entries)
        for _, size, f in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes * 0.8:
                break
            if f == keep:
                continue
            f.unlink(missing_ok=True)
            total -= size
        with self._lock:
            self._total = total

    def sizes(self, checksum: str, path_of, fmt: str) -> list[tuple[int, int]]:
        """Page sizes of a file (``path_of()`` gives its bytes' path only when needed)."""
        if checksum in self._sizes:
            return self._sizes[checksum]
        meta = self._dir(checksum) / f"sizes-{PDF_DPI}.json"
        try:
            sizes = [tuple(s) for s in json.loads(meta.read_text())]
        except (OSError, ValueError):
            sizes = page_sizes(path_of(), fmt)
            self._write(meta, json.dumps(sizes).encode())
        self._sizes[checksum] = sizes
        return sizes

    def page(self, checksum: str, path_of, fmt: str, page: int) -> Image.Image:
        key = (checksum, page)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        stored = self._dir(checksum) / f"p{page}-{PDF_DPI}.png"
        image = None
        if stored.is_file():
            try:
                with Image.open(stored) as img:
                    img.load()
                    image = img.copy()
                os.utime(stored)
            except OSError:
                image = None
        if image is None:
            image = render_page(path_of(), fmt, page)
            # PNG-encoding a page costs 2-3 times its rendering: done after the answer
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(_writer.submit(self._store_page, stored, image))
        with self._lock:
            self._pages[key] = image
            while sum(i.width * i.height for i in self._pages.values()) > self.memory_pixels \
                    and len(self._pages) > 1:
                self._pages.popitem(last=False)
        return image

    def _store_page(self, stored: Path, image: Image.Image) -> None:
        buf = io.BytesIO()
        image.save(buf, "PNG", compress_level=1)
        self._write(stored, buf.getvalue())

    def flush(self) -> None:
        """Wait for the rendered pages still being written to disk."""
        while self._pending:
            self._pending.pop().result()

    def derivative(self, checksum: str, path_of, fmt: str, page: int, p: Plan) -> Path:
        """The encoded image for plan ``p``, made once and then served from disk."""
        name = hashlib.sha256(f"{page}/{p.canonical}".encode()).hexdigest()[:32]
        target = self._dir(checksum) / f"p{page}" / f"{name}.{p.format}"
        if target.is_file():
            try:
                os.utime(target)
                return target
            except OSError:
                pass
        self._write(target, derive(self.page(checksum, path_of, fmt, page), p))
        return target


_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iiif-cache")
_caches: dict[Path, PageCache] = {}
_caches_lock = threading.Lock()


def cache_for(settings: Settings) -> PageCache:
    """The one page cache of a data directory (its size: ``Settings.iiif_cache_mb``)."""
    with _caches_lock:
        cache = _caches.get(settings.data_dir)
        if cache is None:
            cache = _caches[settings.data_dir] = PageCache(
                settings.data_dir / "cache" / "iiif", settings.iiif_cache_bytes)
        return cache


# ---- stored files ----

def _path_of(settings: Settings, file):
    def path() -> Path:
        from hemicycle.storage import StorageError, open_location

        try:
            return open_location(settings, file.location)
        except StorageError as exc:
            raise ImageApiError(500, f"the stored file is missing: {exc}") from None
    return path


def stored_page_sizes(settings: Settings, file) -> list[tuple[int, int]]:
    """Page sizes of a catalogued file (``hemicycle.catalogue.models.File``)."""
    return cache_for(settings).sizes(file.sha512, _path_of(settings, file), file.format)


def stored_derivative(settings: Settings, file, page: int, p: Plan) -> Path:
    """The cached image file answering plan ``p`` for page ``page`` of ``file``."""
    return cache_for(settings).derivative(file.sha512, _path_of(settings, file),
                                          file.format, page, p)
