from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    label = "accounts"
