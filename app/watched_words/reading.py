"""How the rules read a text: folded (case, accents, umlauts, ß, compatibility forms), look-alike digits and symbols
and letters of other scripts taken as the letters they stand for, single letters with separators joined into words
("I.d.i.o.t"), repeated letters squeezed ("idiooot"). Where each letter came from is kept, so what a rule finds
maps back to what the person wrote."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

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


def reading(text: str) -> str:
    """The text as the rules read it, with repeated letters kept ("Idiooot!" -> "idiooot", "Blöde" -> "biode")."""
    norm = normalise(text)
    return "".join(char * run for char, run in zip(norm.text, norm.runs, strict=True))


def squeezed_key(key: str) -> tuple[str, tuple[int, ...]]:
    """A stored key as its squeezed letters and how often each repeats ("depp" -> "dep", (1, 1, 2))."""
    letters, runs = [], []
    for char in key:
        if letters and char == letters[-1]:
            runs[-1] += 1
        else:
            letters.append(char)
            runs.append(1)
    return "".join(letters), tuple(runs)
