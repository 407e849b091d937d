"""The two resolvers under test, fed the same records."""

import random
import time

from shuniu.people import matching


def evaluate(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict:
    true_positive = len(predicted & truth)
    precision = true_positive / len(predicted) if predicted else 0.0
    recall = true_positive / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "predicted_pairs": len(predicted),
        "true_positives": true_positive,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def run_shuniu(records) -> dict:
    """The registry's own resolver: blocking + weighted similarity (shuniu.people.matching.resolve)."""
    started, cpu = time.perf_counter(), time.process_time()
    likely, possible = set(), set()
    for left, right, score in matching.resolve(records):
        pair = (min(left, right), max(left, right))
        (likely if score.level == "likely" else possible).add(pair)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "likely": likely,
        "possible": possible,
    }


def single_check(records, probes: int = 200) -> dict:
    """One new registrant checked against everyone: the index is built once (in the registry it is
    the database's indexes on the blocking keys), then each check looks up its keys and scores."""
    started = time.perf_counter()
    index: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        for key in matching.blocking_keys(record):
            index.setdefault(key, []).append(position)
    built = time.perf_counter() - started
    rng = random.Random(7)
    timings = []
    for record in rng.sample(records, k=min(probes, len(records))):
        start = time.perf_counter()
        seen = set()
        for key in matching.blocking_keys(record):
            for position in index.get(key, ())[:200]:
                if position not in seen:
                    seen.add(position)
                    matching.score(record, records[position])
        timings.append(time.perf_counter() - start)
    timings.sort()
    return {
        "against_records": len(records),
        "index_build_seconds": round(built, 2),
        "median_ms": round(timings[len(timings) // 2] * 1000, 3),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 3),
        "max_ms": round(timings[-1] * 1000, 3),
    }


def _splink_table(records) -> dict[str, list]:
    columns = {
        name: []
        for name in [
            "unique_id",
            "name",
            "name_pinyin",
            "surname",
            "id_number",
            "birth_date",
            "birth_year",
            "gender",
            "phone",
            "address",
        ]
    }
    for record in records:
        name = matching.normalize_name(record.name)
        birth = record.birth_date.isoformat() if record.birth_date else None
        columns["unique_id"].append(record.key)
        columns["name"].append(name or None)
        columns["name_pinyin"].append(matching.name_key(record.name) or None)
        columns["surname"].append(name[:1] or None)
        columns["id_number"].append(record.id_number or None)
        columns["birth_date"].append(birth)
        columns["birth_year"].append(birth[:4] if birth else (record.id_number[6:10] if record.id_number else None))
        columns["gender"].append(record.gender or None)
        columns["phone"].append(record.phone or None)
        columns["address"].append(matching.normalize_address(record.address) or None)
    return columns


def run_splink(records) -> dict:
    """splink (Fellegi-Sunter, DuckDB) with the same blocking keys and the same pre-processing
    (simplified characters, folded pinyin), trained unsupervised as its documentation recommends."""
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started, cpu = time.perf_counter(), time.process_time()  # CPU of every thread (DuckDB runs several)
    db_api = DuckDBAPI()
    table = db_api.register(_splink_table(records), dataset_display_name="people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.LevenshteinAtThresholds("name", [1, 2]),
            cl.JaroWinklerAtThresholds("name_pinyin", [0.95, 0.88]),
            cl.DamerauLevenshteinAtThresholds("id_number", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("gender"),
            cl.DamerauLevenshteinAtThresholds("phone", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("phone"),
            block_on("name_pinyin", "birth_year"),
            block_on("surname", "birth_date"),
            block_on("address"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_pinyin", "birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    rows = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability").fetchall()
    pairs_50, pairs_90 = set(), set()
    for left, right, probability in rows:
        pair = (min(left, right), max(left, right))
        pairs_50.add(pair)
        if probability >= 0.9:
            pairs_90.add(pair)
    return {
        "version": splink.__version__,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "pairs_50": pairs_50,
        "pairs_90": pairs_90,
    }
