"""IPython magics: ``%load_ext ndmem`` gives ``%memit`` and ``%%memtrack``.

Both print the allocator's exact figures for the code they run (net bytes,
peak above the start, allocations) beside the change of the process's RSS,
then the buffers the code created that outlive it and any buffer that only
views keep alive.
"""

import gc

from ndmem import memory


def _report(tracker, label):
    rss = "n/a" if tracker.rss_delta is None else f"{tracker.rss_delta:+,} B"
    lines = [f"{label}: net {tracker.net_bytes:+,} B, peak {tracker.peak_bytes:,} B, "
             f"{tracker.allocations} allocation(s) (exact); RSS {rss}"]
    if tracker.survivors:
        lines.append(f"buffers created here and still alive: {len(tracker.survivors)}")
        for b in tracker.survivors:
            lines.append(f"  {b!r}")
    pins = memory.pinned()
    if pins:
        lines.append(f"buffers kept alive only by views: {len(pins)}")
        for p in pins:
            lines.append(f"  {p!r}")
    return "\n".join(lines)


def _run(shell, code, label, silent=False):
    # garbage left by earlier cells is freed now, not charged to this code
    gc.collect()
    with memory.track() as tracker:
        # run_cell shows any error as a normal cell does; silent keeps an
        # expression's value out of Out/_ (where it would outlive the run)
        result = shell.run_cell(code, store_history=False, silent=silent)
    print(_report(tracker, label))
    return result


def memit(line):
    """%memit stmt: run stmt and print its exact array memory and RSS delta."""
    from IPython import get_ipython
    _run(get_ipython(), line, "memit", silent=True)


def memtrack(line, cell):
    """%%memtrack: run the cell and print its exact array memory and RSS delta."""
    from IPython import get_ipython
    _run(get_ipython(), cell, "memtrack")


def _check_pins(result=None):
    # a `del` in a cell frees nothing when views remain, so nothing else
    # would run the memory.warn_pins() check before the next cell
    memory.check_pins()


def load_ipython_extension(ipython):
    """Register ``%memit`` and ``%%memtrack`` with an IPython shell, and run
    the :func:`ndmem.memory.warn_pins` check after every cell."""
    ipython.register_magic_function(memit, "line", "memit")
    ipython.register_magic_function(memtrack, "cell", "memtrack")
    if _check_pins not in ipython.events.callbacks["post_run_cell"]:
        ipython.events.register("post_run_cell", _check_pins)
