"""Watched words: the matcher behind the moderators' word list. Plain Python, no Flask and no database: it turns
the entries (a whole word or phrase, a part of words, or an admin's regular expression) into one compiled
WatchList and finds them in what people write, however they spell it.

Text and entries are normalised the same way, so "Idiot", "IDIOT", "1d10t", "I.d.i.o.t", "i d i o t", "idiooot"
and "Іdiot" (with a Cyrillic І) all read "idiot"; "Blöde", "Bloede" and "Blode" all read "blode"; "Mißgeburt"
reads like "Missgeburt". Every normalised character remembers which characters of the original it came from, so
"censor" replaces exactly what the person wrote. Regular expressions run on the original text (case-insensitive):
whoever writes one means the characters they wrote, and each run has a time limit.

Speed: whole words and phrases are looked up in a dict per word of the text (and per run of up to
MAX_PHRASE_WORDS words); parts of words are one trie-shaped pattern of the standard `re` module (literal
alternatives only, so it cannot backtrack badly). Both stay linear in the text's length, however long the list.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

from app.watched_words.patterns import (
    REGEX_BUDGET,
    REGEX_TIMEOUT,
    EntryProblem,
    check_pattern,
    compile_pattern,
)
from app.watched_words.reading import Normalised, normalise, reading, squeezed_key

DEFAULT_LISTS = Path(__file__).resolve().parent.parent / "data" / "watched_words"  # de.txt, en.txt
KINDS = ("word", "substring", "regex")
ACTIONS = ("block", "hold", "flag", "censor")
DEFAULT_REPLACEMENT = "■■■"
MAX_PHRASE_WORDS = 6
MAX_ENTRY_LENGTH = 200
MIN_ENTRY_LETTERS = 2

__all__ = ["ACTIONS", "DEFAULT_REPLACEMENT", "KINDS", "MAX_ENTRY_LENGTH", "MAX_PHRASE_WORDS", "Entry",
           "EntryProblem", "Hit", "Normalised", "WatchList", "censor", "check_pattern", "compile_pattern",
           "default_entries", "entry_key", "normalise", "reading", "severity"]


@dataclass(frozen=True)
class Entry:
    id: int | None
    text: str
    kind: str  # one of KINDS
    action: str  # one of ACTIONS
    replacement: str = DEFAULT_REPLACEMENT
    rule: str = ""  # which rule it breaks, in the volunteers' words (shown to the writer when blocked)
    key: str = ""  # entry_key(text, kind) when already known (stored with the entry): spares normalising it again


@dataclass(frozen=True)
class Hit:
    """An entry found in a text: the span of the original text (start == end when a pattern ran out of time)."""

    entry: Entry
    start: int
    end: int
    timed_out: bool = False


def entry_key(text: str, kind: str) -> str:
    """What an entry is stored and looked up as: its normalised words with repeated letters kept ("Depp" ->
    "depp", "Bloede" -> "biode"); a regular expression as written, after checking it. Raises EntryProblem for
    what cannot be an entry."""
    text = (text or "").strip()
    if len(text) > MAX_ENTRY_LENGTH:
        raise EntryProblem("too_long")
    if kind == "regex":
        check_pattern(text)
        return text
    key = reading(text)
    if sum(char.isalpha() for char in key) < MIN_ENTRY_LETTERS:
        raise EntryProblem("too_short")
    if key.count(" ") >= MAX_PHRASE_WORDS:
        raise EntryProblem("too_many_words")
    return key


# ---------------------------------------------------------------- the compiled list


def _trie_pattern(keys: Iterable[str]) -> str:
    """One regular expression for many literal strings, shaped like a trie ("arsch(?:loch)?"): at each position
    the engine follows one branch per character, so the time does not grow with the number of strings, and
    the greedy optional tails prefer the longest string."""
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


class WatchList:
    """All entries, compiled once; `find` is safe to call from several threads."""

    def __init__(self, entries: Iterable[Entry], *, regex_timeout: float = REGEX_TIMEOUT,
                 regex_budget: float = REGEX_BUDGET):
        # squeezed words or parts -> (repeats the entry needs, entry)
        self.words: dict[str, list[tuple[tuple[int, ...], Entry]]] = {}
        self.parts: dict[str, list[tuple[tuple[int, ...], Entry]]] = {}
        self.patterns: list[tuple[Entry, regex.Pattern]] = []
        self.regex_timeout = regex_timeout
        self.regex_budget = regex_budget
        self.size = 0
        for entry in entries:
            self.size += 1
            self._add(entry)
        self.phrase_words = max((key.count(" ") + 1 for key in self.words), default=0)
        # Parts of words are found anywhere; the lookahead reports one (the longest) at every position.
        self._parts = re.compile(f"(?=({_trie_pattern(self.parts)}))") if self.parts else None

    def _add(self, entry: Entry) -> None:
        if entry.kind == "regex":
            try:
                self.patterns.append((entry, compile_pattern(entry.text)))
            except EntryProblem:
                pass  # stored before a check existed, or by hand: it cannot match anything
            return
        try:
            squeezed, runs = squeezed_key(entry.key or entry_key(entry.text, entry.kind))
        except EntryProblem:
            return
        table = self.words if entry.kind == "word" else self.parts
        table.setdefault(squeezed, []).append((runs, entry))

    def find(self, text: str) -> list[Hit]:
        """Every entry found in the text, in the order of the text (patterns that ran out of time last)."""
        if not text or not self.size:
            return []
        hits: list[Hit] = []
        if self.words or self._parts is not None:
            norm = normalise(text)
            hits += self._find_words(norm)
            hits += self._find_parts(norm)
        hits.sort(key=lambda hit: (hit.start, -hit.end))
        return hits + self._find_patterns(text)

    def _find_words(self, norm: Normalised) -> list[Hit]:
        hits = []
        words, text = norm.words, norm.text
        for first, (start, _end) in enumerate(words):
            for last in range(first, min(first + self.phrase_words, len(words))):
                end = words[last][1]
                for runs, entry in self.words.get(text[start:end], ()):
                    if norm.has_runs(start, runs):
                        hits.append(Hit(entry, *norm.original_span(start, end)))
        return hits

    def _find_parts(self, norm: Normalised) -> list[Hit]:
        if self._parts is None:
            return []
        hits = []
        for match in self._parts.finditer(norm.text):
            longest, start = match.group(1), match.start()
            # The pattern reports the longest part here; shorter ones starting here count too ("arsch" and
            # "arschloch" may have different actions).
            for length in range(len(longest), 0, -1):
                for runs, entry in self.parts.get(longest[:length], ()):
                    if norm.has_runs(start, runs):
                        hits.append(Hit(entry, *norm.original_span(start, start + length)))
        return hits

    def _find_patterns(self, text: str) -> list[Hit]:
        hits = []
        deadline = time.monotonic() + self.regex_budget
        for entry, pattern in self.patterns:
            try:
                for match in pattern.finditer(text, timeout=max(0.001, min(self.regex_timeout,
                                                                           deadline - time.monotonic()))):
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    if match.end() > match.start():
                        hits.append(Hit(entry, match.start(), match.end()))
            except TimeoutError:
                hits.append(Hit(entry, 0, 0, timed_out=True))
        return hits


_SEVERITY = {"censor": 0, "flag": 1, "hold": 2, "block": 3}


def censor(text: str, hits: Iterable[Hit]) -> str:
    """The text with the span of every given hit replaced by its entry's replacement (overlapping spans as one).

    A replacement longer than the span it replaces is cut to the span's length: the censored text is never longer
    than what the person wrote, so a title or name at its column's limit still fits after censoring."""
    spans = sorted((hit.start, hit.end, hit.entry.replacement or DEFAULT_REPLACEMENT) for hit in hits
                   if hit.end > hit.start)
    merged: list[list] = []
    for start, end, replacement in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, replacement])
    for start, end, replacement in reversed(merged):
        text = text[:start] + replacement[:end - start] + text[end:]
    return text


def severity(action: str) -> int:
    """block > hold > flag > censor."""
    return _SEVERITY[action]


def default_entries() -> list[tuple[str, str, str]]:
    """The lists that ship with the app (German and English insults and slurs) as (text, kind, action): one entry
    per line, "action kind word or phrase"; lines starting with # are comments."""
    entries = []
    for path in sorted(DEFAULT_LISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            action, kind, text = line.split(None, 2)
            if action not in ACTIONS or kind not in KINDS or kind == "regex":
                raise ValueError(f"{path.name}: cannot read {line!r}")
            entries.append((text.strip(), kind, action))
    return entries
