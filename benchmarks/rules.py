"""Print rules load/validate time and route-evaluation latency (targets: load <= 500 ms, p99 <= 1 ms).

Usage: python benchmarks/rules.py [PATH] [--n 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from lawreq.rules import Facts, RuleSet, evaluate, load_rules
from lawreq.rules.schema import AUTHORITIES, DATA_CATEGORIES


def _random_facts(rules: RuleSet, rng: random.Random) -> Facts:
    countries = sorted(rules.countries)
    categories = rng.sample(DATA_CATEGORIES, rng.randint(1, len(DATA_CATEGORIES)))
    return Facts.from_mapping({
        "issuing_country": rng.choice(countries), "provider": rng.choice(sorted(rules.providers)),
        "data_categories": categories, "offence": rng.choice(sorted(rules.offences)),
        "max_penalty_years": rng.choice([None, 1, 2, 3, 5, 10]), "emergency": rng.random() < 0.2,
        "committed_online": rng.random() < 0.8, "issuer": rng.choice(AUTHORITIES),
        "target_resides_in": rng.choice([None, *countries]), "offence_committed_in": rng.choice([None, *countries]),
        "date": date(2022, 1, 1) + timedelta(days=rng.randint(0, 5 * 365)),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    rules = load_rules(args.path)
    cold_ms = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(3):
        started = time.perf_counter()
        load_rules(args.path)
        warm.append((time.perf_counter() - started) * 1000)
    files = sum(1 for _ in Path(rules.root).rglob("*.yaml"))
    print(f"rules: {files} files, {len(rules.countries)} countries, {len(rules.providers)} providers, "
          f"{len(rules.routes)} route rules, {len(rules.cases)} cases (version {rules.version})")
    print(f"load + validate: cold {cold_ms:.1f} ms, warm median {statistics.median(warm):.1f} ms (target <= 500 ms)")

    rng = random.Random(args.seed)
    fact_sets = [_random_facts(rules, rng) for _ in range(args.n)]
    timings = []
    routes = 0
    for facts in fact_sets:
        started = time.perf_counter()
        result = evaluate(facts, rules)
        timings.append((time.perf_counter() - started) * 1000)
        routes += len(result)
    timings.sort()
    p50 = timings[len(timings) // 2]
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"evaluate: {args.n} random fact sets, {routes / args.n:.1f} routes each: "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {timings[-1]:.3f} ms (target p99 <= 1 ms)")


if __name__ == "__main__":
    main()
