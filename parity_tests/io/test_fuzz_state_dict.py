"""Property tests of ``jaxnn.interop.load_state_dict`` (issue 7 item 6; inventory §1.11).

A state dict with random key subsets, extra keys, wrong shapes, other dtypes (bool, int,
float16, complex, object, strings), NaN and inf either loads (and ``state_dict`` then gives
back exactly what was loaded, cast to the module's dtypes, like torch's ``copy_``) or raises
``StateDictError`` and leaves the module bit for bit as it was.
"""

import numpy as np
import pytest
from flax import nnx
from hypothesis import given, settings
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from .components import STATE_DICT

pytestmark = STATE_DICT

MODELS = {
    "NeuralNetwork": lambda: jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0)),
    # float parameters and buffers plus an integer counter
    "BatchNorm1d": lambda: jaxnn.nn.BatchNorm1d(4, rngs=nnx.Rngs(0)),
}
DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool", "complex64"]


def _value(draw, shape: tuple[int, ...], seed: int):
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["same", "same", "same", "shape", "odd"]))
    if kind == "shape":
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    if kind == "odd":
        return draw(
            st.sampled_from(
                [None, "weights", [1.0, 2.0], np.array(["a"] * max(1, int(np.prod(shape))))]
            )
        )
    dtype = draw(st.sampled_from(DTYPES))
    value = (rng.normal(size=shape) * 3).astype(dtype)
    if value.size and dtype.startswith("float") and draw(st.booleans()):
        value.flat[0] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return value


@st.composite
def state_dicts(draw, name: str):
    reference = jaxnn.interop.state_dict(MODELS[name]())
    keep = draw(st.lists(st.sampled_from(list(reference)), unique=True))
    seed = draw(st.integers(0, 2**16))
    sd = {k: _value(draw, reference[k].shape, seed + i) for i, k in enumerate(keep)}
    for extra in draw(st.lists(st.sampled_from(["extra", "layers.9.weight", "0"]), unique=True)):
        sd[extra] = np.zeros(2, np.float32)
    return sd, draw(st.booleans())


@pytest.mark.parametrize("name", list(MODELS))
def test_load_state_dict_random_dicts_load_exactly_or_change_nothing(name):
    @settings(max_examples=60, deadline=None)
    @given(case=state_dicts(name))
    def check(case):
        sd, strict = case
        module = MODELS[name]()
        before = jaxnn.interop.state_dict(module)
        try:
            result = jaxnn.interop.load_state_dict(module, sd, strict=strict)
        except jaxnn.interop.StateDictError as error:
            assert "Error(s) in loading state_dict" in str(error)
            after = jaxnn.interop.state_dict(module)
            assert list(after) == list(before)
            for key in before:
                assert after[key].tobytes() == before[key].tobytes(), key
            return
        after = jaxnn.interop.state_dict(module)
        assert sorted(result.missing_keys) == sorted(set(before) - set(sd))
        assert sorted(result.unexpected_keys) == sorted(set(sd) - set(before))
        for key in before:
            if key in sd:  # loaded, cast to the module's dtype like torch's copy_
                expected = np.asarray(sd[key]).astype(before[key].dtype)
                harness.assert_equal(after[key], expected, name=key)
                assert after[key].dtype == before[key].dtype, key
            else:
                assert after[key].tobytes() == before[key].tobytes(), key
        # The round trip: what state_dict returns loads back and reproduces itself.
        again = MODELS[name]()
        jaxnn.interop.load_state_dict(again, after)
        for key, value in jaxnn.interop.state_dict(again).items():
            assert value.tobytes() == after[key].tobytes(), key

    check()
