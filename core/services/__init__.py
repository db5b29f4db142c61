"""Every user action podesk offers, one entry each: the API, the Slack bot, the dashboard and the
workers call these and nothing else that writes (modules starting with `_` are storage helpers).

Each action takes the acting user first, checks their role, validates, writes the change, its
audit event and its outbox messages in one transaction, and returns the result or raises a
`core.errors.DomainError` subclass named for the business condition.

Simple actions take typed keyword arguments; creating and changing POs, receipts, invoices and
reference data take a request body validated by the schema every face shares (core/schemas),
whose problems point into that body, so a face can map them onto its own fields.
"""
from core.services._access import require_role
from core.services.batches import enqueue_batch
from core.services.invoicing import accept_invoice_exception, register_invoice
from core.services.lifecycle import approve_po, cancel_po, check_decision, close_po, reject_po, submit_po
from core.services.purchase_orders import Created, copy_po, create_po, delete_po, update_po
from core.services.receiving import record_receipt
from core.services.reference import (
    create_dimension,
    create_sku,
    create_skus,
    create_vendor,
    update_dimension,
    update_sku,
    update_vendor,
)
from core.services.exports import mark_invoice_exported, mark_invoice_unexported
from core.services.sending import send_po
from core.services.webhooks import create_webhook, delete_webhook
from core.services.settings import update_settings
from core.services.slack import forget_slack_events, once_per_slack_event, remember_slack_message, tell_in_slack
from core.services.sessions import SignedIn, check_sign_in_link, issue_sign_in_link, redeem_sign_in_link, sign_in
from core.services.users import add_user, create_api_key, link_slack_id, revoke_api_key, set_active, set_password, set_preferences
from core.services.users import learn_slack_preferences

__all__ = [
    "Created", "accept_invoice_exception", "add_user", "approve_po", "cancel_po", "close_po", "copy_po",
    "create_api_key", "create_dimension", "create_po", "create_sku", "create_skus", "create_vendor", "delete_po",
    "enqueue_batch", "link_slack_id", "record_receipt", "register_invoice", "reject_po", "require_role", "revoke_api_key",
    "SignedIn", "check_decision", "check_sign_in_link", "forget_slack_events", "once_per_slack_event", "remember_slack_message", "tell_in_slack", "issue_sign_in_link", "redeem_sign_in_link", "set_active", "sign_in",
    "set_password", "set_preferences", "submit_po", "update_dimension", "update_po", "update_settings", "update_sku", "update_vendor",
]
__all__ += ["learn_slack_preferences"]
__all__ += ["create_webhook", "delete_webhook", "mark_invoice_exported", "mark_invoice_unexported", "send_po"]
