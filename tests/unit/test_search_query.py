"""The search box's text becomes safe terms: whatever is typed, the engines' query languages only ever see
quoted words of letters and digits that we put together."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.services.search_query import Term, fold, fts5, parse, tsquery
from app.services.search_snippets import highlight, snippet


def test_words_phrases_prefixes_and_exclusions():
    query = parse('Stammtisch "Sommerfest am Rhein" stamm* -online Köln')
    assert query.terms == [Term(("stammtisch",)), Term(("sommerfest", "am", "rhein")), Term(("stamm",), prefix=True),
                           Term(("koln",), prefix=True)]  # folded; the last word is also a prefix
    assert query.excluded == [Term(("online",))]
    assert fts5(query) == '("stammtisch"* AND "sommerfest am rhein" AND "stamm"* AND "koln"*) NOT "online"'
    assert tsquery(query) == "'stammtisch' & ('sommerfest' <-> 'am' <-> 'rhein') & 'stamm':* & 'koln':* & !'online'"


def test_folding_matches_umlauts_and_sharp_s():
    assert fold("Köln") == "koln" and fold("STRASSE") == fold("Straße") == "strasse" and fold("Café") == "cafe"


def test_nothing_to_search_for():
    for text in ("", "   ", '"', '""', "-", "-online", "*", "()", None, "\x00"):
        assert not parse(text)


@given(st.text(max_size=400))
def test_any_input_gives_safe_engine_syntax(text):
    query = parse(text)
    if not query:
        return
    # Only our own syntax around quoted words of letters and digits.
    assert re.fullmatch(r'[()\s]*("[\w ]+"\*?(\s+(AND|NOT)\s+|\)\s+NOT\s+|[()\s])*)+', fts5(query))
    assert re.fullmatch(r"[\w'&|!():*<>\- ]+", tsquery(query))
    assert "''" not in tsquery(query)


@given(st.text(max_size=300), st.lists(st.text(min_size=1, max_size=10), max_size=3))
def test_snippets_never_let_markup_through(text, words):
    for marked in (highlight(text, words), snippet(text, words)):
        without_marks = str(marked).replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks and ">" not in without_marks.replace("&gt;", "")


def test_snippets_mark_the_matched_words():
    assert str(highlight("Wir <b>treffen</b> uns", ["treffen"])) == "Wir &lt;b&gt;<mark>treffen</mark>&lt;/b&gt; uns"
    long = "Vorwort. " * 80 + "Das Treffen ist im Brauhaus. " + "Nachwort. " * 80
    marked = str(snippet(long, ["brauhaus"]))
    assert marked.startswith("… ") and marked.endswith(" …") and "<mark>Brauhaus</mark>" in marked
