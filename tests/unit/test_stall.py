"""The stream watchdog's judgement: a stall is messages waiting and a position that does not move."""

from __future__ import annotations

from pipeline.stall import STALL_EXIT_CODE, StallDetector


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


def _deadman_exit(script: str) -> tuple[int, str]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def test_a_call_that_never_returns_ends_the_worker_with_the_stall_code() -> None:
    code, out = _deadman_exit(
        "import time\nfrom pipeline.deadman import Deadman\n"
        "d = Deadman(limit_s=60, hang_s=0.4)\nwith d.call('send_offsets_to_transaction'):\n    time.sleep(30)\n"
    )
    assert code == STALL_EXIT_CODE and "send_offsets_to_transaction" in out


def test_a_loop_that_stops_turning_ends_the_worker_and_one_that_turns_does_not() -> None:
    code, out = _deadman_exit(
        "import time\nfrom pipeline.deadman import Deadman\nd = Deadman(limit_s=0.4)\ntime.sleep(30)\n"
    )
    assert code == STALL_EXIT_CODE and "stopped turning" in out
    code, out = _deadman_exit(
        "import time\nfrom pipeline.deadman import Deadman\nd = Deadman(limit_s=0.4)\n"
        "for _ in range(20):\n    d.beat()\n    time.sleep(0.05)\n"
    )
    assert code == 0, out


def test_a_deadman_stopped_with_its_loop_leaves_the_process_running() -> None:
    # a process runs a worker loop, then goes on with other work (a test session, a CLI command)
    code, out = _deadman_exit(
        "import time\nfrom pipeline.deadman import Deadman\nd = Deadman(limit_s=0.4)\nd.stop()\n"
        "time.sleep(2)\nprint('still running')\n"
    )
    assert code == 0 and "still running" in out, out
