"""Confusion matrix and precision / recall / F1 (inventory §1.19, named in S1 9642-9643).

The JAX twin (jitted) against the torch twin (``torch.bincount``), and both against
scikit-learn's ``confusion_matrix`` / ``precision_recall_fscore_support`` with
``labels=range(C)`` and ``zero_division=0`` as an independent check, and against a case
worked by hand. The zero-division convention (a ratio with denominator 0 is 0) is tested on
classes never predicted, never present, and neither.
"""

from functools import partial

import jax
import numpy as np
import pytest
import torch
from sklearn import metrics as skm

import jaxnn.train
import torch_ref.train
from twincore import harness

from .components import CLASSIFICATION_METRICS

pytestmark = CLASSIFICATION_METRICS

# Worked by hand, 3 classes: class 0 has 2 samples, 1 predicted right; class 1 has 2 samples,
# both right, and takes 1 wrong prediction; class 2 is neither present nor predicted.
HAND_PREDS, HAND_TARGETS = np.array([0, 1, 1, 1]), np.array([0, 0, 1, 1])
HAND_CM = [[1, 1, 0], [0, 2, 0], [0, 0, 0]]
HAND_PER_CLASS = ([1, 2 / 3, 0], [1 / 2, 1, 0], [2 / 3, 4 / 5, 0])  # precision, recall, f1


def _labels(rng, n, num_classes, missing_pred, missing_target):
    """Random labels where class ``missing_pred`` is never predicted and ``missing_target``
    never occurs (both zero-division cases)."""
    classes = [k for k in range(num_classes)]
    preds = rng.choice([k for k in classes if k != missing_pred], size=n)
    targets = rng.choice([k for k in classes if k != missing_target], size=n)
    return preds, targets


def test_confusion_matrix_matches_torch_sklearn_and_the_hand_count(rng):
    preds, targets = _labels(rng, 60, 5, missing_pred=3, missing_target=1)
    cm_j = jax.jit(partial(jaxnn.train.confusion_matrix, num_classes=5))(preds, targets)
    cm_t = torch_ref.train.confusion_matrix(torch.tensor(preds), torch.tensor(targets), 5)
    harness.assert_twins_equal(cm_j, cm_t, skm.confusion_matrix(targets, preds, labels=range(5)))
    assert cm_t.dtype == torch.int64 and int(cm_j.sum()) == 60
    hand = [
        jaxnn.train.confusion_matrix(HAND_PREDS, HAND_TARGETS, 3),
        torch_ref.train.confusion_matrix(torch.tensor(HAND_PREDS), torch.tensor(HAND_TARGETS), 3),
    ]
    harness.assert_twins_equal(*hand, HAND_CM)
    # Any shape of labels counts element by element; no samples count nothing.
    grid = jaxnn.train.confusion_matrix(preds.reshape(6, 10), targets.reshape(6, 10), 5)
    harness.assert_equal(grid, cm_t)
    none = np.array([], dtype=np.int64)
    harness.assert_twins_equal(
        jaxnn.train.confusion_matrix(none, none, 2),
        torch_ref.train.confusion_matrix(torch.tensor(none), torch.tensor(none), 2),
        [[0, 0], [0, 0]],
    )


@pytest.mark.parametrize("average", ["none", "macro", "micro"])
def test_precision_recall_f1_matches_torch_and_sklearn(mode, rng, average):
    preds, targets = _labels(rng, 80, 5, missing_pred=3, missing_target=1)
    fn = partial(jaxnn.train.precision_recall_f1, num_classes=5, average=average, dtype=mode.jnp)
    got_j = jax.jit(fn)(preds, targets)
    got_t = torch_ref.train.precision_recall_f1(
        torch.tensor(preds), torch.tensor(targets), 5, average, dtype=mode.torch
    )
    expected = skm.precision_recall_fscore_support(
        targets,
        preds,
        labels=range(5),
        average=None if average == "none" else average,
        zero_division=0,
    )[:3]
    for what, j, t, sk in zip(("precision", "recall", "f1"), got_j, got_t, expected, strict=True):
        assert j.dtype == mode.jnp and t.dtype == mode.torch
        mode.assert_twins_close(j, t, np.asarray(sk, dtype=mode.np), name=f"{average} {what}")


def test_zero_division_convention_on_a_hand_worked_case(mode):
    # Class 2 is never predicted and never present: precision, recall and F1 are 0 (not
    # NaN), and the macro mean still counts it (sklearn's labels=range(C), zero_division=0).
    def both(average):
        j = jaxnn.train.precision_recall_f1(HAND_PREDS, HAND_TARGETS, 3, average, dtype=mode.jnp)
        t = torch_ref.train.precision_recall_f1(
            torch.tensor(HAND_PREDS), torch.tensor(HAND_TARGETS), 3, average, dtype=mode.torch
        )
        return j, t

    for average in ("none", None):
        j, t = both(average)
        for n, golden in enumerate(HAND_PER_CLASS):
            mode.assert_twins_close(j[n], t[n], golden, name=f"per class {n}")
    j, t = both("macro")
    for n, golden in enumerate(HAND_PER_CLASS):
        mode.assert_twins_close(j[n], t[n], np.mean(golden), name=f"macro {n}")
    j, t = both("micro")  # one label per sample: micro P = R = F1 = accuracy = 3/4
    for n in range(3):
        mode.assert_twins_close(j[n], t[n], 0.75, name=f"micro {n}")
    # A class predicted but never present: precision 0 (no right prediction), recall 0.
    j, t = (
        jaxnn.train.precision_recall_f1(np.array([2, 0]), np.array([0, 0]), 3, "none"),
        torch_ref.train.precision_recall_f1(torch.tensor([2, 0]), torch.tensor([0, 0]), 3, "none"),
    )
    for n, golden in enumerate(([1, 0, 0], [1 / 2, 0, 0], [2 / 3, 0, 0])):
        harness.assert_twins_close(j[n], t[n], harness.tolerance("float32", "op"), golden)


def test_traced_labels_out_of_range_are_left_out_of_the_counts():
    # Under jit the labels are not known when the function runs, so a class outside
    # [0, C) cannot raise; the pair is not counted (documented).
    cm = jax.jit(partial(jaxnn.train.confusion_matrix, num_classes=2))(
        np.array([0, 1, 5, -1]), np.array([0, 1, 1, 0])
    )
    harness.assert_equal(cm, [[1, 0], [0, 1]])


def test_bad_labels_and_arguments_raise_the_same_error_in_both_twins():
    good = np.array([0, 1])
    bad = [
        ((good, good, 0), ValueError, "num_classes must be >= 1; got 0"),
        ((good, good, 2.0), TypeError, "num_classes must be an int; got 2.0"),
        ((np.array([0, 2]), good, 2), ValueError, "preds holds class 2, outside [0, 2)"),
        ((good, np.array([-1, 0]), 2), ValueError, "targets holds class -1, outside [0, 2)"),
        ((np.zeros((2, 2), int), good, 2), ValueError, "preds shape (2, 2) differs from"),
        ((np.array([0.0, 1.0]), good, 2), TypeError, "preds must hold integer class indices"),
    ]
    for args, error, message in bad:
        for fn in (jaxnn.train.confusion_matrix, jaxnn.train.precision_recall_f1):
            with pytest.raises(error) as raised:
                fn(*args)
            assert message in str(raised.value)
        for fn in (torch_ref.train.confusion_matrix, torch_ref.train.precision_recall_f1):
            with pytest.raises(error) as raised:
                fn(*(torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args))
            assert message in str(raised.value)
    for fn, labels in (
        (jaxnn.train.precision_recall_f1, good),
        (torch_ref.train.precision_recall_f1, torch.tensor(good)),
    ):
        with pytest.raises(ValueError, match="average must be one of .* got 'weighted'"):
            fn(labels, labels, 2, "weighted")
