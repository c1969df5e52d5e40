from typing import Any, Iterable, Mapping, Sequence, Union, overload

import pandas

__version__: str

ParamValue = Union[bool, int, float, str, Sequence[str]]

class PolicyError(Exception):
    """args: (the text `tenet check` prints, [ {severity, file, line, column, message}, ... ])"""

class RecordError(Exception):
    """args: (message, kind, id or None)"""

class Policy:
    @classmethod
    def from_file(cls, path: str, params: Mapping[str, ParamValue] | None = ...) -> Policy: ...
    @classmethod
    def from_text(cls, text: str, name: str = ..., params: Mapping[str, ParamValue] | None = ...) -> Policy: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def rules(self) -> list[str]: ...
    @property
    def schema(self) -> list[tuple[str, str, bool, bool]]: ...
    @property
    def sources(self) -> list[tuple[str, str]]: ...
    @overload
    def evaluate(self, records: Mapping[str, Any], *, because: bool = ..., threads: int = ..., portfolio: str | None = ...) -> dict[str, Any]: ...
    @overload
    def evaluate(self, records: pandas.DataFrame | Iterable[Mapping[str, Any]], *, because: bool = ..., threads: int = ..., portfolio: str | None = ...) -> pandas.DataFrame: ...
