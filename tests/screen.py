"""Reading rich tables off a screen (a recorded console, a tmux pane) by their cells."""

from __future__ import annotations


def cells(line: str) -> list[str]:
    """The cells of a table line, left to right across tables drawn side by side."""
    return [cell.strip() for cell in line.split("│") if cell.strip()]


def has_row(screen: str, *wanted: str) -> bool:
    """Whether some line of the screen holds these cells one after another."""
    n = len(wanted)
    for line in screen.splitlines():
        row = cells(line)
        if any(tuple(row[i : i + n]) == wanted for i in range(len(row) - n + 1)):
            return True
    return False
