"""users.must_change_password: a password an admin typed is replaced by its owner at the next login

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Existing accounts start with the flag off (``server_default false``): their passwords were chosen before the
flag existed, and nobody can tell any more which of them an admin typed.
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
