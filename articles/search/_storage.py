"""Where an index lives: its generations, the state saved with each, its writers' locks.

``DiskStorage`` keeps them in ``SEARCH_INDEX_PATH``, shared by every process of the host::

    lock                    held while the live index is written (one writer per host)
    rebuild.lock            held while a rebuild builds its new index (one at a time)
    current -> gen-<name>   the live index (a symlink, swapped atomically by a rebuild)
    gen-<name>/             tantivy's files, and state.json: the database it was built
                            from, its position in the change log, its generation
    writes                  8 bytes that every write on this host changes once it has
                            committed (``mark_write``): readers that see them unchanged
                            since they last asked the change log need not ask again yet

``MemoryStorage`` (``SEARCH_INDEX_PATH = ":memory:"``) keeps one process's index in RAM, with
the same generations and states and no files: for tests that need none. Its locks are the
engine's mutex alone (no other process can write it).

``_engine`` decides what is read and written when; this module only stores.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tantivy

from articles.search import _changelog as changelog
from articles.search._schema import SCHEMA, register_analysers

# Bump when the schema or the documents change: older indexes are rebuilt.
# 2: section_key folded (case and accents), a fast field; 3: the words as written beside the
# stemmed fields (typo tolerance); 4: who created each article (contributors' own), published and
# expires on articles and quotations (scheduling and expiry), aliases and wikidata ids (speakers);
# 7: suggestion fields per kind, a title's first prefixes (LABELS)
SCHEMA_VERSION = 7
STATE_FILE = "state.json"
WRITES_FILE = "writes"
CURRENT = "current"
MEMORY = ":memory:"

# A lock's taker: ``take(block)`` takes it (waiting when ``block``); False when it is held.
Take = Callable[[bool], bool]


class SearchUnavailable(Exception):
    """The index cannot answer now (it could not be built or written)."""


@dataclass(frozen=True)
class IndexState:
    database_id: str
    snapshot: str
    last_id: int
    generation: int
    schema_version: int = SCHEMA_VERSION
    pruned_at: float = 0.0
    # Changes applied from transactions not committed then (a search inside a transaction
    # that wrote): transaction id -> kind -> object ids, applied again once it is over.
    tentative: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    @property
    def position(self) -> changelog.Position:
        return changelog.Position(self.snapshot, self.last_id)


def _generation_name() -> str:
    return f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def _prepared(index: tantivy.Index) -> tantivy.Index:
    register_analysers(index)  # analysers are not stored in the index
    index.config_reader("manual")
    return index


class DiskStorage:
    """The generations of an index in a folder, shared by every process of the host."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def location(self, name: str | None = None) -> str:
        return str(self.root / name if name else self.root)

    def live_folder(self) -> Path | None:
        try:
            return self.root / os.readlink(self.root / CURRENT)
        except OSError:
            return None

    def live_name(self) -> str | None:
        folder = self.live_folder()
        return folder.name if folder else None

    def read_state(self, name: str) -> IndexState | None:
        try:
            return IndexState(**json.loads((self.root / name / STATE_FILE).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def write_state(self, name: str | None, state: IndexState) -> None:
        if name is None:
            raise SearchUnavailable("The search index has no live folder.")
        folder = self.root / name
        temporary = folder / f".{STATE_FILE}.tmp"
        with open(temporary, "w") as handle:
            json.dump(asdict(state), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / STATE_FILE)

    def open(self, name: str) -> tantivy.Index:
        """A fresh handle on generation ``name`` (its own reader)."""
        folder = self.root / name
        try:
            index = tantivy.Index.open(str(folder))
        except ValueError as error:
            raise SearchUnavailable(
                f"The search index at {folder} cannot be opened: {error}"
            ) from None
        return _prepared(index)

    def create(self) -> tuple[str, tantivy.Index]:
        """A new, empty generation beside the live one."""
        name = _generation_name()
        folder = self.root / name
        folder.mkdir()
        try:
            return name, _prepared(tantivy.Index(SCHEMA, path=str(folder), reuse=False))
        except BaseException:
            self.discard(name)
            raise

    def discard(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def swap(self, name: str) -> None:
        """Make ``name`` the live generation (atomically)."""
        temporary = self.root / f".{CURRENT}-{name}"
        temporary.unlink(missing_ok=True)
        os.symlink(name, temporary)
        os.replace(temporary, self.root / CURRENT)

    def remove_generations(self, *, keep: str | None) -> int:
        """Every generation folder but ``keep`` (and swaps left half-done); the caller holds
        the rebuild lock. Readers in other processes keep their open (memory-mapped) files
        after removal."""
        removed = 0
        for folder in self.root.glob("gen-*"):
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        for link in self.root.glob(f".{CURRENT}-gen-*"):
            link.unlink(missing_ok=True)
        return removed

    def generations(self) -> int:
        return len(list(self.root.glob("gen-*")))

    def size(self, name: str | None = None) -> int:
        """Bytes on disk of generation ``name``; of everything (None)."""
        return disk_usage(self.root / name if name else self.root)

    def writes(self) -> bytes | None:
        """This host's write mark: it changes after every write committed on the host
        (``mark_write``); empty before the first; None when it cannot be read (a reader
        must then ask the change log every time)."""
        try:
            fd = os.open(self.root / WRITES_FILE, os.O_RDONLY)
        except FileNotFoundError:
            return b""
        except OSError:
            return None
        try:
            return os.read(fd, 8)
        except OSError:
            return None
        finally:
            os.close(fd)

    def mark_write(self) -> None:
        """Change the write mark (a fresh random value, never one a reader saw before).
        Raises OSError when the folder cannot be written."""
        self.root.mkdir(parents=True, exist_ok=True)
        # As the lock files and tantivy's: the umask decides (a group of users may share it).
        fd = os.open(self.root / WRITES_FILE, os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            os.pwrite(fd, os.urandom(8), 0)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[Take]:
        """The file lock ``name``, across processes; released on leaving."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / name, "a+") as handle:

            def take(block: bool) -> bool:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
                except BlockingIOError:
                    return False
                return True

            try:
                yield take
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class MemoryStorage:
    """The generations of an index in this process's memory."""

    def __init__(self) -> None:
        self._indexes: dict[str, tantivy.Index] = {}
        self._states: dict[str, IndexState] = {}
        self._live: str | None = None

    def location(self, name: str | None = None) -> str:
        return f"{MEMORY}{name}" if name else MEMORY

    def writes(self) -> bytes | None:
        return None  # other processes' writes (forked import writers) could not mark it

    def mark_write(self) -> None:
        pass

    def live_name(self) -> str | None:
        return self._live

    def read_state(self, name: str) -> IndexState | None:
        return self._states.get(name)

    def write_state(self, name: str | None, state: IndexState) -> None:
        if name is None or name not in self._indexes:
            raise SearchUnavailable("The search index has no live generation.")
        self._states[name] = state

    def open(self, name: str) -> tantivy.Index:
        """The generation's one index (a RAM index has no files to open again), its reader
        reloaded: as a fresh handle's, it sees every commit made so far."""
        try:
            index = self._indexes[name]
        except KeyError:
            raise SearchUnavailable(f"The search index {name} is gone.") from None
        index.reload()
        return index

    def create(self) -> tuple[str, tantivy.Index]:
        name = _generation_name()
        self._indexes[name] = _prepared(tantivy.Index(SCHEMA))
        return name, self._indexes[name]

    def discard(self, name: str) -> None:
        self._indexes.pop(name, None)
        self._states.pop(name, None)

    def swap(self, name: str) -> None:
        self._live = name

    def remove_generations(self, *, keep: str | None) -> int:
        dead = [name for name in self._indexes if name != keep]
        for name in dead:
            self.discard(name)
        return len(dead)

    def generations(self) -> int:
        return len(self._indexes)

    def size(self, name: str | None = None) -> int:
        return 0  # nothing on disk

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[Take]:
        yield lambda block: True  # the engine's mutex is the whole lock


Storage = DiskStorage | MemoryStorage


def storage_at(where: str | os.PathLike) -> Storage:
    """The storage that ``SEARCH_INDEX_PATH`` names."""
    if str(where) == MEMORY:
        return MemoryStorage()
    return DiskStorage(Path(where).resolve())


def disk_usage(folder: Path) -> int:
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):  # a rebuild removing it now
                total += os.lstat(os.path.join(parent, name)).st_size
    return total
