# Date formats for German pages and e-mails (FORMAT_MODULE_PATH). Templates use the
# named formats, never a hard-coded pattern, so English pages read naturally too.
DATE_FORMAT = "l, j. F Y"
DATETIME_FORMAT = "l, j. F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
MONTH_DAY_FORMAT = "D, j. F"
FIRST_DAY_OF_WEEK = 1
