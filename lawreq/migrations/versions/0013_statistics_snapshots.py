"""statistics: snapshots of the page's figures per (scope, period), refreshed by the scheduler

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-04

The statistics page used to add up every request in the viewer's scope on each view (about 1.5 s for an admin's
five years at 1 000 000 requests). ``statistics_snapshots`` holds the finished figures of each scope (``all`` or
a set of units) and period, computed by the scheduler or ``lawreq stats rebuild`` (see ``board.snapshots``): a
view reads one row. Nothing to backfill: a missing snapshot is computed on first view or at the next tick.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import lawreq.db

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'statistics_snapshots',
        sa.Column('scope', sa.String(length=512), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('computed_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('cost_ms', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False),
        sa.PrimaryKeyConstraint('scope', 'days', name=op.f('pk_statistics_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('statistics_snapshots')
