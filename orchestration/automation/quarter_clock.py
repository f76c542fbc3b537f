"""When the quarterly schedule fires, and which quarter it materialises then. Pure functions."""

from __future__ import annotations

from datetime import datetime

from orchestration.quarters import Quarter

SCHEDULE_HOUR = 6


def quarter_just_ended(moment: datetime) -> Quarter:
    """The last quarter that had fully ended at `moment` (the one before the quarter it lies in)."""
    return Quarter.containing(moment.date()).previous()


def quarterly_cron(day_of_month: int) -> str:
    """Fires in the first month of each quarter (Jan, Apr, Jul, Oct), i.e. after a quarter ends."""
    return f"0 {SCHEDULE_HOUR} {day_of_month} 1,4,7,10 *"
