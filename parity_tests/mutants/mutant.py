"""One mutant: a single-line bug planted in the JAX side, and the tests that must catch it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


class MutantError(ValueError):
    """The list no longer fits the source: an original snippet is missing or ambiguous."""


@dataclass(frozen=True)
class Mutant:
    """A bug a person porting torch to JAX could plausibly write, as a text replacement.

    Attributes:
      name: a short unique id, used to select it (``-k``).
      file: the mutated file, relative to the repository root.
      original: the exact original text (a line or a unique part of one; a second line
        only where the first is not unique in the file). It must occur exactly once.
      replacement: what replaces it.
      bug: the bug in one line.
      tests: pytest paths or node ids, relative to the root, that must catch it; chosen so
        that one mutant's run takes seconds.
      select: an optional ``pytest -k`` expression narrowing ``tests``.
    """

    name: str
    file: str
    original: str
    replacement: str
    bug: str
    tests: tuple[str, ...]
    select: str | None = None

    def apply(self, source: str) -> str:
        """``source`` with the bug planted; MutantError unless ``original`` occurs once."""
        count = source.count(self.original)
        if count != 1:
            where = "not found" if count == 0 else f"found {count} times"
            raise MutantError(
                f"mutant {self.name}: the original text is {where} in {self.file} "
                f"(update the list): {self.original!r}"
            )
        if self.replacement == self.original:
            raise MutantError(f"mutant {self.name}: the replacement equals the original")
        return source.replace(self.original, self.replacement)

    def mutated(self, root: Path) -> tuple[str, str]:
        """``(original source, mutated source)`` of the mutant's file under ``root``."""
        source = (root / self.file).read_text()
        return source, self.apply(source)

    def diff(self, root: Path) -> str:
        """The mutation as a unified diff of the file under ``root``."""
        before, after = self.mutated(root)
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{self.file}",
            tofile=f"b/{self.file}",
        )
        return "".join(lines)

    def pytest_args(self) -> list[str]:
        """The arguments selecting this mutant's tests."""
        return [*self.tests, *(["-k", self.select] if self.select else [])]
