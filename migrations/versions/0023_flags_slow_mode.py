"""community flagging, slow mode and timed locks, indexes for the moderators' badge

Content hidden after reports awaits review (review_reasons); one comment per person every N minutes
(slow_mode_minutes); locks that start and end by themselves (lock_at, locked_until).

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('slow_mode_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('review_reasons', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_posts_status', ['status'], unique=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_reasons', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_comments_status', ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_status')
        batch_op.drop_column('review_reasons')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_status')
        batch_op.drop_column('review_reasons')
        batch_op.drop_column('slow_mode_minutes')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('lock_at')
