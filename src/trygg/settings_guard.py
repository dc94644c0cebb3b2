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


# The test suite's settings module: the only place besides a local demo (DEBUG) where the
# account protections may be relaxed (most tests log in with force_login, without TOTP).
TEST_SETTINGS_MODULE = "trygg.test_settings"


def security_relaxation_error(*, debug, mfa_enforced, reauth_enforced=True, settings_module=""):
    """One sentence refusing to run with two-step verification or re-authentication
    switched off outside a local demo (DEBUG) or the test suite, or '' when all is well.

    Called by the settings (for TRYGG_MFA_ENFORCED from the environment) and again when
    the accounts app starts, with the final settings, so that a deployment's own settings
    module cannot switch the protections off either.
    """
    if debug or settings_module == TEST_SETTINGS_MODULE:
        return ""
    if not mfa_enforced:
        return (
            "TRYGG_MFA_ENFORCED is off but TRYGG_DEBUG is not on: two-step verification "
            "can only be switched off for a local demo, never in production."
        )
    if not reauth_enforced:
        return (
            "TRYGG_REAUTH_ENFORCED is off but TRYGG_DEBUG is not on: re-authentication "
            "before sensitive actions can only be switched off for a local demo or the "
            "test suite, never in production."
        )
    return ""
