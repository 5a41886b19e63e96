"""legal_requests: partial indexes over each provider's decided requests and each unit's answered ones

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07

The wizard's route step ranks the routes by what the unit's and the instance's past requests to the provider
actually took (``legal_requests.history``): the latest 2 000 decided requests to that provider. With only the
index on ``provider_id``, PostgreSQL fetched every request ever sent to the provider and sorted them (1 000 000
requests in benchmarks/web.py: 14 000 rows, 12 500 heap pages, 37-50 ms warm, 690 ms cold, per wizard step).
This index holds the decided ones only, in sending order, so the query reads just the rows it returns. The second
does the same for "your unit's median" (a unit's latest 500 answered requests to the provider; 21 ms there, by a
bitmap AND with the 120 000 entries of the unit's state index).
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0011'
branch_labels = None
depends_on = None

INDEX = 'ix_legal_requests_provider_decided'
#: As lawreq.legal_requests.models.DECIDED_PREDICATE on the day of this migration (a migration never imports models).
PREDICATE = "sent_at IS NOT NULL AND state IN ('fulfilled', 'partially_fulfilled', 'refused', 'lapsed')"
UNIT_INDEX = 'ix_legal_requests_unit_provider_answered'
UNIT_PREDICATE = "sent_at IS NOT NULL AND state IN ('fulfilled', 'partially_fulfilled')"


def upgrade() -> None:
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.create_index(INDEX, ['provider_id', 'sent_at'], unique=False,
                              postgresql_where=sa.text(PREDICATE), sqlite_where=sa.text(PREDICATE))
        batch_op.create_index(UNIT_INDEX, ['unit_id', 'provider_id', 'sent_at'], unique=False,
                              postgresql_where=sa.text(UNIT_PREDICATE), sqlite_where=sa.text(UNIT_PREDICATE))


def downgrade() -> None:
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.drop_index(UNIT_INDEX)
        batch_op.drop_index(INDEX)
