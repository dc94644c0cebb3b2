"""This app's part of the access table (merged into ``trygg.core.access.ACCESS``).

Every URL name of the app has a rule here and expected outcomes in
``tests/access_matrix.py`` (hand-written, see docs/dev/access.md).
"""

from trygg.core.rules import ALL_ROLES, DETAILS, members  # noqa: F401

RULES = {}
