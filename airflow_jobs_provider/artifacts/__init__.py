"""Where artifacts come from: a reference, the source interface, and its implementations."""
