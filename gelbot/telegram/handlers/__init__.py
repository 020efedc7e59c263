"""Handlers: one module per area of the conversation with the committee."""
