"""What the Slack bot records for itself rather than for a person: the messages it queues for its
own outbox channel, where it posted a DM about an approval level, which Events API deliveries it
has handled (and forgetting them once Slack can no longer redeliver), and which Slack user a
podesk user is (found by the email of their Slack profile).

None of these is a person's action, so no role is checked and they are not in core.services.
Only the bot, its housekeeping job (core/jobs.py) and the composition root (podesk/) use them;
the API and the dashboard never import this module (pyproject.toml's import contracts say so).
"""
from core.services.slack import forget_slack_events, once_per_slack_event, remember_slack_messages, tell_in_slack
from core.services.users import learn_slack_preferences, link_slack_id

__all__ = ["forget_slack_events", "learn_slack_preferences", "link_slack_id", "once_per_slack_event", "remember_slack_messages", "tell_in_slack"]
