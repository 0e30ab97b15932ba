"""Site pages whose text the admin edits: imprint, privacy policy, community guidelines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

PAGE_SLUGS = ("imprint", "privacy", "guidelines")


class Page(db.Model):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("slug", "locale", name="uq_pages_slug_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text, default="")
    # Sanitized at write time by app.content; the only HTML a template renders raw.
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
