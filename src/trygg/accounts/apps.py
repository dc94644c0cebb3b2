from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    label = "accounts"

    def ready(self):
        from allauth.account.signals import password_changed, password_reset
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import audit

        user_logged_in.connect(audit.log_login, dispatch_uid="trygg_log_login")
        user_login_failed.connect(audit.log_failed_login, dispatch_uid="trygg_log_failed_login")
        password_reset.connect(audit.log_password_reset, dispatch_uid="trygg_log_pw_reset")
        password_changed.connect(audit.log_password_changed, dispatch_uid="trygg_log_pw_change")
