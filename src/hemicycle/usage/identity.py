"""Who is reading, without knowing who: a salted hash of address + user agent.

The salt is random, one per UTC day, kept in ``usage/salt-<date>`` under the data dir;
older salts are deleted so that a hash can never be traced back to an address. Every
worker process reads the same day's salt (created once, atomically).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from pathlib import Path

_lock = threading.Lock()
_cache: dict[tuple[Path, dt.date], bytes] = {}


def _salt(data_dir: Path, day: dt.date) -> bytes:
    key = (data_dir, day)
    with _lock:
        if key in _cache:
            return _cache[key]
        folder = data_dir / "usage"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"salt-{day.isoformat()}"
        if not path.is_file():
            # written whole under a private name, then linked: no reader sees half a salt
            tmp = folder / f".salt-{os.getpid()}-{secrets.token_hex(4)}"
            tmp.write_text(secrets.token_bytes(32).hex())
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another worker made today's salt first: use theirs
            finally:
                tmp.unlink()
            for old in folder.glob("salt-*"):
                if old.name < path.name:
                    old.unlink(missing_ok=True)
        salt = bytes.fromhex(path.read_text().strip())
        _cache.clear()
        _cache[key] = salt
        return salt


def user_key(data_dir: Path, address: str, agent: str, day: dt.date) -> str:
    """A 20-character key for one address + user agent on one day."""
    digest = hashlib.blake2b(f"{address}\x00{agent}".encode(), key=_salt(data_dir, day),
                             digest_size=10)
    return digest.hexdigest()
