"""Print rules load/validate time and route-evaluation latency (targets: load <= 500 ms, p99 <= 1 ms).

Usage: python benchmarks/rules.py [PATH] [--n 10000] [--seed 1] [--baseline PATH]

Both are measured in process CPU time (``time.process_time``) as well as wall time: on a shared machine (the
development box runs many agents on two cores) wall time mostly measures the neighbours, CPU time what this
code costs. The RESULT lines report CPU time and say so (``clock=cpu``); the wall figures are printed above them.
The baseline is the same measurement on ``--baseline`` (e.g. the base commit's jurisdictions/ tree), else on
the small fixture tree under tests/data (a trivial load).
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


def _load_times(path: str | None, runs: int = 5) -> tuple[RuleSet, float, float, float]:
    """(rules, cold wall ms, warm median wall ms, warm median CPU ms)."""
    started = time.perf_counter()
    rules = load_rules(path)
    cold = (time.perf_counter() - started) * 1000
    wall, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        load_rules(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return rules, cold, statistics.median(wall), statistics.median(cpu)


def _eval_times(rules: RuleSet, n: int, seed: int) -> tuple[list[float], list[float], int]:
    rng = random.Random(seed)
    fact_sets = [_random_facts(rules, rng) for _ in range(n)]
    wall, cpu = [], []
    routes = 0
    for facts in fact_sets:
        started, cpu_started = time.perf_counter(), time.thread_time()
        result = evaluate(facts, rules)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        routes += len(result)
    return sorted(wall), sorted(cpu), routes


def _p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


def _result(name: str, value: float, baseline: float, target: float) -> str:
    ratio = value / baseline if baseline else float("inf")
    verdict = "ok" if value <= target else "miss"
    return (f"RESULT {name} value={value:.3f}ms baseline={baseline:.3f}ms ratio={ratio:.2f} "
            f"target=<={target:g}ms verdict={verdict} clock=cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", default=None,
                        help="Rules tree to measure as the baseline (default: the tests/data fixture tree).")
    args = parser.parse_args()
    baseline_path = args.baseline or str(Path(__file__).resolve().parent.parent / "tests/data/jurisdictions/valid")

    rules, cold_ms, warm_ms, warm_cpu = _load_times(args.path)
    files = sum(1 for _ in Path(rules.root).rglob("*.yaml"))
    print(f"rules: {files} files, {len(rules.countries)} countries, {len(rules.providers)} providers, "
          f"{len(rules.routes)} route rules, {len(rules.cases)} cases (version {rules.version})")
    print(f"load + validate: cold {cold_ms:.1f} ms wall, warm median {warm_ms:.1f} ms wall / {warm_cpu:.1f} ms CPU "
          f"(target <= 500 ms)")
    base_rules, _, base_wall, base_cpu = _load_times(baseline_path)
    print(f"baseline {baseline_path}: warm median {base_wall:.1f} ms wall / {base_cpu:.1f} ms CPU")

    wall, cpu, routes = _eval_times(rules, args.n, args.seed)
    print(f"evaluate: {args.n} random fact sets, {routes / args.n:.1f} routes each: wall p50 {_p(wall, .5):.3f} ms, "
          f"p99 {_p(wall, .99):.3f} ms, max {wall[-1]:.3f} ms; CPU p50 {_p(cpu, .5):.3f} ms, p99 {_p(cpu, .99):.3f} ms "
          f"(target p99 <= 1 ms)")
    base_wall_e, base_cpu_e, _ = _eval_times(base_rules, min(args.n, 2000), args.seed)
    print(f"baseline evaluate: wall p99 {_p(base_wall_e, .99):.3f} ms, CPU p99 {_p(base_cpu_e, .99):.3f} ms")
    print(_result("rules_load", warm_cpu, base_cpu, 500))
    print(_result("rules_eval_p99", _p(cpu, .99), _p(base_cpu_e, .99), 1))


if __name__ == "__main__":
    main()
