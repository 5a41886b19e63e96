"""ex-post validation (Reg. (EU) 2023/1543 Art. 4(5)): the approver group that validates an order issued first

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-04

``legal_requests.validation_authority`` names the approver group (prosecutor, judge) that must validate after the
fact an order the investigator's authority issued without prior validation in an emergency; approvers of that
group see the request in their queue until they validate it or refuse to. NULL for every other request.
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validation_authority', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.drop_column('validation_authority')
