"""All models, imported here so Alembic and the app see the whole schema."""

from app.models.audit import AuditEntry
from app.models.mail import OutgoingMail
from app.models.page import PAGE_SLUGS, Page
from app.models.user import Role, User

__all__ = ["PAGE_SLUGS", "AuditEntry", "OutgoingMail", "Page", "Role", "User"]
