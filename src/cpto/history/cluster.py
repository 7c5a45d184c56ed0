"""Index an estate's repositories on a Dask cluster's workers (``cpto index --cluster ADDRESS``).

Why Dask distributed and not Ray: cpto sends one plain function call per repository and reads the
results as they complete; that is all of ``distributed.Client.submit`` and ``as_completed``. Dask
distributed is pure Python (about 40 MB with its dependencies, against Ray's few hundred MB of
native wheels), starts a local cluster in a second, and a real one with ``dask scheduler`` and
``dask worker ADDRESS`` on each machine. It is optional: ``pip install 'cpto[cluster]'``.

What runs where: each worker runs :func:`cpto.history.estate.index_shard` for one repository, reading
the repository at its path and writing the shard's next generation under the workspace's
``.cpto/shards/``; this process merges each landed shard into the index and writes the catalog, as
it does for its own worker processes. So the repositories and the shards folder must be at the same
path on every worker and here (a shared file system); object stores are not supported yet.

Dask is imported only inside these functions, so ``cpto`` starts as fast without it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cpto.errors import CptoError
from cpto.history.estate import ShardDone, ShardTask, generation_folder, index_shard

CONNECT_TIMEOUT = 5.0  # seconds to reach the scheduler before saying it cannot be reached
INSTALL_HINT = "install it with: pip install 'cpto[cluster]'"


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``address`` (``tcp://host:8786`` or
    ``host:8786``), or one CptoError line saying why not: dask missing, a malformed address, a host
    that does not resolve, or no scheduler answering within ``timeout`` seconds."""
    try:
        from distributed import Client
        from distributed.comm.addressing import parse_address, parse_host_port
    except ImportError:
        raise CptoError(f"--cluster needs Dask distributed, which is not installed; {INSTALL_HINT}") from None
    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            host, port = parse_host_port(location)
            # resolved here so that a mistyped host fails at once, not after the client's own retries
            socket.getaddrinfo(host, port)
    except ValueError as exc:
        raise CptoError(
            f"--cluster {address!r}: not a scheduler address ({exc}); e.g. tcp://host:8786"
        ) from None
    except OSError as exc:
        raise CptoError(f"--cluster {address!r}: cannot resolve the host ({exc.strerror or exc})") from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CptoError(
            f"--cluster {address!r}: no Dask scheduler answered within {timeout:g} s ({exc}); "
            "is `dask scheduler` running there and its port open?"
        ) from None


@contextmanager
def session(address: str, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A client connected to the cluster for the length of a run (see :func:`connect`), then closed."""
    client = connect(address, timeout)
    try:
        yield client
    finally:
        client.close()


def run_on_cluster(tasks: Sequence[ShardTask], client: Any, *, on_done: Callable[[ShardDone], None]) -> None:
    """Send one task per repository to the cluster ``client`` is connected to and call ``on_done`` here
    as each finishes, in the order they finish. A task whose worker died, or whose shard this process
    cannot see (the shards folder is not shared), becomes that repository's failure; the others go on."""
    from distributed import as_completed

    # pure=False: a re-run of the same task must run again (the repository may have moved on)
    futures = {client.submit(index_shard, task, pure=False): task for task in tasks}
    for future in as_completed(futures, loop=client.loop):
        task = futures[future]
        try:
            done: ShardDone = future.result()
        except Exception as exc:  # the worker died or could not run cpto: this repository's failure
            done = ShardDone(task.repo, task.repo_id, error=f"{task.repo}: on the cluster: {_line(exc)}")
        on_done(_seen_here(done, task))


def _seen_here(done: ShardDone, task: ShardTask) -> ShardDone:
    """The worker's result, or an error if the generation it wrote is not visible from this machine."""
    if done.error or not done.generation:
        return done
    folder = generation_folder(Path(task.shards), task.repo_id, done.generation)
    if folder.is_dir():
        return done
    return ShardDone(
        task.repo,
        task.repo_id,
        error=(
            f"{task.repo}: a worker wrote its shard to {folder}, which this machine cannot see; "
            "the workspace's .cpto/shards must be on storage shared by every worker"
        ),
    )


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
