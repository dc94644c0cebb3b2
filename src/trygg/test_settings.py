"""Settings for the test suite: fixed keys, fast hashing, tasks run immediately."""

import os

os.environ.setdefault("TRYGG_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("TRYGG_AUDIT_KEY", "test-audit-key-not-for-production")
os.environ.setdefault("TRYGG_CASE_KEYS", "QyW4Ith2xxBWq3H0s0V7uMdSTMqi34COv5bzwtixumI=")
os.environ.setdefault("TRYGG_CASE_INDEX_KEY", "test-case-index-key-not-for-production")
os.environ.setdefault("TRYGG_DEBUG", "0")
os.environ.setdefault("TRYGG_SECURE_COOKIES", "0")

from trygg.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Most tests log in with force_login, without TOTP or a recent authentication: the suite
# relaxes both checks here (only this module, or DEBUG, may: trygg.settings_guard), and
# the tests of the checks switch them on with override_settings.
TRYGG_MFA_ENFORCED = False
TRYGG_REAUTH_ENFORCED = False
