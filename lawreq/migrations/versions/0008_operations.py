"""Operations: the request id on audit entries, shared rate-limit counters, the scheduler's last sweep

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

- ``audit_entries.request_id`` (nullable): the ``X-Request-ID`` of the HTTP request that wrote the entry, so an
  access-log line leads to its audit entries. Added with a plain ``ADD COLUMN`` (no batch copy, which on SQLite
  would drop the append-only triggers).
- ``rate_limit_hits``: one counter per (key, window) shared by every worker on every host, bumped with one atomic
  ``INSERT … ON CONFLICT DO UPDATE … RETURNING``.
- ``scheduler_sweeps``: when each scheduler process last finished a sweep, for ``/healthz`` and ``/metrics``.
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_entries', sa.Column('request_id', sa.String(length=64), nullable=True))
    op.create_table(
        'rate_limit_hits',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_limit_hits')),
    )
    op.create_index(op.f('ix_rate_limit_hits_window_start'), 'rate_limit_hits', ['window_start'])
    op.create_table(
        'scheduler_sweeps',
        sa.Column('worker', sa.String(length=120), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('summary', sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint('worker', name=op.f('pk_scheduler_sweeps')),
    )


def downgrade() -> None:
    op.drop_table('scheduler_sweeps')
    op.drop_index(op.f('ix_rate_limit_hits_window_start'), table_name='rate_limit_hits')
    op.drop_table('rate_limit_hits')
    # Native DROP COLUMN (SQLite >= 3.35, PostgreSQL): keeps the audit log's triggers, unlike a batch copy.
    op.execute('ALTER TABLE audit_entries DROP COLUMN request_id')
