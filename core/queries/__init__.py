"""Read models shared by the API, the dashboard and the bot (services are the only writers)."""
