"""Windows of assignments and the deadline of an attempt, without a database."""

from datetime import UTC, datetime, timedelta

from bekrin.assessments.windows import Window, WindowState, attempt_deadline, shown_window, window_state

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_test_is_open_while_any_window_contains_now():
    windows = [Window(NOW - 3 * HOUR, NOW - 2 * HOUR), Window(NOW - HOUR, None)]
    assert window_state(windows, NOW) == WindowState.OPEN
    assert window_state([Window(None, None)], NOW) == WindowState.OPEN


def test_a_test_is_upcoming_before_a_window_and_closed_after_all_of_them():
    assert window_state([Window(NOW - 3 * HOUR, NOW - 2 * HOUR), Window(NOW + HOUR, None)], NOW) == WindowState.UPCOMING
    assert window_state([Window(NOW - 3 * HOUR, NOW)], NOW) == WindowState.CLOSED
    assert window_state([], NOW) == WindowState.CLOSED


def test_the_shown_window_merges_the_open_ones_or_picks_the_next():
    open_windows = [Window(NOW - 2 * HOUR, NOW + HOUR), Window(NOW - HOUR, NOW + 2 * HOUR)]
    assert shown_window(open_windows, NOW) == Window(NOW - 2 * HOUR, NOW + 2 * HOUR)
    upcoming = [Window(NOW + 2 * HOUR, None), Window(NOW + HOUR, NOW + 3 * HOUR)]
    assert shown_window(upcoming, NOW) == Window(NOW + HOUR, NOW + 3 * HOUR)
    assert shown_window([Window(NOW - 3 * HOUR, NOW - 2 * HOUR)], NOW) == Window(NOW - 3 * HOUR, NOW - 2 * HOUR)


def test_the_deadline_is_the_time_limit_or_the_window_end_whichever_is_first():
    window = [Window(NOW - HOUR, NOW + HOUR)]
    assert attempt_deadline(started_at=NOW, time_limit_minutes=30, windows=window) == NOW + HOUR / 2
    assert attempt_deadline(started_at=NOW, time_limit_minutes=90, windows=window) == NOW + HOUR
    assert attempt_deadline(started_at=NOW, time_limit_minutes=None, windows=[Window(None, None)]) is None


def test_an_attempt_no_window_covers_any_more_is_over():
    assert attempt_deadline(started_at=NOW, time_limit_minutes=30, windows=[]) == NOW
