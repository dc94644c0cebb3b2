import time

from . import security


def start_activity_clock(sender, request, user, **kwargs):
    """A new login starts the idle clock afresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[security.IDLE_SESSION_KEY] = int(time.time())
