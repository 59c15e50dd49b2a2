"""Problems found in the input, reported together as `path:line: message`."""

from __future__ import annotations

import sys

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input."""

    path: str
    """File the problem is in."""
    line: int | None
    """Line of that file, where it applies."""
    message: str
    """What is wrong, in words an editor can act on."""
    severity: str = "warning"
    """"error" (the cable or file was not read) or "warning" (read, with a doubt). A build that was written
    reports every problem of its input as a warning (see `as_built`)."""
    column: int | None = None
    """Column of that line (from 1), where the fault can be pointed at that closely (a YAML syntax error)."""

    def __reduce__(self):  # positional pickling (the build cache keeps every problem)
        return (Problem, (self.path, self.line, self.message, self.severity, self.column))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.column:
            where += f":{self.column}"
        return f"{where}: {self.severity}: {self.message}"


class CableError(Exception):
    """A cable or file that cannot be read; carries the line where that applies."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Problems:
    """Collects problems so that they are reported together."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int | None, message: str, severity: str = "warning",
            column: int | None = None) -> None:
        """Record one problem."""
        self.items.append(Problem(str(path), line, message, severity, column))

    def error(self, path: str, line: int | None, message: str, column: int | None = None) -> None:
        """Record an error."""
        self.add(path, line, message, "error", column)

    def extend(self, other: "Problems") -> None:
        """Take every problem of another collection."""
        self.items.extend(other.items)

    def all_as(self, severity: str) -> "Problems":
        """The same problems, every one with this severity."""
        return Problems([replace(p, severity=severity) for p in self.items])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __len__(self) -> int:
        return len(self.items)

    def tally(self) -> str:
        """How many errors and warnings, in words: "0 errors, 1 warning"."""
        return f"{plural(len(self.errors), 'error')}, {plural(len(self.warnings), 'warning')}"

    def __iter__(self):
        return iter(self.items)


def as_built(found: Problems, written: bool, strict: bool) -> Problems:
    """What a build reports. A strict build that found any problem wrote nothing: all are errors. A build that
    was written published all it could read: all are warnings (an error's message says what was left out).
    A build that failed kept the previous site: its problems stay as found, the failure among the errors."""
    if strict and found.items:
        return found.all_as("error")
    return found.all_as("warning") if written else found


def plural(count: int, noun: str) -> str:
    """A count with its noun, singular for one: "1 cable", "2 cables"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def report(problems: Problems, strict: bool = False) -> int:
    """Print problems together, sorted by place, on stderr; return the exit status they call for."""
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or 0)):
        print(p, file=sys.stderr)
    failed = bool(problems.errors) or (strict and bool(problems.warnings))
    return 1 if failed else 0
