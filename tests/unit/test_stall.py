"""The stream watchdog's judgement: a stall is messages waiting and a position that does not move."""

from __future__ import annotations

from pipeline.stall import StallDetector


def test_a_partition_with_waiting_messages_and_a_still_position_is_stalled() -> None:
    detector = StallDetector(stall_after_s=60)
    assert detector.observe(0, {"p0": (10, 4)}) == []
    assert detector.observe(59, {"p0": (12, 4)}) == []
    assert detector.observe(60, {"p0": (12, 4)}) == ["p0"]


def test_moving_positions_and_caught_up_partitions_are_not_stalled() -> None:
    detector = StallDetector(stall_after_s=60)
    for t, position in enumerate(range(0, 1000, 10)):
        assert detector.observe(t * 30, {"busy": (2000, position), "idle": (500, 500)}) == []


def test_the_clock_restarts_when_the_position_moves() -> None:
    detector = StallDetector(stall_after_s=60)
    detector.observe(0, {"p0": (10, 4)})
    detector.observe(50, {"p0": (10, 5)})
    assert detector.observe(100, {"p0": (10, 5)}) == []
    assert detector.observe(110, {"p0": (10, 5)}) == ["p0"]


def test_an_unknown_position_a_revoked_partition_and_a_pause_reset_the_judgement() -> None:
    detector = StallDetector(stall_after_s=60)
    detector.observe(0, {"p0": (10, 4), "p1": (10, 4)})
    assert detector.observe(100, {"p0": (10, None)}) == []  # p1 revoked, p0's position unknown
    assert detector.observe(200, {"p0": (10, 4), "p1": (10, 4)}) == []  # both start over
    detector.pause()
    assert detector.observe(259, {"p0": (10, 4)}) == []
    assert detector.observe(320, {"p0": (10, 4)}) == ["p0"]
