"""review assignments, conflicts of interest, and the review settings of each call

Revision ID: 0012_review_assignments
Revises: 0011_audit_key
Create Date: 2026-12-01 12:33:07.516039

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


revision = '0012_review_assignments'
down_revision = '0011_audit_key'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflicts_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_conflicts_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conflicts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('dossier_id', 'user_id', name=op.f('uq_conflicts_dossier_id'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_user_id'), ['user_id'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('due_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_review_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_review_assignments_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('dossier_id', 'user_id', name=op.f('uq_review_assignments_dossier_id'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_user_id'), ['user_id'], unique=False)

    # plain ALTER TABLE … ADD COLUMN: rebuilding `calls` on SQLite would trip the foreign keys pointing at it
    op.add_column('calls', sa.Column('reviews_per_dossier', sa.Integer(), nullable=False, server_default='3'))
    op.add_column('calls', sa.Column('groups_per_dossier', sa.Integer(), nullable=False, server_default='2'))
    op.add_column('calls', sa.Column('review_days', sa.Integer(), nullable=False, server_default='21'))
    op.add_column('calls', sa.Column('hide_holder_identity', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    for column in ('hide_holder_identity', 'review_days', 'groups_per_dossier', 'reviews_per_dossier'):
        op.drop_column('calls', column)  # ALTER TABLE … DROP COLUMN, for the same reason as above

    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_dossier_id'))

    op.drop_table('review_assignments')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_dossier_id'))

    op.drop_table('conflicts')
