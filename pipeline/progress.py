"""A replay's progress on the terminal: documents published and come out, with their rate and ETA."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:6.1f} docs/s" if speed else "     - docs/s", style="progress.data.speed")


class ReplayBars:
    """Two bars, ``published`` and ``done``; shown only on a terminal."""

    def __init__(self, console: Console) -> None:
        self.bars = Progress(
            TextColumn("{task.description:>9}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.publishing = self.bars.add_task("published", total=None, start=False)
        self.coming_out = self.bars.add_task("done", total=None, start=False)

    def __enter__(self) -> ReplayBars:
        self.bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.bars.stop()

    def begin(self, documents: int) -> None:
        for task in (self.publishing, self.coming_out):
            self.bars.update(task, total=documents)
            self.bars.start_task(task)

    def published(self) -> None:
        self.bars.advance(self.publishing)

    def done(self) -> None:
        self.bars.advance(self.coming_out)
