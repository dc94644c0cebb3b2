import sys


def run_guarded(argv):
    """Run a management command; configuration errors end in one sentence and exit code 2."""
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except Exception as exc:  # noqa: BLE001 - only ConfigError is handled, rest re-raised
        from trygg.config import ConfigError

        if isinstance(exc, ConfigError):
            sys.stderr.write(f"trygg: configuration error: {exc}\n")
            return 2
        raise
    return 0
