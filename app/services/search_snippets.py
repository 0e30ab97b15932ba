"""Snippets with the matched words marked, safely: the text is escaped piece by piece and only our own
`<mark>` tags are markup, so nothing a person wrote can become HTML here."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from app.services.search_query import fold

SNIPPET_CHARS = 240
_WORD = re.compile(r"\w+")


def _matches(word: str, wanted: list[str]) -> bool:
    """A word matches a searched word that it starts with, or shares its stem-like start with (the engines stem
    and match prefixes: "Treffen" finds "Treffens", "Häuser" finds "Haus")."""
    folded = fold(word)
    for term in wanted:
        stem = term[:max(4, len(term) - 2)] if len(term) > 4 else term
        if folded.startswith(term) or (len(stem) >= 4 and folded.startswith(stem)):
            return True
    return False


def _marked(text: str, wanted: list[str]) -> Markup:
    pieces, last = [], 0
    for match in _WORD.finditer(text):
        if _matches(match.group(), wanted):
            pieces.append(escape(text[last:match.start()]))
            pieces.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def highlight(text: str, wanted: list[str]) -> Markup:
    return _marked(text or "", wanted)


def snippet(text: str, wanted: list[str], length: int = SNIPPET_CHARS) -> Markup:
    """About `length` characters around the first matched word (or the start), whole words, with "…"."""
    text = " ".join((text or "").split())
    first = next((match.start() for match in _WORD.finditer(text) if _matches(match.group(), wanted)), 0)
    start = max(0, first - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    body = _marked(text[start:end], wanted)
    return Markup("").join([Markup("… ") if start else Markup(""), body, Markup(" …") if end < len(text) else
                            Markup("")])
