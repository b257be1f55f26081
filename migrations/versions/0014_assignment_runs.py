"""runs of the automatic assignment of reviewers, with their proposal and report

Revision ID: 0014_assignment_runs
Revises: 0014_instruction_list
Create Date: 2026-12-01 13:35:56.055245

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


# revision identifiers, used by Alembic.
revision = '0014_assignment_runs'
down_revision = '0014_instruction_list'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('started_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('edits', sa.Integer(), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_assignment_runs_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_assignment_runs_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_assignment_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_runs'))
    )
    with op.batch_alter_table('assignment_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_runs_call_id'), ['call_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assignment_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_runs_call_id'))

    op.drop_table('assignment_runs')
