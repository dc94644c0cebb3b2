from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .audit import log_failed_login, log_login

        user_logged_in.connect(log_login, dispatch_uid="trygg_log_login")
        user_login_failed.connect(log_failed_login, dispatch_uid="trygg_log_failed_login")
