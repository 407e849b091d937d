"""Every state change of the outreach app (DESIGN.md: services own state)."""
