"""The person track's keys from the environment (read by ``trygg.settings``; no Django).

``TRYGG_CASE_KEYS``: Fernet keys (32 url-safe base64-encoded bytes each, as made by
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``),
comma-separated, newest first. ``TRYGG_CASE_INDEX_KEY``: the secret of the blind index
of personnummer (at least 32 characters; it cannot be rotated without re-indexing, see
docs/personarenden.md). Outside debug both are required and checked at start-up; a
local demo (DEBUG) and the test suite derive fixed keys.
"""

import base64
import binascii
import hashlib

from trygg.config import ConfigError

DEMO_SECRET = "insecure-local-demo-case-key"
DEMO_INDEX_KEY = "insecure-local-demo-case-index-key"
MIN_INDEX_KEY = 32


def derived_fernet_key(secret):
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()


def _check_fernet_key(key):
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigError(
            "TRYGG_CASE_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes each, "
            "comma-separated, newest first)."
        )
    return key


def case_keys_from_env(environ, *, debug):
    """(list of Fernet keys newest first, index key) or ConfigError outside debug."""
    keys = [k.strip() for k in environ.get("TRYGG_CASE_KEYS", "").split(",") if k.strip()]
    index_key = environ.get("TRYGG_CASE_INDEX_KEY", "")
    if not keys:
        if not debug:
            raise ConfigError(
                "TRYGG_CASE_KEYS is not set: set it to one or more Fernet keys kept apart "
                "from the database (or set TRYGG_DEBUG=1 for a local demo)."
            )
        keys = [derived_fernet_key(DEMO_SECRET)]
    keys = [_check_fernet_key(k) for k in keys]
    if not index_key:
        if not debug:
            raise ConfigError(
                "TRYGG_CASE_INDEX_KEY is not set: set it to a long random string kept apart "
                "from the database (or set TRYGG_DEBUG=1 for a local demo)."
            )
        index_key = DEMO_INDEX_KEY
    if len(index_key) < MIN_INDEX_KEY and not debug:
        raise ConfigError(f"TRYGG_CASE_INDEX_KEY must be at least {MIN_INDEX_KEY} characters long.")
    return keys, index_key
