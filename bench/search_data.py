"""The search bench's data set: posts and comments in German and English, with known words planted.

Deterministic (fixed random seed), streamed a batch at a time so a million comments never sit in memory.
Words come from a vocabulary of German and English function words, content words (`dataset._WORDS` among
them), some 400 German compounds, cities and surnames, drawn with Zipf-like weights as in real prose; a
text is German (60 %) or English. Planted, so every query type has hits whose number the bench knows:

- "Stammtisch" in 1 % of posts (in the title of a third of them), 40 % of those in Köln; in 0.1 % of comments;
- "Sommerfest am Rhein" in 0.3 % of posts and 0.03 % of comments ("Sommerfest" alone is an ordinary word);
- other words starting with "stamm" (Stammgast, stammt, Stammbaum, …) in 0.3 % of comments, for `stamm*`.

Posts: 20 % news, 10 % members-only (half with a public teaser), 0.5 % pending, 0.5 % hidden. Comments go to
posts with Zipf-like weights (a few long threads), replies nest up to depth 8; 1 % deleted, 0.5 % hidden,
0.5 % held. Bodies are Markdown paragraphs of plain words, so their HTML and excerpt are built here directly;
`check_rendering` compares a sample with what the app's own Markdown pipeline makes of the same source.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

from bench.dataset import _WORDS, USERS, _comment

GERMAN_SHARE, MEMBERS_ONLY_SHARE, NEWS_SHARE = 0.6, 0.10, 0.2
STAMMTISCH_POSTS, PHRASE_POSTS, STAMMTISCH_COMMENTS, PHRASE_COMMENTS, STAMM_COMMENTS = 0.01, 0.003, 0.001, 0.0003, 0.003
PHRASE = "Sommerfest am Rhein"
MAX_DEPTH = 8

_GERMAN_COMMON = ("der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an "
                  "werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war "
                  "haben nur oder aber vor zur bis mehr durch man sehr wir ich uns euch alle").split()
_GERMAN = ("Verein Mitglieder Treffen Abend Einladung Vortrag Hochschule Studium Absolventen Jahrgang Professorin "
           "Bibliothek Mensa Semester Prüfung Abschluss Feier Ehemalige Netzwerk Beruf Karriere Stelle Praktikum "
           "Unternehmen Gründung Projekt Förderung Stipendium Spende Vorstand Versammlung Protokoll Satzung Wahl "
           "Termin Woche Monat Jahr Sommer Winter Frühling Herbst Ausflug Reise Exkursion Führung Museum "
           "Ausstellung Konzert Chor Orchester Theater Lesung Buch Archiv Foto Bilder Erinnerung Geschichte Zukunft "
           "Forschung Labor Institut Fakultät Fachschaft Lehrstuhl Doktorarbeit Masterarbeit Vorlesung Kurs "
           "Austausch Gespräch Diskussion Frage Antwort Idee Vorschlag Beitrag Bericht Rückblick Ankündigung "
           "Anmeldung Teilnahme Gäste Familie Kinder Freunde Kollegen Gruppe Stadt Region Ufer Brücke Altstadt "
           "Kneipe Restaurant Biergarten Grill Kuchen Essen Getränke Musik Tanz Spiel Fußball Radtour Wanderung "
           "Schiff Bahn Zug Parkplatz Raum Saal Hörsaal Gebäude Eingang Garten Wetter Regen Sonne herzlich gerne "
           "bald heute morgen gestern nächste letzte neue alte große kleine schöne gute lange gemeinsam pünktlich "
           "kostenlos offen digital treffen feiern diskutieren planen organisieren besuchen erinnern danken freuen "
           "helfen anmelden teilnehmen Sommerfest").split()
_PREFIXES = ("Vereins Alumni Sommer Winter Jahres Studenten Mitglieder Fakultäts Campus Hochschul Forschungs "
             "Karriere Netzwerk Rhein Stadt Kultur Sport Musik Fest Bücher").split()
_SUFFIXES = ("treffen abend fest feier haus programm fahrt tag woche bericht liste gruppe rat kasse beitrag preis "
             "büro zeitung reise runde").split()
_ENGLISH_COMMON = ("the of and to a in is it you that was for on are with as they be at one have this from or "
                   "had by but not what all were we when your can there an each which do how their if will up "
                   "other about out many then them these so some would make like into time has more see no way "
                   "could people than first been who its now long day did get come made may").split()
_ENGLISH = (*_WORDS, *("event evening invitation talk university graduates class professor exam degree party friends "
                       "colleagues job internship company funding donation election agenda week month year trip "
                       "tour museum exhibition concert choir theatre reading book memory history future lab "
                       "institute department course exchange conversation discussion question answer idea proposal "
                       "report review announcement registration guests family children team group region river "
                       "bridge pub restaurant coffee garden barbecue cake food drinks music dance game football "
                       "bike hike boat train parking room hall building entrance weather rain sun welcome soon "
                       "today tomorrow yesterday next last new great small nice good together free open online "
                       "looking forward thanks everyone").split())
CITIES = ("Köln Bonn Düsseldorf Mainz Koblenz Berlin Hamburg München Frankfurt Stuttgart Leipzig Dresden Aachen "
          "Münster Heidelberg Freiburg London Paris Wien Zürich Amsterdam Brüssel").split()
_NAMES = ("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
          "Schröder Neumann Braun Zimmermann Krüger Hartmann Lange Werner Smith Jones Brown Taylor Wilson").split()
_STAMM = ("Stammgast Stammgäste Stammkneipe Stammbaum Stammhaus stammt stammen Stammtische Stammsitz "
          "Stammzellforschung").split()
_STAMMTISCH = {
    "de": ("Unser Stammtisch in {city} trifft sich wieder am Donnerstag", "Der nächste Stammtisch ist in {city}",
           "Wer kommt zum Stammtisch der Ehemaligen in {city}"),
    "en": ("The alumni Stammtisch in {city} meets again on Thursday", "Join our Stammtisch in {city}"),
}
_PHRASE = {"de": ("Einladung zum Sommerfest am Rhein in {city}", "Wir sehen uns beim Sommerfest am Rhein"),
           "en": ("Save the date for the Sommerfest am Rhein in {city}", "Photos from the Sommerfest am Rhein")}


class Prose:
    """Sentences drawn from a language's vocabulary with Zipf-like weights (function words most often)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        german = _GERMAN + [prefix + suffix for prefix in _PREFIXES for suffix in _SUFFIXES]
        self.vocabularies = {"de": self._weighted(_GERMAN_COMMON, german),
                             "en": self._weighted(_ENGLISH_COMMON, list(_ENGLISH))}

    def _weighted(self, common: list[str], content: list[str]) -> tuple[list[str], list[float]]:
        content = content + CITIES + _NAMES
        self.rng.shuffle(content)
        words = common + content
        cumulative, total = [], 0.0
        for rank in range(len(words)):
            total += 1 / (rank + 8)
            cumulative.append(total)
        return words, cumulative

    def language(self) -> str:
        return "de" if self.rng.random() < GERMAN_SHARE else "en"

    def sentence(self, language: str, low: int = 6, high: int = 14) -> str:
        words, cumulative = self.vocabularies[language]
        text = " ".join(self.rng.choices(words, cum_weights=cumulative, k=self.rng.randint(low, high)))
        return text[0].upper() + text[1:] + self.rng.choice("....!?")

    def planted(self, templates: dict, language: str, koeln: float = 0.4) -> str:
        city = "Köln" if self.rng.random() < koeln else self.rng.choice(CITIES)
        return self.rng.choice(templates[language]).format(city=city) + "."

    def paragraphs(self, language: str, count: int, sentences: tuple[int, int], extra: list[str]) -> list[str]:
        paragraphs = [[self.sentence(language) for _ in range(self.rng.randint(*sentences))] for _ in range(count)]
        for sentence in extra:  # planted sentences at random places
            paragraph = self.rng.choice(paragraphs)
            paragraph.insert(self.rng.randint(0, len(paragraph)), sentence)
        return [" ".join(paragraph) for paragraph in paragraphs]


def body(paragraphs: list[str]) -> dict:
    """Markdown source and its HTML (plain words need no escaping: `check_rendering` holds us to that)."""
    return {"body_source": "\n\n".join(paragraphs), "body_html": "".join(f"<p>{p}</p>\n" for p in paragraphs)}


def excerpt(paragraphs: list[str], length: int = 280) -> str:
    """What app.content.excerpt_from_html makes of `body(paragraphs)`."""
    text = " · ".join(paragraphs)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,.;:-") + " …"


def check_rendering(posts: list[dict], comments: list[dict]) -> None:
    from app.content import excerpt_from_html, render_markdown

    for row in posts + comments:
        if row["body_source"] and render_markdown(row["body_source"]) != row["body_html"]:
            raise AssertionError(f"the app renders this body differently: {row['body_source'][:200]!r}")
    for row in posts:
        if excerpt_from_html(row["body_html"]) != row["excerpt"]:
            raise AssertionError(f"the app cuts this excerpt differently: {row['excerpt'][:200]!r}")


def posts(count: int, now: datetime, seed: int = 2025) -> tuple[list[dict], Counter]:
    """The posts over the past two years, and how many of them got each planted word."""
    rng = random.Random(seed)
    prose, planted = Prose(rng), Counter()
    start, step = now - timedelta(days=730), timedelta(days=729) / count
    rows = []
    for post_id in range(1, count + 1):
        language, extra, title = prose.language(), [], None
        for name, share, templates in (("stammtisch", STAMMTISCH_POSTS, _STAMMTISCH),
                                       ("phrase", PHRASE_POSTS, _PHRASE)):
            if rng.random() < share:
                planted[name] += 1
                sentence = prose.planted(templates, language)
                if title is None and rng.random() < 1 / 3:
                    title = sentence[:-1]
                else:
                    extra.append(sentence)
        paragraphs = prose.paragraphs(language, rng.randint(2, 4), (2, 4), extra)
        news, members = rng.random() < NEWS_SHARE, rng.random() < MEMBERS_ONLY_SHARE
        created = start + step * post_id
        rows.append({"id": post_id, "kind": "news" if news else "discussion",
                     "title": title or prose.sentence(language, 3, 8)[:-1], **body(paragraphs),
                     "excerpt": excerpt(paragraphs), "category_id": rng.choice((None, 1, 2, 3, 4)),
                     "visibility": "members" if members else "public",
                     "public_teaser": members and rng.random() < 0.5,
                     "status": "pending" if rng.random() < 0.005 else "published", "pinned": False, "locked": False,
                     "hidden_at": created if rng.random() < 0.005 else None,
                     "author_id": rng.randint(1, 11) if news else rng.randint(1, USERS), "created_at": created,
                     "edited_at": None, "last_activity_at": created, "comment_count": 0, "like_count": 0})
    return rows, planted


def comments(count: int, post_rows: list[dict], now: datetime, planted: Counter, seed: int = 2026) -> Iterator[dict]:
    """`count` comments on the posts, post after post (ids in that order); counts planted words in `planted`."""
    rng = random.Random(seed)
    prose = Prose(rng)
    cumulative, total = [], 0.0
    for rank in range(len(post_rows)):
        total += 1 / (rank + 20)
        cumulative.append(total)
    order = list(range(len(post_rows)))
    rng.shuffle(order)  # the long threads are anywhere in time
    per_post = Counter(order[i] for i in rng.choices(range(len(post_rows)), cum_weights=cumulative, k=count))
    comment_id = 0
    for index, post in enumerate(post_rows):
        previous = None
        for _ in range(per_post[index]):
            comment_id += 1
            parent = previous if previous and previous["depth"] < MAX_DEPTH and rng.random() < 0.4 else None
            created = post["created_at"] + (now - post["created_at"]) * rng.random() ** 3
            text = body(_comment_text(rng, prose, planted))
            previous = _comment(comment_id, post["id"], parent, rng.randint(1, USERS), created,
                                (text["body_source"], text["body_html"]))
            _moderate(rng, previous)
            yield previous


def _comment_text(rng: random.Random, prose: Prose, planted: Counter) -> list[str]:
    language, extra = prose.language(), []
    for name, share in (("stammtisch", STAMMTISCH_COMMENTS), ("phrase", PHRASE_COMMENTS), ("stamm", STAMM_COMMENTS)):
        if rng.random() < share:
            planted[f"{name}_comments"] += 1
            if name == "stamm":
                extra.append(f"{rng.choice(_STAMM)} {prose.sentence(language, 3, 6)}")
            else:
                extra.append(prose.planted(_STAMMTISCH if name == "stammtisch" else _PHRASE, language))
    return prose.paragraphs(language, 1 if rng.random() < 0.8 else 2, (1, 3), extra)


def _moderate(rng: random.Random, comment: dict) -> None:
    roll = rng.random()
    if roll < 0.01:  # deleted by the author: a placeholder without text
        comment.update(deleted_at=comment["created_at"] + timedelta(minutes=3), body_source="", body_html="")
    elif roll < 0.015:
        comment["hidden_at"] = comment["created_at"] + timedelta(hours=1)
    elif roll < 0.02:
        comment["status"] = "pending"
