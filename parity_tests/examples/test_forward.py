"""Notebook prints and relations of the non-training worked examples (inventory §2, §3).

``test_examples.py`` checks that each example's torch and JAX sides agree. The
checks here are the ones an example promises beyond that: the values the notebook
printed (§3.1, and §3.2 values, verified here by the example's real torch side),
the torch-only replays under ``torch.manual_seed`` (§3.3) and the relations that
hold for any initialisation (§3.5). Each is asserted on both sides. An example
runs once per precision in this module (the runs are cached), not once per check.
"""

import dataclasses
import functools
import math

import jax
import numpy as np
import pytest

from jaxnn_examples import EXAMPLES
from twincore import harness
from twinlab.engine import run_example
from twinlab.records import SideResult

from ..tensor.test_random import E03_LOSS, E03_PREDICTED

SIDES = ("torch", "jax")


@functools.cache
def _run(name: str, dtype: str) -> dict[str, SideResult]:
    example = EXAMPLES[name]
    settings = dataclasses.replace(example.defaults, dtype=dtype)
    with jax.enable_x64(dtype == "float64"):
        return run_example(example, "both", settings)


def _sides(name: str, dtype: str = "float32"):
    results = _run(name, dtype)
    return [(side, results[side]) for side in SIDES]


def test_linear_forward_example_reproduces_seed_print():
    # S0 111-131. The printed weights are themselves rounded to 4 decimals, so the
    # outputs can differ from the print by up to sum(|x|) * 0.5e-4 + 0.5e-4 = 3.5e-4.
    for side, result in _sides("linear_forward"):
        outputs = [result.final[f"output[{i}]"] for i in range(4)]
        harness.assert_close(
            outputs, [1.0985, 0.5292, 1.0550, 1.4470], harness.printed(3), name=f"{side} output"
        )


def test_stacked_linears_dead_relu_rows_output_layer2_bias(mode):
    # §3.5 / S0 162-175: a row whose first-layer output is <= 0 outputs layer2.bias exactly.
    for side, result in _sides("stacked_linears", mode.name):
        s = result.final_state
        dead = s["out1"][:, 0] <= 0
        assert dead.all(), f"{side}: seed 0 kills every row, as in the notebook's run"
        expected = np.broadcast_to(s["layer2.bias"], s["out_relu"][dead].shape)
        harness.assert_equal(s["out_relu"][dead], expected, name=f"{side} dead rows")


def test_backprop_step_example_replays_seed_print():
    # §3.3, S0 180-214: seed 0 gives the printed prediction and loss (float32, as printed;
    # the replay itself is tested in test_random.py).
    for side, result in _sides("backprop_step"):
        harness.assert_close(
            result.final["predicted"], E03_PREDICTED, harness.printed(4), name=f"{side} predicted"
        )
        harness.assert_close(
            result.final["loss"],
            np.float32(E03_LOSS),
            harness.tolerance("float32"),
            name=f"{side} loss",
        )


def test_single_neuron_bce_example_matches_seed_print():
    # S4 735-786 (printed, w = 1.2) and S4 712-727 (w = 2.2, §3.2: torch gives the same).
    expected = {1.2: (0.2368, -0.2319, -0.2108), 2.2: (0.0852, -0.0898, -0.0817)}
    for side, result in _sides("single_neuron_bce"):
        for w, values in expected.items():
            keys = (f"loss (w={w})", f"dL/dw (w={w})", f"dL/db (w={w})")
            harness.assert_close(
                [result.final[k] for k in keys], values, harness.printed(4), name=f"{side} w={w}"
            )


def test_neural_network_forward_torch_init_replays_seed_weight_excerpt():
    # §3.3, S4 813-829: torch.manual_seed(42) then NeuralNetwork(50, 3); the printed
    # corners of layers[0].weight (rows 0, 1, 2 and the last; first and last 3 columns).
    printed = [
        [0.1081, 0.1174, -0.0331, 0.0253, 0.0718, -0.0862],
        [-0.1400, -0.0546, -0.1085, -0.0477, -0.0501, -0.1368],
        [-0.0810, 0.0353, -0.0187, 0.1142, 0.1288, -0.1121],
        [0.0023, -0.1223, 0.0797, 0.0369, 0.0862, 0.1328],
    ]
    results = _run("neural_network_forward", "float32")
    weight = results["torch"].initial_state["model.layers.0.weight"]
    harness.assert_close(
        weight[[0, 1, 2, -1]][:, [0, 1, 2, -3, -2, -1]],
        printed,
        harness.printed(4),
        name="layers.0.weight excerpt",
    )
    for side in SIDES:  # S4 2041 / §3.2
        harness.assert_equal(results[side].final["trainable parameters"], 2213)


def test_backprop_math_closed_form_gradients_equal_autograd(mode):
    # S4 1566-1722 with the mean reduction's 1/B: delta3 = (softmax(z3) - onehot(y)) / B.
    for side, result in _sides("backprop_math", mode.name):
        s = result.final_state
        for key in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"):
            mode.assert_close(
                s[f"closed_form.model.{key}"], s[f"grad.model.{key}"], name=f"{side} {key}"
            )


def test_toy_loader_example_batches_match_seed_print():
    # §3.3, S4 1792-1797: torch's shuffle under manual_seed(123), replayed by the JAX loader.
    printed = [
        ([[2.3, -1.1], [-0.9, 2.9]], [1, 0]),
        ([[-1.2, 3.1], [-0.5, 2.6]], [0, 0]),
        ([[2.7, -1.5]], [1]),
    ]
    for side, result in _sides("toy_loader"):
        s = result.final_state
        assert result.final["train batches"] == len(printed)
        for i, (x, y) in enumerate(printed, start=1):
            harness.assert_close(
                s[f"train.batch{i}.x"], x, harness.printed(4), name=f"{side} batch {i}"
            )
            harness.assert_equal(s[f"train.batch{i}.y"], y, name=f"{side} batch {i} labels")


def test_cs336_snippets_example_shapes_values_and_gradient(mode):
    # S4 1961-2003 (§3.1): every product of ones is 32.0; w.grad equals x = [1, 2, 3].
    for side, result in _sides("cs336_snippets", mode.name):
        s = result.final_state
        harness.assert_equal(s["y_16x2"], np.full((16, 2), 32.0), name=f"{side} y")
        harness.assert_equal(s["y_4x8x16x2"], np.full((4, 8, 16, 2), 32.0), name=f"{side} y")
        harness.assert_equal(s["w.grad"], [1.0, 2.0, 3.0], name=f"{side} w.grad")
        harness.assert_equal([result.final["pred_y"], result.final["loss"]], [6.0, 0.5])


def test_fixed_weight_linear_example_outputs():
    # S1 4870-5337, 5433-5453 (§3.2; exact in float32: small integers and sums of them).
    expected = {
        "weighted_sum.output": [140.0, 320.0],
        "weighted_sum_batch.output": [[14, 32], [32, 77], [50, 122]],
        "selector.output": [10.0, 30.0, 50.0],
        "averaging.output": [25.0, 15.0],
        "mixed.output": [2.0, -3.0],
        "large_weights.output": [30.0],
        "intercept.output": [[5.0], [7.0], [8.0], [10.0]],
        "line_with_bias.output": [[3.0], [5.0], [7.0], [9.0]],
        "line_no_bias.output": [[0.0], [2.0], [4.0], [6.0]],
        "bias_zeros.bias": [0.0] * 5,
    }
    for side, result in _sides("fixed_weight_linear"):
        for key, value in expected.items():
            harness.assert_equal(result.final_state[key], value, name=f"{side} {key}")
        # 0.1 is not exact in binary: 0.3 to the print's one decimal, 0.1 to float32.
        harness.assert_close(result.final["small weights output"], 0.3, harness.printed(1))
        harness.assert_close(
            result.final_state["bias_constant.bias"], [0.1] * 5, harness.tolerance("float32")
        )
        harness.assert_equal(
            [result.final["parameters without bias"], result.final["parameters with bias"]], [6, 8]
        )


@pytest.mark.parametrize(
    "name, counts",
    [
        # S1 4044-4331 (§3.2)
        (
            "module_tour",
            {
                "simple parameters": 55,
                "network parameters": 1994,
                "composed parameters": 905,
                "classifier parameters": 235146,
                "classifier trainable parameters": 235146,
            },
        ),
        # S1 4549-4726 (§3.2)
        (
            "parameter_tour",
            {
                "ModuleWithParameter parameters": 2,
                "ModuleWithTensor parameters": 0,
                "ModuleWithParam parameters": 1,
                "Linear(5, 3) parameters": 18,
                "trainable after freezing layer 0": 105,
                "total": 325,
                "trainable after unfreezing": 325,
                "SharedParameterModule parameters": 110,
                "SmallNet parameters": 109386,
            },
        ),
        # S1 6032-6113 (§3.2)
        (
            "feed_forward_tour",
            {
                "simple parameters": 241,
                "deep parameters": 242762,
                "deep layer 0 parameters": 200960,
                "deep layer 2 parameters": 32896,
                "deep layer 4 parameters": 8256,
                "deep layer 6 parameters": 650,
                "custom parameters": 9157,
            },
        ),
    ],
)
def test_tour_examples_parameter_counts(name, counts):
    for side, result in _sides(name):
        for key, count in counts.items():
            harness.assert_equal(result.final[key], count, name=f"{side} {key}")


def test_parameter_tour_smallnet_memory():
    # S1 4726: 109,386 float32 parameters are 0.42 MB (printed with 2 decimals).
    for _, result in _sides("parameter_tour"):
        harness.assert_close(result.final["SmallNet MB (float32)"], 0.42, harness.printed(2))


def test_activation_tour_example_seed_values_and_dying_relu():
    # S1 6621-7332 (§3.2, never printed by the notebook), exact GELU, in float64: GELU(3) =
    # 3 * Phi(3) = 2.99595031 sits 3e-7 above a rounding boundary of the 4th decimal, and
    # float32 arithmetic (2.99594975) falls below it.
    for side, result in _sides("activation_tour", "float64"):
        s, f = result.final_state, result.final
        harness.assert_equal(s["relu(fixed)"], [0, 0, 0, 0, 0.5, 1.5, 3], name=f"{side} relu")
        harness.assert_close(
            s["gelu(fixed)"],
            [-0.0040, -0.1002, -0.1543, 0.0000, 0.3457, 1.3998, 2.9960],
            harness.printed(4),
            name=f"{side} gelu",
        )
        harness.assert_close(s["softmax.module"], [0.6590, 0.2424, 0.0986], harness.printed(4))
        harness.assert_close(s["softmax.two_rows"][1], [0.1112, 0.8214, 0.0674], harness.printed(4))
        for temperature, p_max in ((0.5, 0.8638), (1.0, 0.6590), (2.0, 0.5017)):
            harness.assert_close(
                f[f"max probability (T={temperature})"],
                p_max,
                harness.printed(4),
                name=f"{side} T={temperature}",
            )
        counts = {
            "ReLU zeros (linspace 100)": 50,
            "ReLU positives (linspace 100)": 50,
            "ReLU zeros (linspace 1000)": 500,
            "GELU exact zeros (linspace 1000)": 0,
            "GELU negatives (linspace 1000)": 500,
        }
        for key, count in counts.items():
            harness.assert_equal(f[key], count, name=f"{side} {key}")
        harness.assert_close(f["GELU min (linspace 1000)"], -0.1700, harness.printed(4))
        # §3.5, S1 6761-6792: weight -1, bias -10 on positive inputs: no output, no gradient.
        assert f["all pre-activations negative"] == 1.0
        assert f["all post-activations zero"] == 1.0
        for key in ("weight", "bias"):
            g = s[f"grad.dying.{key}"]
            harness.assert_equal(g, np.zeros_like(g), name=f"{side} dying {key} grad")


def test_layernorm_tour_example_seed_values(mode):
    # S1 7729-7824 (§3.2) and §3.5: each sample's biased std is sqrt(var / (var + eps)).
    eps = 1e-5
    for side, result in _sides("layernorm_tour", mode.name):
        s = result.final_state
        harness.assert_close(
            s["ln5(x)"],
            [-1.4142, -0.7071, 0.0, 0.7071, 1.4142],
            harness.printed(4),
            name=f"{side} LayerNorm",
        )
        harness.assert_close(
            s["ln5(batch)"][2],
            [-1.3558, -0.8135, 0.0, 0.8135, 1.3558],
            harness.printed(4),
            name=f"{side} row 2",
        )
        mode.assert_close(
            result.final["normalized std (biased)"], math.sqrt(2 / (2 + eps)), name=f"{side} std"
        )
        assert result.final["manual matches LayerNorm (atol 1e-5)"] == 1.0


def test_dropout_tour_scaling_and_eval_identity(mode):
    # §3.5 / S1 8066-8231: eval mode is the identity; every kept value is 1 / (1 - p).
    for side, result in _sides("dropout_tour", mode.name):
        s = result.final_state
        for i in (1, 2, 3):
            harness.assert_equal(s[f"ones10.eval{i}"], np.ones(10), name=f"{side} eval")
        harness.assert_equal(s["F.dropout(training=False)"], np.ones(10), name=f"{side} F")
        for p in (0.1, 0.3, 0.5, 0.7, 0.9):
            out = s[f"rate{p}.output"]
            mode.assert_close(
                out[out != 0], np.full((out != 0).sum(), 1 / (1 - p)), name=f"{side} p={p}"
            )
        assert result.final["network: training passes agree"] == 0.0
        assert result.final["network: eval passes agree"] == 1.0


def test_gather_tour_example_seed_values():
    # S1 8379-8634 (§3.2).
    expected = {
        "1d": [10, 30, 50, 20],
        "rows": [[10, 12, 14], [21, 23, 24], [32, 32, 32]],
        "columns": [[10, 21, 32, 13, 24]],
        "positions": [[[4, 5, 6], [10, 11, 12]], [[16, 17, 18], [28, 29, 30]]],
        "gather_vs_indexing": [20, 40, 90],
        "topk.indices": [[4, 2, 0], [3, 1, 4]],
    }
    for side, result in _sides("gather_tour"):
        for key, value in expected.items():
            harness.assert_equal(result.final_state[key], value, name=f"{side} {key}")
        harness.assert_close(
            result.final_state["true_class_logits"],
            [2.1, 3.2, 2.5, 2.8],
            harness.tolerance("float32"),
        )
        grad = np.zeros((4, 5))
        grad[[0, 1, 2, 3], [0, 1, 3, 2]] = 1.0  # gather's gradient scatters ones back
        harness.assert_equal(result.final_state["grad.logits"], grad, name=f"{side} grad")


def test_loss_examples_seed_values():
    # S1 8759-8912 (E50), 9133-9226 (E51), 9486-9536 (E53): §3.2, torch-checked here.
    for side, r in _sides("mse_loss_tour"):
        values = [
            r.final[k]
            for k in (
                "nn.MSELoss",
                "reduction=mean",
                "reduction=sum",
                "perfect loss",
                "small errors loss",
                "large errors loss",
            )
        ]
        harness.assert_close(
            values,
            [0.1250, 0.2500, 1.5000, 0.0, 0.0050, 3.0000],
            harness.printed(4),
            name=f"{side} MSE",
        )
        harness.assert_equal(r.final_state["reduction=none"], np.full((3, 2), 0.25))
    for side, r in _sides("logits_tour"):
        harness.assert_close(r.final["cross-entropy loss"], 0.3959, harness.printed(4))
        harness.assert_close(
            r.final_state["softmax([2, 1, 0.1])"],
            [0.659, 0.242, 0.099],
            harness.printed(3),
            name=f"{side} percentages",
        )
        # §5 item 49: the notebook's diagram says [0.02, 0.12, 0.86]; the softmax is this.
        harness.assert_close(
            r.final_state["softmax([-2, 1, 3])"],
            [0.0059, 0.1185, 0.8756],
            harness.printed(4),
            name=f"{side} softmax([-2, 1, 3])",
        )
        harness.assert_close(
            r.final_state["softmax(negative logits)"],
            [0.0064, 0.0174, 0.9476, 0.0286],
            harness.printed(4),
        )
    for side, r in _sides("prediction_metrics"):
        metrics = [r.final[k] for k in ("MSE", "MAE", "R^2", "accuracy")]
        harness.assert_close(
            metrics, [0.0440, 0.2000, 0.9945, 0.75], harness.printed(4), name=f"{side} metrics"
        )
        harness.assert_equal(r.final["correct predictions"], 6)


def test_gradient_descent_scalar_example_follows_closed_form(mode):
    # §3.2, S1 9688-9723: after step s, x = 3 - 3 * 0.8^(s + 1); before it, f = 9 * 0.64^s.
    steps = np.arange(20)
    for side, result in _sides("gradient_descent_scalar", mode.name):
        mode.assert_close(
            result.final_state["x after each step"], 3 - 3 * 0.8 ** (steps + 1), name=f"{side} x"
        )
        mode.assert_close(result.losses, 9 * 0.64**steps, name=f"{side} f")
        printed = {
            "x (step 0)": 0.6000,
            "f(x) (step 0)": 9.0000,
            "x (step 5)": 2.2136,
            "f(x) (step 5)": 0.9664,
            "x (step 10)": 2.7423,
            "f(x) (step 10)": 0.1038,
            "x (step 15)": 2.9156,
            "f(x) (step 15)": 0.0111,
            "final x": 2.9654,
        }
        for key, value in printed.items():
            harness.assert_close(result.final[key], value, harness.printed(4), name=key)


def test_zero_grad_demo_two_backwards_give_exactly_twice_the_gradient(mode):
    # §3.5, §5 item 50: exactly 2x (not "roughly"); no gradient at all after zero_grad.
    for side, result in _sides("zero_grad_demo", mode.name):
        s = result.final_state
        for key in ("weight", "bias"):
            first = s[f"grad[1st backward].model.{key}"]
            harness.assert_equal(
                s[f"grad[2nd backward (accumulated)].model.{key}"],
                2 * first,
                name=f"{side} {key}",
            )
            harness.assert_equal(
                s[f"grad[3rd backward (after zero_grad)].model.{key}"],
                first,
                name=f"{side} {key}",
            )
        assert result.final["grad exists after zero_grad"] == 0.0


def test_optimizer_step_demo_loss_after_is_004_times_loss_before(mode):
    # §3.5, S1 10064-10123: SGD lr 0.1 on x = [[1, 2]] turns the error e into -0.2 e.
    for side, result in _sides("optimizer_step_demo", mode.name):
        before, after = result.losses
        mode.assert_close(after, 0.04 * before, name=f"{side} loss after")
