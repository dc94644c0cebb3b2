from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class MaximumLengthValidator:
    """An upper bound on password length (NIST SP 800-63B: at least 64 characters must be
    allowed); it only keeps hashing cheap and stops absurd inputs."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                gettext("Lösenordet är för långt. Det får vara högst %(max_length)d tecken."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return gettext("Lösenordet får vara högst %(max_length)d tecken.") % {
            "max_length": self.max_length
        }
