"""recovery codes: single-use stand-ins for a TOTP code, stored as keyed hashes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

One row per code (ten per set). ``(user_id, code_hash)`` is unique and is also the index the redeeming
compare-and-set ``UPDATE … WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`` uses. Existing users start
with no codes: enrolled ones make a set on their account page.
"""
from alembic import op
import sqlalchemy as sa
import lawreq.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lawreq.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_codes_user_id'))
    )


def downgrade() -> None:
    op.drop_table('recovery_codes')
