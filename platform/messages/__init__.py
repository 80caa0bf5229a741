"""The township's delivery report (消息送达): who each message reached, by which channel."""
