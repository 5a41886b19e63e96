"""board: indexes for its default sorts and a trigram index for its search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The board pages with an offset over (unit, sort key, id); with these indexes the offset walks one narrow index
instead of sorting the unit's rows (benchmarks/web.py: page 200 of 40 000 requests). The search is
``search_text LIKE '%…%'``: on PostgreSQL a pg_trgm GIN index serves it. Creating the extension needs a
privilege the application role may lack, so it is tried inside a savepoint and, when refused, the search simply
stays a sequential filter (correct, slower) — the migration never fails for it. A DBA can add it later with
``CREATE EXTENSION pg_trgm; CREATE INDEX ix_legal_requests_search_trgm ON legal_requests USING gin
(search_text gin_trgm_ops);``.
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TRGM_INDEX = 'ix_legal_requests_search_trgm'


def _trigram_available(bind) -> bool:
    if bind.dialect.name != 'postgresql':
        return False
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def upgrade() -> None:
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.create_index('ix_legal_requests_unit_deadline', ['unit_id', 'next_deadline_at', 'id'], unique=False)
        batch_op.create_index('ix_legal_requests_unit_created', ['unit_id', 'created_at', 'id'], unique=False)
    bind = op.get_bind()
    if _trigram_available(bind):
        op.execute(f'CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON legal_requests USING gin (search_text gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {TRGM_INDEX}')
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_requests_unit_created')
        batch_op.drop_index('ix_legal_requests_unit_deadline')
