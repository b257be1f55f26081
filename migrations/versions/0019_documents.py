"""documents: the calls' agreement templates, versioned, and the template version each agreement was generated from

Revision ID: 0019_documents
Revises: 0018_decisions
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


# revision identifiers, used by Alembic.
revision = '0019_documents'
down_revision = '0018_decisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_agreement_templates_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_agreement_templates_saved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_templates')),
    sa.UniqueConstraint('call_id', 'version', name=op.f('uq_agreement_templates_call_id'))
    )
    with op.batch_alter_table('agreement_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_templates_call_id'), ['call_id'], unique=False)

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('template_sha256', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_agreements_template_id_agreement_templates'), 'agreement_templates',
                                    ['template_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreements_template_id_agreement_templates'), type_='foreignkey')
        batch_op.drop_column('template_sha256')
        batch_op.drop_column('template_id')

    with op.batch_alter_table('agreement_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_templates_call_id'))

    op.drop_table('agreement_templates')
