# "29 листопада 2026, 14:05 UTC": E is the month's genitive, which a Ukrainian date needs after the day.
DATETIME_FORMAT = "j E Y, H:i T"
