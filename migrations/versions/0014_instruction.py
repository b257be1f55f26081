"""eligibility checklist, requests for information in the thread, internal notes

Revision ID: 0014_instruction
Revises: 0013_reviews
Create Date: 2026-12-01 12:52:27.938164

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


revision = '0014_instruction'
down_revision = '0013_reviews'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('eligibility_ticks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('ticked_by_id', sa.Integer(), nullable=True),
    sa.Column('ticked_by_label', sa.String(length=254), nullable=False),
    sa.Column('ticked_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_eligibility_ticks_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticked_by_id'], ['users.id'], name=op.f('fk_eligibility_ticks_ticked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_ticks')),
    sa.UniqueConstraint('dossier_id', 'item', name=op.f('uq_eligibility_ticks_dossier_id'))
    )
    with op.batch_alter_table('eligibility_ticks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_ticks_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('internal_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=254), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_internal_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_internal_notes_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_notes')),
    sa.UniqueConstraint('dossier_id', 'token', name=op.f('uq_internal_notes_dossier_id'))
    )
    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_notes_dossier_id'), ['dossier_id'], unique=False)

    # plain ALTER TABLE … ADD COLUMN: rebuilding `calls` on SQLite would trip the foreign keys pointing at it;
    # calls made before keep an empty checklist, their admins add the points they check
    op.add_column('calls', sa.Column('eligibility_checklist', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('dossier_messages', sa.Column('kind', sa.String(length=20), nullable=False,
                                                server_default='message'))
    op.add_column('dossier_messages', sa.Column('due_at', aap.core.models.UTCDateTime(timezone=True), nullable=True))
    op.add_column('dossier_messages', sa.Column('outcome_label', sa.String(length=200), nullable=True))


def downgrade():
    for column in ('outcome_label', 'due_at', 'kind'):
        op.drop_column('dossier_messages', column)  # ALTER TABLE … DROP COLUMN, for the same reason as above
    op.drop_column('calls', 'eligibility_checklist')

    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_notes_dossier_id'))

    op.drop_table('internal_notes')
    with op.batch_alter_table('eligibility_ticks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_ticks_dossier_id'))

    op.drop_table('eligibility_ticks')
