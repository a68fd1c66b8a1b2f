"""Actions: the only way to change anything in Amends.

Each action checks permission, makes its change, appends to the record in the same transaction,
and after the commit re-renders the public pages it touched. Views, the API and the command line
build an action and call :meth:`run`; they hold no rules of their own.
"""

from amends.actions.admin import AddAccount, AddUser
from amends.actions.adoption import AdoptPost
from amends.actions.base import Action, Forbidden, PolicyViolation
from amends.actions.channels import AddToIncident, CorrectEverywhere
from amends.actions.copies import CopyGone, HandleMention, NotifyCopy, RecordCopy
from amends.actions.custody import PlaceHold, ReleaseHold, Unseal
from amends.actions.deletions import (
    ApproveDeletion,
    RejectDeletion,
    RemoveNow,
    RequestDeletion,
    ReviewRemoval,
    WithdrawDeletion,
)
from amends.actions.evidence import ExportPack
from amends.actions.incidents import CloseIncident, OpenIncident
from amends.actions.monitor import FollowLog
from amends.actions.notify import AddChannel, AddShift, RemoveChannel, RemoveShift, SendTest
from amends.actions.ownership import AssignIncident, NoteIncident
from amends.actions.people import (
    ChangePassword,
    ClearSecondFactor,
    ConfirmSecondFactor,
    EnrolSecondFactor,
    RemoveSecondFactor,
    SetActive,
    SetPassword,
    SetRole,
)
from amends.actions.platforms import CheckAccount, ConfirmByHand, RetryDelivery, SeeOutsideChange
from amends.actions.posts import Apologise, Correct, Publish, Reply
from amends.actions.redaction import ProtectNames, PublishRedacted
from amends.actions.sending import PauseSending, ResumeSending
from amends.actions.tokens import CreateToken, RevokeToken
from amends.actions.witnesses import AddWitness

__all__ = [
    "Action",
    "AddAccount",
    "AddChannel",
    "AddShift",
    "AddToIncident",
    "AddUser",
    "AddWitness",
    "AdoptPost",
    "Apologise",
    "ApproveDeletion",
    "AssignIncident",
    "ChangePassword",
    "CheckAccount",
    "ClearSecondFactor",
    "CloseIncident",
    "ConfirmByHand",
    "ConfirmSecondFactor",
    "CopyGone",
    "Correct",
    "CorrectEverywhere",
    "CreateToken",
    "EnrolSecondFactor",
    "ExportPack",
    "FollowLog",
    "Forbidden",
    "HandleMention",
    "NoteIncident",
    "NotifyCopy",
    "OpenIncident",
    "PauseSending",
    "PlaceHold",
    "PolicyViolation",
    "ProtectNames",
    "Publish",
    "PublishRedacted",
    "RecordCopy",
    "RejectDeletion",
    "ReleaseHold",
    "RemoveChannel",
    "RemoveNow",
    "RemoveSecondFactor",
    "RemoveShift",
    "Reply",
    "RequestDeletion",
    "ResumeSending",
    "RetryDelivery",
    "ReviewRemoval",
    "RevokeToken",
    "SeeOutsideChange",
    "SendTest",
    "SetActive",
    "SetPassword",
    "SetRole",
    "Unseal",
    "WithdrawDeletion",
]
