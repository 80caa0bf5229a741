"""The outbox and the notification channels."""
