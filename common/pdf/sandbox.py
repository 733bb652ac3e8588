"""Rendering in a child process, with a memory ceiling and a deadline.

WeasyPrint's cost grows with what delegations type; one document must not be able
to hold a worker for minutes or take gigabytes from it. Each rendering runs in a
fresh process forked from a *forkserver* that has already imported WeasyPrint
(so a child starts in milliseconds, not the 0.6 s of an import), with
``RLIMIT_AS`` set before it renders; the parent waits at most ``limits.seconds``
and kills it after that. A child that runs out of memory reports it or dies; either
way the parent raises :class:`~common.pdf.RenderLimitExceeded` and carries on.
"""

import multiprocessing
import resource
import threading
import traceback

from . import RenderLimitExceeded, UnsafeResourceError

_context_lock = threading.Lock()
_context = None


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                ["weasyprint", "common.pdf.fetcher", "common.pdf.text_layer"]
            )
            _context = context
        return _context


def _child(connection, html, stylesheets, fonts, memory_bytes):
    from . import write_pdf

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        pdf = write_pdf(html, stylesheets, fonts)
    except MemoryError:
        connection.send(("memory", ""))
    except UnsafeResourceError as exc:
        connection.send(("unsafe", str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        connection.send(("error", traceback.format_exc(limit=5)[-2000:]))
    else:
        connection.send_bytes(pdf)
    finally:
        connection.close()


def render_isolated(html, stylesheets, fonts, limits):
    """PDF bytes of ``html`` rendered by a child process within ``limits``."""
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, html, stylesheets, fonts, limits.memory_bytes),
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise RenderLimitExceeded(
                "time", f"Rendering stopped after {limits.seconds:g} s (time limit)."
            )
        try:
            message = receiver.recv_bytes()
        except EOFError:  # died without a word: killed by the kernel or a C library
            raise RenderLimitExceeded(
                "memory", "The rendering process died (memory limit)."
            ) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if message.startswith(b"%PDF"):
        return message
    kind, detail = _load(message)
    if kind == "memory":
        raise RenderLimitExceeded(
            "memory", f"Rendering stopped at {limits.memory_bytes // 2**20} MB (memory limit)."
        )
    if kind == "unsafe":
        raise UnsafeResourceError(detail)
    raise RuntimeError(f"Rendering failed in the child process:\n{detail}")


def _load(message):
    import pickle

    return pickle.loads(message)  # noqa: S301 - from our own child process
