"""issued documents: the exact PDF bytes a request was approved with, their SHA-256, input and signer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Every download of an approved request returns the stored bytes; the provider's copy is checked against
``sha256`` (indexed: the public verification page looks documents up by it). Requests approved before this
revision have no row and are rendered as before.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql
import lawreq.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('input', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=True),
    sa.Column('request_version', sa.Integer(), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('signature_level', sa.String(length=8), nullable=True),
    sa.Column('signer_subject', sa.Text(), nullable=True),
    sa.Column('signer_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_changed_at', lawreq.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['legal_requests.id'],
                            name=op.f('fk_issued_documents_request_id_legal_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_issued_documents_unit_id_units')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_issued_documents_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents'))
    )
    op.create_index(op.f('ix_issued_documents_request_id'), 'issued_documents', ['request_id'], unique=False)
    op.create_index(op.f('ix_issued_documents_sha256'), 'issued_documents', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_issued_documents_sha256'), table_name='issued_documents')
    op.drop_index(op.f('ix_issued_documents_request_id'), table_name='issued_documents')
    op.drop_table('issued_documents')
