"""newsletter: news mail audience and scheduled sending, imported consent with date and source

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('everyone', 'members', name='audience', native_enum=False,
                                                          create_constraint=False, length=20),
                                      server_default='everyone', nullable=False))
        batch_op.add_column(sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_announcements_started_at'), ['started_at'], unique=False)
    # Every announcement before this one started when it was made.
    op.execute("UPDATE announcements SET started_at = created_at")

    op.create_table(
        'news_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('consented_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'consented_on', 'source', name='uq_news_consents'),
    )
    with op.batch_alter_table('news_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_consents_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('news_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_consents_user_id'))
    op.drop_table('news_consents')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_started_at'))
        batch_op.drop_column('started_at')
        batch_op.drop_column('scheduled_at')
        batch_op.drop_column('audience')
