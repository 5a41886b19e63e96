"""users.locale: the interface language a user chose (null: follow the browser, then the instance default)

Revision ID: 0011
Revises: 0014
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
