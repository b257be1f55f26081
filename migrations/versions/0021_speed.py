"""speed: indexes for the sorts and filters of the dossiers' list, the mailbox, the queue page and the unread badge

On PostgreSQL the mailbox's text search gets trigram indexes (pg_trgm), which ILIKE '%…%' uses. Every index is
created in place (no table copy: the dossiers' table is pointed to by rows that cascade on delete).

Revision ID: 0021_speed
Revises: 0020_bilan
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_speed'
down_revision = '0020_bilan'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_dossiers_state_entered_at_id', 'dossiers', ['state_entered_at', 'id']),
    ('ix_dossiers_title_id', 'dossiers', ['title', 'id']),
    ('ix_dossiers_state_id', 'dossiers', ['state', 'id']),
    ('ix_dossiers_call_id_state_entered_at', 'dossiers', ['call_id', 'state_entered_at']),
    ('ix_mails_created_at_id', 'mails', ['created_at', 'id']),
    ('ix_mails_to_address_id', 'mails', ['to_address', 'id']),
    ('ix_mails_status_created_at', 'mails', ['status', 'created_at']),
    ('ix_mails_status_sent_at', 'mails', ['status', 'sent_at']),
    ('ix_notifications_user_id_read_at', 'notifications', ['user_id', 'read_at']),
)
SEARCHED = ('to_address', 'subject', 'template')


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for column in SEARCHED:
            op.create_index(f'ix_mails_{column}_trgm', 'mails', [column], unique=False, postgresql_using='gin',
                            postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in SEARCHED:
            op.drop_index(f'ix_mails_{column}_trgm', table_name='mails')
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
