"""hand-offs and the provider's answer: workflow outbox, answer files, outcome per identifier, urgent notifications

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-04

``workflow_messages`` is the hand-off outbox, swept with the reminders' claim (partial indexes on the due and the
leased rows, as for ``reminders``). ``answer_files`` holds the metadata of what a provider sent back (the bytes are
in the instance folder, named by their SHA-256); ``identifier_outcomes`` what it did for each identifier.
``notifications.urgent`` marks emergencies; ``cases.title`` is the short name of an (editable) case.
"""
from alembic import op
import sqlalchemy as sa

import lawreq.db

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('due_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_until', lawreq.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', lawreq.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['legal_requests.id'],
                                name=op.f('fk_workflow_messages_request_id_legal_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workflow_messages_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_messages')),
    )
    with op.batch_alter_table('workflow_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_messages_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_messages_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_workflow_messages_due_pending', ['due_at'], unique=False,
                              postgresql_where=sa.text("status = 'pending'"),
                              sqlite_where=sa.text("status = 'pending'"))
        batch_op.create_index('ix_workflow_messages_sending_lease', ['claimed_until'], unique=False,
                              postgresql_where=sa.text("status = 'sending'"),
                              sqlite_where=sa.text("status = 'sending'"))

    op.create_table(
        'answer_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('file_type', sa.String(length=16), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['legal_requests.id'],
                                name=op.f('fk_answer_files_request_id_legal_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_answer_files_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_files')),
    )
    with op.batch_alter_table('answer_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_files_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_files_sha256'), ['sha256'], unique=False)

    op.create_table(
        'identifier_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('identifier', sa.String(length=300), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', lawreq.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['legal_requests.id'],
                                name=op.f('fk_identifier_outcomes_request_id_legal_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_identifier_outcomes_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_outcomes')),
        sa.UniqueConstraint('request_id', 'position', name=op.f('uq_identifier_outcomes_request_id')),
    )
    with op.batch_alter_table('identifier_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identifier_outcomes_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('title')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('urgent')
    op.drop_table('identifier_outcomes')
    op.drop_table('answer_files')
    with op.batch_alter_table('workflow_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_workflow_messages_sending_lease', postgresql_where=sa.text("status = 'sending'"),
                            sqlite_where=sa.text("status = 'sending'"))
        batch_op.drop_index('ix_workflow_messages_due_pending', postgresql_where=sa.text("status = 'pending'"),
                            sqlite_where=sa.text("status = 'pending'"))
    op.drop_table('workflow_messages')
