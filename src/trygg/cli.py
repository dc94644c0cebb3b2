"""The ``trygg`` command: Django's management commands with the project's settings.

`trygg migrate`, `trygg runserver`, `trygg demo`, `trygg areas load ...`, `trygg audit verify`.
A configuration error stops with one clear sentence instead of a traceback.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "trygg"
    from trygg.settings_guard import run_guarded

    return run_guarded(argv)


if __name__ == "__main__":
    sys.exit(main())
