"""Actions: the only way to change anything in Amends.

Each action checks permission, makes its change, appends to the record in the same transaction,
and after the commit re-renders the public pages it touched. Views, the API and the command line
build an action and call :meth:`run`; they hold no rules of their own.
"""

from amends.actions.admin import AddAccount, AddUser
from amends.actions.base import Action, Forbidden, PolicyViolation
from amends.actions.custody import PlaceHold, ReleaseHold, Unseal
from amends.actions.deletions import ApproveDeletion, RejectDeletion, RequestDeletion
from amends.actions.evidence import ExportPack
from amends.actions.incidents import CloseIncident, OpenIncident
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
from amends.actions.platforms import CheckAccount, RetryDelivery, SeeOutsideChange
from amends.actions.posts import Apologise, Correct, Publish, Reply
from amends.actions.tokens import CreateToken, RevokeToken

__all__ = [
    "Action",
    "AddAccount",
    "AddUser",
    "Apologise",
    "ApproveDeletion",
    "ChangePassword",
    "CheckAccount",
    "ClearSecondFactor",
    "CloseIncident",
    "ConfirmSecondFactor",
    "Correct",
    "CreateToken",
    "EnrolSecondFactor",
    "ExportPack",
    "Forbidden",
    "OpenIncident",
    "PlaceHold",
    "PolicyViolation",
    "Publish",
    "RejectDeletion",
    "ReleaseHold",
    "RemoveSecondFactor",
    "Reply",
    "RequestDeletion",
    "RetryDelivery",
    "RevokeToken",
    "SeeOutsideChange",
    "SetActive",
    "SetPassword",
    "SetRole",
    "Unseal",
]
