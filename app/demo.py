"""Demo content for a fresh installation: one account per role and the site pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models.idea import IdeaStatus
from app.models.opportunity import OpportunityKind, WorkMode
from app.models.post import Category, PostKind, Visibility
from app.models.types import utcnow
from app.models.user import Role, User
from app.services import accounts, ideas, polls, settings
from app.services.comments import add_comment
from app.services.events import EventDetails, create_event
from app.services.opportunities import OfferDetails, create_offer
from app.services.pages import save_page
from app.services.posts import create_post

DEMO_ACCOUNTS = (
    ("admin@demo.alumni-commons.org", "Ada Admin", Role.ADMIN),
    ("volunteer@demo.alumni-commons.org", "Vera Volunteer", Role.VOLUNTEER),
    ("member@demo.alumni-commons.org", "Max Member", Role.MEMBER),
    ("alumnus@demo.alumni-commons.org", "Alex Alumnus", Role.ALUMNUS),
)

PAGES = {
    ("imprint", "de"): ("Impressum", "**Alumni Commons e. V.**\n\nMusterstraße 1, 12345 Musterstadt\n\n"
                        "Vertreten durch den Vorstand. Diese Angaben bitte unter *Verwaltung → Seiten* anpassen."),
    ("imprint", "en"): ("Imprint", "**Alumni Commons e. V.**\n\nMusterstraße 1, 12345 Musterstadt\n\n"
                        "Represented by the board. Please edit this text under *Administration → Pages*."),
    ("privacy", "de"): ("Datenschutzerklärung",
                        "Wir speichern nur, was für dein Konto nötig ist: E-Mail-Adresse, Anzeigename und "
                        "ein gehashtes Passwort. Es werden keine Inhalte von Drittanbietern geladen und "
                        "keine Tracking-Cookies gesetzt."),
    ("privacy", "en"): ("Privacy policy",
                        "We keep only what your account needs: email address, display name and a hashed "
                        "password. No third-party content is loaded and no tracking cookies are set."),
    ("guidelines", "de"): ("Community-Richtlinien",
                           "- Sei freundlich und respektvoll.\n- Bleib beim Thema.\n"
                           "- Keine Werbung, keine persönlichen Daten anderer."),
    ("guidelines", "en"): ("Community guidelines",
                           "- Be kind and respectful.\n- Stay on topic.\n"
                           "- No advertising, no personal data of others."),
}


CATEGORIES = (("verein", "Verein"), ("karriere", "Karriere"), ("treffen", "Treffen"))

POSTS = (
    # (author index, kind, category, visibility, teaser, pinned, title, body)
    (0, "news", "verein", "public", False, True, "Willkommen auf unserer neuen Plattform",
     "Ab heute treffen wir uns **hier** statt in fünf verschiedenen Netzwerken.\n\n"
     "- Neuigkeiten lesen alle\n- Mitreden können alle registrierten Alumni\n"
     "- Der Mitgliederbereich bleibt unter uns"),
    (3, "discussion", "karriere", "public", False, False, "Wer sucht Praktikant:innen für den Sommer?",
     "Unsere Fachschaft sammelt Angebote. Gerne hier in die Kommentare, mit Link zur Ausschreibung."),
    (2, "discussion", "treffen", "members", True, False, "Mitgliederversammlung: Themen sammeln",
     "Bis Ende des Monats sammeln wir Themen für die Tagesordnung. Bitte antwortet direkt hier."),
    (1, "news", "verein", "members", False, False, "Protokoll der Vorstandssitzung",
     "Das Protokoll liegt im Mitgliederbereich. Wichtigster Beschluss: Der Beitrag bleibt stabil."),
)

IDEAS = (
    # (author index, category, visibility, title, body, voter indexes, status, the volunteers' answer)
    (2, "verein", "public", "Mentoring: Alumni begleiten Studierende",
     "Jede:r von uns könnte ein, zwei Studierende im letzten Jahr begleiten. Wer wäre dabei?", (0, 1),
     IdeaStatus.PLANNED, "Wir starten im Frühjahr mit einer ersten Runde; Anmeldung folgt hier."),
    (3, "treffen", "public", "Stammtisch auch online",
     "Nicht alle wohnen noch in der Nähe. Wie wäre ein Online-Stammtisch einmal im Quartal?", (0, 2),
     IdeaStatus.UNDER_REVIEW, ""),
    (2, "verein", "members", "Jahresbeitrag per Lastschrift",
     "Überweisungen vergisst man leicht. Könnten wir den Beitrag per Lastschrift einziehen?", (1,),
     IdeaStatus.DECLINED, "Der Aufwand für das Lastschriftverfahren ist für uns zu groß; die Erinnerung per "
     "Mail bleibt."),
)

COMMENTS = (
    # (post index, author index, parent comment index or None, body)
    (0, 3, None, "Endlich! Gefällt mir sehr."),
    (0, 2, 0, "Mir auch. Kommt noch eine App?"),
    (0, 0, 1, "Die Seite funktioniert auf dem Handy wie eine App, ganz ohne Installation."),
    (1, 2, None, "Wir suchen eine Werkstudentin im Bereich Datenanalyse: https://example.org/jobs/42"),
)


def has_accounts() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def seed(password: str) -> None:
    """Create the demo accounts (all with `password`), pages, categories, posts and comments."""
    users = [accounts.create_account(email, name, password, role=role, verified=True)
             for email, name, role in DEMO_ACCOUNTS]
    for (slug, locale), (title, body) in PAGES.items():
        save_page(slug, locale, title, body, None)
    categories = {slug: Category(slug=slug, name=name) for slug, name in CATEGORIES}
    db.session.add_all(categories.values())
    posts = [create_post(users[author], kind=PostKind(kind), title=title, body=body, category=categories[category],
                         visibility=Visibility(visibility), public_teaser=teaser, pinned=pinned)
             for author, kind, category, visibility, teaser, pinned, title, body in POSTS]
    comments = []
    for post, author, parent, body in COMMENTS:
        comments.append(add_comment(users[author], posts[post], body, comments[parent] if parent is not None else None))
    _seed_events(users[1])
    _seed_ideas(users, categories)
    _seed_poll(users, posts[1])
    _seed_offers(users, categories["karriere"])
    settings.save(None, {"setup_finished": True, "tagline": "Das Netzwerk der Ehemaligen – Demo"})  # a demo is set up


def _seed_ideas(users, categories) -> None:
    """A few ideas with votes, one answered in each way the volunteers answer."""
    for author, category, visibility, title, body, voters, status, answer in IDEAS:
        post = create_post(users[author], kind=PostKind.DISCUSSION, title=title, body=body,
                           category=categories[category], visibility=Visibility(visibility))
        ideas.propose(users[author], post)
        for voter in voters:
            ideas.set_vote(users[voter], post, voted=True)
        ideas.set_status(users[1], post, status, answer)


def _seed_events(organizer) -> None:
    start = (utcnow() + timedelta(days=14)).replace(hour=17, minute=0, second=0, microsecond=0)
    common = {"timezone": "Europe/Berlin", "online_url": "", "signup_opens_at": None, "signup_closes_at": None,
              "waitlist_enabled": True}
    create_event(organizer, EventDetails(
        title="Sommerfest auf dem Campus", description="Mit Grill, Musik und Führung durch die neuen Labore.",
        starts_at=start, ends_at=start + timedelta(hours=4), place="Campus, Innenhof", visibility="public",
        capacity=40, max_guests=1, note_label="Vegetarisch / vegan?", **common))
    create_event(organizer, EventDetails(
        title="Mitgliederversammlung", description="Tagesordnung folgt im Mitgliederbereich.",
        starts_at=start + timedelta(days=7), ends_at=start + timedelta(days=7, hours=2), place="Raum 1.23",
        visibility="members", capacity=None, max_guests=0, note_label="", **common))


def _seed_poll(users, post) -> None:
    """A poll in a public demo discussion, with two votes (results show after voting)."""
    polls.add_poll(post.author, post, polls.PollDraft(
        question="Welche Angebote wünscht ihr euch hier?", multiple=True,
        options="Praktika\nWerkstudierenden-Stellen\nAbschlussarbeiten\nEhrenamtliche Mitarbeit",
        closes_at=utcnow() + timedelta(days=21)))
    poll = polls.poll_of(post)
    if poll is not None:
        for voter, choice in ((users[2], [0, 2]), (users[1], [3])):
            polls.vote(voter, post, poll, [poll.options[index].id for index in choice])
def _seed_offers(users, category) -> None:
    """A few offers on the jobs and volunteering board, in German like the rest of the demo."""
    offers = (
        (2, OfferDetails(kind=OpportunityKind.WORKING_STUDENT, title="Werkstudent:in Datenanalyse (m/w/d)",
                         organisation="Stadtwerke Musterstadt", place="Musterstadt", work_mode=WorkMode.HYBRID,
                         hours="15–20 Stunden pro Woche", category=category,
                         body="Du hilfst uns, Verbrauchsdaten **verständlich** aufzubereiten.\n\n"
                              "- Python oder R\n- Spaß an Zahlen\n- Studium im Hauptfach",
                         apply_url="https://example.org/karriere/werkstudent-daten")),
        (1, OfferDetails(kind=OpportunityKind.VOLUNTEER, title="Helfer:innen für das Sommerfest gesucht",
                         organisation="Alumni Commons e. V.", place="Campus, Innenhof", hours="ein Nachmittag",
                         body="Für Aufbau, Grill und Abbau suchen wir noch Unterstützung. Melde dich einfach hier.")),
        (3, OfferDetails(kind=OpportunityKind.MENTORING, title="Mentoring für den Berufseinstieg in der IT",
                         organisation="Alex Alumnus (privat)", work_mode=WorkMode.REMOTE,
                         hours="ein Gespräch im Monat",
                         body="Ich begleite zwei Studierende ein halbes Jahr lang beim Einstieg ins Berufsleben.")),
        (2, OfferDetails(kind=OpportunityKind.INTERNSHIP, title="Praktikum im Vorstandsbüro",
                         organisation="Alumni Commons e. V.", place="Musterstadt", visibility=Visibility.MEMBERS,
                         hours="Vollzeit, 3 Monate",
                         body="Nur für Mitglieder: Einblick in die Vereinsarbeit, von der Mitgliederverwaltung bis "
                              "zur Planung der Jahresversammlung.")),
    )
    for author, details in offers:
        create_offer(users[author], details)
