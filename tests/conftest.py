"""Shared fixtures: the project root, the shared corpus beside it, and a parse helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import Problems
from generator.read.load import read_file

from .browser import browser  # noqa: F401  (one chromium for the whole session, shared by every module)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONTENT = ROOT / "content" / "cables"
SEED_3239 = CONTENT / "000_7c665ef8620d339f.txt"
SEED_6872 = CONTENT / "002_80421150e0992e02.txt"


def need_shared(*parts: str) -> Path:
    """Path inside ../shared, or skip the test with a clear message where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not beside the project; these tests read it in place")
    return path


def parse_one(path: Path) -> tuple:
    """Parse a file expected to hold one cable; return (cable, problems)."""
    problems = Problems()
    cables = list(read_file(path, problems))
    assert len(cables) == 1, [str(p) for p in problems]
    return cables[0], problems


@pytest.fixture(scope="session")
def seed_3239():
    return parse_one(SEED_3239)[0]


@pytest.fixture(scope="session")
def seed_6872():
    return parse_one(SEED_6872)[0]
