"""The dependency rule: each layer imports only from the layers below it, and nothing circles.

    twinlab              the application: CLI, engine, records, reports, bench
    jaxnn_examples       the worked examples (declarations) and the lessons
    jaxnn | torch_ref    the twins: JAX, and PyTorch
    twincore             the framework-neutral core: NumPy only

Read from the sources (every import, lazy ones inside functions included) and checked by
importing each layer alone in a fresh interpreter. docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

LAYERS = {
    "twincore": 0,
    "jaxnn": 1,
    "torch_ref": 1,
    "jaxnn_examples": 2,
    "twinlab": 3,
}
"""Project package -> its floor; a package may import only lower floors (and itself)."""

FRAMEWORKS = {
    "twincore": set(),  # NumPy only
    "jaxnn": {"jax", "jaxlib", "flax", "optax", "orbax"},
    "torch_ref": {"torch"},
}
"""What each bottom package may import of the two frameworks."""

LAZY_TORCH_IN_JAXNN = {"jaxnn.checkpoint", "jaxnn.interop.converter"}
"""The jaxnn modules (or packages) that may import torch inside a function: reading a ``.pth``
file needs torch's own unpickler, and converting a torch model needs the model's torch and
``torch.fx``."""

FRAMEWORK_MODULES = {"jax", "jaxlib", "flax", "optax", "orbax", "torch"}


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    return Path(next(iter(spec.submodule_search_locations)))


def _modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    found = {}
    for package in LAYERS:
        root = _package_dir(package)
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if not all(p.isidentifier() for p in parts):  # a lesson: a script, not a module
                continue
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """``(imported module, at import time)`` for every import in the module's source.

    ``from a.b import c`` counts as ``a.b.c`` where that is a module, else ``a.b``.
    Imports under ``if TYPE_CHECKING:`` are annotations only and are left out.
    """
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            typing_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                out.append((f"{base}.{alias.name}", id(node) in top))
                out.append((base, id(node) in top))
    return out


def _owner(imported: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (its longest known prefix), or None."""
    parts = imported.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return modules, {name: _imports(name, path) for name, path in modules.items()}


def test_every_import_runs_down_the_layers(graph):
    modules, imports = graph
    wrong = []
    for name, found in imports.items():
        package = name.split(".")[0]
        for imported, _ in found:
            target = imported.split(".")[0]
            if target in LAYERS and target != package and LAYERS[target] >= LAYERS[package]:
                wrong.append(f"{name} imports {imported}")
    assert not wrong, "imports that run up or across a layer:\n" + "\n".join(sorted(set(wrong)))


def test_the_bottom_layers_import_only_their_framework(graph):
    _, imports = graph
    wrong = []
    for name, found in imports.items():
        package = name.split(".")[0]
        if package not in FRAMEWORKS:
            continue
        for imported, at_import in found:
            top = imported.split(".")[0]
            if top not in FRAMEWORK_MODULES or top in FRAMEWORKS[package]:
                continue
            lazy_ok = top == "torch" and not at_import
            lazy_ok = lazy_ok and any(name.startswith(m) for m in LAZY_TORCH_IN_JAXNN)
            if not lazy_ok:
                wrong.append(f"{name} imports {imported}" + ("" if at_import else " (lazily)"))
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_import_circles(graph):
    """No two modules import each other, directly or through others, at import time or lazily.

    Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` first, so an import
    reaches every package above its target too (except the importer's own packages, which
    are running already); a package's ``__init__`` that hands on its submodules' names is an
    edge down.
    """
    modules, imports = graph
    edges = defaultdict(set)
    for name, found in imports.items():
        for imported, _ in found:
            target = _owner(imported, modules)
            if target is None:
                continue
            parts = target.split(".")
            for n in range(1, len(parts) + 1):
                reached = ".".join(parts[:n])
                if reached in modules and reached != name and not name.startswith(reached + "."):
                    edges[name].add(reached)
    state, stack, circles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(modules):
        if node not in state:
            visit(node)
    assert not circles, "import circles:\n" + "\n".join(circles)


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return {m.split(".")[0] for m in json.loads(run.stdout.splitlines()[-1])}


@pytest.mark.parametrize(
    "statement, never",
    [
        ("import jaxnn", {"torch", "torch_ref", "twinlab", "jaxnn_examples"}),
        ("import torch_ref", {"jax", "jaxlib", "flax", "optax", "jaxnn", "twinlab"}),
        (  # every module of the core
            "import importlib, pkgutil, twincore\n"
            "for m in pkgutil.walk_packages(twincore.__path__, 'twincore.'):\n"
            "    importlib.import_module(m.name)",
            {"jax", "jaxlib", "flax", "optax", "torch", "jaxnn", "torch_ref"},
        ),
        ("import jaxnn_examples", {"jax", "torch", "jaxnn", "torch_ref", "twinlab"}),
        # the command imports a framework only when a side of it runs (--framework torch
        # never starts JAX)
        ("import twinlab.cli", {"jax", "torch", "jaxnn", "torch_ref"}),
    ],
    ids=["jaxnn", "torch_ref", "twincore", "jaxnn_examples", "twinlab.cli"],
)
def test_importing_a_layer_loads_nothing_it_must_not(statement, never):
    loaded = _loaded_after(statement)
    assert not loaded & never, f"{statement!r} loaded {sorted(loaded & never)}"
