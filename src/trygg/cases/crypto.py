"""Field encryption and the blind index of the person track's identity fields.

- Name and personnummer are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
  ``cryptography`` package) under ``settings.CASE_KEYS``: a list of keys, newest first.
  ``MultiFernet`` encrypts with the newest and decrypts with any, so a new key is put in
  front, ``trygg cases rotate-keys`` re-encrypts every row, and then the old key is
  removed (docs/personarenden.md).
- Duplicate cases are found through a blind index: HMAC-SHA256 of the normalised
  personnummer (12 digits) under ``settings.CASE_INDEX_KEY``, a key of its own. Looking a
  person up never decrypts anything.

Nothing here logs or returns plaintext except :func:`decrypt`, which only the identity
views of the owning organisation call.
"""

import datetime as dt
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PNR_RE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")


class InvalidPersonnummer(ValueError):
    pass


def _fernet():
    keys = settings.CASE_KEYS
    if not keys:
        raise RuntimeError("CASE_KEYS is empty")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError("identity field cannot be decrypted with the configured keys") from None


def rotate(token):
    """The token re-encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode()


def is_current(token):
    """True when ``token`` is encrypted with the newest key."""
    try:
        Fernet(settings.CASE_KEYS[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _luhn_ok(digits10):
    total = 0
    for i, ch in enumerate(digits10):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_personnummer(value, *, today=None):
    """12 digits (ÅÅÅÅMMDDNNNN) from 10 or 12 digits with or without '-'/'+'; checks the
    date (day + 60 for a samordningsnummer) and the Luhn check digit."""
    text = re.sub(r"\s", "", value or "")
    match = PNR_RE.match(text)
    if not match:
        raise InvalidPersonnummer("format")
    century, yy, mm, dd, sep, last4 = match.groups()
    today = today or dt.date.today()
    if century is None:
        year = today.year - (100 if sep == "+" else 0)
        guess = (year // 100) * 100 + int(yy)
        if guess > year:
            guess -= 100
        century = f"{guess // 100:02d}"
    day = int(dd)
    if day > 60:
        day -= 60  # samordningsnummer
    try:
        dt.date(int(century + yy), int(mm), day)
    except ValueError:
        raise InvalidPersonnummer("date") from None
    if not _luhn_ok(yy + mm + dd + last4):
        raise InvalidPersonnummer("checksum")
    return century + yy + mm + dd + last4


def blind_index(partnership_id, personnummer12):
    """The keyed hash of a normalised personnummer, scoped to one partnership."""
    key = settings.CASE_INDEX_KEY.encode()
    message = f"{partnership_id}:{personnummer12}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
