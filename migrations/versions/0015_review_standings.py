"""each dossier's submitted reviews in figures, kept at every submission

Revision ID: 0015_review_standings
Revises: 0014_assignment_runs
Create Date: 2026-12-01 16:10:00.000000

"""
from datetime import datetime, timezone
from decimal import Decimal
from itertools import groupby

from alembic import op
import sqlalchemy as sa

import aap.core.models
from aap.review.standings import figures


# revision identifiers, used by Alembic.
revision = '0015_review_standings'
down_revision = '0014_assignment_runs'
branch_labels = None
depends_on = None


def upgrade():
    standings = op.create_table('review_standings',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=20, scale=10), nullable=True),
    sa.Column('lowest', sa.Numeric(precision=9, scale=4), nullable=True),
    sa.Column('highest', sa.Numeric(precision=9, scale=4), nullable=True),
    sa.Column('divergent', sa.Boolean(), nullable=False),
    sa.Column('recommendations', sa.JSON(), nullable=False),
    sa.Column('mean_proposed', sa.Numeric(precision=16, scale=4), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', aap.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_review_standings_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_review_standings_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_review_standings'))
    )
    with op.batch_alter_table('review_standings', schema=None) as batch_op:
        batch_op.create_index('ix_review_standings_call_id_score', ['call_id', 'score'], unique=False)
    _fill(standings)


def _fill(standings):
    """The figures of the reviews submitted before this version, computed as a submission computes them."""
    rows = op.get_bind().execute(sa.text(
        "SELECT reviews.dossier_id, dossiers.call_id, reviews.weighted_score, reviews.recommendation, "
        "reviews.proposed_amount FROM reviews JOIN dossiers ON dossiers.id = reviews.dossier_id "
        "WHERE reviews.state = 'submitted' ORDER BY reviews.dossier_id, reviews.id")).all()
    now = datetime.now(timezone.utc)
    values = []
    for (dossier_id, call_id), group in groupby(rows, lambda row: (row[0], row[1])):
        lines = [(_decimal(score), recommendation, _decimal(amount)) for _d, _c, score, recommendation, amount in group]
        values.append({"dossier_id": dossier_id, "call_id": call_id, **figures(lines), "revision": 1,
                       "updated_at": now})
    if values:
        op.bulk_insert(standings, values)


def _decimal(value):
    return None if value is None else Decimal(str(value))


def downgrade():
    with op.batch_alter_table('review_standings', schema=None) as batch_op:
        batch_op.drop_index('ix_review_standings_call_id_score')

    op.drop_table('review_standings')
