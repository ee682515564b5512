# Dates readers see on the site (Django date-format syntax): "29 November 2026, 14:05 UTC".
DATETIME_FORMAT = "j F Y, H:i T"
