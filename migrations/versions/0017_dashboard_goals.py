"""dashboard goals: targets per week or month, archived instead of edited

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


METRICS = ('active_people', 'registrations', 'new_members', 'discussions', 'comments_per_post',
           'first_reply_median_hours', 'first_reply_max_hours', 'unanswered', 'report_median_hours', 'signups',
           'fill_rate', 'opt_ins')

INDEXES = (
    ('posts', 'ix_posts_created', ['created_at', 'kind', 'status', 'author_id', 'comment_count', 'hidden_at']),
    ('comments', 'ix_comments_created', ['created_at', 'author_id']),
    ('post_likes', 'ix_post_likes_created', ['created_at', 'user_id']),
    ('comment_likes', 'ix_comment_likes_created', ['created_at', 'user_id']),
    ('registrations', 'ix_registrations_queued_at', ['queued_at', 'user_id']),
)


def upgrade():
    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.Enum(*METRICS, name='goalmetric', native_enum=False, length=40), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('period', sa.Enum('week', 'month', name='goalperiod', native_enum=False, length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_goals_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index('ix_goals_archived_at', ['archived_at', 'created_at'], unique=False)

    # The dashboard counts by creation time; covering indexes spare it reading wide rows (post bodies).
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_archived_at')

    op.drop_table('goals')
