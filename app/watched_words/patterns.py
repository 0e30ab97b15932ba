"""Admins' regular expressions: compiled case-insensitively with full Unicode case folding, and checked on saving
against texts that make badly written patterns backtrack for a long time (each run has a time limit anyway)."""

from __future__ import annotations

import time

import regex

REGEX_FLAGS = regex.IGNORECASE | regex.V1  # V1: full Unicode case folding ("STRAẞE" matches "straße")
REGEX_TIMEOUT = 0.05  # seconds one pattern may take on one text
REGEX_BUDGET = 0.25  # seconds all patterns together may take on one text


class EntryProblem(ValueError):
    """An entry that cannot be used: `reason` is one of too_short, too_long, too_many_words, invalid_pattern,
    matches_everything, too_slow; `detail` says more (the regex engine's message, with its position)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# Texts that make badly written patterns backtrack for a long time: long runs of one character followed by
# something that fails at the end, in the letters the pattern itself uses.
_SLOW_TAILS = ("!", " ", "\n", "x1")


def _pathological_samples(pattern: str) -> list[str]:
    letters = sorted({char for char in pattern if char.isalnum()} | {"a"})[:8]
    samples = [char * 3000 + tail for char in letters for tail in _SLOW_TAILS[:2]]
    samples += ["ab" * 1500 + "!", "word " * 600 + "!", " " * 3000 + "!", "a1" * 1500 + "\n",
                "Ein ganz normaler Satz, a normal sentence. " * 60]
    return samples


def compile_pattern(pattern: str) -> regex.Pattern:
    try:
        return regex.compile(pattern, REGEX_FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError) as error:
        raise EntryProblem("invalid_pattern", str(error)) from None


def check_pattern(pattern: str) -> regex.Pattern:
    """Compile an admin's pattern and try it on texts that make bad patterns slow: EntryProblem when it does not
    compile, matches an empty text (and so everything) or runs out of time."""
    compiled = compile_pattern(pattern)
    if compiled.search("") is not None:
        raise EntryProblem("matches_everything")
    for sample in _pathological_samples(pattern):
        deadline = time.monotonic() + REGEX_TIMEOUT
        try:
            for _match in compiled.finditer(sample, timeout=REGEX_TIMEOUT):
                if time.monotonic() > deadline:
                    raise TimeoutError
        except TimeoutError:
            raise EntryProblem("too_slow") from None
    return compiled
