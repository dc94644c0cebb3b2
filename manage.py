#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    from trygg.settings_guard import run_guarded

    sys.exit(run_guarded(sys.argv))
