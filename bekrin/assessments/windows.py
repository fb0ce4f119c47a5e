"""When a student may work on a test: the windows of the assignments that reach them, and an attempt's deadline.

A student can be reached by several assignments of one test (directly and through a group, or two groups); the test
is open while any of their windows is, and a window without `available_from` or `available_to` is open on that side.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or self.start <= moment) and (self.end is None or moment < self.end)

    def has_opened(self, moment: datetime) -> bool:
        return self.start is None or self.start <= moment


def window_state(windows: Iterable[Window], now: datetime) -> WindowState:
    windows = list(windows)
    if any(window.contains(now) for window in windows):
        return WindowState.OPEN
    if any(window.start is not None and window.start > now for window in windows):
        return WindowState.UPCOMING
    return WindowState.CLOSED


def shown_window(windows: Iterable[Window], now: datetime) -> Window | None:
    """The window a student is shown: the open ones merged, else the next one, else the one that ended last."""
    windows = list(windows)
    current = [window for window in windows if window.contains(now)]
    if current:
        starts = [window.start for window in current]
        ends = [window.end for window in current]
        return Window(
            start=None if None in starts else min(s for s in starts if s is not None),
            end=None if None in ends else max(e for e in ends if e is not None),
        )
    upcoming = [window for window in windows if window.start is not None and window.start > now]
    if upcoming:
        return min(upcoming, key=lambda window: window.start or now)
    ended = [window for window in windows if window.end is not None]
    return max(ended, key=lambda window: window.end or now) if ended else None


def attempt_deadline(
    *, started_at: datetime, time_limit_minutes: int | None, windows: Iterable[Window]
) -> datetime | None:
    """When an attempt closes: at its time limit or at the end of the window it was started in, whichever is first.

    None means it never closes by itself. An attempt that no window covers any more (its assignment was removed)
    closed when it started.
    """
    covering = [window for window in windows if window.contains(started_at)]
    if not covering:
        return started_at
    ends = []
    if time_limit_minutes:
        ends.append(started_at + timedelta(minutes=time_limit_minutes))
    if all(window.end is not None for window in covering):
        ends.append(max(window.end for window in covering if window.end is not None))
    return min(ends) if ends else None
