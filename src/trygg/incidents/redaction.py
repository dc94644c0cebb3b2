"""Personal data in incident free text: detect it and redact it before anything is stored.

Incident reports are about places and situations, not persons (DESIGN.md §5). `redact(text)`
finds personnummer, samordningsnummer, phone numbers, e-mail addresses and vehicle
registration numbers, and returns the text with each replaced by a fixed Swedish token plus
the list of findings (kind, span in the original text, a Swedish reason). The original
text is never logged and never kept on a finding: a finding holds only offsets.

How each kind is recognised
---------------------------
* **Personnummer / samordningsnummer**: ``YYMMDD[-+ ]NNNN`` or ``CCYYMMDD[-+ ]NNNN`` (the
  hyphen may be any dash; ``+`` marks someone aged 100 or more), accepted only if the last
  digit is the Luhn check digit of the 10-digit form and the date is a real one (month
  1-12, day valid for the month, 29 February only in leap years). A day of 61-91 is a
  samordningsnummer (day + 60). 12-digit forms must start with 18, 19 or 20, and a
  12-digit run that fails is not re-read as a 10-digit one. Organisationsnummer (third
  digit >= 2, so the "month" is 20 or more) fail the date check and are left alone.
* **Phone numbers**: Swedish numbers written nationally (``0`` + area code + subscriber
  number) or internationally (``+46`` / ``0046``, optionally ``(0)``). Groups may be split by
  single spaces and at most one dash. The national significant number (without the
  leading 0) is 6-9 digits, 7-9 when written without any separator. When separators are
  used, the first group is the area code: 1-3 digits, and a one-digit area code must be 8
  (Stockholm) - this rejects dates like ``05-03-2024``. Trailing digit groups that would
  make the number too long are dropped when they follow a space (``070-123 45 67 12 st``
  keeps the ``12``), but a dash-joined code such as ``0191-2024-123`` is not cut to fit.
  A number directly after a digit and a comma, dot, slash or dash is part of something
  else, and one after a digit and a space whose groups are thousands (``3 045 678 900
  kr``) is part of an amount. Swedish postal codes never start with 0.
* **E-mail addresses**: ``local@domain.tld`` (Unicode letters allowed), also the common
  obfuscations ``name(at)domain.se`` and ``name[at]domain.se``.
* **Vehicle registration numbers** (Swedish plates): three letters from A-Z without I, Q
  and V (Å, Ä, Ö never occur), then two digits and a digit or a letter (the final letter
  is never O). To keep ordinary words followed by numbers ("och 150 personer", "buss
  583", "Tel 123") intact:

  - written together (``ABC123``, ``abc123``, ``ABC12A``) the plate is taken in any case:
    letters glued to three digits are rare in prose;
  - written with a space or a dash (``ABC 123``, ``ABC-12A``) the three letters must be
    upper case in the original text, and a few acronyms that are commonly followed by a
    number (``SOS 112``, ``SFS 123``...) are not plates;
  - the letters must be a word of their own (``buss 583``: "uss" is inside a word) and the
    plate must not continue into more characters (``ABC 1234``, ``ABC 123/24``,
    ``ABC-123-45``).

  Text written entirely in capitals can therefore still produce false positives such as
  "MED 123"; redacting too much is the safe side.

Findings never overlap. Kinds are claimed in this order: e-mail, personnummer/
samordningsnummer, phone, plate, so an e-mail containing digits is one e-mail and a
personnummer is never also a phone number (a bare 10-digit number that is both a valid
personnummer and a possible mobile number is reported as a personnummer).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
PHONE = "phone"
EMAIL = "email"
PLATE = "plate"

KINDS = (PERSONNUMMER, SAMORDNINGSNUMMER, PHONE, EMAIL, PLATE)

KIND_LABELS = {
    PERSONNUMMER: _("Personnummer"),
    SAMORDNINGSNUMMER: _("Samordningsnummer"),
    PHONE: _("Telefonnummer"),
    EMAIL: _("E-postadress"),
    PLATE: _("Registreringsnummer"),
}

REASONS = {
    PERSONNUMMER: _("Personnummer tas bort: rapporter handlar om platser, inte personer."),
    SAMORDNINGSNUMMER: _(
        "Samordningsnummer tas bort: rapporter handlar om platser, inte personer."
    ),
    PHONE: _("Telefonnummer tas bort: rapporter handlar om platser, inte personer."),
    EMAIL: _("E-postadresser tas bort: rapporter handlar om platser, inte personer."),
    PLATE: _(
        "Registreringsnummer tas bort: ett fordon kan knytas till en person, "
        "och rapporter handlar om platser, inte personer."
    ),
}

# The tokens are stored in the text itself, so they do not follow the user's language.
REPLACEMENTS = {
    PERSONNUMMER: "[personnummer borttaget]",
    SAMORDNINGSNUMMER: "[samordningsnummer borttaget]",
    PHONE: "[telefonnummer borttaget]",
    EMAIL: "[e-postadress borttagen]",
    PLATE: "[registreringsnummer borttaget]",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    reason: str

    @property
    def label(self):
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.findings)


# --- building blocks -------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space
# hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, minus sign
_DASH_CHARS = "\\-\u2010\u2011\u2012\u2013\u2212"
_DASH = f"[{_DASH_CHARS}]"
_SPACE_CHARS = " \u00a0\u202f"

_HAS_DIGIT = re.compile("[0-9]")
_MAYBE_EMAIL = re.compile(r"@|[\[(]at[\])]", re.IGNORECASE)

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def luhn_ok(digits: str) -> bool:
    """The Luhn check (weights 2,1,2,1,... from the left) over a 10-digit string."""
    total = 0
    for i, ch in enumerate(digits[:-1]):
        product = int(ch) * (2 - i % 2)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(digits[-1])


def _date_ok(year: int | None, yy: int, month: int, day: int) -> bool:
    """A real date; `year` is None for 10-digit forms (century unknown: a year divisible by
    4 counts as a leap year, 00 included, as 2000 was one)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return _leap(year) if year is not None else yy % 4 == 0
    return day <= _DAYS_IN_MONTH[month - 1]


# --- personnummer / samordningsnummer ----------------------------------------------------

_PNR = re.compile(
    rf"""
    (?<![0-9])(?<![0-9][.,/{_DASH_CHARS}])
    (?:
        (?P<century>18|19|20)(?P<y12>[0-9]{{2}})(?P<m12>[0-9]{{2}})(?P<d12>[0-9]{{2}})
        (?:{_DASH}|\+|{_SPACE})?(?P<n12>[0-9]{{4}})
      |
        (?P<y>[0-9]{{2}})(?P<m>[0-9]{{2}})(?P<d>[0-9]{{2}})
        (?:{_DASH}|\+|{_SPACE})?(?P<n>[0-9]{{4}})
    )
    (?![0-9])(?![.,/{_DASH_CHARS}][0-9])
    """,
    re.VERBOSE,
)


def _pnr_kind(match: re.Match) -> str | None:
    if match["century"]:
        year = int(match["century"] + match["y12"])
        yy, month, day, tail = match["y12"], match["m12"], match["d12"], match["n12"]
    else:
        year = None
        yy, month, day, tail = match["y"], match["m"], match["d"], match["n"]
    if not luhn_ok(yy + month + day + tail):
        return None
    month_n, day_n = int(month), int(day)
    kind = PERSONNUMMER
    if day_n > 60:
        kind, day_n = SAMORDNINGSNUMMER, day_n - 60
    if not _date_ok(year, int(yy), month_n, day_n):
        return None
    return kind


# --- phone numbers ------------------------------------------------------------------------

_PHONE_SEP = rf"(?:{_SPACE}?{_DASH}{_SPACE}?|{_SPACE})"
_PHONE = re.compile(
    rf"""
    (?<![\w+])(?<![0-9][.,/{_DASH_CHARS}])
    (?:
        (?P<intl>(?:\+|00){_SPACE}?46{_PHONE_SEP}?(?:\(0\){_SPACE}?)?)  # +46, 0046, +46 (0)
      | \((?=0[1-9][0-9]{{0,2}}\))0(?P<area>[1-9][0-9]{{0,2}})\){_SPACE}?  # (08) 123 45 67
      | 0
    )
    # at most 9 groups: the national significant number has at most 9 digits
    (?P<body>[1-9][0-9]{{0,8}}(?:{_PHONE_SEP}[0-9]{{1,9}}){{0,8}})
    (?![\w])(?![.,][0-9])
    """,
    re.VERBOSE,
)
_PHONE_SPLIT = re.compile(rf"({_PHONE_SEP})")
_DASH_RE = re.compile(_DASH)
_SPACES = frozenset(_SPACE_CHARS)


def _amount_like(text: str, match: re.Match, groups: list[str], seps: list[str]) -> bool:
    """'3 045 678 900 kr': a 0-group right after a number and a space, in thousands."""
    start = match.start()
    if start < 2 or text[start - 1] not in _SPACES or not text[start - 2].isdigit():
        return False
    return (
        len(groups[0]) == 2
        and all(len(g) == 3 for g in groups[1:])
        and all(sep in _SPACES for sep in seps)
    )


def _phone_length(text: str, match: re.Match) -> int | None:
    """How many characters of the body form a plausible Swedish number (None: none do)."""
    parts = _PHONE_SPLIT.split(match["body"])
    groups, seps = parts[0::2], parts[1::2]
    area = match["area"]
    national = not area and not match["intl"]
    if national and _amount_like(text, match, groups, seps):
        return None
    for n in range(len(groups), 0, -1):
        if n < len(groups) and _DASH_RE.search(seps[n - 1]):
            continue  # "0191-2024-123": a dash-joined code, not a number plus a count
        if sum(1 for s in seps[: n - 1] if _DASH_RE.search(s)) > 1:
            continue
        digits = sum(len(g) for g in groups[:n])
        if area:  # "(08) 123 45 67": area code given in brackets
            if not (5 <= digits <= 8 and 6 <= len(area) + digits <= 9):
                continue
        elif n == 1:
            if not 7 <= digits <= 9:
                continue
        else:
            first = groups[0]  # the area code, when written apart
            if len(first) > 3 or (len(first) == 1 and first != "8"):
                continue
            if not 6 <= digits <= 9:
                continue
        return sum(len(p) for p in parts[: 2 * n - 1])
    return None


# --- e-mail --------------------------------------------------------------------------------

_EMAIL = re.compile(
    rf"""
    (?<![\w.%+\-])
    [\w%+\-]+(?:\.[\w%+\-]+)*                  # local part
    (?:@|{_SPACE}?[\[(]at[\])]{_SPACE}?)        # @, (at), [at]
    [^\W_](?:[\w\-]*[^\W_])?                     # domain labels...
    (?:\.[^\W_](?:[\w\-]*[^\W_])?)*
    \.[^\W\d_]{{2,}}                             # ...and a top-level domain
    (?![\w\-])(?!\.[^\W_])
    """,
    re.VERBOSE | re.IGNORECASE,
)


# --- registration numbers -----------------------------------------------------------------

_PLATE_LETTERS = "A-HJ-PR-UW-Za-hj-pr-uw-z"  # no I, Q, V (and no Å, Ä, Ö)
_PLATE_LAST_LETTER = "A-HJ-NPR-UW-Za-hj-npr-uw-z"  # ...and no O in the last position
_PLATE = re.compile(
    rf"""
    (?<![\w])(?<![\w][/{_DASH_CHARS}])
    (?P<letters>[{_PLATE_LETTERS}]{{3}})
    (?P<sep>{_SPACE}|{_DASH})?
    [0-9]{{2}}[0-9{_PLATE_LAST_LETTER}]
    (?![\w])(?![.,:/][0-9])(?![{_DASH_CHARS}][0-9A-Za-z])
    """,
    re.VERBOSE,
)
# Acronyms that are often followed by a number in Swedish texts about safety work.
PLATE_STOPWORDS = frozenset({"SOS", "SMS", "GPS", "LSS", "SFS", "AFS", "MSB", "SCB", "SKR", "PBL"})


def _plate_ok(match: re.Match) -> bool:
    if not match["sep"]:
        return True
    letters = match["letters"]
    return letters.isupper() and letters not in PLATE_STOPWORDS


# --- the scan ------------------------------------------------------------------------------


def find(text: str | None) -> tuple[Finding, ...]:
    """The personal data in `text`, in order of position; spans never overlap."""
    if not text:
        return ()
    # Claimed spans, kept sorted and disjoint: a new span overlaps one only if it overlaps
    # its neighbour on the left or on the right.
    starts: list[int] = []
    spans: list[tuple[int, int, str]] = []

    def claim(kind, start, end):
        i = bisect.bisect_right(starts, start)
        if i and spans[i - 1][1] > start:
            return
        if i < len(spans) and spans[i][0] < end:
            return
        starts.insert(i, start)
        spans.insert(i, (start, end, kind))

    if _MAYBE_EMAIL.search(text):
        for m in _EMAIL.finditer(text):
            claim(EMAIL, m.start(), m.end())
    if _HAS_DIGIT.search(text):
        for m in _PNR.finditer(text):
            kind = _pnr_kind(m)
            if kind:
                claim(kind, m.start(), m.end())
        # Not finditer: a candidate may run on into the next number ("070-123 45 67
        # 08-123 456 78"), so scanning resumes where the accepted number ends, or just
        # after the start of a rejected candidate.
        position = 0
        while m := _PHONE.search(text, position):
            length = _phone_length(text, m)
            if length is None:
                position = m.start() + 1
            else:
                end = m.start("body") + length
                claim(PHONE, m.start(), end)
                position = end
        for m in _PLATE.finditer(text):
            if _plate_ok(m):
                claim(PLATE, m.start(), m.end())
    reasons = {}
    findings = []
    for start, end, kind in spans:
        if kind not in reasons:
            reasons[kind] = str(REASONS[kind])
        findings.append(Finding(kind, start, end, reasons[kind]))
    return tuple(findings)


def redact(text: str | None) -> Redaction:
    """`text` with its personal data replaced by tokens such as "[personnummer borttaget]".
    None and "" give an empty, unchanged Redaction."""
    if not text:
        return Redaction("", ())
    findings = find(text)
    if not findings:
        return Redaction(text, ())
    pieces = []
    position = 0
    for f in findings:
        pieces.append(text[position : f.start])
        pieces.append(REPLACEMENTS[f.kind])
        position = f.end
    pieces.append(text[position:])
    return Redaction("".join(pieces), findings)
