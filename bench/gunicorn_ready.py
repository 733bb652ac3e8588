"""gunicorn settings file of the benchmarks: each worker leaves a file in
``$BENCH_READY_DIR`` once it has loaded the application, so a benchmark starts its
clients only when every worker can answer. Clients keep their connections open, and a
connection stays with the worker that accepted it: started as soon as the first
worker answers, every client sticks to that one worker and the run measures one
process of a server that is still starting (about 2,400 instead of 5,000 requests/s
for the bare view here)."""

import os


def post_worker_init(worker):
    directory = os.environ.get("BENCH_READY_DIR")
    if directory:
        with open(os.path.join(directory, str(worker.pid)), "w"):
            pass
