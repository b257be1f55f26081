"""committee sessions: the quorum's rule, the convocation's sequence and fingerprint, the role a seat gave; mail
attachments made at delivery

Revision ID: 0017_sessions
Revises: 0017_preparation_packs
Create Date: 2026-12-02 10:12:40.118204

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_sessions'
down_revision = '0017_preparation_packs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum_from_rule', sa.Boolean(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('convocation_sequence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('convocation_fingerprint', sa.String(length=64), nullable=True))

    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('granted_role', sa.Boolean(), nullable=False, server_default='0'))

    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.drop_column('granted_role')

    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.drop_column('convocation_fingerprint')
        batch_op.drop_column('convocation_sequence')
        batch_op.drop_column('quorum_from_rule')
