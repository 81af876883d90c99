"""``jaxnn run NAME --seeds K`` (issue 6): K initialisations, JAX in one vmapped program.

Each member of a multi-seed run is compared with a computation made without it. Members
differ only in their initial parameters (drawn from seed ``seed + k``); the data and the
batch order are the base seed's for all of them, as one vmapped program feeds each batch
to every member. So a member equals the single ``jaxnn run --seed s`` run where the seed
draws nothing but the initialisation, and otherwise the single-run engine started from the
member's own initial parameters; with ``--framework both`` it equals its torch twin, which
torch's own loop trains.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from twincore import harness
from twinlab import cli

MEMBER = harness.tolerance("float64", "member")
CURVE = harness.tolerance("float64", "curve")


def _run(out, *argv) -> dict:
    assert cli.main(["run", *argv, "--dtype", "float64", "--out", str(out)]) == 0
    return json.loads((out / "metrics.json").read_text())


def test_seeds_members_equal_single_runs_with_their_seeds(x64, tmp_path):
    # weights_change trains on fixed data, full batch: the seed draws only the initialisation.
    multi = _run(tmp_path / "multi", "weights_change", "--framework", "jax", "--seeds", "3")
    assert multi["config"]["seeds"] == 3
    seeds = [m["seed"] for m in multi["members"]]
    base = multi["config"]["seed"]
    assert seeds == [base, base + 1, base + 2]
    for member in multi["members"]:
        single = _run(
            tmp_path / f"seed{member['seed']}",
            "weights_change",
            "--framework",
            "jax",
            "--seed",
            str(member["seed"]),
        )
        name = f"seed {member['seed']}"
        harness.assert_close(member["jax"]["loss"], single["jax"]["loss"], MEMBER, name=name)
        assert member["jax"]["final"].keys() == single["jax"]["final"].keys()
        for key, value in single["jax"]["final"].items():
            harness.assert_close(member["jax"]["final"][key], value, MEMBER, name=key)
    first_losses = {m["jax"]["loss"][0] for m in multi["members"]}
    assert len(first_losses) == 3, "the members did not start from different parameters"


def test_seeds_members_equal_the_single_run_from_their_init_in_the_base_order(x64, tmp_path):
    from jaxnn_examples import EXAMPLES
    from twinlab.engine.jax_side import train_jax
    from twinlab.engine.torch_side import draw_initial

    # template_ann draws its data from the seed and shuffles every epoch.
    argv = ["template_ann", "--framework", "jax", "--seeds", "2", "--epochs", "2"]
    multi = _run(tmp_path, *argv)
    recipe = EXAMPLES["template_ann"].recipe
    config = dataclasses.replace(EXAMPLES["template_ann"].defaults, dtype="float64", epochs=2)
    for member in multi["members"]:
        # A JAX-only member starts from what torch draws with its seed (torch is installed).
        drawn = draw_initial(recipe, dataclasses.replace(config, seed=member["seed"]))
        # The single-run path from the member's initial parameters, on the base seed's data.
        single = train_jax(recipe, config, drawn)
        name = f"seed {member['seed']}"
        harness.assert_close(member["jax"]["loss"], single.losses, MEMBER, name=name)
        for key, value in single.final.items():
            harness.assert_close(member["jax"]["final"][key], value, MEMBER, name=key)


def test_seeds_without_torch_members_start_from_jaxnn_draws(x64):
    # Where torch is not installed the command trains members from jaxnn's own draws.
    from flax import nnx

    import jaxnn
    from jaxnn_examples import EXAMPLES
    from jaxnn_examples.specs import build_jax
    from twinlab.engine import run_seeds
    from twinlab.engine.jax_side import train_jax

    recipe = EXAMPLES["template_ann"].recipe
    config = dataclasses.replace(EXAMPLES["template_ann"].defaults, dtype="float64", epochs=1)
    members = run_seeds(recipe, "jax", config, 2)["jax"].members
    for seed, member in zip((config.seed, config.seed + 1), members, strict=True):
        drawn = build_jax(recipe.model, dtype=np.float64, rngs=nnx.Rngs(seed))
        single = train_jax(recipe, config, jaxnn.interop.state_dict(drawn))
        harness.assert_close(member.losses, single.losses, MEMBER, name=f"seed {seed}")


def test_seeds_both_frameworks_each_member_agrees_with_its_torch_twin(x64, tmp_path, capsys):
    metrics = _run(tmp_path, "toy_classifier", "--framework", "both", "--seeds", "3")
    report = capsys.readouterr().out
    assert [m["seed"] for m in metrics["members"]] == [123, 124, 125]
    for member in metrics["members"]:
        assert len(member["jax"]["loss"]) == len(member["torch"]["loss"]) == 6
        harness.assert_close(
            member["jax"]["loss"], member["torch"]["loss"], CURVE, name=f"seed {member['seed']}"
        )
        assert member["max_rel_loss_diff"] <= CURVE.rtol
        assert member["max_rel_param_diff"] <= CURVE.rtol
        assert member["jax"]["final"] == member["torch"]["final"]
    worst = max(m["max_abs_loss_diff"] for m in metrics["members"])
    assert metrics["max_abs_loss_diff"] == worst
    assert len({m["torch"]["loss"][0] for m in metrics["members"]}) == 3
    for side in ("torch", "jax"):
        assert metrics[side]["train_time_s"] > 0 and "loss" not in metrics[side]
    # One line per member, then the spread and the throughput of each side.
    lines = report.splitlines()
    for seed in (123, 124, 125):
        assert sum(line.split()[:1] == [str(seed)] for line in lines) == 1, report
    assert any(line.split()[:1] == ["std"] for line in lines), report
    assert "jax: 3 members x 6 steps in one vmapped program" in report
    assert "torch: 3 members x 6 steps one after another" in report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curves.png", "metrics.json"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["toy_full_flow", "--seeds", "0"], "argument --seeds: expected a number of seeds >= 1"),
        (["linear_forward", "--seeds", "2"], "does not train with jaxnn.train.fit (these "),
        (["learning_rates", "--seeds", "2"], "trains 3 models one after another (these train "),
        (
            ["mnist_two_hidden", "--seeds", "2", "--checkpoint-every", "2"],
            "--seeds trains K fresh runs together and cannot checkpoint or resume",
        ),
        (["mnist_two_hidden", "--seeds", "2", "--resume", "x"], "cannot checkpoint or resume"),
    ],
)
def test_seeds_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    assert cli.main(["run", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("jaxnn: error: "), err
    assert message in err and "Traceback" not in err
