"""sanctions: a history of warnings, silences and suspensions; the silence on the account row

Suspensions made before this migration get their history row. Those whose end date has passed (the old code let
them stop counting but never cleared them) are recorded as expired and cleared here, so the worker's new job
does not mail their people "your suspension has ended" months late.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-02 18:28:55.325664

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sanctions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('warning', 'silence', 'suspension', name='sanctionkind', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('ending', sa.Enum('lifted', 'expired', 'replaced', name='sanctionending', native_enum=False, length=20), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sanctions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_sanctions_lifted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sanctions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions'))
    )
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.create_index('ix_sanctions_user', ['user_id', 'starts_at'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sanction_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_sanction_id_sanctions'), 'sanctions', ['sanction_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('silenced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('silenced_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('silence_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_users_silenced_until'), ['silenced_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_suspended_until'), ['suspended_until'], unique=False)

    # CURRENT_TIMESTAMP is UTC on both databases; SQLite stores times as UTC text that compares in order.
    ended = "suspended_until IS NOT NULL AND suspended_until <= CURRENT_TIMESTAMP"
    op.execute(
        "INSERT INTO sanctions (user_id, kind, reason, starts_at, ends_at, lifted_at, ending) "
        f"SELECT id, 'suspension', suspension_reason, suspended_at, suspended_until, "
        f"CASE WHEN {ended} THEN suspended_until END, CASE WHEN {ended} THEN 'expired' END "
        "FROM users WHERE suspended_at IS NOT NULL")
    op.execute(f"UPDATE users SET suspended_at = NULL, suspended_until = NULL, suspension_reason = '' "
               f"WHERE suspended_at IS NOT NULL AND {ended}")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_suspended_until'))
        batch_op.drop_index(batch_op.f('ix_users_silenced_until'))
        batch_op.drop_column('silence_reason')
        batch_op.drop_column('silenced_until')
        batch_op.drop_column('silenced_at')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_sanction_id_sanctions'), type_='foreignkey')
        batch_op.drop_column('sanction_id')

    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_index('ix_sanctions_user')

    op.drop_table('sanctions')
