"""What a person typed into the search box, parsed into safe terms.

The raw text never reaches an engine's query language: FTS5's MATCH and PostgreSQL's tsquery have syntax of
their own (quotes, `*`, `:`, `NEAR`, parentheses), and a syntax error there would be a 500. Here the text is cut
into words made of letters and digits only, quoted phrases and `-excluded` words, and each engine's query is
built from those by us.

    Stammtisch Köln        both words (the last one also as a prefix: "Köln" finds "Kölner")
    "Sommerfest am Rhein"  the phrase
    stamm*                 a prefix
    Treffen -online        excluding a word
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200  # longer input is cut (a search box, not a document)
MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')  # a quoted phrase (closing quote optional) or a bare word
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)  # all must match
    excluded: list[Term] = field(default_factory=list)  # none may match

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> list[str]:
        """The words to highlight (folded, as all terms are)."""
        return [word for term in self.terms for word in term.words]


def fold(text: str) -> str:
    """Lower case without diacritics ("Köln" -> "koln", "Straße" -> "strasse"): how the index and the
    highlighting compare words, on every database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> tuple[str, ...]:
    """Folded first, then cut: folding can turn one character into several ("¼" -> "1⁄4")."""
    return tuple(word for word in _WORD.findall(fold(text).replace("_", " ")) if word.strip())


def parse(text: str | None) -> Query:
    text = (text or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
    query = Query()
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words, prefix = _words(phrase), False
        else:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            words, prefix = _words(bare), bare.endswith("*")
            if len(words) > 1:  # "e-mail", "a:b": the parts, each a word of its own
                for word in words:
                    _add(query, Term((word,), prefix=False), bool(negated))
                continue
        if words:
            _add(query, Term(words, prefix=prefix), bool(negated))
    if query.terms and not query.terms[-1].is_phrase:
        last = query.terms[-1]  # typed last, perhaps not finished: also as a prefix
        query.terms[-1] = Term(last.words, prefix=True)
    return query


def _add(query: Query, term: Term, excluded: bool) -> None:
    target = query.excluded if excluded else query.terms
    if len(query.terms) + len(query.excluded) < MAX_TERMS and term not in target:
        target.append(term)


# ---------------------------------------------------------------- the engines' syntax, built from safe terms


def fts5(query: Query, *, prefix_all: bool = True) -> str:
    """An FTS5 MATCH expression. Every word is a double-quoted string (FTS5's literal); SQLite has no stemmer
    for German, so each word is also a prefix ("Treffen" finds "Treffens")."""

    def quoted(term: Term, widen: bool = prefix_all) -> str:
        text = '"' + " ".join(term.words) + '"'
        return text + "*" if (term.prefix or (widen and not term.is_phrase)) else text

    positive = " AND ".join(quoted(term) for term in query.terms)
    for term in query.excluded:  # exactly the word left out, unless typed with *
        positive = f"({positive}) NOT {quoted(term, widen=False)}"
    return positive


def tsquery(query: Query) -> str:
    """A to_tsquery() expression: each word single-quoted (only letters and digits: nothing to escape), phrases
    with <->, prefixes with :*, exclusions with !."""

    def quoted(term: Term) -> str:
        words = [f"'{word}'" for word in term.words]
        if term.prefix:
            words[-1] += ":*"
        return "(" + " <-> ".join(words) + ")" if term.is_phrase else words[0]

    parts = [quoted(term) for term in query.terms] + [f"!{quoted(term)}" for term in query.excluded]
    return " & ".join(parts)
