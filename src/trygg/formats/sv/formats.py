# Swedish input formats without Django's US-style %m/%d/%Y: "5/3/2024" is 5 March.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2024-03-05
    "%d/%m/%Y",  # 5/3/2024
    "%d/%m/%y",  # 5/3/24
    "%d.%m.%Y",  # 5.3.2024
    "%Y%m%d",  # 20240305
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
