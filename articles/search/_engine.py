"""The index kept up to the change log: read-your-writes before each search, applying the
log, rebuilding (where the index is kept, and how, is ``_storage``'s).

Before a search, one SQL statement asks whether the log has changes this index has not
applied; if so they are applied first (under the writer lock, in chunks that each save their
position), so once a write has answered, the next search on this host, from any process,
reflects it. The question is skipped while nothing was written on this host since this process
last asked (the storage's write mark, changed after each commit: ``record_changes``) and that
was less than ``SEARCH_RECHECK_MS`` ago: writes made elsewhere (another host) show within
that time. A search waits for a lock at most ``SEARCH_LOCK_WAIT_MS``, then answers 503.
Each process reloads its reader when the generation in the saved state moves. Missing,
unreadable, foreign (another database) or stale (pruned log, restored backup) indexes are
rebuilt from PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tantivy
from django.conf import settings
from django.db import connection, transaction

from articles.search import _changelog as changelog
from articles.search import _writing
from articles.search._paging import match_count
from articles.search._schema import Kind, term
from articles.search._storage import (
    SCHEMA_VERSION,
    IndexState,
    SearchUnavailable,
    Storage,
    Take,
    storage_at,
)
from articles.search._synonyms import told_version

log = logging.getLogger(__name__)

PRUNE_EVERY = datetime.timedelta(hours=1)


class IndexBusy(SearchUnavailable):
    """Another process held a lock of the index past ``SEARCH_LOCK_WAIT_MS``, and the index
    lacks changes: answering from it would break read-your-writes."""


class _CaughtUpMeanwhile(Exception):
    """While this process waited for a lock, another brought the index up to the log."""


@dataclass(frozen=True)
class Asking:
    """A question to the change log about the index at ``position``, and what made it: this
    host's write mark (``Storage.writes``) and the clock, both read before it was asked."""

    position: changelog.Position
    writes: bytes | None
    at: float


@dataclass(frozen=True)
class Reading:
    """A searcher and the index state it reads, taken together: its ``version`` (as
    ``Engine.version``) and the change log ``position`` it has applied at least."""

    searcher: tantivy.Searcher
    version: tuple[str, int]
    position: changelog.Position


class Engine:
    """One per process and index (``storage``)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.root = storage.location()
        self._mutex = threading.RLock()
        self._index: tantivy.Index | None = None
        self._name: str | None = None  # the generation ``_index`` reads
        self._generation = -1
        self._position: changelog.Position | None = None  # the state ``_index`` was read at
        self._held: set[str] = set()  # locks this process holds (they are re-entrant)
        # The last answer of the change log (``_asked``), and the question it answered.
        self._answer: tuple[Asking, changelog.Status] | None = None

    # --- reading --------------------------------------------------------------------------

    def searcher(self) -> tantivy.Searcher:
        """A searcher that reflects every change committed before this call."""
        return self.reading().searcher

    def reading(self) -> Reading:
        """As ``searcher``, with the version and log position of what it reads (taken under
        the same lock: another thread moving the index meanwhile cannot mislabel it)."""
        try:
            return self._fresh_reading()
        except (OSError, ValueError) as error:  # tantivy reports unreadable files as ValueError
            log.exception("search index at %s unusable", self.root)
            raise SearchUnavailable(f"The search index cannot be used: {error}") from None

    def _fresh_reading(self) -> Reading:
        wait = _lock_wait()
        if not self._mutex.acquire(timeout=wait):  # another thread of this process writes
            raise IndexBusy("The search index is being written; try again shortly.")
        try:
            try:
                return self._reading(self._caught_up(wait))
            except IndexBusy:
                raise
            except SearchUnavailable:
                log.warning("search index at %s unreadable: rebuilding", self.root)
                self._index = None
                self.rebuild(wait=wait)
                return self._reading(self._open_live())
        except _CaughtUpMeanwhile:
            return self._reading(self._open_live())
        finally:
            self._mutex.release()

    def _reading(self, index: tantivy.Index) -> Reading:
        # The reader was reloaded after its state was read (a commit precedes its state):
        # it holds every change up to that position, perhaps a few more.
        return Reading(index.searcher(), self.version, self._position)

    def _caught_up(self, wait: float) -> tantivy.Index:
        live = self._live()
        need = self._need(live)
        if need is None:
            return self._open_live(live)  # the usual case: one statement, no write
        if need == "rebuild":
            self.rebuild(wait=wait)
        else:
            self.apply(wait=wait)
        return self._open_live()

    def status_query(self) -> tuple[str, list[object], Asking] | None:
        """For a request that will search: the change log statement for the live index, to
        run within the request's first statement (the throttle's). Its answer, handed to
        ``told``, spares the search its own round trip. None without a live index, and when
        the search will not need to ask (``_answered``)."""
        state = self._live_state()
        if state is None or self._answered(state.position) is not None:
            return None
        asking = self._asking(state.position)
        return (*changelog.status_query(state.position), asking)

    def told(self, asking: Asking, row: tuple) -> None:
        """The log's status for ``asking`` (the row ``status_query`` selects), read at the
        start of this request: the next search in this thread uses it once, if the live
        index is still at its position. Read after the request arrived, it reflects every
        write answered before it."""
        status = changelog.Status(*row)
        _told.status = (asking, status)
        told_version((status.database_id, status.synonyms_version))
        self._remember(asking, status)

    def _need(self, live: tuple[str, IndexState] | None) -> str | None:
        """What the live index needs before it answers: None, "apply" or "rebuild"."""
        if live is None:
            return "rebuild"
        position = live[1].position
        told, _told.status = getattr(_told, "status", None), None
        if told is not None and told[0].position == position:
            status = told[1]
        else:
            status = self._answered(position) or self._ask(position)
        if status.database_id != live[1].database_id or status.stale:
            log.warning("search index at %s belongs elsewhere or is stale", self.root)
            return "rebuild"
        return "apply" if status.pending or _unsettled(live[1], status) else None

    def _asking(self, position: changelog.Position) -> Asking:
        # The mark and the clock before the question: a write that commits after the
        # question's snapshot changes the mark after that, so it is never missed.
        return Asking(position, self.storage.writes(), time.monotonic())

    def _ask(self, position: changelog.Position) -> changelog.Status:
        asking = self._asking(position)
        status = changelog.status(position)
        self._remember(asking, status)
        return status

    def _remember(self, asking: Asking, status: changelog.Status) -> None:
        self._answer = (asking, status)

    def _answered(self, position: changelog.Position) -> changelog.Status | None:
        """The change log's last answer for ``position`` while it holds (``_holding``) and
        had nothing pending. None: ask."""
        answer = self._holding()
        if answer is None or answer[0].position != position or answer[1].pending:
            return None
        return answer[1]

    def _holding(self) -> tuple[Asking, changelog.Status] | None:
        """The change log's last answer, while nothing can have changed it: asked less than
        ``SEARCH_RECHECK_MS`` ago, nothing written on this host since, and this is not a
        transaction (whose own uncommitted writes have marked nothing yet)."""
        answer = self._answer
        if answer is None or connection.in_atomic_block:
            return None
        asking = answer[0]
        if (
            asking.writes is None
            or time.monotonic() - asking.at >= settings.SEARCH_RECHECK_MS / 1000
            or self.storage.writes() != asking.writes
        ):
            return None
        return answer

    def synonyms_version(self) -> tuple[str, int] | None:
        """The synonym sets' version (with the database's id) as the change log last told
        it, while that answer holds (every change of the sets marks a write); None: ask."""
        answer = self._holding()
        return None if answer is None else (answer[1].database_id, answer[1].synonyms_version)

    @property
    def version(self) -> tuple[str, int]:
        """Which index state this process reads: it changes with every applied change and
        every rebuild (what caches of search results are keyed by)."""
        return self.storage.location(self._name), self._generation

    def _open_live(self, live: tuple[str, IndexState] | None = None) -> tantivy.Index:
        """The live index, reloaded when its generation moved (``live``: already read)."""
        live = live or self._live()
        if live is None:
            raise SearchUnavailable("The search index is not built.")
        name, state = live
        if self._index is None or name != self._name:
            try:
                index = self.storage.open(name)
            except SearchUnavailable:
                # A rebuild in another process swapped generations and removed this one
                # between reading the link and opening the folder: open the new one.
                newer = self._live()
                if newer is None or newer[0] == name:
                    raise
                return self._open_live(newer)
            self._index = index
            self._name, self._generation = name, state.generation
        elif state.generation != self._generation:
            self._index.reload()
            self._generation = state.generation
        self._position = state.position
        return self._index

    def _live(self) -> tuple[str, IndexState] | None:
        """The live generation and its state; None when there is no usable index. A
        generation that a concurrent rebuild removed between reading the link and its state
        is read again from the link (which then names the new one)."""
        for _ in range(3):
            name = self.storage.live_name()
            state = self.storage.read_state(name) if name else None
            if state is not None or name is None or self.storage.live_name() == name:
                break
        if state is None or state.schema_version != SCHEMA_VERSION:
            return None
        return name, state

    def _live_state(self) -> IndexState | None:
        live = self._live()
        return live[1] if live else None

    # --- writing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(
        self, name: str = "lock", *, wait: float | None = None, unless_current: bool = True
    ) -> Iterator[None]:
        """The storage's lock ``name`` (across processes) and the mutex (across threads).
        ``wait``: seconds to wait for it at most (None: without limit); past them,
        IndexBusy. While it waits, ``unless_current``: _CaughtUpMeanwhile when another
        process saved a state that is up to the log (a search may then answer without
        writing)."""
        with self._mutex:
            if name in self._held:
                yield
                return
            with self.storage.lock(name) as take:
                self._acquire(take, name, wait, unless_current)
                self._held.add(name)
                try:
                    yield
                finally:
                    self._held.discard(name)

    def _acquire(self, take: Take, name: str, wait: float | None, unless_current: bool) -> None:
        if wait is None:
            take(True)
            return
        deadline = time.monotonic() + wait
        seen = self._live()
        pause = 0.005
        while True:
            if take(False):
                return
            live = self._live()
            if unless_current and live != seen:  # a new state saved: all this search needs?
                seen = live
                if live is not None and self._need(live) is None:
                    raise _CaughtUpMeanwhile
            left = deadline - time.monotonic()
            if left <= 0:
                raise IndexBusy(
                    f"Another process holds the search index's {name} (waited {wait:g} s); "
                    "try again shortly."
                )
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.05)

    def apply(self, *, wait: float | None = None) -> int:
        """Apply the pending changes of the log; return how many there were. They are
        applied in chunks of ``SEARCH_APPLY_CHUNK``, each an index commit saved with its
        position, taking the writer lock for one chunk at a time: a process killed mid-way
        (a worker timeout) leaves the chunks before saved, and the next one goes on from
        there. ``wait``: as ``_locked``'s, for each chunk."""
        applied = 0
        while True:
            with self._locked(wait=wait):
                state = self._live_state()
                if state is not None:
                    chunk = self._apply_chunk(state)
                    applied += chunk.count
                    if not chunk.more:
                        return applied
            if state is None:  # outside the writer lock: a rebuild takes the rebuild lock first
                self.rebuild(wait=wait)
                return applied

    def _apply_chunk(self, state: IndexState) -> changelog.Pending:
        name = self.storage.live_name()
        settled = _settled(state.tentative)
        again = changelog.merged(*settled.values())
        chunk = _writing.catch_up(self.storage.open(name), state.position, also=again)
        tentative = _tentative(state.tentative, settled, chunk.own)
        pruned_at = state.pruned_at
        if not chunk.more and time.time() - pruned_at > PRUNE_EVERY.total_seconds():
            changelog.prune(datetime.timedelta(days=settings.SEARCH_CHANGE_LOG_RETENTION_DAYS))
            self.remove_dead_generations()
            pruned_at = time.time()
        if chunk.count or settled or pruned_at != state.pruned_at:
            self.storage.write_state(
                name,
                IndexState(
                    database_id=state.database_id,
                    snapshot=chunk.position.snapshot,
                    last_id=chunk.position.last_id,
                    generation=state.generation + 1,
                    pruned_at=pruned_at,
                    tentative=tentative,
                ),
            )
        return chunk

    def rebuild(
        self, progress: Callable[[int], None] | None = None, *, wait: float | None = None
    ) -> int:
        """Build a fresh index beside the live one from PostgreSQL, then swap it in. Searches
        keep using (and writes keep reaching) the live one meanwhile: the build takes only
        the rebuild lock; the writer lock is held just to catch up with the last changes
        and swap. Folders that dead rebuilds left are removed first. ``wait``: as
        ``_locked``'s. Returns the number of articles indexed."""
        with self._locked("rebuild.lock", wait=wait):
            self.storage.remove_generations(keep=self.storage.live_name())
            name, index = self.storage.create()
            try:
                position = changelog.head()
                database_id = changelog.database_id()
                indexed = _writing.write_archive(index, progress)
                # The changes written during the build, first without the writer lock (the
                # new index is this rebuild's own), then the last ones under it, and swap.
                position = _writing.catch_up_all(index, position)
                with self._locked(wait=wait, unless_current=False):
                    position = _writing.catch_up_all(index, position)
                    previous = self._live_state()
                    # Inside a transaction that wrote, the build read its writes.
                    own = changelog.own_changes() if connection.in_atomic_block else None
                    self.storage.write_state(
                        name,
                        IndexState(
                            database_id=database_id,
                            snapshot=position.snapshot,
                            last_id=position.last_id,
                            generation=(previous.generation + 1) if previous else 0,
                            pruned_at=time.time(),
                            tentative=_tentative({}, {}, own),
                        ),
                    )
                    self.storage.swap(name)
            except BaseException:
                self.storage.discard(name)
                raise
            self.storage.remove_generations(keep=name)
            return indexed

    def remove_dead_generations(self) -> int:
        """Remove the folders that dead rebuilds left (a rebuild killed mid-way), unless a
        rebuild is under way: it holds the rebuild lock while it writes its folder. Returns
        how many were removed."""
        if "rebuild.lock" in self._held:
            return 0  # this process is the rebuild
        try:
            with self._locked("rebuild.lock", wait=0, unless_current=False):
                return self.storage.remove_generations(keep=self.storage.live_name())
        except IndexBusy:
            return 0

    # --- operations -----------------------------------------------------------------------

    def describe(self) -> dict[str, object]:
        """Documents, segments, size, position and lag, for ``search_index status`` and
        ``/healthz``."""
        live = self._live()
        rows, newest = changelog.log_size()
        if live is None:
            return {
                "state": "missing",
                "path": self.storage.location(),
                "total_size_bytes": self.storage.size(),
                "generations": self.storage.generations(),
                "log_rows": rows,
            }
        name, state = live
        searcher = self._open_live(live).searcher()
        lag = changelog.pending(state.position).count
        return {
            "state": "ok" if lag == 0 else "behind",
            "path": self.storage.location(name),
            "documents": searcher.num_docs,
            # ``documents`` = articles + quotes (searched by /quotes/) + names (tags, authors
            # and sources, for suggestions).
            "articles": match_count(searcher, term("kind", Kind.ARTICLE)),
            "quotes": match_count(searcher, term("kind", Kind.QUOTE)),
            "names": sum(match_count(searcher, term("kind", kind)) for kind in Kind.NAMED),
            "segments": searcher.num_segments,
            "size_bytes": self.storage.size(name),
            # Everything in SEARCH_INDEX_PATH: the live generation, a rebuild's under way,
            # any that dead rebuilds left (the next rebuild, `apply` or `status` removes them).
            "total_size_bytes": self.storage.size(),
            "generations": self.storage.generations(),
            "generation": state.generation,
            "last_change_applied": state.last_id,
            "newest_change": newest,
            "log_rows": rows,
            "lag": lag,
        }


def _unsettled(state: IndexState, status: changelog.Status) -> bool:
    """Whether the index holds tentative changes of a transaction other than the asking
    one (``status.transaction``, while it runs): over now, perhaps, so to settle."""
    own = status.transaction if connection.in_atomic_block else None
    return any(transaction != own for transaction in state.tentative)


def _settled(tentative: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, list[int]]]:
    """The tentative changes whose transactions are over (committed or rolled back): their
    objects are applied again, as they are now."""
    if not tentative:
        return {}
    statuses = changelog.transaction_statuses(tentative)
    return {
        key: changes for key, changes in tentative.items() if statuses.get(key) != "in progress"
    }


def _tentative(
    tentative: dict[str, dict[str, list[int]]],
    settled: dict[str, dict[str, list[int]]],
    own: tuple[str, dict[str, set[int]]] | None,
) -> dict[str, dict[str, list[int]]]:
    """What stays tentative after a chunk: the unsettled, and the chunk's own changes."""
    kept = {key: changes for key, changes in tentative.items() if key not in settled}
    if own is not None:
        transaction, changes = own
        together = changelog.merged(kept.get(transaction, {}), changes)
        kept[transaction] = {kind: sorted(ids) for kind, ids in together.items()}
    return kept


def record_changes(kind: str, ids: list[int] | set[int]) -> None:
    """Log that these objects changed (inside the writing transaction), and change this
    host's write mark once it commits, so that no process of the host answers from the
    index without asking the log first."""
    changelog.record(kind, ids)
    wrote()


def wrote() -> None:
    """Change this host's write mark once the current transaction commits (at once outside
    one): for writes that change what searches answer without a change of the log (the
    synonym sets)."""
    transaction.on_commit(_mark_write)


def _mark_write() -> None:
    storage = engine().storage
    try:
        storage.mark_write()
    except OSError:
        # Readers of this host cannot read the mark either (the same folder), so they ask
        # the log every time, unless only writing fails (another user's folder).
        log.warning("search index at %s: cannot change its write mark", storage.location())


def _lock_wait() -> float:
    return settings.SEARCH_LOCK_WAIT_MS / 1000


# The status the request's first statement read (``Engine.told``), per thread; forgotten at
# the end of every request, so a request never uses what an earlier one read.
_told = threading.local()


def forget_told(**kwargs: object) -> None:
    _told.status = None
    told_version(None)


_engines: dict[str, Engine] = {}
_engines_mutex = threading.Lock()


def forget_engines() -> None:
    """For a forked process: open the index afresh rather than through the parent's objects
    (and for tests: an index in memory starts empty again)."""
    with _engines_mutex:
        _engines.clear()


def engine() -> Engine:
    """The engine of ``settings.SEARCH_INDEX_PATH`` for this process."""
    storage = storage_at(settings.SEARCH_INDEX_PATH)
    key = storage.location()
    with _engines_mutex:
        if key not in _engines:
            _engines[key] = Engine(storage)
        return _engines[key]
