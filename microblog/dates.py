"""Reading the dates people and exporters write. Pure: no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

MIN_YEAR = 1000

_EXPORT_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Twitter's created_at: "Thu Nov 03 08:50:26 +0000 2022"
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 822
)


def parse_date(value: str, tz: tzinfo) -> datetime | None:
    """An ISO 8601 date or datetime (or an export timestamp) as an aware datetime.

    A date alone means midnight and a naive time means local time, both in the site's time zone
    `tz`. Returns None when the text is not a date that exists (`2024-02-30`, `25:00`), or has
    a year before 1000, which RSS, sitemaps and HTML cannot write (they need four digits).
    An offset with seconds (a zone's local mean time before it had standard time, like
    Amsterdam's +00:19:32) cannot be written either: such a date is kept as the same instant
    in UTC.
    """
    text = value.strip()
    if not text or len(text) > 64:
        return None
    parsed = _parse_iso(text) or _parse_export(text)
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        offset = parsed.utcoffset()
        parsed.astimezone(tz)  # raises OverflowError at the edges of the calendar
        if offset is not None and offset % timedelta(minutes=1):
            parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return parsed if parsed.year >= MIN_YEAR else None


def _parse_iso(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        return None


def _parse_export(text: str) -> datetime | None:
    for pattern in _EXPORT_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 (every pattern has %z)
        except ValueError:
            continue
    return None


# Readable dates for pages, in English whatever the machine's locale (strftime's %B is not).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def readable_date(moment: date) -> str:
    """`1 June 2024`: the day a page shows for a post (in the zone `moment` is in), or any
    calendar day."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def month_label(year: int, month: int) -> str:
    """`June 2024`: a month's heading in the archive, a monthly digest's name."""
    return f"{MONTHS[month - 1]} {year}"


def readable_time(moment: datetime) -> str:
    """`08:00 UTC+02:00`: the time of day with its offset, for a hover title and screen
    readers."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{moment:%H:%M} UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def full_date(moment: datetime) -> str:
    """`Saturday 1 June 2024, 08:00 UTC+02:00`."""
    weekday = _WEEKDAYS[moment.weekday()]
    return f"{weekday} {readable_date(moment)}, {readable_time(moment)}"
