from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before every password check: a locked-out e-mail address and IP
    is refused even with the right password.

    Logins through the web always pass the request (allauth does); without one there is
    no IP address to lock on, so the check is skipped rather than failing (Django's test
    client ``login()`` and management commands call ``authenticate`` without a request).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
