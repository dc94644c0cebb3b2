"""This app's rows of the hand-written access matrix (see trygg.core.tests.access_matrix).

``EXPECTED``: url name -> (kwargs for reverse, expected outcomes for GET).
``setup_matrix(world)`` creates the objects the rows need in the test world.
"""

EXPECTED = {}


def setup_matrix(world):
    pass
