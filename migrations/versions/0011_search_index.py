"""search index: FTS5 on SQLite, tsvector + GIN on PostgreSQL, filled from what exists

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:30:00

The index has no model (app.services.search_index writes it; app.database.include_in_migrations keeps
autogenerate away from it). Existing content is indexed here with plain SQL reads, so this migration does not
depend on how the models look in later versions; `flask search-reindex` rebuilds it at any time.
"""
from alembic import op
import sqlalchemy as sa

from app.content import plain_text
from app.services.search_query import fold

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CODES = {"post": 1, "teaser": 2, "comment": 3, "event": 4, "document": 5, "profile": 6}
PROFILE_FIELDS = ("programme", "year", "city", "employer", "position", "bio")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, item_id UNINDEXED, title, body, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
        insert = sa.text("INSERT INTO search_fts (rowid, kind, item_id, title, body) "
                         "VALUES (:doc_id, :kind, :item_id, :title, :body)")
    else:
        op.execute("CREATE TABLE search_documents (doc_id BIGINT PRIMARY KEY, kind VARCHAR(10) NOT NULL, "
                   "item_id INTEGER NOT NULL, tsv TSVECTOR NOT NULL)")
        op.execute("CREATE INDEX search_documents_tsv_idx ON search_documents USING GIN (tsv)")
        insert = sa.text(
            "INSERT INTO search_documents (doc_id, kind, item_id, tsv) VALUES (:doc_id, :kind, :item_id, "
            "setweight(to_tsvector('german', :title), 'A') || setweight(to_tsvector('german', :body), 'B') || "
            "setweight(to_tsvector('english', :title), 'A') || setweight(to_tsvector('english', :body), 'B'))")
    rows = []

    def add(kind, item_id, title, body):
        rows.append({"doc_id": item_id * 8 + CODES[kind], "kind": kind, "item_id": item_id,
                     "title": fold(title or ""), "body": fold(body or "")[:100_000]})
        if len(rows) >= 1000:
            bind.execute(insert, rows)
            rows.clear()

    for post in bind.execute(sa.text("SELECT id, kind, title, body_html, excerpt, visibility, public_teaser "
                                     "FROM posts WHERE kind != 'event'")).mappings():
        add("post", post["id"], post["title"], plain_text(post["body_html"]))
        if post["visibility"] == "members" and post["public_teaser"]:
            add("teaser", post["id"], post["title"], post["excerpt"])
    for comment in bind.execute(sa.text("SELECT id, body_html FROM comments WHERE deleted_at IS NULL")).mappings():
        add("comment", comment["id"], "", plain_text(comment["body_html"]))
    for item in bind.execute(sa.text("SELECT id, title, description_html, place FROM events")).mappings():
        add("event", item["id"], item["title"], f"{plain_text(item['description_html'])}\n{item['place']}")
    for item in bind.execute(sa.text("SELECT id, title, description, original_name FROM documents")).mappings():
        add("document", item["id"], item["title"], f"{item['description']}\n{item['original_name']}")
    columns = ", ".join(f"p.{name}" for name in PROFILE_FIELDS)
    for item in bind.execute(sa.text(f"SELECT p.user_id, p.private_fields, u.display_name, {columns} "  # noqa: S608
                                     "FROM member_profiles p JOIN users u ON u.id = p.user_id "
                                     "WHERE p.listed")).mappings():
        private = (item["private_fields"] or "").split(",")
        shared = [str(item[name] or "") for name in PROFILE_FIELDS if name not in private]
        add("profile", item["user_id"], item["display_name"], "\n".join(shared))
    if rows:
        bind.execute(insert, rows)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP TABLE IF EXISTS search_documents")
