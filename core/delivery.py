"""What an outbox channel outside core needs (the Slack bot's, say): the message it is handed, the
failure it raises to be retried or given up on, and how it is registered. The faces may not import
core.outbox itself (its tables and claims are core's business); this is its public face for them."""
from core.outbox import DAY_POLICY, DEFAULT_POLICY, Channel, DeliveryFailed, Message, RetryPolicy, register

__all__ = ["DAY_POLICY", "DEFAULT_POLICY", "Channel", "DeliveryFailed", "Message", "RetryPolicy", "register"]
