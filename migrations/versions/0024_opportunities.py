"""the jobs and volunteering board: offers, their reports and notifications

Offers (opportunities) with kind, place, work mode, start, hours, description, how to apply, deadline,
visibility, moderation state and expiry; reports and notifications may name an offer.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('job', 'internship', 'working_student', 'volunteer', 'mentoring', name='opportunitykind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('work_mode', sa.Enum('on_site', 'remote', 'hybrid', name='workmode', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('hours', sa.String(length=100), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('excerpt', sa.String(length=400), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('apply_url', sa.String(length=500), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', name='visibility', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('published', 'pending', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_opportunities_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_opportunities_category_id_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities')),
    sa.UniqueConstraint('author_id', 'submission_key', name='uq_opportunities_author_submission')
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index('ix_opportunities_board', ['expires_at', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_opportunities_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunities_author_id'), ['author_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opportunity_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_opportunity_id_opportunities'), 'opportunities', ['opportunity_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opportunity_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_opportunity_id_opportunities'), 'opportunities', ['opportunity_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_opportunity_id_opportunities'), type_='foreignkey')
        batch_op.drop_column('opportunity_id')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_opportunity_id_opportunities'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_opportunity_id'))
        batch_op.drop_column('opportunity_id')

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunities_author_id'))
        batch_op.drop_index('ix_opportunities_status')
        batch_op.drop_index('ix_opportunities_board')

    op.drop_table('opportunities')
