"""feed range seek: every feed page is an index seek on SQLite and PostgreSQL

`ix_posts_shown_activity` (hidden_at, last_activity_at, id): SQLite, which plans without statistics, seeks to the
posts that are not hidden and reads them in activity order, on the first page as on any older one.
`ix_posts_category_activity` (category_id, last_activity_at, id) replaces `ix_posts_category_id`: a category's feed
seeks to the category in activity order instead of sorting the whole category for every page (its prefix still
serves the foreign key). PostgreSQL keeps reading `ix_posts_activity` backwards for the unfiltered feed.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_shown_activity', ['hidden_at', 'last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_posts_category_activity', ['category_id', 'last_activity_at', 'id'], unique=False)
        batch_op.drop_index('ix_posts_category_id')


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_category_id', ['category_id'], unique=False)
        batch_op.drop_index('ix_posts_category_activity')
        batch_op.drop_index('ix_posts_shown_activity')
