"""web push: devices (push subscriptions), per-kind choices, and the messages on their way

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'push_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=100), nullable=False),
        sa.Column('device', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint')),
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table(
        'push_choices',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('replies', sa.Boolean(), nullable=False),
        sa.Column('followed', sa.Boolean(), nullable=False),
        sa.Column('events', sa.Boolean(), nullable=False),
        sa.Column('applications', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_choices_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_push_choices')),
    )

    op.create_table(
        'push_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claim', sa.String(length=32), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['subscription_id'], ['push_subscriptions.id'],
                                name=op.f('fk_push_messages_subscription_id_push_subscriptions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_push_messages_notification_id_notifications'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_messages')),
        sa.UniqueConstraint('subscription_id', 'notification_id', name='uq_push_messages'),
    )
    with op.batch_alter_table('push_messages', schema=None) as batch_op:
        batch_op.create_index('ix_push_messages_due', ['sent_at', 'retry_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_messages_notification_id'), ['notification_id'], unique=False)


def downgrade():
    op.drop_table('push_messages')
    op.drop_table('push_choices')
    op.drop_table('push_subscriptions')
