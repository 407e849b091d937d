"""Background work of the people registry: ids in, idempotent."""

from django.tasks import task


@task
def scan_person_task(person_id: int) -> int:
    """Propose match candidates for one person (re-running only refreshes the same pairs)."""
    from shuniu.people.resolution import scan_person

    return scan_person(person_id)


@task
def scan_registry_task() -> int:
    """Propose match candidates across the whole registry."""
    from shuniu.people.resolution import scan_registry

    return scan_registry()


@task
def analyse_import_task(job_id: int, language: str = "") -> None:
    """Read and check every row of an uploaded file (after the mapping step)."""
    from shuniu.people.importing import analyse

    analyse(job_id, language or None)


@task
def run_import_task(job_id: int, actor_id: int) -> None:
    """Import the valid rows of a checked file in one transaction."""
    from shuniu.people.importing import run_import

    run_import(job_id, actor_id)
