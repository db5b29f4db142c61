"""Read models shared by the API, the dashboard and the bot (services are the only writers).

Faces import from here. Lists take typed filters (`PoFilter`) or, for the simple reference lists,
the query string; each query runs a fixed number of statements whatever the page size.
"""
from core.queries._batches import batch, batches, results as batch_results
from core.queries._cards import po_card
from core.queries._desk import (
    all_waiting,
    count_open_exceptions,
    counts_by_status,
    open_exceptions,
    open_pos_of,
    recent_batches,
    spend_by_vendor,
    waiting_for,
)
from core.queries._choices import vendor_choices
from core.queries._po_export import EXPORT_CAP, count_purchase_orders, export_purchase_orders
from core.queries._counting import EXACT_UP_TO
from core.queries._filters import CHOICES as PO_FILTER_CHOICES, SORTABLE as PO_SORTABLE, PoFilter
from core.queries._params import QuerySchema
from core.queries._health import database_ok, outbox_health, scheduler_alive
from core.queries._invoices import invoice, invoices, receipt, receipts
from core.queries._lookup import (
    closest_po_numbers,
    find_skus,
    find_vendors,
    user,
    user_by_email,
    user_by_slack_id,
    user_for_api_key,
)
from core.queries._po_detail import line_matches, po_invoices, po_submit_warnings
from core.queries._purchase_orders import events as po_events, purchase_order, purchase_orders, purchase_orders_by_id
from core.queries._sessions import session_user
from core.queries._slack import po_id_by_number, slack_message, slack_messages, slack_reminder
from core.queries._reference import (
    dimension,
    dimensions,
    get_dimension,
    get_sku,
    get_vendor,
    settings,
    sku,
    skus,
    vendor,
    vendors,
)

__all__ = [
    "EXACT_UP_TO", "EXPORT_CAP", "PO_FILTER_CHOICES", "PO_SORTABLE", "PoFilter", "QuerySchema", "count_purchase_orders", "export_purchase_orders", "line_matches", "po_invoices",
    "po_submit_warnings", "all_waiting", "batch", "batch_results", "batches", "closest_po_numbers", "count_open_exceptions",
    "counts_by_status", "database_ok", "dimension", "dimensions", "find_skus", "find_vendors", "get_dimension",
    "get_sku", "get_vendor", "invoice", "invoices", "open_exceptions", "open_pos_of", "outbox_health", "po_card",
    "po_events", "po_id_by_number", "purchase_order", "purchase_orders", "purchase_orders_by_id", "receipt", "receipts", "recent_batches", "scheduler_alive", "session_user",
    "settings", "sku", "skus", "slack_message", "slack_messages", "slack_reminder", "spend_by_vendor", "user", "user_by_email", "user_by_slack_id", "user_for_api_key",
    "vendor", "vendor_choices", "vendors", "waiting_for",
]
from core.queries._documents import email_pdf, po_pdf  # noqa: E402

__all__ += ["email_pdf", "po_pdf"]
from core.queries._emails import email_draft, mail_configured, po_email, po_emails  # noqa: E402

__all__ += ["email_draft", "mail_configured", "po_email", "po_emails"]
from core.queries._webhooks import webhook, webhook_deliveries, webhooks  # noqa: E402

__all__ += ["webhook", "webhook_deliveries", "webhooks"]
from core.queries._export import invoices_csv  # noqa: E402

__all__ += ["invoices_csv"]
