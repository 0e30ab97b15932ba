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
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

DEFAULT_LISTS = Path(__file__).resolve().parent / "data" / "watched_words"  # de.txt, en.txt
KINDS = ("word", "substring", "regex")
ACTIONS = ("block", "hold", "flag", "censor")
DEFAULT_REPLACEMENT = "■■■"
MAX_PHRASE_WORDS = 6
MAX_ENTRY_LENGTH = 200
MIN_ENTRY_LETTERS = 2
REGEX_FLAGS = regex.IGNORECASE | regex.V1  # V1: full Unicode case folding ("STRAẞE" matches "straße")
REGEX_TIMEOUT = 0.05  # seconds one pattern may take on one text
REGEX_BUDGET = 0.25  # seconds all patterns together may take on one text
SPELLED_OUT_MIN = 3  # "I.d.i.o.t": at least this many single letters in a row are read as one word
SPELLED_OUT_GAP = 3  # ... with at most this many separator characters between two of them

# Digits and symbols that stand for letters, inside words that have letters ("1d10t", "@ss", "$hit");
# "2026" and "10" stay numbers.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
         "@": "a", "$": "s", "!": "i", "|": "i", "€": "e"}
# Letters of other scripts that look Latin, mapped inside words that mix them with Latin letters ("Іdiot");
# a word written wholly in Cyrillic or Greek is left alone.
_LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x",
}
_SPECIAL = {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
# 1, l, I, ! and | look alike; so do "ae" and "ä" and "a" (someone writing "Bloede" or "Blode" means "Blöde").
_CANONICAL = {"l": "i"}
_DIGRAPH_VOWELS = frozenset("aou")
_LETTER_TABLE = str.maketrans(_LEET | _CANONICAL)  # in a word with letters, digits are letters too
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
# A word: letters and digits, and the symbols above when a letter or digit follows ("idiot!" is not "idioti").
_WORD = re.compile(r"(?:[^\W_]|[@$!|€](?=[^\W_]))+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_LATIN = re.compile(r"[a-z]")
_SQUEEZE = re.compile(r"(.)\1|[aou]e")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FOLDED: dict[str, str] = {}
_FOLD_CACHE_LIMIT = 50_000


class EntryProblem(ValueError):
    """An entry that cannot be used: `reason` is one of too_short, too_long, too_many_words, invalid_pattern,
    matches_everything, too_slow; `detail` says more (the regex engine's message, with its position)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


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


class Normalised:
    """A text as the rules read it: words folded and squeezed ("idiooot" -> "idiot"), one space between words.
    Which original characters a letter came from, and how many letters it stands for (3 for that "o"), is worked
    out only where a rule matches: most words of a text never need it."""

    def __init__(self, text: str, words: list[tuple[int, int]], letters: list, origin: list[int] | None):
        self.text = text
        self.words = words  # (start, end) of each word in `text`
        self._word_starts = [start for start, _end in words]
        # per word, per letter: its index in the folded text, or (first index, last index, run) when squeezed
        self._letters = letters
        self._origin = origin  # folded index -> original index (None: the same)

    def _letter(self, position: int) -> tuple[int, int, int] | None:
        """(first and last folded index, run) of the letter at a position of `text`; None for a space."""
        word = bisect_right(self._word_starts, position) - 1
        start, end = self.words[word]
        if position >= end:
            return None
        item = self._letters[word][position - start]
        return (item, item, 1) if isinstance(item, int) else item

    def _original(self, index: int) -> int:
        return index if self._origin is None else self._origin[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span that `text[start:end]` (which begins and ends with a letter) was read from."""
        first, last = self._letter(start), self._letter(end - 1)
        if first is None or last is None:
            raise ValueError("a span of the normalised text starts and ends with a letter")
        return self._original(first[0]), self._original(last[1]) + 1

    def has_runs(self, start: int, runs: tuple[int, ...]) -> bool:
        """At least as many repeated letters from `start` as an entry has: "Depp" is not "Dep" nor "deep",
        while "Deppp" is still "Depp"."""
        for offset, needed in enumerate(runs):
            if needed > 1:
                letter = self._letter(start + offset)
                if letter is None or letter[2] < needed:
                    return False
        return True

    @property
    def runs(self) -> list[int]:
        """How many letters each character of `text` stands for (a space: 1)."""
        runs: list[int] = []
        for number, letters in enumerate(self._letters):
            if number:
                runs.append(1)
            runs.extend(1 if isinstance(item, int) else item[2] for item in letters)
        return runs

    def spans(self) -> list[tuple[int, int]]:
        """The original span of each character of `text` (a space: what lies between its words)."""
        spans: list[tuple[int, int]] = []
        for position, char in enumerate(self.text):
            if char == " " and self._letter(position) is None:
                end = spans[-1][1]
                spans.append((end, max(end, self.original_span(position + 1, position + 2)[0])))
            else:
                spans.append(self.original_span(position, position + 1))
        return spans


# ---------------------------------------------------------------- normalising


def _fold_new(char: str) -> str:
    if unicodedata.category(char) in ("Cf", "Mn", "Me"):  # soft hyphens, zero-width joiners, accents alone
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", char.casefold()):
        if not unicodedata.combining(part):
            out.append(_SPECIAL.get(part, part))
    return "".join(out)


def _fold(char: str) -> str:
    """One character in lower case, without accents or compatibility forms ("Ä" -> "a", "ß" -> "ss", "ﬁ" -> "fi",
    fullwidth "Ａ" -> "a"); invisible characters become nothing."""
    folded = _FOLDED.get(char)
    if folded is None:
        folded = _fold_new(char)
        if len(_FOLDED) < _FOLD_CACHE_LIMIT:
            _FOLDED[char] = folded
    return folded


def _folded_text(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, the index of the original character it came from (None
    when that is the same index: plain ASCII, the common case, folds by lower-casing). Runs of ASCII are
    lower-cased at once; only the other characters (umlauts, emoji, other scripts) are folded one by one."""
    if text.isascii():
        return text.lower(), None
    parts: list[str] = []
    origin: list[int] = []
    done = 0
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        if index > done:
            parts.append(text[done:index].lower())
            origin.extend(range(done, index))
        folded = _fold(text[index])
        parts.append(folded)
        origin.extend([index] * len(folded))
        done = index + 1
    parts.append(text[done:].lower())
    origin.extend(range(done, len(text)))
    return "".join(parts), origin


def _word_spans(folded: str) -> list[list[int] | range]:
    """The words of the folded text, each as the indexes of its characters; single letters separated by a few
    symbols or spaces ("I.d.i.o.t", "i d i o t", "i-d-i-o-t") are read as one word."""
    words: list[list[int] | range] = []
    row: list[int] = []  # the current row of single letters

    def close_row() -> None:
        if len(row) >= SPELLED_OUT_MIN:
            words.append(list(row))
        else:
            words.extend(range(index, index + 1) for index in row)
        row.clear()

    for match in _WORD.finditer(folded):
        start, end = match.span()
        if end - start == 1:
            if row and not _close_enough(folded[row[-1] + 1:start]):
                close_row()
            row.append(start)
        else:
            if row:
                close_row()
            words.append(range(start, end))
    close_row()
    return words


def _close_enough(gap: str) -> bool:
    return len(gap) <= SPELLED_OUT_GAP and "\n" not in gap


def _read_word(word: str) -> str:
    """One word's letters as the rules read them, before squeezing (every mapping keeps the length); a number
    stays a number."""
    if not word.isalpha() and not _HAS_LETTER.search(word):
        return word
    word = word.translate(_LETTER_TABLE)
    if not word.isascii() and _HAS_LATIN.search(word):
        word = word.translate(_LOOKALIKE_TABLE)
    return word


def _squeezed(word: str, indexes: range | list[int]) -> tuple[str, list[tuple[int, int, int]]]:
    """"idiooot" -> "idiot", "bloede" -> "blode": each letter with the first and last folded index it stands for
    and how often it was repeated (the "o": 3; a merged "e" is no repeat)."""
    letters = [word[0]]
    mapped = [(indexes[0], indexes[0], 1)]
    for char, index in zip(word[1:], indexes[1:], strict=True):
        previous = letters[-1]
        if char == previous or (char == "e" and previous in _DIGRAPH_VOWELS):
            first, _last, run = mapped[-1]
            mapped[-1] = (first, index, run + (char == previous))
        else:
            letters.append(char)
            mapped.append((index, index, 1))
    return "".join(letters), mapped


def normalise(text: str) -> Normalised:
    """The text as the rules read it: its words, folded and squeezed, separated by single spaces."""
    folded, origin = _folded_text(text)
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    letters: list = []
    position = 0
    for indexes in _word_spans(folded):
        if isinstance(indexes, range):
            word = folded[indexes.start:indexes.stop]
        else:
            word = "".join(folded[index] for index in indexes)
        word = _read_word(word)
        mapped: range | list = indexes
        if _SQUEEZE.search(word):
            word, mapped = _squeezed(word, indexes)
        if parts:
            parts.append(" ")
            position += 1
        parts.append(word)
        words.append((position, position + len(word)))
        letters.append(mapped)
        position += len(word)
    return Normalised("".join(parts), words, letters, origin)


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


def reading(text: str) -> str:
    """The text as the rules read it, with repeated letters kept ("Idiooot!" -> "idiooot", "Blöde" -> "biode")."""
    norm = normalise(text)
    return "".join(char * run for char, run in zip(norm.text, norm.runs, strict=True))


def _squeezed_key(key: str) -> tuple[str, tuple[int, ...]]:
    """A stored key as its squeezed letters and how often each repeats ("depp" -> "dep", (1, 1, 2))."""
    letters, runs = [], []
    for char in key:
        if letters and char == letters[-1]:
            runs[-1] += 1
        else:
            letters.append(char)
            runs.append(1)
    return "".join(letters), tuple(runs)


# ---------------------------------------------------------------- regular expressions

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
            squeezed, runs = _squeezed_key(entry.key or entry_key(entry.text, entry.kind))
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
    """The text with the span of every given hit replaced by its entry's replacement (overlapping spans as one)."""
    spans = sorted((hit.start, hit.end, hit.entry.replacement or DEFAULT_REPLACEMENT) for hit in hits
                   if hit.end > hit.start)
    merged: list[list] = []
    for start, end, replacement in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, replacement])
    for start, end, replacement in reversed(merged):
        text = text[:start] + replacement + text[end:]
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
