from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    label = "accounts"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset
        from allauth.mfa.signals import authenticator_added, authenticator_removed
        from axes.signals import user_locked_out
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from trygg.config import ConfigError
        from trygg.settings_guard import security_relaxation_error

        from . import audit, signals

        # The final settings (a deployment's own settings module included) may relax the
        # account protections only in a local demo or the test suite.
        error = security_relaxation_error(
            debug=settings.DEBUG,
            mfa_enforced=settings.TRYGG_MFA_ENFORCED,
            reauth_enforced=settings.TRYGG_REAUTH_ENFORCED,
            settings_module=settings.SETTINGS_MODULE,
        )
        if error:
            raise ConfigError(error)

        user_logged_in.connect(audit.log_login, dispatch_uid="trygg_log_login")
        user_login_failed.connect(audit.log_failed_login, dispatch_uid="trygg_log_failed_login")
        password_reset.connect(audit.log_password_reset, dispatch_uid="trygg_log_pw_reset")
        password_changed.connect(audit.log_password_changed, dispatch_uid="trygg_log_pw_change")
        user_locked_out.connect(audit.log_lockout, dispatch_uid="trygg_log_lockout")
        authenticator_added.connect(audit.log_authenticator_added, dispatch_uid="trygg_mfa_add")
        authenticator_removed.connect(
            audit.log_authenticator_removed, dispatch_uid="trygg_mfa_remove"
        )
        user_logged_in.connect(signals.start_activity_clock, dispatch_uid="trygg_idle_start")
