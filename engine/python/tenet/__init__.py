"""Tenet for Python: explained, auditable decisions from a .tenet policy, on dicts and pandas frames.

    import tenet
    p = tenet.Policy.from_file("rules/customer_focus.tenet", params={"thin_margin_rate": 0.15})
    p.evaluate({"id": "C1", "annual_revenue": 100, "cost_to_serve": 300})   # one decision, a dict
    p.evaluate(df)   # a DataFrame: id, decision, chosen, fired, flags, provisional, error

Records are read as `tenet batch` reads JSON lines (the same checks, the same errors); a frame is
evaluated on all cores with the GIL released. A list field may be a list or, as in Tenet's CSV,
a string of items separated by "|". A policy that reads percentile() ranks each row among the
rows evaluated with it. Errors are exceptions: PolicyError (its args: the text `tenet check`
prints, and the diagnostics as dicts), RecordError (text, kind, id) for evaluate(dict); a row of a
frame that cannot be read has its reason in the `error` column instead.
"""
import json

from . import _tenet
from ._tenet import PolicyError, RecordError

__version__ = _tenet.__version__
__all__ = ["Policy", "PolicyError", "RecordError", "__version__"]

_COLUMNS = ["id", "decision", "chosen", "fired", "flags", "provisional"]


class Policy:
    """A compiled policy: immutable, shareable between threads, and picklable: a pickle carries
    the texts compiled (the policy's and every import's) with the SHA-256, so it is compiled
    again from those texts where it is unpickled (a Dask worker in another folder, a file edited
    since), never from whatever a path names there."""

    def __init__(self, native, source):
        self._native = native
        self._source = source

    @classmethod
    def from_file(cls, path, params=None):
        """Compiles the policy file at `path` (imports relative to it). `params`: name -> bool,
        int, float, str (as a policy writes it: "15%") or list of str. Raises PolicyError."""
        params = dict(params) if params else None  # a copy: the caller's dict may change after
        return cls(_tenet.Policy.from_file(str(path), params), ("file", str(path), params))

    @classmethod
    def from_text(cls, text, name="<text>", params=None):
        """Compiles policy source text; `name` stands for the file in diagnostics."""
        params = dict(params) if params else None  # a copy: the caller's dict may change after
        return cls(_tenet.Policy.from_text(text, name, params), ("text", text, name, params))

    def __reduce__(self):
        sources = self._native.sources
        (name, text), imports = sources[0], dict(sources[1:])
        return (_unpickle, (text, name, imports, self._source[-1], self.sha256))

    name = property(lambda self: self._native.name, doc="the policy's name")
    title = property(lambda self: self._native.title, doc="the policy's title")
    version = property(lambda self: self._native.version, doc="the policy's version")
    sha256 = property(lambda self: self._native.sha256, doc="the SHA-256 of the policy's source")
    rules = property(lambda self: self._native.rules, doc="the rule names, in declaration order")
    schema = property(lambda self: self._native.schema, doc="(name, type, optional, key) per field")
    sources = property(lambda self: self._native.sources, doc="(path, text) of the policy and of every import, as compiled")

    def evaluate(self, records, *, because=False, threads=0, portfolio=None):
        """One decision for a dict (a dict: id, decision, chosen, fired, flags, provisional,
        because, unknown; raises RecordError), or a DataFrame of decisions for a pandas
        DataFrame or a list of dicts (one row per input row, same index; `because` adds the
        because texts; `threads` 0 is one per core). A policy that reads percentile() ranks the
        rows among themselves, or, with `portfolio` (the path of the whole portfolio file, read
        once per process), among the whole portfolio: what a partition of a larger frame needs."""
        threads = _threads(threads)
        if isinstance(records, dict):
            return self._native.evaluate_json(json.dumps(records, ensure_ascii=False, default=str))
        import pandas

        frame = records if isinstance(records, pandas.DataFrame) else pandas.DataFrame.from_records(list(records))
        if len(frame) == 0:
            return pandas.DataFrame(columns=_COLUMNS + (["because"] if because else []) + ["error"], index=frame.index)
        ranks = _portfolio(self, portfolio) if portfolio is not None and self._native.reads_portfolio else None
        if _all_text(frame):  # as read_csv(dtype=str) reads a file: Tenet's CSV reader reads it back
            names = [str(c) for c in frame.columns]
            columns = self._native.evaluate_text_columns(names, [frame[c].tolist() for c in frame.columns], because, threads, ranks)
        else:
            columns = self._native.evaluate_text(self._json_lines(frame), False, because, threads, ranks)
        out = pandas.DataFrame(columns, columns=_COLUMNS + (["because"] if because else []) + ["error"])
        if len(out) != len(frame):
            raise RuntimeError(f"{len(frame)} rows in, {len(out)} decisions out")
        out.index = frame.index
        return out

    def _json_lines(self, frame):
        """A frame that is not all text, as JSON lines: numbers as Python writes them (the
        shortest text of a float64: 10.2, not 10.199999999999999), lists from lists (or "a|b"
        text), dates as YYYY-MM-DD, NaN and None absent. (A frame of text only, as
        read_csv(dtype=str) gives, is written back as CSV and read by Tenet's CSV reader,
        exactly as `tenet batch` reads the file: lists as "a|b", empty cells and n/a absent.)"""
        import pandas

        types = {name: kind for name, kind, _, _ in self.schema}
        columns = {}
        for column in frame.columns:
            values = frame[column]
            kind = types.get(column, "")
            if pandas.api.types.is_datetime64_any_dtype(values):
                values = values.dt.strftime("%Y-%m-%d")
            values = values.tolist()
            if kind.startswith(("list<", "set<")):
                values = [v.split("|") if isinstance(v, str) and v else ([] if v == "" else v) for v in values]
            columns[column] = values
        names = list(columns)
        lines = []
        for row in zip(*(columns[n] for n in names)):
            record = {}
            for name, v in zip(names, row):
                if v is None or (isinstance(v, float) and v != v):
                    continue
                if hasattr(v, "tolist"):  # a numpy array or scalar
                    v = v.tolist()
                record[name] = v
            lines.append(json.dumps(record, ensure_ascii=False, default=str))
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return f"<tenet.Policy {self.name} {self.version} sha256={self.sha256[:12]}>"


def _unpickle(text, name, imports, params, sha256):
    """A pickled Policy: compiled from the texts it carries; its SHA-256 must be the one pickled."""
    native = _tenet.Policy.from_text(text, name, params, imports)
    if native.sha256 != sha256:
        raise PolicyError(f"the pickled policy {name} compiles to sha256 {native.sha256}, not {sha256}", [])
    return Policy(native, ("text", text, name, params))


def _threads(threads):
    """0 (one per core) to 1024, as `tenet batch --threads` takes."""
    if isinstance(threads, bool) or not isinstance(threads, int) or not 0 <= threads <= 1024:
        raise ValueError(f"threads: {threads!r}; expected a whole number from 0 (one per core) to 1024")
    return threads


def _all_text(frame):
    """Whether every column holds text (or nothing): pandas' own type inference, in C."""
    import pandas

    return len(frame.columns) > 0 and all(
        frame[c].dtype == object and pandas.api.types.infer_dtype(frame[c], skipna=True) in ("string", "empty") for c in frame.columns)


_portfolios = {}  # (policy sha256 and params, path) -> the native Portfolio: read once per process


def _portfolio(policy, path):
    key = (policy.sha256, repr(policy._source[-1]), str(path))
    if key not in _portfolios:
        _portfolios[key] = policy._native.portfolio_of_file(str(path))
    return _portfolios[key]
