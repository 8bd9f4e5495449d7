"""The annotator: takes articles (strings, or dicts with ``id``, ``text``/``html``, ``url``,
``title``, ``published``) and returns healthclaims/1 records as plain dicts, the CLI's JSONL
records line for line.

One :class:`Annotator` keeps one ``healthclaims annotate - --batches`` process (the bundled
release, or the binary named by ``binary=`` / ``$HEALTHCLAIMS_BIN``), which loads the model once.
Articles go to its stdin as JSONL from a writer thread, each batch closed by a blank line, and
its records come back on stdout in order while the writer goes on: neither side waits on a full
pipe. A native failure ends that process, not the interpreter: the call raises
:class:`HealthclaimsError` and the next call starts a fresh process. Bad input (no text, not an
object, too large) is not an exception: it gets an error record (``status: "error"``) like in
the CLI, and the batch goes on.
"""
import collections
import datetime
import json
import os
import subprocess
import threading
from pathlib import Path

__all__ = ["Annotator", "HealthclaimsError", "release_dir", "binary_path"]

_PACKAGE = Path(__file__).resolve().parent


class HealthclaimsError(RuntimeError):
    """The healthclaims process failed (could not start, or died mid-batch)."""


def release_dir():
    """The release bundled with this package (``bin/``, ``lib/``, ``models/``), or None."""
    d = _PACKAGE / "_release"
    return d if (d / "bin" / "healthclaims").is_file() else None


def binary_path(binary=None):
    """The healthclaims binary to run: ``binary``, else ``$HEALTHCLAIMS_BIN``, else the bundled
    release's."""
    b = binary or os.environ.get("HEALTHCLAIMS_BIN")
    if b:
        return str(b)
    rel = release_dir()
    if rel is None:
        raise HealthclaimsError("no healthclaims binary: this package bundles none; pass binary= or set HEALTHCLAIMS_BIN")
    exe = rel / "bin" / "healthclaims"
    if not os.access(exe, os.X_OK):
        try:
            exe.chmod(0o755)
        except OSError as e:
            raise HealthclaimsError(f"{exe} is not executable: {e}") from e
    return str(exe)


def _json_default(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if hasattr(v, "isoformat"):  # pandas Timestamp, numpy datetime
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return str(v)


def _line(article):
    """One article → one JSONL line (no newline inside: JSON escapes them)."""
    if isinstance(article, str):
        article = {"text": article}
    elif hasattr(article, "asDict"):  # a pyspark Row
        article = article.asDict()
    if isinstance(article, dict):  # a missing value from pandas (NaN) is a missing field
        article = {k: (None if isinstance(v, float) and v != v else v) for k, v in article.items()}
    return json.dumps(article, ensure_ascii=False, default=_json_default, allow_nan=False)


def _given_id(article):
    """The id the CLI would read from this article (None: it falls back to ``line-N``)."""
    if isinstance(article, dict):
        v = article.get("id")
        if isinstance(v, str) and v.strip():
            return v.strip()
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return v
    return None


def _given_source(article):
    if isinstance(article, dict) and isinstance(article.get("source"), str):
        return article["source"]
    return None


def _renumber(rec, source, n, k, given, given_source):
    """The record of stream line ``n`` as the CLI writes that of line ``k`` of a file named
    ``source``: its ``source`` (the article's own ``source`` field when it has one), a fallback
    id ``line-N`` and a JSONL error's line number."""
    rec["source"] = given_source if given_source is not None else f"{source}:{k}"
    if given is None and rec.get("id") == f"line-{n}":
        rec["id"] = f"line-{k}"
    err = rec.get("error")
    if isinstance(err, str):
        for prefix in ("JSONL line ", "malformed JSONL line "):
            p = f"{prefix}{n}:"
            if err.startswith(p):
                rec["error"] = f"{prefix}{k}:" + err[len(p):]


class Annotator:
    """Loads the model once and annotates articles in batches.

    ``model``: a model folder (default: the release's; ``$HEALTHCLAIMS_MODEL`` also works).
    ``threads``: worker threads (0: one per core), as ``annotate -j``. ``batch_size``: articles per
    batch sent to the process (64 is the CLI's chunk size). ``max_bytes`` / ``max_seconds``:
    the CLI's per-article limits. ``no_model``: rules and gazetteers only. ``binary``: another
    healthclaims binary than the bundled one.
    """

    def __init__(self, model=None, threads=0, torch_threads=0, batch_size=64, max_bytes=None,
                 max_seconds=None, no_model=False, binary=None, env=None):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self._binary = binary_path(binary)
        args = [self._binary, "annotate", "-", "--batches", "-q", "-o", "-", "-j", str(int(threads))]
        if torch_threads:
            args += ["--torch-threads", str(int(torch_threads))]
        if model is not None:
            args += ["--model", str(model)]
        if no_model:
            args.append("--no-model")
        if max_bytes is not None:
            args += ["--max-bytes", str(int(max_bytes))]
        if max_seconds is not None:
            args += ["--max-seconds", str(float(max_seconds))]
        self._args = args
        self._env = dict(os.environ, **(env or {}))
        self._proc = None
        self._lines = 0  # lines written to the current process's stdin (articles and markers)
        self._lock = threading.Lock()
        self._owner = None
        self._stderr = collections.deque(maxlen=40)
        self._start()

    # -- process -------------------------------------------------------------------------------

    def _start(self):
        try:
            self._proc = subprocess.Popen(
                self._args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=self._env, bufsize=1 << 16,
            )
        except OSError as e:
            raise HealthclaimsError(f"cannot start {self._binary}: {e}") from e
        self._lines = 0
        self._stderr = collections.deque(maxlen=40)
        proc, tail = self._proc, self._stderr

        def drain():
            for raw in proc.stderr:
                tail.append(raw.decode("utf-8", "replace").rstrip("\n"))

        self._drain = threading.Thread(target=drain, name="healthclaims-stderr", daemon=True)
        self._drain.start()

    def _ensure(self):
        if self._proc is None or self._proc.poll() is not None:
            self._start()

    def _died(self, what):
        code = self._proc.poll() if self._proc else None
        if code is None and self._proc is not None:
            self._kill()
            code = self._proc.returncode
        self._drain.join(timeout=5)  # the process is gone: its last stderr lines are in the pipe
        tail = "\n".join(self._stderr)
        self._proc = None
        return HealthclaimsError(f"healthclaims process {what} (exit status {code}):\n{tail}")

    def _kill(self):
        p = self._proc
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()

    def close(self):
        """End the process (it would end with the interpreter anyway)."""
        p, self._proc = self._proc, None
        if p is None:
            return
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self._kill()
        except Exception:
            pass

    def version(self):
        """``healthclaims --version``: the binary, model and lexicon versions."""
        out = subprocess.run([self._binary, "--version"], capture_output=True, text=True, env=self._env, check=True)
        return out.stdout.strip()

    # -- annotation ------------------------------------------------------------------------------

    def annotate(self, articles, source="python", batch_size=None):
        """A string or a dict → its record; an iterable of them → the list of records, in order.

        Records are the CLI's, with ``source`` set to ``"<source>:<k>"`` for the k-th article (1-
        based), as the CLI names the k-th line of a JSONL file called ``source`` (or to the
        article's own ``source`` field, if it has one); an article without an id gets
        ``line-<k>``, as there.
        """
        if isinstance(articles, (str, dict)) or hasattr(articles, "asDict"):
            return next(iter(self.iter_annotate([articles], source=source, batch_size=batch_size)))
        return list(self.iter_annotate(articles, source=source, batch_size=batch_size))

    def iter_annotate(self, articles, source="python", batch_size=None):
        """Records for an iterable of articles, yielded as they come, one per article, in order.
        The iterable is read ahead by one batch at most beyond what the process is working on
        (the pipe's capacity), so a generator of millions of articles streams."""
        batch = batch_size or self.batch_size
        # One stream at a time per process: another thread waits its turn; the same thread
        # (a second stream opened while iterating the first) would wait forever, so it is told.
        if not self._lock.acquire(blocking=False):
            if self._owner == threading.get_ident():
                raise HealthclaimsError("this Annotator is already streaming (iter_annotate) in this thread: finish or close that first, or use a second Annotator")
            self._lock.acquire()
        self._owner = threading.get_ident()
        try:
            yield from self._stream(articles, source, batch)
        finally:
            self._owner = None
            self._lock.release()

    def _stream(self, articles, source, batch):
        """The body of :meth:`iter_annotate`, run holding the lock."""
        self._ensure()
        proc = self._proc
        pending = collections.deque()  # (line number, k, given id, given source) per article sent
        cond = threading.Condition()
        state = {"done": False, "error": None}
        first_line = self._lines

        def writer():
            n = first_line
            k = 0
            in_batch = 0
            try:
                for article in articles:
                    if hasattr(article, "asDict"):  # a pyspark Row
                        article = article.asDict()
                    try:
                        line = _line(article)
                    except ValueError:  # NaN or a circular structure: the CLI's JSON error
                        line = "{" + json.dumps(str(article))[:200]
                    k += 1
                    n += 1
                    with cond:
                        pending.append((n, k, _given_id(article), _given_source(article)))
                        cond.notify()
                    proc.stdin.write(line.encode("utf-8") + b"\n")
                    in_batch += 1
                    if in_batch == batch:
                        proc.stdin.write(b"\n")
                        proc.stdin.flush()
                        n += 1
                        in_batch = 0
                if in_batch:
                    proc.stdin.write(b"\n")
                    n += 1
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError) as e:
                # the process died or was killed: the reader reports it
                with cond:
                    state["error"] = state["error"] or e
            except BaseException as e:  # an exception raised by the caller's iterable
                with cond:
                    state["error"] = e
                    state["from_input"] = True
                try:  # answer what was sent
                    if in_batch:
                        proc.stdin.write(b"\n")
                        n += 1
                    proc.stdin.flush()
                except (OSError, ValueError):
                    state["from_input"] = False
            finally:
                with cond:
                    state["done"] = True
                    state["lines"] = n
                    cond.notify()

        t = threading.Thread(target=writer, name="healthclaims-writer", daemon=True)
        t.start()
        finished = False
        try:
            while True:
                with cond:
                    while not pending and not state["done"]:
                        cond.wait()
                    if not pending:
                        break
                    n, k, given, given_source = pending.popleft()
                raw = proc.stdout.readline()
                if not raw:
                    raise self._died("ended mid-batch")
                try:
                    rec = json.loads(raw)
                except ValueError as e:
                    self._kill()
                    raise self._died(f"wrote a line that is not JSON ({e})")
                _renumber(rec, source, n, k, given, given_source)
                yield rec
            t.join()
            if state.get("from_input"):
                # the caller's iterable raised: what was sent was answered; pass it on
                self._lines = state["lines"]
                finished = True
                raise state["error"]
            if state["error"] is not None:
                raise self._died(f"stopped reading input ({state['error']})")
            self._lines = state["lines"]
            finished = True
        finally:
            if not finished:
                # stopped early (an error, or the caller closed the generator): records may
                # still be on their way, so this process cannot serve another call
                self._kill()
                self._proc = None
