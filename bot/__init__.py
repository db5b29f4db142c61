"""The Slack bot: build_app (bot/app.py), its listeners, Block Kit builders and the outbox's Slack channel."""
