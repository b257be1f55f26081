"""final reports: the files joined to a report, the sums to be paid back at closing, the call's report indicators

Revision ID: 0019_reports
Revises: 0019_documents
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


# revision identifiers, used by Alembic.
revision = '0019_reports'
down_revision = '0019_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('final_report_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['final_reports.id'], name=op.f('fk_final_report_attachments_report_id_final_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_final_report_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_report_attachments'))
    )
    with op.batch_alter_table('final_report_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_report_attachments_report_id'), ['report_id'], unique=False)

    op.create_table('grant_recoveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('recorded_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_recorded_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_grant_recoveries_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_grant_recoveries_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grant_recoveries_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_recoveries')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_grant_recoveries_decision_id'))
    )

    # in place, never a copy of the table: the tables that point at calls keep their constraints
    op.add_column('calls', sa.Column('report_indicators', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    op.drop_column('calls', 'report_indicators')

    op.drop_table('grant_recoveries')
    with op.batch_alter_table('final_report_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_report_attachments_report_id'))

    op.drop_table('final_report_attachments')
