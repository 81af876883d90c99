"""The components ``parity_tests/train`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

FIT = pytest.mark.component(
    "Training loop and fit",
    torch="a zero_grad/backward/step loop",
    jaxnn="jaxnn.train.make_train_step, fit",
    lesson="17_training_loop",
)

TOY_CLASSIFIER = pytest.mark.component(
    "Toy classifier and its predictions",
    torch="the notebook's E18 loop; argmax accuracy",
    jaxnn="jaxnn.train.compute_accuracy",
    lesson="18_evaluation",
)

CLASSIFICATION_METRICS = pytest.mark.component(
    "Confusion matrix, precision, recall, F1",
    torch="torch_ref.train.confusion_matrix, precision_recall_f1 (torch.bincount)",
    jaxnn="jaxnn.train.confusion_matrix, precision_recall_f1",
    lesson="18_evaluation",
)

PRECISION = pytest.mark.component(
    "Mixed precision (autocast, GradScaler)",
    torch="torch.autocast('cpu', bfloat16/float16) and torch.amp.GradScaler",
    jaxnn="jaxnn.train.precision (autocast, GradScaler), fit(precision=)",
    lesson="17_training_loop",
)

EARLY_STOPPING = pytest.mark.component(
    "Validation loss and early stopping",
    torch="a validation pass per epoch; stop after `patience` epochs without improvement",
    jaxnn="jaxnn.train.fit(val_loader=, patience=, min_delta=, restore_best=)",
    lesson="17_training_loop",
)
