"""Autosave under load for several database settings, alternating in one run.

Runs ``bench/autosave.py`` once per setting per round, the settings in turn, so that a
slower minute of the machine falls on every setting alike, and prints one line per run
and a table of each setting's range (throughput at the editors' pace, p95 latency,
saturation in saves/s, its ratio to the bare Django view measured in the same run, and
lost writes). A setting is a name and environment variables for the server:

    .venv/bin/python bench/autosave_matrix.py --editors 200 --seconds 20 --rounds 2
    .venv/bin/python bench/autosave_matrix.py --baseline /path/to/older/checkout

``--baseline DIR`` adds the same bench of another checkout (its own ``.venv`` and its
own ``bench/autosave.py``), e.g. the commit before a change, as one more setting.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = {
    "psycopg 3, prepared (threshold 5)": {"PORTAL_DB_PREPARE_THRESHOLD": "5"},
    "psycopg 3, no prepared statements": {"PORTAL_DB_PREPARE_THRESHOLD": "none"},
    "psycopg 3, prepared, sessions in Redis": {
        "PORTAL_DB_PREPARE_THRESHOLD": "5",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    },
    "psycopg 3, prepared, Django's pool": {
        "PORTAL_DB_PREPARE_THRESHOLD": "5",
        "DATABASE_POOL": "1",
    },
}

FIGURES = {
    "throughput": re.compile(r"throughput=([\d.]+) req/s"),
    "p95": re.compile(r"p95=([\d.]+)"),
    "lost": re.compile(r"lost writes=(\d+)"),
    "saturation": re.compile(r"autosave (\d+) saves/s"),
    "ratio": re.compile(r"ratio ([\d.]+) %"),
    "bare": re.compile(r"bare Django view (\d+) req/s"),
}


def run(name, python, script, env, args):
    command = [python, script, "--editors", str(args.editors), "--seconds", str(args.seconds)]
    result = subprocess.run(
        command,
        cwd=Path(script).parent.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=args.seconds * 20 + 300,
        check=False,
    )
    output = result.stdout + result.stderr
    figures = {}
    for key, pattern in FIGURES.items():
        match = pattern.search(output)
        figures[key] = float(match.group(1)) if match else None
    if None in figures.values():
        print(f"{name}: the bench did not finish:\n{output[-2000:]}", file=sys.stderr)
    print(
        f"{name}: {figures['throughput']} req/s at the editors' pace, p95 {figures['p95']} ms, "
        f"saturation {figures['saturation']} saves/s ({figures['ratio']} % of a bare view at "
        f"{figures['bare']} req/s), lost writes {figures['lost']}",
        flush=True,
    )
    return figures


def span(values, fmt="{:.0f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    low, high = min(values), max(values)
    return fmt.format(low) if low == high else f"{fmt.format(low)}–{fmt.format(high)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument(
        "--only", action="append", default=[], help="settings whose name holds this text"
    )
    args = parser.parse_args()

    here = (sys.executable, str(ROOT / "bench" / "autosave.py"))
    chosen = {
        name: env
        for name, env in SETTINGS.items()
        if not args.only or any(part in name for part in args.only)
    }
    plan = [(name, *here, env) for name, env in chosen.items()]
    if args.baseline:
        baseline = args.baseline.resolve()
        plan.insert(
            0,
            (
                f"baseline {baseline.name}",
                str(baseline / ".venv" / "bin" / "python"),
                str(baseline / "bench" / "autosave.py"),
                {},
            ),
        )
    results = {name: [] for name, *_rest in plan}
    for round_ in range(1, args.rounds + 1):
        print(f"--- round {round_} of {args.rounds}", flush=True)
        for name, python, script, env in plan:
            results[name].append(run(name, python, script, env, args))
    print()
    print(
        "| setting | req/s at the editors' pace | p95 ms | saturation saves/s "
        "| ratio to a bare view | lost writes |"
    )
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        print(
            f"| {name} | {span([r['throughput'] for r in runs])} "
            f"| {span([r['p95'] for r in runs], '{:.1f}')} "
            f"| {span([r['saturation'] for r in runs])} "
            f"| {span([r['ratio'] for r in runs], '{:.1f}')} % "
            f"| {span([r['lost'] for r in runs])} |"
        )
    lost = sum(r["lost"] or 0 for runs in results.values() for r in runs)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
