"""attachments: the stored file's columns take the names every model with a file uses

Revision ID: 0009_attachment_file_columns
Revises: 0008_notifications
Create Date: 2026-11-24 10:00:00

"""
from alembic import op


revision = '0009_attachment_file_columns'
down_revision = '0008_notifications'
branch_labels = None
depends_on = None

RENAMED = [('storage_key', 'file_key'), ('name', 'file_name'), ('size', 'file_size'), ('sha256', 'file_sha256'),
           ('content_type', 'file_type')]


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        for old, new in RENAMED:
            batch_op.alter_column(old, new_column_name=new)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        for old, new in RENAMED:
            batch_op.alter_column(new, new_column_name=old)
