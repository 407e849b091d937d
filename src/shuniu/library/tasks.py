"""Background work of the library (django.tasks): tasks take ids and are idempotent."""

from django.tasks import task


@task()
def process_version(version_id: int) -> str:
    """Extract text, count pages and render previews of one uploaded version."""
    from shuniu.library.services import process_version as run

    return run(version_id)
