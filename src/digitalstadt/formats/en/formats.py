# Date formats for English pages and e-mails (British order, 24-hour clock as in Germany).
DATE_FORMAT = "l j F Y"
DATETIME_FORMAT = "l j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
MONTH_DAY_FORMAT = "D j F"
FIRST_DAY_OF_WEEK = 1
