"""``curves.png``: no label of the plot overlaps another or the axes' tick labels."""

import itertools

import numpy as np
import pytest

from twinlab.reports.plots import ZERO_FLOOR, curves_figure


def _draw(fig):
    """Lays the figure out and draws it as savefig does (constrained layout runs at draw)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def _texts(fig) -> list:
    """Every text the drawn figure shows: titles, axis labels, legend entries, annotations and
    the tick labels of ticks inside the axes' limits (matplotlib keeps, but does not draw,
    labels for the ticks its locator places beyond them)."""
    from matplotlib.text import Text

    _draw(fig)
    shown, tick_labels = [], set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                inside = loc is not None and low * (1 - 1e-9) <= loc <= high * (1 + 1e-9)
                for label in (tick.label1, tick.label2):
                    tick_labels.add(label)
                    if inside:
                        shown.append(label)
    shown += [t for t in fig.findobj(Text) if t not in tick_labels]
    return [t for t in shown if t.get_visible() and t.get_text().strip()]


def _overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap; and a label inside an axes that is not in a legend
    (free text is drawn over whatever curve passes there, as "drawn here: exactly 0" was on
    the zero floor's line), or a legend that leaves its axes."""
    texts = _texts(fig)  # draws the figure first
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    found = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b) and box_a.intersection(box_a, box_b).width > 0.5
    ]
    for ax in fig.axes:
        found += [(t.get_text(), "free text in the axes") for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            box, frame = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            if box.x0 < frame.x0 or box.y0 < frame.y0 or box.x1 > frame.x1 or box.y1 > frame.y1:
                found.append(("a legend", "outside its axes"))
    return found


CURVES = {
    # Both ran and agree exactly at some steps: the "|Δ| = 0" floor is labelled.
    "exact zeros": ([2.3, 1.2, 0.7, 0.4, 0.3, 0.25], [2.3, 1.2, 0.7 + 1e-16, 0.4, 0.3, 0.25]),
    "float32": (np.linspace(2.0, 0.1, 125), np.linspace(2.0, 0.1, 125) * (1 + 1e-7)),
    # As the demo's float64 run: |Δ| of 1e-16 to 1e-15 at most steps, exactly 0 at the rest.
    "demo": (
        np.geomspace(2.3, 0.3, 125),
        np.geomspace(2.3, 0.3, 125)
        + np.where(np.arange(125) % 3 == 0, 0.0, np.linspace(2e-16, 9e-16, 125)),
    ),
    "torch only": (np.linspace(1.0, 0.5, 30), None),
    "all exact": ([1.0, 0.5, 0.25], [1.0, 0.5, 0.25]),
}


@pytest.mark.parametrize("case", list(CURVES))
@pytest.mark.parametrize("steps_per_epoch", [None, 25])
def test_no_text_of_the_curves_plot_overlaps_another(case, steps_per_epoch):
    torch_losses, jax_losses = CURVES[case]
    title = "mnist_two_hidden: MNIST(h1=256, h2=128) with SGD and momentum 0.9 (float64)"
    fig = curves_figure(torch_losses, jax_losses, title, steps_per_epoch=steps_per_epoch)
    texts = [t.get_text() for t in _texts(fig)]
    if case in ("exact zeros", "demo", "all exact"):
        assert f"|Δ| = 0, drawn at {ZERO_FLOOR:.0e}" in texts
    assert _overlaps(fig) == []


def test_the_overlap_check_finds_what_the_old_label_did():
    # The label this plot had: "drawn here: exactly 0" written on the zero floor's line.
    torch_losses, jax_losses = CURVES["exact zeros"]
    fig = curves_figure(torch_losses, jax_losses, "t")
    fig.axes[-1].annotate(
        "drawn here: exactly 0",
        (0.01, ZERO_FLOOR),
        xycoords=("axes fraction", "data"),
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=8,
    )
    assert ("drawn here: exactly 0", "free text in the axes") in _overlaps(fig)
    fig.text(0.0, 0.0, "step step step step step step step step step step step step")
    assert any("step" in a and "step" in b for a, b in _overlaps(fig))


def test_the_title_names_the_mixed_precision_policy(tmp_path, monkeypatch):
    """A bf16-mixed run's curves are float32 parameters with 16-bit compute: the title says
    both, so the plot is not mistaken for a plain float32 run's."""
    from jaxnn_examples import EXAMPLES
    from twinlab.reports import files

    titles = []
    monkeypatch.setattr(
        files.plots, "write_curves", lambda path, t, j, title, **kw: titles.append(title)
    )
    example = EXAMPLES["mnist_two_hidden"]
    for precision, expected in ((None, "(float32)"), ("bf16-mixed", "(float32, bf16-mixed)")):
        metrics = {
            "dtype": "float32",
            "config": {"epochs": 1, "precision": precision},
            "torch": {"loss": [1.0, 0.5]},
            "jax": {"loss": [1.0, 0.5]},
        }
        files.write_curves(tmp_path, example, metrics)
        assert f"mnist_two_hidden {expected}: " in titles[-1]
