"""Import every model so ``Base.metadata`` is complete (Alembic, ``create_all`` in tests)."""

from lawreq.answers.models import AnswerFile, IdentifierOutcome
from lawreq.audit.models import AuditEntry, AuditHead
from lawreq.auth.models import ApiToken, AuthSession, RecoveryCode, Unit, User, memberships
from lawreq.board.models import StatisticsSnapshot
from lawreq.db import Base
from lawreq.deadlines.models import Deadline, Notification, Reminder
from lawreq.handoffs.models import WorkflowMessage
from lawreq.legal_requests.issued import IssuedDocument
from lawreq.legal_requests.models import Attachment, Case, LegalRequest, RequestEvent
from lawreq.ops.models import RateLimitHit, SchedulerSweep

__all__ = [
    "AnswerFile", "ApiToken", "Attachment", "AuditEntry", "AuditHead", "AuthSession", "Base", "Case", "Deadline",
    "IdentifierOutcome", "IssuedDocument", "LegalRequest", "Notification", "RateLimitHit", "RecoveryCode",
    "Reminder", "RequestEvent", "SchedulerSweep", "StatisticsSnapshot", "Unit", "User", "WorkflowMessage",
    "memberships",
]
