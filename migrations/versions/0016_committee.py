"""the committee: sessions, members and attendance, agenda, recusals, votes, minutes; calls scored in session

Revision ID: 0016_committee
Revises: 0015_review_standings
Create Date: 2026-12-01 15:55:21.097126

"""
from alembic import op
import sqlalchemy as sa

import aap.core.models


# revision identifiers, used by Alembic.
revision = '0016_committee'
down_revision = '0015_review_standings'
branch_labels = None
depends_on = None


CURRENT_ITEM_FK = 'fk_committee_sessions_current_item'


def upgrade():
    # sessions and agenda items name each other: SQLite takes the constraint inline, PostgreSQL once both exist
    sqlite = op.get_bind().dialect.name == 'sqlite'
    current_item = [sa.ForeignKeyConstraint(['current_item_id'], ['agenda_items.id'], name=CURRENT_ITEM_FK,
                                            ondelete='SET NULL')] if sqlite else []
    op.create_table('committee_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('convened_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opened_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('present_at_opening', sa.Integer(), nullable=True),
    sa.Column('quorum_met', sa.Boolean(), nullable=True),
    sa.Column('closed_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('chair_since', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('current_item_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_committee_sessions_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_committee_sessions_chair_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committee_sessions_created_by_id_users'), ondelete='SET NULL'),
    *current_item,
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_sessions'))
    )
    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_sessions_call_id'), ['call_id'], unique=False)

    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('locked_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_by_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['locked_by_id'], ['users.id'], name=op.f('fk_minutes_locked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'], name=op.f('fk_minutes_session_id_committee_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('session_id', 'version', name=op.f('uq_minutes_session_id'))
    )
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_session_id'), ['session_id'], unique=False)

    op.create_table('session_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('convocation_sent_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attendance', sa.String(length=20), nullable=True),
    sa.Column('attendance_recorded_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'], name=op.f('fk_session_members_session_id_committee_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_members')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_members_session_id'))
    )
    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_members_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_members_user_id'), ['user_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('opened_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recommendation', sa.String(length=20), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('postponed_to', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', aap.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_agenda_items_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_agenda_items_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'], name=op.f('fk_agenda_items_session_id_committee_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('session_id', 'dossier_id', name=op.f('uq_agenda_items_session_id'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_session_id'), ['session_id'], unique=False)

    op.create_table('recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_recusals_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recusals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusals')),
    sa.UniqueConstraint('item_id', 'user_id', name=op.f('uq_recusals_item_id'))
    )
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusals_item_id'), ['item_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=False),
    sa.Column('created_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_votes_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('item_id', 'user_id', name=op.f('uq_votes_item_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_item_id'), ['item_id'], unique=False)

    if not sqlite:
        op.create_foreign_key(CURRENT_ITEM_FK, 'committee_sessions', 'agenda_items', ['current_item_id'], ['id'],
                              ondelete='SET NULL')
    # in place, never a copy of the table: the tables that point at calls keep their constraints
    op.add_column('calls', sa.Column('scores_in_session', sa.Boolean(), nullable=False, server_default=sa.false()))

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_column('calls', 'scores_in_session')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(CURRENT_ITEM_FK, 'committee_sessions', type_='foreignkey')

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_item_id'))

    op.drop_table('votes')
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusals_item_id'))

    op.drop_table('recusals')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_session_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_dossier_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_session_members_session_id'))

    op.drop_table('session_members')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_session_id'))

    op.drop_table('minutes')
    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_sessions_call_id'))

    op.drop_table('committee_sessions')
    # ### end Alembic commands ###
