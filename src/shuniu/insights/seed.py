"""Demo data: the cockpit's aggregate tables are built from the demo records (seeded last)."""

from .aggregates import rebuild


def seed(context) -> None:
    written = rebuild()
    context.say(f"  cockpit figures: {sum(written.values())} aggregate rows")
