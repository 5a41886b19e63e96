"""reminders: partial index for crash recovery of the sweep

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Rows stuck in ``sending`` past their lease go back to ``pending`` on every sweep; with a million reminder rows
that lookup needs its own small partial index, like ``ix_reminders_due_pending`` for the due ones.
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_sending_lease', ['claimed_until'], unique=False,
                              postgresql_where=sa.text("status = 'sending'"),
                              sqlite_where=sa.text("status = 'sending'"))


def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_sending_lease', postgresql_where=sa.text("status = 'sending'"),
                            sqlite_where=sa.text("status = 'sending'"))
