"""Fast bulk loading for large generated data sets (`shuniu seed-scale`, benchmarks).

Rows are built as model instances and turned into database values exactly as Django's INSERT
would (each field's `pre_save` and `get_db_prep_save`: encryption, blind indexes, JSON), then
written with COPY on PostgreSQL and executemany on SQLite. Primary keys are assigned up front so
related rows can point at them without reading anything back; sequences are moved past them.
"""

from collections.abc import Iterable

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> int:
    """First id of a block of `count` ids nobody else will use (PostgreSQL: advances the sequence)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
            return first
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        return cursor.fetchone()[0] + 1


def assign_ids(model: type[models.Model], objects: list[models.Model]) -> None:
    """Give `objects` consecutive ids of a freshly reserved block (rows whose number is known only
    once they are built, e.g. the lines of the batches a chunk happened to make)."""
    if not objects:
        return
    first = reserve_ids(model, len(objects))
    for index, obj in enumerate(objects):
        obj.id = first + index


def insert(model: type[models.Model], objects: Iterable[models.Model], batch_size: int = 5000) -> int:
    fields = list(model._meta.concrete_fields)
    columns = [field.column for field in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    batch: list[tuple] = []

    def flush():
        if not batch:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", batch)  # noqa: S608  # nosec B608
        batch.clear()

    for obj in objects:
        row = []
        for field in fields:
            value = field.pre_save(obj, add=True)
            row.append(field.get_db_prep_save(value, connection))
        batch.append(tuple(_plain(value) for value in row))
        count += 1
        if len(batch) >= batch_size:
            flush()
    flush()
    return count


def _plain(value):
    # psycopg's COPY adapts Python values itself; JSON wrappers from get_db_prep_save carry `.obj`.
    adapted = getattr(value, "obj", None)
    if adapted is not None and connection.vendor == "postgresql":
        import json

        return json.dumps(adapted, ensure_ascii=False)
    return value
