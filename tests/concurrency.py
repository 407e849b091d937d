"""Race helper for the PostgreSQL concurrency tests: start callables at the same moment in threads."""

import threading

from django.db import connections

from shuniu.core.services import DomainError


def race(actions):
    """Run the callables at the same moment, each in its own thread (and database connection);
    return, in order, what each returned or the DomainError it raised."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except DomainError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
