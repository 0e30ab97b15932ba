"""thread slices: a discussion's top-level comments read a slice at a time

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:39:10.859786

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_post_roots', ['post_id', 'depth', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_post_roots')

