"""The lessons: one runnable file per topic of the notebooks, torch next to JAX, cell by cell.

Each lesson is a Python file with ``# %%`` cells (jupytext opens it as a
notebook). A comparison cell reads::

    # %% One line of prose: what this cell shows
    # torch
    t = torch.arange(6).reshape(2, 3)
    # jax
    j = jnp.arange(6).reshape(2, 3)
    show("arange + reshape", t, j)

Lines before ``# torch`` are shared setup; the lines from ``# torch`` to ``# jax``
are the torch code and the lines after it, up to the first ``show(``, its JAX
twin; the ``show(...)`` lines print the measured difference.
:func:`cells` parses that layout for the HTML report and the lessons' test.

    python examples/lessons/01_tensors.py       # or open it in Jupyter via jupytext
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DIR = Path(__file__).resolve().parent

# In the notebooks' order; each name is examples/lessons/<name>.py.
LESSONS: tuple[str, ...] = (
    "01_tensors",
    "02_shapes_and_views",
    "03_devices",
    "04_reductions_and_argmax",
    "05_matmul",
    "06_gather",
    "07_autograd",
    "08_modules_and_parameters",
    "09_layers",
    "10_activations",
    "11_embeddings",
    "12_layernorm",
    "13_dropout",
    "14_losses",
    "15_optimizers_and_learning_rate",
    "16_data_loading",
    "17_training_loop",
    "18_evaluation",
    "19_saving_and_loading",
    "20_mnist_mlp",
    "21_cnn",
    "22_lstm",
)


@dataclass(frozen=True)
class Cell:
    """One ``# %%`` cell of a lesson."""

    kind: str  # "markdown" or "code"
    title: str  # the text after "# %%" (code) or the first heading line (markdown)
    first_line: int  # 1-based, the "# %%" line
    last_line: int
    markdown: str = ""  # markdown cells: the text without the leading "# "
    setup: str = ""  # code cells: shared lines before "# torch"
    torch: str = ""
    jax: str = ""
    check: str = ""  # the show(...) lines and anything after them

    @property
    def compares(self) -> bool:
        return bool(self.torch and self.jax)


def path(name: str) -> Path:
    """The file of lesson ``name`` (one of :data:`LESSONS`)."""
    if name not in LESSONS:
        raise ValueError(f"unknown lesson {name!r}; available: {', '.join(LESSONS)}")
    return DIR / f"{name}.py"


def _code(first: int, last: int, title: str, lines: list[str]) -> Cell:
    parts: dict[str, list[str]] = {"setup": [], "torch": [], "jax": [], "check": []}
    part = "setup"
    for line in lines:
        marker = line.strip().lower()
        if marker == "# torch" and part == "setup":
            part = "torch"
            continue
        if marker == "# jax" and part == "torch":
            part = "jax"
            continue
        if part == "jax" and line.startswith("show("):
            part = "check"
        parts[part].append(line)
    text = {k: "\n".join(v).strip("\n") for k, v in parts.items()}
    return Cell("code", title, first, last, **text)


def cells(source: str) -> list[Cell]:
    """Parses a lesson's source into its cells (see the module docstring)."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    out = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        header = lines[start][4:].strip()
        body = lines[start + 1 : end]
        while body and not body[-1].strip():
            body.pop()
        if header.startswith("[markdown]"):
            text = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#") for line in body
            )
            title = next((t.lstrip("# ").strip() for t in text.splitlines() if t.strip()), "")
            out.append(Cell("markdown", title, start + 1, start + len(body) + 1, markdown=text))
        else:
            out.append(_code(start + 1, start + len(body) + 1, header, body))
    return out
