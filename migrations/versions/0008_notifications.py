"""notifications: idempotent outbox with retries, in-app centre, preferences, reminders, bulk messages

Revision ID: 0008_notifications
Revises: 0007_questionnaire
Create Date: 2026-11-22 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


revision = '0008_notifications'
down_revision = '0007_questionnaire'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulk_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('released_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_bulk_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_bulk_messages_released_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_messages'))
    )
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('for_user', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('locale', sa.String(length=5), nullable=False, server_default='fr'))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('next_attempt_at', aap.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', aap.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bulk_message_id', sa.Integer(), nullable=True))
        batch_op.alter_column('subject', server_default='')
        batch_op.alter_column('body_text', server_default='')
        batch_op.alter_column('body_html', server_default='')
        batch_op.create_foreign_key(batch_op.f('fk_mails_bulk_message_id_bulk_messages'), 'bulk_messages', ['bulk_message_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_mails_bulk_message_id'), ['bulk_message_id'], unique=False)
    op.execute("UPDATE mails SET idempotency_key = 'mail:' || id")
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.alter_column('idempotency_key', existing_type=sa.String(length=160), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_mails_idempotency_key'), ['idempotency_key'])

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('read_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digest_mail_id', sa.Integer(), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['digest_mail_id'], ['mails.id'], name=op.f('fk_notifications_digest_mail_id_mails'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'event', name=op.f('uq_notification_preferences_user_id'))
    )
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preferences_user_id'), ['user_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('offset', sa.String(length=10), nullable=False),
    sa.Column('due_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sent_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('kind', 'subject_id', 'offset', name=op.f('uq_reminders_kind'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_subject_id'), ['subject_id'], unique=False)


def downgrade():
    op.drop_table('reminders')
    op.drop_table('notification_preferences')
    op.drop_table('notifications')
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_mails_idempotency_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_mails_bulk_message_id'))
        batch_op.drop_constraint(batch_op.f('fk_mails_bulk_message_id_bulk_messages'), type_='foreignkey')
        for column in ('bulk_message_id', 'claimed_at', 'next_attempt_at', 'context', 'locale', 'for_user',
                       'idempotency_key'):
            batch_op.drop_column(column)
    op.drop_table('bulk_messages')
