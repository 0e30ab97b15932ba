"""watched words, with the default German and English lists; reports about a person

The moderators' list of words (blocked, held, flagged or censored) is filled from app/data/watched_words on new
sites and sites upgrading alike; reports can be about a person's name, profile or message.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 18:39:34.222744

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from app.watched_words import default_entries, entry_key


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watched_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('normalised', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.Enum('word', 'substring', 'regex', name='watchkind', native_enum=False, length=20), nullable=False),
    sa.Column('action', sa.Enum('block', 'hold', 'flag', 'censor', name='watchaction', native_enum=False, length=20), nullable=False),
    sa.Column('replacement', sa.String(length=40), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_watched_words_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watched_words')),
    sa.UniqueConstraint('kind', 'normalised', name='uq_watched_words_kind_normalised')
    )
    with op.batch_alter_table('watched_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watched_words_action'), ['action'], unique=False)
        batch_op.create_index('ix_watched_words_normalised', ['normalised', 'id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_person_id_users'), 'users', ['person_id'], ['id'], ondelete='CASCADE')

    _load_default_lists()


def _load_default_lists():
    """The lists in app/data/watched_words, as the admin page's "Load the default list again" adds them; the
    volunteers edit and delete entries from then on."""
    table = sa.table('watched_words', sa.column('text', sa.String), sa.column('normalised', sa.String),
                     sa.column('kind', sa.String), sa.column('action', sa.String),
                     sa.column('replacement', sa.String), sa.column('rule', sa.String),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    rows, seen = [], set()
    for text, kind, action in default_entries():
        key = entry_key(text, kind)
        if (kind, key) not in seen:  # "Idiot" is in both languages' lists
            seen.add((kind, key))
            rows.append({'text': text, 'normalised': key, 'kind': kind, 'action': action, 'replacement': '',
                         'rule': '', 'created_at': now})
    op.bulk_insert(table, rows)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_person_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_person_id'))
        batch_op.drop_column('person_id')

    with op.batch_alter_table('watched_words', schema=None) as batch_op:
        batch_op.drop_index('ix_watched_words_normalised')
        batch_op.drop_index(batch_op.f('ix_watched_words_action'))

    op.drop_table('watched_words')
