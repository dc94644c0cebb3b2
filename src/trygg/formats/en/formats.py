# The English UI keeps the same unambiguous day-first input as the Swedish one.
from trygg.formats.sv.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401

FIRST_DAY_OF_WEEK = 1
