"""When the quarterly schedule fires, and which quarter it materialises then. Pure functions."""

from __future__ import annotations

import os
from datetime import datetime

from orchestration.quarters import Quarter

DAY_OF_MONTH_ENV = "GONGKAI_SCHEDULE_DAY_OF_MONTH"
TIMEZONE_ENV = "GONGKAI_SCHEDULE_TIMEZONE"
DEFAULT_DAY_OF_MONTH = 5
# The clerks work on Beijing time: "the 5th" means the 5th there, not in UTC.
DEFAULT_TIMEZONE = "Asia/Shanghai"
SCHEDULE_HOUR = 6
# Every month has a 28th, so the schedule fires in every quarter whatever the day chosen.
LAST_ALLOWED_DAY = 28


def quarter_just_ended(moment: datetime) -> Quarter:
    """The last quarter that had fully ended at `moment` (the one before the quarter it lies in)."""
    return Quarter.containing(moment.date()).previous()


def schedule_day_of_month(environ: dict[str, str] | None = None) -> int:
    """The day of the month after a quarter's end on which its run starts (default the 5th)."""
    value = (os.environ if environ is None else environ).get(DAY_OF_MONTH_ENV, "").strip()
    if not value:
        return DEFAULT_DAY_OF_MONTH
    if not value.isdigit() or not 1 <= int(value) <= LAST_ALLOWED_DAY:
        raise ValueError(
            f"{DAY_OF_MONTH_ENV} 应为 1 到 {LAST_ALLOWED_DAY} 之间的整数"
            f"（季度结束后下月的第几天），收到“{value}”。"
            f" / {DAY_OF_MONTH_ENV} must be a whole number from 1 to {LAST_ALLOWED_DAY}"
            f" (the day of the month after a quarter ends), got {value!r}."
        )
    return int(value)


def schedule_timezone(environ: dict[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get(TIMEZONE_ENV, "").strip() or (
        DEFAULT_TIMEZONE
    )


def quarterly_cron(day_of_month: int) -> str:
    """Fires in the first month of each quarter (Jan, Apr, Jul, Oct), i.e. after a quarter ends."""
    return f"0 {SCHEDULE_HOUR} {day_of_month} 1,4,7,10 *"
