"""Outbox channels for what core itself sends: emails to vendors (SMTP) and webhooks (HTTP).

The composition root (podesk/wiring.py) registers them; the worker calls `deliver` outside any
transaction, so a slow server holds no lock and slows no request.
"""
