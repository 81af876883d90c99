"""Evaluation the notebooks write by hand: regression metrics, the generalisation check and
binary accuracy with a threshold (inventory §1.15, §1.19; S1 5813-5816, 6226-6230, 9486-9510).

Each is a few tensor expressions; the twin is the same expression in ``jnp`` on the same
NumPy input.
"""

import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from twincore import harness

from .components import TOY_CLASSIFIER

pytestmark = TOY_CLASSIFIER


def test_regression_metrics_mse_mae_r2_seed_values(mode):
    # S1 9486-9510 prints MSE 0.0440, MAE 0.2000, R² 0.9945 for these five predictions.
    y_true = mode.array([3.0, 5.0, 7.0, 9.0, 11.0])
    y_pred = mode.array([2.8, 5.2, 6.9, 9.3, 10.8])
    t_true, t_pred = torch.from_numpy(y_true), torch.from_numpy(y_pred)
    torch_metrics = [
        ((t_pred - t_true) ** 2).mean().item(),
        (t_pred - t_true).abs().mean().item(),
        (1 - ((t_true - t_pred) ** 2).sum() / ((t_true - t_true.mean()) ** 2).sum()).item(),
    ]
    j_true, j_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
    jax_metrics = [
        jnp.mean((j_pred - j_true) ** 2),
        jnp.mean(jnp.abs(j_pred - j_true)),
        1 - jnp.sum((j_true - j_pred) ** 2) / jnp.sum((j_true - jnp.mean(j_true)) ** 2),
    ]
    mode.assert_twins_close(
        np.asarray(jax_metrics),
        np.asarray(torch_metrics),
        golden=[0.0440, 0.2000, 0.9945],
        golden_tol=harness.printed(4),
        name="MSE, MAE, R²",
    )


def test_generalisation_check_gives_the_same_verdict(mode):
    # S1 5813-5816: `if test_loss < train_loss * 1.1` on the evaluation losses of one model.
    torch.manual_seed(0)
    tmodel = torch_ref.models.NeuralNetwork(2, 2).to(mode.torch)
    jmodel = jaxnn.models.NeuralNetwork(2, 2, dtype=mode.name, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    graphdef, state = jaxnn.train.TrainState.create(jmodel, jaxnn.optim.sgd(0.1))
    eval_step = jaxnn.train.make_eval_step(graphdef, jaxnn.functional.cross_entropy)
    rng = np.random.default_rng(2)
    x_train, x_test = mode.array(rng.normal(size=(20, 2))), mode.array(rng.normal(size=(10, 2)))
    with torch.no_grad():  # labels the model gets right: a low loss
        right_train = tmodel(torch.from_numpy(x_train)).argmax(1).numpy()
        right_test = tmodel(torch.from_numpy(x_test)).argmax(1).numpy()
    verdicts = []
    # A test set the model fits as well as the training set, then one it gets all wrong.
    for y_test in (right_test, 1 - right_test):
        losses = {}
        for split, x, y in (("train", x_train, right_train), ("test", x_test, y_test)):
            metrics_t = torch_ref.train.eval_step(
                tmodel, F.cross_entropy, (torch.from_numpy(x), torch.from_numpy(y))
            )
            metrics_j = eval_step(state, (jnp.asarray(x), jnp.asarray(y)))
            mode.assert_twins_close(metrics_j["loss"], metrics_t["loss"], name=f"{split} loss")
            losses[split] = (float(metrics_j["loss"]), float(metrics_t["loss"]))
        generalizes_j = losses["test"][0] < losses["train"][0] * 1.1
        generalizes_t = losses["test"][1] < losses["train"][1] * 1.1
        assert generalizes_j == generalizes_t, "the twins disagree"
        verdicts.append(generalizes_t)
    assert verdicts == [True, False]


def test_binary_accuracy_with_a_threshold(mode, rng):
    # S1 6226-6230: `predicted = (predictions > 0.5).float()`, then the fraction equal to y.
    logits = mode.array(rng.normal(size=(40, 1)))
    y = mode.array(rng.uniform(size=(40, 1)) > 0.5)
    probs_t = torch.sigmoid(torch.from_numpy(logits))
    predicted_t = (probs_t > 0.5).float()
    accuracy_t = (predicted_t == torch.from_numpy(y)).float().mean().item()
    probs_j = jaxnn.functional.sigmoid(jnp.asarray(logits))
    predicted_j = (probs_j > 0.5).astype(jnp.float32)
    accuracy_j = float((predicted_j == jnp.asarray(y)).astype(jnp.float32).mean())
    harness.assert_twins_equal(np.asarray(predicted_j), predicted_t.numpy(), name="predicted")
    harness.assert_twins_equal(accuracy_j, accuracy_t, name="accuracy")
    assert 0.0 < accuracy_t < 1.0
