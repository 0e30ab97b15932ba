"""dashboard goals: targets per week or month, archived instead of edited

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


METRICS = ('active_people', 'registrations', 'new_members', 'discussions', 'comments_per_post',
           'first_reply_median_hours', 'first_reply_max_hours', 'unanswered', 'report_median_hours', 'signups',
           'fill_rate', 'opt_ins')


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


def downgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_archived_at')

    op.drop_table('goals')
