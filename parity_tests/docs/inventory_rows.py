"""Inventory §1, row by row: each component of the notebooks with its JAX twin, its tests and
the docs page that shows it. ``coverage_page`` renders this as ``docs/coverage.md``;
``test_coverage_page.py`` checks every entry against the code.

A row's fields:

- ``section``, ``component``, ``where``: the inventory's section number, first cell and seed-line
  cell, verbatim (for §1.24's bullets: the bullet's name and its seed lines).
- ``twin``: what a user writes in JAX, as dotted names that import (``jax.numpy.reshape``,
  ``jaxnn.train.fit``; an attribute of a class, ``jax.Array.at``, counts) or, for a concept
  taught by a lesson or an example, the path of that file in the repository.
- ``tests``: one to three ``parity_tests/...::test_name`` that exercise the row.
- ``doc``: the docs page that covers the row; it names at least one of ``tests``.
- ``pending``: what is still missing, empty once the row is complete.

The inventory itself is not in the repository: ``python -m parity_tests.docs.coverage_page
--inventory PATH`` compares an ``inventory.md`` with these rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One row of inventory §1 and where the project covers it."""

    section: str
    component: str
    where: str
    twin: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    doc: str = ""
    pending: str = ""


SECTIONS: dict[str, str] = {
    "1.1": "Tensor creation, dtypes, properties, printing",
    "1.2": "Shape operations, `-1` inference, views vs copies",
    "1.3": "Indexing, slicing, boolean and advanced indexing",
    "1.4": "Broadcasting",
    "1.5": "Element-wise math and in-place ops",
    "1.6": "Reductions (dim / keepdim, values+indices)",
    "1.7": "argmax / argmin / topk",
    "1.8": "Matrix-multiplication family",
    "1.9": "`torch.gather`",
    "1.10": "Autograd",
    "1.11": "`nn.Module` API",
    "1.12": "Layers",
    "1.13": "Activations",
    "1.14": "Functional API (`torch.nn.functional as F`)",
    "1.15": "Losses",
    "1.16": "Optimizers, optimizer API, manual updates",
    "1.17": "Training-loop pieces and logging",
    "1.18": "Dataset / DataLoader / transforms / torchvision",
    "1.19": "Evaluation and metrics",
    "1.20": "Saving and loading",
    "1.21": "Device management and timing",
    "1.22": "NumPy primer (S4 8-439)",
    "1.23": "RNG and reproducibility",
    "1.24": "Concepts and notes (documentation-level; no numerics)",
}
"""Inventory §1's sections and their titles, in order (§1.20 is prose and has no rows)."""

TOTAL = 199
"""The number of rows in inventory §1."""

ROWS: tuple[Row, ...] = (
    # §1.1 Tensor creation, dtypes, properties, printing
    Row(
        section="1.1",
        component="tensor from float lists",
        where="S0 9,49,98-107; S2 18; S4 333,735-738,1941,2183-2184; S1 63,133,517",
        twin=("jaxnn.functional.tensor",),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_python_floats_give_float32_in_both_modes",
            "parity_tests/functional/test_creation.py::test_tensor_dtype_inference_matches_torch",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="0-d tensors",
        where="S4 290,348,513",
        twin=("jaxnn.functional.tensor",),
        tests=("parity_tests/functional/test_creation.py::test_tensor_0d_has_empty_shape",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="int tensors (default int64)",
        where="S1 70,193,211,240,292; S4 274,302,320,338-339,513-516,524,595,605,632",
        twin=("jaxnn.functional.tensor",),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_python_ints_give_int64_where_jax_allows",
            "parity_tests/functional/test_creation.py::test_tensor_int64_values_beyond_int32_need_x64",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="explicit dtype",
        where="S1 100-127 (printed), 848,1263,1270,8522",
        twin=(
            "jaxnn.functional.tensor",
            "jax.numpy.float64",
        ),
        tests=("parity_tests/functional/test_creation.py::test_tensor_explicit_dtype_seed_values",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="signature note",
        where="S3 13",
        twin=(
            "jaxnn.functional.tensor",
            "jax.device_put",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_data_dtype_device_is_tensor_then_device_put",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="from / to NumPy",
        where="S1 85-96, 609-615; S3 19; S4 1422",
        twin=(
            "jaxnn.functional.tensor",
            "jax.numpy.asarray",
            "numpy.asarray",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_from_numpy_array_keeps_dtype_and_copies",
            "parity_tests/functional/test_creation.py::test_from_numpy_shares_memory_while_jax_copies",
            "parity_tests/functional/test_creation.py::test_numpy_of_tensor_shares_memory_while_numpy_of_jax_is_read_only",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="constant / random constructors",
        where="S0 27-38; S4 1941-1972; S1 503,604,3082",
        twin=(
            "jax.numpy.zeros",
            "jax.numpy.ones",
            "jax.random.normal",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_zeros_ones_values_and_default_dtype",
            "parity_tests/functional/test_creation.py::test_randn_is_standard_normal_on_each_side",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="uniform / int random",
        where="S2 251; S4 832,854,868,2054; S1 1749,2238,3775,5469,5829-5832,7550",
        twin=(
            "jax.random.uniform",
            "jax.random.randint",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_rand_is_uniform_on_the_unit_interval_on_each_side",
            "parity_tests/functional/test_creation.py::test_randint_excludes_high_on_each_side",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="ranges",
        where="S4 226; S1 8588,6642,6864,6886,9363",
        twin=(
            "jax.numpy.arange",
            "jax.numpy.linspace",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_arange_ints_and_floats",
            "parity_tests/functional/test_creation.py::test_linspace_includes_both_ends",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="properties",
        where="S1 131-156, 189-269 (printed); S4 83-86 (numpy), 518-519",
        twin=(
            "jax.Array.shape",
            "jax.Array.ndim",
            "jax.Array.size",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_properties_seed_values",
            "parity_tests/functional/test_creation.py::test_tensor_float_dtype_and_device_properties",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="scalar / list extraction",
        where="S1 737,1860,2954,1876,10073-10074",
        twin=(
            "jax.Array.item",
            "jax.numpy.abs",
            "jax.Array.astype",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_item_and_tolist_give_python_values",
            "parity_tests/functional/test_creation.py::test_clone_is_an_independent_copy",
            "parity_tests/tensor/test_elementwise.py::test_float_cast_of_ints_and_bools",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="print options",
        where="S4 2146",
        twin=("jaxnn.set_printoptions",),
        tests=(
            "parity_tests/functional/test_creation.py::test_set_printoptions_sci_mode_false_stops_scientific_notation",
            "parity_tests/functional/test_creation.py::test_set_printoptions_summarises_like_torch",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.1",
        component="`torch.Tensor` type / Parameter repr",
        where="S1 66,77; S0 116-119; S4 821-829",
        twin=(
            "jax.Array",
            "flax.nnx.Param",
        ),
        tests=(
            "parity_tests/functional/test_creation.py::test_tensor_properties_seed_values",
            "parity_tests/nn/test_module.py::test_manual_parameter_keeps_type_and_trainability",
            "parity_tests/nn/test_repr.py::test_a_parameter_prints_as_flax_param_not_parameter_containing",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.2 Shape operations, `-1` inference, views vs copies
    Row(
        section="1.2",
        component="reshape",
        where="S1 302-367 (printed), 389-406, 9363; S4 521,530",
        twin=("jax.numpy.reshape",),
        tests=(
            "parity_tests/functional/test_shape.py::test_reshape_seed_values",
            "parity_tests/functional/test_shape.py::test_reshape_minus_one_infers_one_dimension",
            "parity_tests/functional/test_shape.py::test_reshape_to_wrong_size_raises_in_both",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="view (shares storage)",
        where="S1 371-387; S4 220-234,301-315,543,558; S2 239; S3 316,323; S4 1292,1478",
        twin=(
            "jax.numpy.reshape",
            "jax.Array.at",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_view_write_aliases_in_torch_and_is_at_set_in_jax",
            "parity_tests/functional/test_shape.py::test_view_minus_one_seed_shapes",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="flatten",
        where="S1 394,2024,5112; S4 957,969,1108",
        twin=(
            "jaxnn.functional.flatten",
            "jaxnn.nn.Flatten",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_flatten_start_end_dims",
            "parity_tests/nn/test_flatten.py::test_flatten_matches_torch",
        ),
        doc="docs/layers.md",
    ),
    Row(
        section="1.2",
        component="unsqueeze / squeeze",
        where=(
            "S4 267-299,549-556,1060,1202; S1 5069,5469,6194,7451,8489,8492,8543,8583,8652,8659"
        ),
        twin=(
            "jax.numpy.expand_dims",
            "jaxnn.functional.squeeze",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_unsqueeze_squeeze_seed_shapes",
            "parity_tests/functional/test_shape.py::test_unsqueeze_any_valid_dim",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="transpose / .T",
        where="S0 15 (printed); S1 1434,3731",
        twin=(
            "jax.numpy.transpose",
            "jax.numpy.swapaxes",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_transpose_T_seed_value",
            "parity_tests/functional/test_shape.py::test_transpose_swaps_two_dims",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="concatenate",
        where="S1 5835",
        twin=("jax.numpy.concatenate",),
        tests=("parity_tests/functional/test_shape.py::test_cat_along_dim1_seed_shapes",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="expand",
        where="S1 8543,8652,8659",
        twin=(
            "jaxnn.functional.expand",
            "jax.numpy.broadcast_to",
        ),
        tests=("parity_tests/functional/test_shape.py::test_expand_with_minus_one",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="views vs copies (concept)",
        where="S4 214-261,371-372",
        twin=(
            "jax.Array.at",
            "jax.numpy.copy",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_basic_slice_is_a_view_in_numpy_and_torch_and_at_add_in_jax",
            "parity_tests/tensor/test_numpy_primer.py::test_view_write_changes_numpy_original_but_not_jax",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.2",
        component="contiguity / strides (concept)",
        where="S4 480-495; S1 372,413",
        twin=("jax.numpy.reshape",),
        tests=(
            "parity_tests/functional/test_shape.py::test_view_needs_contiguous_memory_in_torch_only",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.3 Indexing, slicing, boolean and advanced indexing
    Row(
        section="1.3",
        component="basic integer / slice indexing",
        where=(
            "S4 320-329 (printed `tensor(7)`, `tensor([9, 10, 11, 12])`); S1 "
            "1117-1126,1288,6194,6405,3687,8558-8561; S3 342; S4 1440,1525"
        ),
        twin=(
            "jax.Array.__getitem__",
            "jax.Array.item",
        ),
        tests=(
            "parity_tests/functional/test_indexing.py::test_integer_index_seed_values",
            "parity_tests/functional/test_indexing.py::test_slice_seed_value",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.3",
        component="index by 0-d tensor",
        where="S1 1966,1976,1983,2038-2041,2055-2057",
        twin=("jax.numpy.argmax",),
        tests=("parity_tests/functional/test_indexing.py::test_index_by_0d_tensor",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.3",
        component="boolean masks",
        where="S4 204-211; S1 8105,5115-5117,6561-6563,5472-5473,6781,6228",
        twin=(
            "jax.numpy.sum",
            "jax.numpy.nonzero",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_boolean_mask_indexing",
            "parity_tests/tensor/test_numpy_primer.py::test_boolean_mask_under_jit_needs_a_static_size",
            "parity_tests/functional/test_indexing.py::test_mask_counts_are_int64_in_torch_and_int32_in_jax",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.3",
        component="advanced (integer-array) indexing",
        where="S4 184-201; S1 8587-8593",
        twin=("jax.Array.at",),
        tests=(
            "parity_tests/functional/test_indexing.py::test_advanced_index_pairs_row_and_column_indices",
            "parity_tests/functional/test_indexing.py::test_numpy_fancy_index_and_in_place_add_seed_values",
            "parity_tests/tensor/test_numpy_primer.py::test_fancy_index_add_with_repeated_indices_differs",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.3",
        component="weight-row lookup",
        where="S1 7455,7497",
        twin=("jaxnn.nn.Embedding",),
        tests=(
            "parity_tests/functional/test_indexing.py::test_weight_row_lookup",
            "parity_tests/nn/test_embedding.py::test_embedding_seed_lookup_is_indexing",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.3",
        component="`torch.index_select`",
        where="S1 8706",
        twin=("jaxnn.functional.index_select",),
        tests=(
            "parity_tests/functional/test_index_select.py::test_index_select_every_dim_value_and_gradient",
            "parity_tests/functional/test_index_select.py::test_index_select_rejects_bad_index_like_torch",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.4 Broadcasting
    Row(
        section="1.4",
        component="scalar broadcast",
        where="S0 12-20; S2 20-23; S4 140-141",
        twin=("jax.numpy.add",),
        tests=(
            "parity_tests/tensor/test_broadcasting.py::test_scalar_broadcast_seed_values",
            "parity_tests/tensor/test_broadcasting.py::test_scalar_broadcast_keeps_the_tensor_dtype",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.4",
        component="row / column broadcast with keepdim",
        where="S1 940-995,1767-1799,1038,5860-5867",
        twin=(
            "jaxnn.functional.mean",
            "jaxnn.functional.std",
        ),
        tests=(
            "parity_tests/tensor/test_broadcasting.py::test_row_sums_with_keepdim_normalise_rows",
            "parity_tests/tensor/test_broadcasting.py::test_row_centering_and_unbiased_std_normalisation",
            "parity_tests/tensor/test_broadcasting.py::test_feature_standardisation_with_column_broadcast",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.4",
        component="bias broadcast",
        where="S1 1323-1368",
        twin=("jax.numpy.matmul",),
        tests=(
            "parity_tests/tensor/test_broadcasting.py::test_bias_broadcast_in_a_manual_linear_layer",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.4",
        component="batched-matmul broadcast",
        where="S1 1295-1317; S4 1968-1973",
        twin=("jax.numpy.matmul",),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_batch_times_single_matrix_broadcasts",
            "parity_tests/tensor/test_matmul.py::test_cs336_shapes_2d_and_4d_at_2d_seed_s4",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.4",
        component="NumPy vector to matrix",
        where="S4 393-415",
        twin=("jax.numpy.add",),
        tests=(
            "parity_tests/tensor/test_broadcasting.py::test_numpy_vector_added_to_every_row",
            "parity_tests/tensor/test_numpy_primer.py::test_broadcast_row_vector_to_each_row",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.5 Element-wise math and in-place ops
    Row(
        section="1.5",
        component="arithmetic",
        where="S0 52; S1 2563-2565,2832,2858-2860,2903,7086,9707; S4 1997",
        twin=(
            "jax.numpy.power",
            "jax.numpy.abs",
            "jax.numpy.exp",
        ),
        tests=(
            "parity_tests/tensor/test_elementwise.py::test_arithmetic_value_and_gradient",
            "parity_tests/tensor/test_elementwise.py::test_integer_arithmetic_matches",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.5",
        component="comparisons",
        where="S1 1865,7073,8105,6781; S4 1893",
        twin=(
            "jax.numpy.equal",
            "jax.numpy.all",
        ),
        tests=(
            "parity_tests/tensor/test_elementwise.py::test_comparisons_return_bool_seed_values",
            "parity_tests/tensor/test_elementwise.py::test_comparison_operators_match",
            "parity_tests/tensor/test_elementwise.py::test_all_any_on_bool_tensors",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.5",
        component="casts",
        where="S1 1876,2215,5469,5829,6194",
        twin=("jax.Array.astype",),
        tests=("parity_tests/tensor/test_elementwise.py::test_float_cast_of_ints_and_bools",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.5",
        component="torch-level activations",
        where="S2 240; S1 1381,4670,5090; S4 717,745,781,870,1874,2065,2147; S1 1442",
        twin=(
            "jaxnn.functional.relu",
            "jax.nn.sigmoid",
            "jaxnn.functional.softmax",
        ),
        tests=(
            "parity_tests/tensor/test_elementwise.py::test_torch_level_activations_value_and_gradient",
            "parity_tests/tensor/test_elementwise.py::test_torch_relu_seed_values",
            "parity_tests/tensor/test_elementwise.py::test_torch_softmax_seed_values",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.5",
        component="in-place (no JAX equivalent)",
        where="S1 3136,2384,6768-6770,9713-9715,9754-9756,381,387; S0 73; S4 242,252",
        twin=(
            "jax.numpy.full_like",
            "jax.numpy.zeros_like",
            "jax.Array.at",
        ),
        tests=(
            "parity_tests/tensor/test_elementwise.py::test_fill_and_zero_are_full_like_and_zeros_like",
            "parity_tests/tensor/test_elementwise.py::test_in_place_subtract_is_a_rebinding_in_jax",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.6 Reductions (dim / keepdim, values+indices)
    Row(
        section="1.6",
        component="sum",
        where=(
            "S1 731-783,855-900,924-964,1548-1598; S4 594-630,1042,1897,2156,2169; NumPy "
            "`np.sum(x)`, `np.sum(x, axis=0/1)` S4 153-159"
        ),
        twin=("jax.numpy.sum",),
        tests=(
            "parity_tests/functional/test_reduction.py::test_sum_all_and_per_dim_seed_matrix",
            "parity_tests/functional/test_reduction.py::test_sum_3d_every_dim_seed_tensor",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.6",
        component="mean",
        where=(
            "S0 14 (printed `tensor(2.5000)`); S1 789-829,997-1013,1604-1642,1830-1852,7526; S4 334"
        ),
        twin=("jaxnn.functional.mean",),
        tests=(
            "parity_tests/functional/test_reduction.py::test_mean_all_and_per_dim_seed_matrix",
            "parity_tests/functional/test_reduction.py::test_mean_tuple_dims_global_average_pooling",
            "parity_tests/functional/test_reduction.py::test_mean_printed_s0_and_s4",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.6",
        component="max / min",
        where="S1 1644-1738,1801-1828; S4 1339,1441",
        twin=(
            "jaxnn.functional.max",
            "jaxnn.functional.min",
        ),
        tests=(
            "parity_tests/functional/test_reduction.py::test_max_min_all_elements_seed_matrix",
            "parity_tests/functional/test_reduction.py::test_max_dim_returns_values_and_indices_seed_matrix",
            "parity_tests/functional/test_reduction.py::test_min_dim_returns_values_and_indices_seed_matrix",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.6",
        component="std / var",
        where="S4 335; S1 989-995,1783,1797,7736,7761,7806,7822,5862,5866,4565,3244",
        twin=(
            "jaxnn.functional.std",
            "jaxnn.functional.var",
            "jaxnn.functional.prod",
        ),
        tests=(
            "parity_tests/functional/test_reduction.py::test_std_var_dims_keepdim_tuple_and_negative",
            "parity_tests/functional/test_reduction.py::test_row_standardisation_with_keepdim_seed",
            "parity_tests/functional/test_reduction.py::test_prod_all_and_per_dim_value_and_gradient",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.6",
        component="all",
        where="S1 7073,6781",
        twin=("jax.numpy.all",),
        tests=("parity_tests/functional/test_reduction.py::test_all_over_tensor_and_dim",),
        doc="docs/tensor-twins.md",
    ),
    # §1.7 argmax / argmin / topk
    Row(
        section="1.7",
        component="argmax",
        where="S1 1944-2243,7145,7208,9105,9444; S4 1041,1062,1204,1524,1885-1890,2153,2167",
        twin=("jax.numpy.argmax",),
        tests=(
            "parity_tests/functional/test_argmax_topk.py::test_argmax_2d_flattened_and_per_dim_seed",
            "parity_tests/functional/test_argmax_topk.py::test_argmax_3d_last_and_middle_dim_seed",
            "parity_tests/functional/test_argmax_topk.py::test_argmax_1d_positive_negative_and_ties_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.7",
        component="argmin",
        where="S1 1940",
        twin=("jax.numpy.argmin",),
        tests=(
            "parity_tests/functional/test_argmax_topk.py::test_argmin_flattened_per_dim_ties_first_index",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.7",
        component="topk",
        where="S1 2245-2281,8609-8634",
        twin=("jaxnn.functional.topk",),
        tests=(
            "parity_tests/functional/test_argmax_topk.py::test_topk_1d_k3_and_top1_equals_argmax",
            "parity_tests/functional/test_argmax_topk.py::test_topk_dim1_seed_values",
        ),
        doc="docs/tensor-twins.md",
    ),
    # §1.8 Matrix-multiplication family
    Row(
        section="1.8",
        component="`torch.mm`",
        where="S1 1069-1147",
        twin=("jax.numpy.matmul",),
        tests=("parity_tests/tensor/test_matmul.py::test_mm_seed_values_and_manual_entries",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="`torch.matmul` / `@`",
        where="S1 1149-1183,643-658",
        twin=("jax.numpy.matmul",),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_matmul_operator_and_mm_agree_exactly",
            "parity_tests/tensor/test_device.py::test_time_matmul_smoke",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="vector cases",
        where="S1 1185-1247; S4 337-344",
        twin=(
            "jax.numpy.matmul",
            "jax.numpy.dot",
        ),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_vector_matrix_and_matrix_vector",
            "parity_tests/tensor/test_matmul.py::test_vector_vector_is_a_0d_dot_product",
            "parity_tests/tensor/test_matmul.py::test_dot_int64_seed_s4",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="batched",
        where="S1 1249-1317; S4 1968-1973",
        twin=(
            "jax.numpy.matmul",
            "jax.vmap",
        ),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_batched_matmul_seed_values",
            "parity_tests/tensor/test_matmul.py::test_batch_times_single_matrix_broadcasts",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="linear-layer equivalence",
        where="S1 1319-1368",
        twin=(
            "jax.numpy.matmul",
            "jaxnn.nn.Linear",
        ),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_manual_linear_x_at_w_plus_b_and_nn_linear_layout",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="manual MLP by matmuls",
        where="S1 1370-1401",
        twin=(
            "jax.numpy.matmul",
            "jaxnn.functional.relu",
            "jax.value_and_grad",
        ),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_manual_mlp_by_matmuls_forward_and_grad",
            "parity_tests/models/test_parameters.py::test_manual_mlp_forward_and_gradients_match_torch_in_float64",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="attention (simplified)",
        where="S1 1403-1450",
        twin=(
            "jax.numpy.swapaxes",
            "jaxnn.functional.softmax",
        ),
        tests=(
            "parity_tests/tensor/test_matmul.py::test_simplified_attention_forward_and_grad",
            "parity_tests/models/test_transformer.py::test_self_attention_at_the_seed_scale_matches_torch_in_float64",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.8",
        component="NumPy",
        where="S4 417-437,49",
        twin=(
            "jax.numpy.matmul",
            "jax.numpy.dot",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_matmul_matrix_vector_and_matrix_matrix",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    # §1.9 `torch.gather`
    Row(
        section="1.9",
        component="gather 1-D",
        where="S1 8379-8400",
        twin=("jaxnn.functional.gather",),
        tests=("parity_tests/functional/test_gather.py::test_gather_1d_seed",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="gather 2-D along dim=1",
        where="S1 8406-8439",
        twin=("jaxnn.functional.gather",),
        tests=(
            "parity_tests/functional/test_gather.py::test_gather_2d_along_dim1_repeated_indices_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="gather 2-D along dim=0",
        where="S1 8441-8461",
        twin=("jaxnn.functional.gather",),
        tests=(
            "parity_tests/functional/test_gather.py::test_gather_2d_along_dim0_output_has_index_shape_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="class-logit extraction",
        where="S1 8463-8506,8692",
        twin=(
            "jaxnn.functional.gather",
            "jax.numpy.expand_dims",
        ),
        tests=(
            "parity_tests/functional/test_gather.py::test_gather_class_logits_for_true_labels_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="gather with expanded index",
        where="S1 8508-8561",
        twin=(
            "jaxnn.functional.gather",
            "jaxnn.functional.expand",
        ),
        tests=(
            "parity_tests/functional/test_gather.py::test_gather_with_expanded_index_selects_whole_feature_rows_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="gather vs advanced indexing",
        where="S1 8563-8603",
        twin=("jaxnn.functional.gather",),
        tests=(
            "parity_tests/functional/test_gather.py::test_gather_equals_advanced_indexing_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="top-k + gather",
        where="S1 8609-8634",
        twin=(
            "jaxnn.functional.gather",
            "jaxnn.functional.topk",
        ),
        tests=(
            "parity_tests/functional/test_gather.py::test_topk_then_gather_reproduces_topk_values_seed",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.9",
        component="embedding via gather",
        where="S1 8636-8667",
        twin=(
            "jaxnn.functional.gather",
            "jaxnn.functional.expand",
        ),
        tests=("parity_tests/functional/test_gather.py::test_embedding_lookup_by_gather_seed",),
        doc="docs/tensor-twins.md",
    ),
    # §1.10 Autograd
    Row(
        section="1.10",
        component="requires_grad at creation",
        where="S0 43,49; S2 31; S4 348,714-715,773-774,1995; S1 2359-2376",
        twin=("jax.grad",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_requires_grad_propagation_is_the_choice_of_argnums",
            "parity_tests/autograd/test_scalar.py::test_backward_on_scalar_matches_jax_grad_and_seed_values",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="toggling requires_grad",
        where="S1 2378-2391,4630-4653,7589-7606; S0 73",
        twin=(
            "jaxnn.nn.freeze",
            "jaxnn.nn.unfreeze",
        ),
        tests=(
            "parity_tests/autograd/test_training.py::test_requires_grad_false_freezes_like_masked_sgd_update",
            "parity_tests/nn/test_module.py::test_freeze_and_unfreeze_counts_and_flags",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="propagation",
        where="S1 2393-2457",
        twin=("jax.grad",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_requires_grad_propagation_is_the_choice_of_argnums",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="grad_fn / leaf / graph",
        where="S1 2580-2654; S0 131,154,175; S4 349,680-681,836",
        twin=("jax.make_jaxpr",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_grad_fn_graph_is_what_jax_make_jaxpr_traces",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="dynamic graph / control flow",
        where="S1 2656-2693",
        twin=("jax.jit",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_dynamic_graph_python_if_on_static_value",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="backward on a scalar",
        where="S0 56,222; S2 38; S1 2712,2818,…; S4 350,725,1999",
        twin=(
            "jax.grad",
            "jax.value_and_grad",
        ),
        tests=(
            "parity_tests/autograd/test_scalar.py::test_backward_on_scalar_matches_jax_grad_and_seed_values",
            "parity_tests/autograd/test_scalar.py::test_backward_on_one_element_output_needs_0d_in_jax",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="functional grad",
        where="S4 720-727,770,784-786",
        twin=(
            "jax.value_and_grad",
            "jax.vjp",
        ),
        tests=(
            "parity_tests/autograd/test_scalar.py::test_autograd_grad_retain_graph_then_backward_single_neuron_bce",
            "parity_tests/autograd/test_scalar.py::test_autograd_grad_several_inputs_returns_tuple_like_argnums",
            "parity_tests/autograd/test_graph.py::test_autograd_grad_with_grad_outputs_is_jax_vjp",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="graph freed / retain_graph",
        where="S1 2720-2742,3501-3539; S4 653",
        twin=("jax.grad",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_backward_second_time_raises_while_jax_grad_is_stateless",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="gradient accumulation",
        where="S1 3092-3119; S0 287-302; S1 9994-10013",
        twin=(
            "jax.grad",
            "jax.tree.map",
        ),
        tests=(
            "parity_tests/autograd/test_graph.py::test_backward_twice_accumulates_like_a_sum_of_returned_grads",
            "parity_tests/autograd/test_graph.py::test_optimizer_zero_grad_sets_none_and_two_backwards_are_exactly_2x",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="zeroing",
        where="S1 3121-3160,3532,9717,9759,9948-10041; S0 219-220",
        twin=("jax.grad",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_grad_zero_and_set_to_none_have_nothing_to_clear_in_jax",
            "parity_tests/autograd/test_graph.py::test_optimizer_zero_grad_sets_none_and_two_backwards_are_exactly_2x",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="non-leaf grads / retain_grad",
        where="S1 3162-3195; S4 2000-2002",
        twin=(
            "jax.grad",
            "jax.value_and_grad",
        ),
        tests=(
            "parity_tests/autograd/test_graph.py::test_retain_grad_on_non_leaf_is_grad_wrt_intermediate",
            "parity_tests/autograd/test_graph.py::test_retain_grad_hidden_value_in_gradient_flow",
            "parity_tests/autograd/test_scalar.py::test_backward_intermediate_values_via_has_aux",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="no_grad",
        where=(
            "S0 70-71; S3 35,143-145,242,372; S4 "
            "682,855,869,1037,1335,1518,1862,2059,2064,2143,2165; S1 "
            "2463-2477,4347,5376,5687,6768,9577,9713,9754,10305"
        ),
        twin=("jax.lax.stop_gradient",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_no_grad_results_are_constants_like_undifferentiated_jax",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="detach",
        where="S3 36; S1 2479-2491",
        twin=("jax.lax.stop_gradient",),
        tests=(
            "parity_tests/autograd/test_graph.py::test_detach_shares_data_and_is_stop_gradient",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="`.data` (bypasses autograd)",
        where=(
            "S1 3634-3635,3687,4875-4878,5016-5019,5263-5264,5313-5317,5451,7582,10073; S4 1339"
        ),
        twin=(
            "jaxnn.interop.load_state_dict",
            "flax.nnx.state",
        ),
        tests=(
            "parity_tests/autograd/test_training.py::test_data_assignment_is_parameter_tree_surgery",
            "parity_tests/autograd/test_training.py::test_data_clone_snapshot_versus_immutable_params",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="manual gradient descent",
        where="S1 9688-9765; S0 331-334; S4 1691-1699",
        twin=(
            "jax.grad",
            "jax.tree.map",
            "jax.lax.scan",
        ),
        tests=(
            "parity_tests/autograd/test_training.py::test_manual_gradient_descent_over_model_parameters",
            "parity_tests/autograd/test_training.py::test_manual_gradient_descent_under_no_grad_is_a_pure_jax_loop",
            "parity_tests/tensor/test_elementwise.py::test_gradient_descent_loop_with_in_place_update",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.10",
        component="chain-rule examples",
        where="S1 2799-2993,3321-3395,3456-3499; S2 29-113; S4 346-356,709-786,1991-2004",
        twin=(
            "jax.grad",
            "jax.value_and_grad",
        ),
        tests=(
            "parity_tests/autograd/test_scalar.py::test_backward_on_scalar_matches_jax_grad_and_seed_values",
            "parity_tests/autograd/test_scalar.py::test_autograd_grad_retain_graph_then_backward_single_neuron_bce",
        ),
        doc="docs/autograd-twins.md",
    ),
    # §1.11 `nn.Module` API
    Row(
        section="1.11",
        component="subclassing",
        where=(
            "S2 123-130; S3 50-56; S4 965-982,1094-1124,1277-1296,1467-1486,2021-2036; S1 "
            "3990-4031,…"
        ),
        twin=("flax.nnx.Module",),
        tests=(
            "parity_tests/nn/test_module.py::test_forward_and_gradients_match_torch",
            "parity_tests/models/test_models.py::test_model_forward_and_gradients_match_torch",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="module repr",
        where="S4 665-675,986-996,1217-1223; S1 4008,4089,4151,4184,4214,4327",
        twin=("jaxnn.nn.Module", "jaxnn.nn.module_repr"),
        tests=(
            "parity_tests/nn/test_repr.py::test_layer_repr_is_torchs",
            "parity_tests/nn/test_repr.py::test_nested_sequential_repr_is_torchs",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="parameters / named_parameters",
        where=(
            "S2 181,198; S1 "
            "4037-4051,4164-4167,4230,4466-4476,4525-4528,4624-4637,5098,5244,5249,9988; S4 "
            "1132,2041"
        ),
        twin=(
            "jaxnn.nn.parameters",
            "jaxnn.nn.named_parameters",
        ),
        tests=(
            "parity_tests/nn/test_module.py::test_named_parameters_match_torch_names_and_shapes",
            "parity_tests/nn/test_module.py::test_named_parameters_seed_names",
            "parity_tests/nn/test_module.py::test_named_parameters_registration_order",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="parameter counting",
        where=(
            "S1 "
            "4044-4051,4105-4114,4153,4331-4334,4544-4554,4639-4653,"
            "4680,4715-4731,6031,6071,9905,10255; "
            "S4 2041-2042"
        ),
        twin=("jaxnn.nn.count_parameters",),
        tests=(
            "parity_tests/nn/test_module.py::test_parameter_count_matches_torch_and_seed",
            "parity_tests/nn/test_module.py::test_deep_model_per_layer_counts",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="state_dict / load_state_dict",
        where="S3 149-160; S4 1345-1346,1427-1429,1926-1927,2175-2181",
        twin=(
            "jaxnn.interop.state_dict",
            "jaxnn.interop.load_state_dict",
            "jaxnn.checkpoint.load_torch_state_dict",
        ),
        tests=(
            "parity_tests/io/test_checkpoint.py::test_pth_seed_save_then_load_state_dict_prints_all_keys_matched",
            "parity_tests/io/test_checkpoint.py::test_safetensors_torch_file_loads_into_jaxnn_bit_exact",
            "parity_tests/io/test_checkpoint.py::test_safetensors_jaxnn_file_loads_into_torch_bit_exact",
        ),
        doc="docs/checkpoints.md",
    ),
    Row(
        section="1.11",
        component="train / eval / training flag",
        where=(
            "S3 136-139,199,242; S4 "
            "706,1034,1138,1321,1332,1431,1501,1517,1819,1835,1860,1902,2129,2141,2161; S1 "
            "4250-4291,8245"
        ),
        twin=(
            "flax.nnx.Module.train",
            "flax.nnx.Module.eval",
            "jaxnn.nn.is_training",
        ),
        tests=(
            "parity_tests/nn/test_module.py::test_train_eval_toggle_training_flag_and_dropout",
            "parity_tests/nn/test_dropout.py::test_dropout_mode_follows_train_and_eval_of_a_containing_model",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="to(device)",
        where="S2 245; S3 168; S4 985,1130,1313,1935; S1 4224-4248,10336",
        twin=("jaxnn.nn.to",),
        tests=(
            "parity_tests/nn/test_module.py::test_to_device_moves_the_state_in_place_and_returns_the_module",
            "parity_tests/nn/test_module.py::test_to_device_moves_plain_arrays_that_torch_leaves_behind",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="nn.Sequential",
        where=("S3 272-278,304-311; S4 2024-2033,818; S1 3405-3454,4169-4218,6045-6106,6288-6313"),
        twin=("jaxnn.nn.Sequential",),
        tests=(
            "parity_tests/nn/test_container.py::test_sequential_forward_equals_manual_stepping",
            "parity_tests/nn/test_module.py::test_sequential_layers_by_index_and_name",
            "parity_tests/nn/test_container.py::test_sequential_len_iteration_and_indexing",
        ),
        doc="docs/layers.md",
    ),
    Row(
        section="1.11",
        component="composition",
        where="S1 4116-4167",
        twin=(
            "flax.nnx.Module",
            "jaxnn.models.composition",
        ),
        tests=(
            "parity_tests/models/test_composition.py::test_composed_network_nests_linear_blocks_under_the_seed_names",
        ),
        doc="docs/models.md",
    ),
    Row(
        section="1.11",
        component="freezing",
        where="S1 4612-4653,7589-7606",
        twin=(
            "jaxnn.nn.freeze",
            "jaxnn.nn.unfreeze",
        ),
        tests=(
            "parity_tests/nn/test_module.py::test_freeze_and_unfreeze_counts_and_flags",
            "parity_tests/nn/test_module.py::test_frozen_parameters_get_no_gradient",
            "parity_tests/nn/test_embedding.py::test_embedding_seed_weight_data_assignment_then_freeze",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="parameter sharing",
        where="S1 4655-4684",
        twin=("flax.nnx.Module",),
        tests=(
            "parity_tests/nn/test_module.py::test_shared_layer_counts_once_and_gradients_add_up",
            "parity_tests/nn/test_module.py::test_shared_layer_training_matches_torch",
            "parity_tests/models/test_composition.py::test_shared_parameter_module_holds_the_layer_once",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="nn.Parameter manual models",
        where="S1 4445-4511; S4 1467-1486",
        twin=("flax.nnx.Param",),
        tests=(
            "parity_tests/nn/test_module.py::test_manual_parameter_keeps_type_and_trainability",
            "parity_tests/models/test_parameters.py::test_parameter_models_name_parameters_by_their_attributes",
            "parity_tests/models/test_parameters.py::test_manual_parameters_init_matches_torch_distribution",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="initialisation functions",
        where="S1 4556-4610,5414-5454,5549-5552,6766-6770; S4 1472-1475",
        twin=(
            "jaxnn.nn.init.xavier_uniform_",
            "jaxnn.nn.init.kaiming_normal_",
            "jaxnn.nn.init.zeros_",
        ),
        tests=(
            "parity_tests/nn/test_init.py::test_init_function_matches_torch_distribution",
            "parity_tests/nn/test_init.py::test_seed_kaiming_normal_and_constant_weights",
            "parity_tests/nn/test_init.py::test_seed_bias_initialisation_strategies",
        ),
        doc="docs/module-api-and-init.md",
    ),
    Row(
        section="1.11",
        component="default initialisation (implicit everywhere)",
        where="—",
        twin=("jaxnn.nn.Linear",),
        tests=(
            "parity_tests/nn/test_init.py::test_linear_init_matches_torch_distribution",
            "parity_tests/nn/test_init.py::test_linear_init_is_not_flax_default",
            "parity_tests/nn/test_init.py::test_kaiming_uniform_a_sqrt5_reproduces_torch_linear_default",
        ),
        doc="docs/module-api-and-init.md",
    ),
    # §1.12 Layers
    Row(
        section="1.12",
        component="`nn.Linear`",
        where="everywhere; shapes S0 237-250, S1 4517-4554, 4824-4864, 5216-5252",
        twin=("jaxnn.nn.Linear",),
        tests=(
            "parity_tests/nn/test_linear.py::test_linear_forward_and_gradients",
            "parity_tests/nn/test_linear.py::test_linear_seed_printed_output",
            "parity_tests/nn/test_linear.py::test_linear_parameter_count_matches_torch",
        ),
        doc="docs/layers.md",
    ),
    Row(
        section="1.12",
        component="`nn.Conv2d`",
        where="S3 64,305,308",
        twin=("jaxnn.nn.Conv2d",),
        tests=(
            "parity_tests/nn/test_conv.py::test_conv2d_forward_and_gradients_jit",
            "parity_tests/models/test_cnn.py::test_cnn_classifier_size_fits_only_28x28_images",
        ),
        doc="docs/layers.md",
    ),
    Row(
        section="1.12",
        component="`nn.MaxPool2d`",
        where="S3 307,310",
        twin=("jaxnn.nn.MaxPool2d",),
        tests=("parity_tests/nn/test_pooling.py::test_max_pool2d_forward_and_gradients_jit",),
        doc="docs/layers.md",
    ),
    Row(
        section="1.12",
        component="feature-map size",
        where="S3 312-323",
        twin=(
            "jaxnn.nn.Flatten",
            "jax.numpy.reshape",
        ),
        tests=(
            "parity_tests/nn/test_flatten.py::test_flatten_equals_view_batch_minus_one_in_c_h_w_order",
            "parity_tests/models/test_cnn.py::test_cnn_classifier_size_fits_only_28x28_images",
        ),
        doc="docs/layers.md",
    ),
    Row(
        section="1.12",
        component="`nn.LSTM`",
        where="S3 66,327-348",
        twin=("jaxnn.nn.LSTM",),
        tests=(
            "parity_tests/nn/test_recurrent.py::test_lstm_template_last_step_then_linear",
            "parity_tests/nn/test_recurrent.py::test_lstm_batch_first_changes_output_only",
        ),
        doc="docs/recurrent.md",
    ),
    Row(
        section="1.12",
        component="`nn.RNN`, `nn.GRU`",
        where="S3 66",
        twin=(
            "jaxnn.nn.RNN",
            "jaxnn.nn.GRU",
        ),
        tests=(
            "parity_tests/nn/test_recurrent.py::test_recurrent_forward_and_gradients_under_jit",
            "parity_tests/nn/test_recurrent.py::test_recurrent_parameter_counts_match_torch",
        ),
        doc="docs/recurrent.md",
    ),
    Row(
        section="1.12",
        component="`nn.Embedding`",
        where="S3 67; S1 7367-7674",
        twin=("jaxnn.nn.Embedding",),
        tests=(
            "parity_tests/nn/test_embedding.py::test_embedding_seed_lookup_is_indexing",
            "parity_tests/nn/test_embedding.py::test_embedding_seed_padding_row_zero_at_init_with_zero_gradient",
            "parity_tests/nn/test_embedding.py::test_text_classifier_forward_and_gradients",
        ),
        doc="docs/embedding-normalization-dropout.md",
    ),
    Row(
        section="1.12",
        component="`nn.LayerNorm`",
        where="S1 7676-7991",
        twin=("jaxnn.nn.LayerNorm",),
        tests=(
            "parity_tests/nn/test_normalization.py::test_layer_norm_seed_single_sample_values",
            "parity_tests/nn/test_normalization.py::test_layer_norm_seed_batch_values",
            "parity_tests/nn/test_normalization.py::test_layer_norm_two_dims_has_torch_shaped_parameters",
        ),
        doc="docs/embedding-normalization-dropout.md",
    ),
    Row(
        section="1.12",
        component="`nn.Dropout`",
        where="S1 4254-4291,4313,4316,6389-6417,7993-8343",
        twin=("jaxnn.nn.Dropout",),
        tests=(
            "parity_tests/nn/test_dropout.py::test_dropout_with_torch_mask_is_exact",
            "parity_tests/nn/test_dropout.py::test_dropout_eval_mode_and_training_false_are_identity",
            "parity_tests/nn/test_dropout.py::test_dropout_seed_scale_two_at_half",
        ),
        doc="docs/embedding-normalization-dropout.md",
    ),
    Row(
        section="1.12",
        component="`nn.BatchNorm1d`",
        where="S1 5409-5412,5545-5548,8262-8302",
        twin=("jaxnn.nn.BatchNorm1d",),
        tests=(
            "parity_tests/nn/test_normalization.py::test_batch_norm1d_running_stats_over_training_steps_then_eval",
            "parity_tests/nn/test_normalization.py::test_well_regularized_network_train_and_eval",
        ),
        doc="docs/embedding-normalization-dropout.md",
    ),
    Row(
        section="1.12",
        component="`nn.Flatten`",
        where="S4 957,969,978,1108,1118",
        twin=("jaxnn.nn.Flatten",),
        tests=("parity_tests/nn/test_flatten.py::test_flatten_matches_torch",),
        doc="docs/layers.md",
    ),
    # §1.13 Activations
    Row(
        section="1.13",
        component="ReLU",
        where=(
            "S0 163-175,188; S1 6586-6804; S2 240; S4 961,972-974,1111,1120-1122,1293-1294,1482"
        ),
        twin=(
            "jaxnn.nn.ReLU",
            "jaxnn.functional.relu",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_relu_forward_and_gradient_including_zero",
            "parity_tests/nn/test_activation.py::test_relu_seed_values",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="GELU",
        where="S1 6806-7016,6916,7837",
        twin=(
            "jaxnn.nn.GELU",
            "jaxnn.functional.gelu",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_gelu_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_gelu_seed_values",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="Softmax",
        where="S3 70; S1 7018-7365,9040-9108,9161-9212,2137,2257,1442; S4 870,1874,2065,2147",
        twin=(
            "jaxnn.nn.Softmax",
            "jaxnn.functional.softmax",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_softmax_and_log_softmax_modules_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_softmax_seed_tables",
            "parity_tests/nn/test_activation.py::test_softmax_rows_sum_to_one_and_dim0_normalises_columns",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="temperature scaling",
        where="S1 7296-7332",
        twin=("jaxnn.functional.softmax",),
        tests=("parity_tests/nn/test_activation.py::test_softmax_temperature_seed_values",),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="Sigmoid",
        where="S3 70; S1 5478-5481,6208,9235; S4 717,745,781",
        twin=(
            "jaxnn.nn.Sigmoid",
            "jaxnn.functional.sigmoid",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_sigmoid_tanh_leaky_relu_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_sigmoid_and_tanh_ranges_and_symmetry",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="Tanh",
        where="S3 70; S1 6495,6575",
        twin=(
            "jaxnn.nn.Tanh",
            "jaxnn.functional.tanh",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_sigmoid_tanh_leaky_relu_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_sigmoid_and_tanh_ranges_and_symmetry",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="LeakyReLU",
        where="S1 6792",
        twin=(
            "jaxnn.nn.LeakyReLU",
            "jaxnn.functional.leaky_relu",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_sigmoid_tanh_leaky_relu_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_leaky_relu_gradient_at_zero_is_the_slope_unlike_jax_nn",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.13",
        component="activation comparison table",
        where="S1 6565-6583",
        twin=(
            "jaxnn.functional.relu",
            "jaxnn.functional.gelu",
            "jaxnn.functional.softmax",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_sigmoid_and_tanh_ranges_and_symmetry",
            "parity_tests/nn/test_activation.py::test_gelu_and_relu_statistics_over_linspace",
            "parity_tests/nn/test_activation.py::test_softmax_rows_sum_to_one_and_dim0_normalises_columns",
        ),
        doc="docs/activations-and-losses.md",
    ),
    # §1.14 Functional API (`torch.nn.functional as F`)
    Row(
        section="1.14",
        component="`F.relu`",
        where="S1 6713-6755,8244; S4 1293-1294,1482",
        twin=("jaxnn.functional.relu",),
        tests=(
            "parity_tests/nn/test_activation.py::test_relu_forward_and_gradient_including_zero",
            "parity_tests/nn/test_activation.py::test_relu_seed_values",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.14",
        component="`F.gelu`",
        where="S1 6978-6994",
        twin=("jaxnn.functional.gelu",),
        tests=(
            "parity_tests/nn/test_activation.py::test_gelu_value_and_gradient",
            "parity_tests/nn/test_activation.py::test_gelu_seed_values",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.14",
        component="`F.softmax`",
        where="S1 2137,2257,7285,7310-7326,7361",
        twin=("jaxnn.functional.softmax",),
        tests=(
            "parity_tests/nn/test_activation.py::test_softmax_and_log_softmax",
            "parity_tests/nn/test_activation.py::test_softmax_temperature_seed_values",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.14",
        component="`F.dropout`",
        where="S1 8211-8256",
        twin=("jaxnn.functional.dropout",),
        tests=(
            "parity_tests/nn/test_dropout.py::test_dropout_seed_ones_eval_and_functional_training_false",
            "parity_tests/models/test_regularization.py::test_network_with_functional_dropout_follows_train_and_eval",
            "parity_tests/nn/test_dropout.py::test_functional_dropout_defaults_to_training_unlike_the_seed_claims",
        ),
        doc="docs/embedding-normalization-dropout.md",
    ),
    Row(
        section="1.14",
        component="`F.cross_entropy`",
        where="S4 1325,1824,2133",
        twin=("jaxnn.functional.cross_entropy",),
        tests=(
            "parity_tests/nn/test_loss.py::test_cross_entropy_value_and_gradient",
            "parity_tests/nn/test_loss.py::test_cross_entropy_seed_value",
            "parity_tests/nn/test_loss.py::test_cross_entropy_class_targets_grid",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.14",
        component="`F.binary_cross_entropy`",
        where="S4 718,747,783",
        twin=("jaxnn.functional.binary_cross_entropy",),
        tests=(
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_seed_single_neuron",
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_grid",
        ),
        doc="docs/activations-and-losses.md",
    ),
    # §1.15 Losses
    Row(
        section="1.15",
        component="`nn.MSELoss`",
        where=(
            "S0 209-211,279; S2 180; S3 78,228; S1 "
            "3802,5054,5364,5643,5725,5774,5885,6436,8743-8912,9368,9738,9806,9915,9985,10086,10169,10251"
        ),
        twin=(
            "jaxnn.nn.MSELoss",
            "jaxnn.functional.mse_loss",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_mse_loss_value_and_gradient",
            "parity_tests/nn/test_loss.py::test_mse_loss_seed_values",
            "parity_tests/nn/test_loss.py::test_mse_loss_seed_reductions",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="manual MSE / MAE / R²",
        where="S1 3219,3424,3646,3703,3750,3817,5927,9495-9510",
        twin=(
            "jax.numpy.mean",
            "jax.numpy.abs",
        ),
        tests=(
            "parity_tests/train/test_evaluation.py::test_regression_metrics_mse_mae_r2_seed_values",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.15",
        component="`nn.L1Loss`",
        where="S3 78; S1 8920",
        twin=(
            "jaxnn.nn.L1Loss",
            "jaxnn.functional.l1_loss",
        ),
        tests=("parity_tests/nn/test_loss.py::test_regression_losses_value_and_gradient",),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.SmoothL1Loss`",
        where="S1 8921",
        twin=(
            "jaxnn.nn.SmoothL1Loss",
            "jaxnn.nn.HuberLoss",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_regression_losses_value_and_gradient",
            "parity_tests/nn/test_loss.py::test_smooth_l1_is_huber_only_at_one",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.CrossEntropyLoss`",
        where="S2 246; S3 81,230; S1 3784,7255,7357,9150; S4 1002,1131,1256-1257,1497,1709",
        twin=(
            "jaxnn.nn.CrossEntropyLoss",
            "jaxnn.functional.cross_entropy",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_cross_entropy_module_seed_values",
            "parity_tests/nn/test_loss.py::test_cross_entropy_class_targets_grid",
            "parity_tests/nn/test_loss.py::test_cross_entropy_probability_targets_grid",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.NLLLoss`",
        where="S1 8927; S4 1257,1709",
        twin=(
            "jaxnn.nn.NLLLoss",
            "jaxnn.functional.nll_loss",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_nll_loss_grid",
            "parity_tests/nn/test_loss.py::test_cross_entropy_is_log_softmax_then_nll_loss",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.BCELoss`",
        where="S3 82; S1 5484,6212,8925",
        twin=(
            "jaxnn.nn.BCELoss",
            "jaxnn.functional.binary_cross_entropy",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_grid",
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_clamps_log_at_minus_100",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.BCEWithLogitsLoss`",
        where="S3 82,229; S1 8926",
        twin=(
            "jaxnn.nn.BCEWithLogitsLoss",
            "jaxnn.functional.binary_cross_entropy_with_logits",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_with_logits_grid",
            "parity_tests/nn/test_loss.py::test_binary_cross_entropy_with_logits_is_stable_for_huge_logits",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="`nn.KLDivLoss`, `nn.CosineEmbeddingLoss`, `nn.TripletMarginLoss`",
        where="S1 8930-8932",
        twin=(
            "jaxnn.nn.KLDivLoss",
            "jaxnn.nn.CosineEmbeddingLoss",
            "jaxnn.nn.TripletMarginLoss",
            "jaxnn.functional.kl_div",
            "jaxnn.functional.cosine_embedding_loss",
            "jaxnn.functional.triplet_margin_loss",
        ),
        tests=(
            "parity_tests/nn/test_divergence_and_embedding_losses.py::test_kl_div_every_reduction_and_log_target",
            "parity_tests/nn/test_divergence_and_embedding_losses.py::test_cosine_embedding_loss_margins_targets_reductions",
            "parity_tests/nn/test_divergence_and_embedding_losses.py::test_triplet_margin_loss_norms_swap_margin_eps",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="reduction modes",
        where="S1 8814-8852,8968-8971",
        twin=("jaxnn.nn.MSELoss",),
        tests=(
            "parity_tests/nn/test_loss.py::test_mse_loss_seed_reductions",
            "parity_tests/nn/test_loss.py::test_losses_reject_an_unknown_reduction",
            "parity_tests/nn/test_loss.py::test_loss_modules_match_torch_modules",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.15",
        component="custom loss",
        where="S1 3813-3830",
        twin=(
            "jax.grad",
            "examples/losses_tour.py",
        ),
        tests=(
            "parity_tests/nn/test_loss.py::test_custom_loss_mae_plus_l2_penalty_value_and_gradient",
        ),
        doc="docs/activations-and-losses.md",
    ),
    # §1.16 Optimizers, optimizer API, manual updates
    Row(
        section="1.16",
        component="SGD (plain)",
        where=(
            "S2 181,247; S3 95; S1 3680,3735,5053,5363,5644,6437,9369,9807,9918,9980,10070; S4 "
            "1498,1813,2125"
        ),
        twin=("jaxnn.optim.sgd",),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_quadratic_trajectory",
            "parity_tests/optim/test_optimizers.py::test_mlp_trajectory",
            "parity_tests/optim/test_optimizers.py::test_defaults_match_torch",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="SGD with momentum",
        where="S4 1317",
        twin=("jaxnn.optim.sgd",),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_quadratic_trajectory",
            "parity_tests/optim/test_optimizers.py::test_mlp_trajectory",
            "parity_tests/optim/test_lr_scheduler.py::test_step_lr_sgd_trajectory",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="Adam",
        where="S3 91,234; S4 1132; S1 5483,5726,5775,5886,6213,9865-9946,10170,10252",
        twin=("jaxnn.optim.adam",),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_mlp_trajectory",
            "parity_tests/optim/test_optimizers.py::test_adam_defaults_seed_print_s4",
            "parity_tests/optim/test_optimizers.py::test_adam_float32_stays_on_torch_over_a_long_run",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="RMSprop",
        where="S3 95",
        twin=("jaxnn.optim.rmsprop",),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_quadratic_trajectory",
            "parity_tests/optim/test_optimizers.py::test_optax_rmsprop_defaults_differ_from_torch",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="AdamW / weight_decay / LR schedules / gradient clipping",
        where="S4 1230,1237; S1 10406,3043",
        twin=(
            "jaxnn.optim.adamw",
            "jaxnn.optim.step_lr",
            "jaxnn.optim.clip_grad_norm_",
        ),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_adamw_zero_gradient_only_decays",
            "parity_tests/optim/test_lr_scheduler.py::test_lr_scheduler_sequence_matches_torch",
            "parity_tests/optim/test_clip.py::test_clip_grad_norm_functional",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="optimizer API",
        where="everywhere; S1 9904; S4 1135",
        twin=(
            "optax.GradientTransformation",
            "jaxnn.train.make_train_step",
        ),
        tests=(
            "parity_tests/optim/test_optimizers.py::test_adam_defaults_seed_print_s4",
            "parity_tests/train/test_fit.py::test_train_step_is_pure_and_matches_torch_step",
            "parity_tests/autograd/test_graph.py::test_optimizer_zero_grad_sets_none_and_two_backwards_are_exactly_2x",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.16",
        component="manual GD (no optimizer)",
        where="S1 9661-9773",
        twin=(
            "jax.grad",
            "jax.tree.map",
        ),
        tests=(
            "parity_tests/autograd/test_training.py::test_manual_gradient_descent_over_model_parameters",
            "parity_tests/examples/test_training.py::test_manual_gradient_descent_is_plain_sgd",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.16",
        component="update-rule prose",
        where="S0 323-336; S4 1691-1699; S1 9680-9684,9781-9783",
        twin=(
            "jaxnn.optim.sgd",
            "jax.tree.map",
        ),
        tests=(
            "parity_tests/optim/test_update_rule.py::test_manual_update_equals_the_sgd_step",
            "parity_tests/examples/test_training.py::test_manual_gradient_descent_is_plain_sgd",
        ),
        doc="docs/optimizers.md",
    ),
    # §1.17 Training-loop pieces and logging
    Row(
        section="1.17",
        component="canonical 5-step loop",
        where=(
            "S0 225-428; S3 106-117,352-364; S1 "
            "3563-3570,3839-3850,5945-5955,9964-9972,10213-10227,10369-10381; S4 1015-1025"
        ),
        twin=(
            "jaxnn.train.make_train_step",
            "jaxnn.train.fit",
        ),
        tests=(
            "parity_tests/train/test_fit.py::test_train_step_is_pure_and_matches_torch_step",
            "parity_tests/train/test_fit.py::test_fit_curves_and_parameters_match",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="full-batch epochs",
        where=(
            "S2 184-195; S1 "
            "3746-3757,5058-5071,5657-5673,5729-5737,5779-5798,5890-5903,6216-6230,6441-6453,9372-9382,9745-9762,9810-9818,9922-9928,10177-10189"
        ),
        twin=("jaxnn.train.make_train_step",),
        tests=(
            "parity_tests/examples/test_training.py::test_weights_change_final_weights_are_not_close_to_the_true_ones",
            "parity_tests/examples/test_training.py::test_manual_gradient_descent_is_plain_sgd",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="manual mini-batching by slicing",
        where="S1 10267-10296",
        twin=("examples/training_loops.py",),
        tests=(
            "parity_tests/examples/test_training.py::test_manual_batches_cuts_seven_slices_of_32",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="DataLoader loops",
        where="S3 110-111,357-358; S4 1141,1322,1503,1820,2130; S1 10342-10345",
        twin=(
            "jaxnn.data.DataLoader",
            "jaxnn.train.fit",
        ),
        tests=(
            "parity_tests/train/test_fit.py::test_fit_curves_and_parameters_match",
            "parity_tests/data/test_dataloader.py::test_same_batches_every_epoch",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="epoch-average loss",
        where="S4 1160-1163,1509-1511; S1 10288-10292,10356-10360",
        twin=(
            "jaxnn.train.fit",
            "numpy.mean",
        ),
        tests=(
            "parity_tests/train/test_epoch_average.py::test_epoch_average_loss_is_the_mean_of_fits_step_losses",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="logging formats",
        where=(
            "S0 402; S2 194-195; S1 3757,5672,5737,5903,6230,6453,10189,10296,10360; S4 "
            "1330,1163,1511,1831-1833,2139"
        ),
        twin=(
            "jaxnn.train.notebook_log_line",
            "jaxnn.train.fit",
        ),
        tests=("parity_tests/train/test_fit.py::test_fit_logs_in_the_seed_format_at_the_interval",),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="progress bar",
        where="S4 1073,1141,1161",
        twin=("jaxnn.train.fit",),
        tests=(
            "parity_tests/train/test_fit.py::test_fit_progress_bar_on_request_and_hidden_for_short_runs",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.17",
        component="gradient accumulation pattern",
        where="S1 3852-3869 (printed as text)",
        twin=("jaxnn.optim.accumulate",),
        tests=(
            "parity_tests/optim/test_accumulation.py::test_accumulate_mlp_trajectory",
            "parity_tests/optim/test_accumulation.py::test_accumulate_every_1_is_the_plain_optimizer",
        ),
        doc="docs/optimizers.md",
    ),
    Row(
        section="1.17",
        component="mixed precision pattern",
        where="S1 3871-3889 (printed as text only)",
        twin=("jaxnn.train.precision.autocast", "jaxnn.train.precision.GradScaler"),
        tests=(
            "parity_tests/train/test_precision.py::test_forward_loss_and_gradients_match_torch_autocast",
            "parity_tests/train/test_precision.py::test_loss_scaler_state_machine_matches_torch_grad_scaler",
            "parity_tests/cli/test_precision.py::test_run_both_in_bf16_mixed_prints_and_writes_its_differences",
        ),
        doc="docs/mixed-precision.md",
    ),
    Row(
        section="1.17",
        component='"one loop for all models"',
        where="S3 352-364",
        twin=("jaxnn.train.fit",),
        tests=(
            "parity_tests/train/test_fit.py::test_fit_curves_and_parameters_match",
            "parity_tests/nn/test_dropout.py::test_dropout_model_draws_a_new_mask_every_fit_step",
            "parity_tests/examples/test_examples.py::test_example_twins_agree",
        ),
        doc="docs/training.md",
    ),
    # §1.18 Dataset / DataLoader / transforms / torchvision
    Row(
        section="1.18",
        component="custom Dataset",
        where="S3 121-130; S4 1751-1768,2084-2098",
        twin=(
            "jaxnn.data.Dataset",
            "jaxnn.data.ToyDataset",
        ),
        tests=(
            "parity_tests/data/test_dataloader.py::test_map_style_dataset_is_collated_like_torch",
            "parity_tests/train/test_toy_classifier.py::test_toy_data_twins_hold_the_same_values",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="DataLoader",
        where="S3 130; S4 919-931,1084-1086,1305-1308,1492-1493,1772-1786,2103-2105",
        twin=("jaxnn.data.DataLoader",),
        tests=(
            "parity_tests/data/test_dataloader.py::test_same_batches_every_epoch",
            "parity_tests/data/test_fuzz_dataloader.py::test_dataloader_same_batches_as_torch_ref",
            "parity_tests/data/test_dataloader.py::test_len_follows_torch_rounding",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="drop_last",
        where="S4 2111-2113",
        twin=("jaxnn.data.DataLoader",),
        tests=(
            "parity_tests/data/test_dataloader.py::test_len_follows_torch_rounding",
            "parity_tests/train/test_toy_classifier.py::test_jax_reproduces_the_seed_from_torch_init_and_order",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="num_workers",
        where="S4 693-700,1776,1785,1800-1804,2104-2105",
        twin=("jaxnn.data.DataLoader",),
        tests=(
            "parity_tests/data/test_dataloader.py::test_workers_give_the_same_batches",
            "parity_tests/data/test_dataloader.py::test_worker_arguments_are_kept_like_torchs",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="iteration helpers",
        where="S4 1433-1434,1519,1057",
        twin=(
            "jaxnn.data.DataLoader",
            "jaxnn.data.MNIST",
        ),
        tests=(
            "parity_tests/data/test_mnist.py::test_mnist_items_match_torch",
            "parity_tests/data/test_dataloader.py::test_sampler_indices_is_the_iterated_order_and_advances_alike",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="torchvision MNIST",
        where="S4 883-885,915-917,1082-1083,1302-1303,1489-1490",
        twin=(
            "jaxnn.data.MNIST",
            "jaxnn.data.load_mnist",
        ),
        tests=(
            "parity_tests/data/test_mnist.py::test_mnist_from_idx_files_in_both_frameworks",
            "parity_tests/data/test_mnist.py::test_mnist_attributes_like_torchvision",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="transforms",
        where="S4 891-893,909-913,1078-1081,1299,1488",
        twin=(
            "jaxnn.data.Compose",
            "jaxnn.data.ToTensor",
            "jaxnn.data.Normalize",
        ),
        tests=(
            "parity_tests/data/test_transforms.py::test_compose_e13_pipeline",
            "parity_tests/data/test_transforms.py::test_normalize_mnist_constants_after_to_tensor",
            "parity_tests/data/test_transforms.py::test_to_tensor_uint8_hw_every_value",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="visualisation",
        where="S4 1417-1443",
        twin=("jaxnn.data.make_grid", "twinlab.reports.predictions"),
        tests=(
            "parity_tests/data/test_grid.py::test_twins_match_torchvisions_algorithm",
            "parity_tests/report/test_predictions.py::test_the_predictions_shown_are_the_trained_models",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.18",
        component="batch shape expectation",
        where="S4 939-946",
        twin=(
            "jaxnn.data.DataLoader",
            "jaxnn.data.MNIST",
        ),
        tests=(
            "parity_tests/data/test_mnist.py::test_mnist_loader_batches_match_torch",
            "parity_tests/data/test_mnist.py::test_mnist_untransformed_loader_batches_are_uint8",
        ),
        doc="docs/data.md",
    ),
    # §1.19 Evaluation and metrics
    Row(
        section="1.19",
        component="accuracy in a loop",
        where="S4 1031-1047,1174-1189,1332-1343",
        twin=(
            "jaxnn.train.make_eval_step",
            "jax.numpy.argmax",
        ),
        tests=(
            "parity_tests/train/test_fit.py::test_eval_step_matches_torch",
            "parity_tests/train/test_fit.py::test_compute_accuracy_twins_agree",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.19",
        component="accuracy of one batch",
        where="S4 1527-1528; S1 1876-1877,2215",
        twin=(
            "jax.numpy.mean",
            "jax.Array.astype",
        ),
        tests=(
            "parity_tests/tensor/test_elementwise.py::test_comparisons_return_bool_seed_values",
            "parity_tests/functional/test_reduction.py::test_sum_of_bool_counts_true_values_int64_vs_default_int",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.19",
        component="`compute_accuracy(outputs, labels)`",
        where="S1 2218-2243",
        twin=("jax.numpy.argmax",),
        tests=("parity_tests/functional/test_argmax_topk.py::test_argmax_accuracy_against_labels",),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.19",
        component="`compute_accuracy(model, dataloader)`",
        where="S4 1899-1922,2160-2173",
        twin=("jaxnn.train.compute_accuracy",),
        tests=("parity_tests/train/test_fit.py::test_compute_accuracy_twins_agree",),
        doc="docs/training.md",
    ),
    Row(
        section="1.19",
        component="prediction post-processing",
        where="S4 1858-1897,2146-2156; S1 2133-2175,2245-2281,7207-7214",
        twin=(
            "jaxnn.functional.softmax",
            "jax.numpy.argmax",
            "jaxnn.functional.topk",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_argmax_of_logits_equals_argmax_of_softmax_module_with_ties",
            "parity_tests/functional/test_argmax_topk.py::test_topk_1d_k3_and_top1_equals_argmax",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.19",
        component="regression metrics",
        where="S1 9486-9510,5926-5928",
        twin=(
            "jax.numpy.mean",
            "jax.numpy.abs",
        ),
        tests=(
            "parity_tests/train/test_evaluation.py::test_regression_metrics_mse_mae_r2_seed_values",
            "parity_tests/examples/test_forward.py::test_loss_examples_seed_values",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.19",
        component="generalisation check",
        where="S1 5813-5816",
        twin=("jaxnn.train.make_eval_step",),
        tests=(
            "parity_tests/train/test_evaluation.py::test_generalisation_check_gives_the_same_verdict",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.19",
        component="binary accuracy with a threshold",
        where="S1 6226-6230",
        twin=(
            "jax.Array.astype",
            "jax.numpy.mean",
        ),
        tests=(
            "parity_tests/train/test_evaluation.py::test_binary_accuracy_with_a_threshold",
            "parity_tests/examples/test_training.py::test_circle_classifier_rule_and_accuracy_follow_the_seed",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.19",
        component="confusion matrix / precision / recall / F1",
        where="—",
        twin=("jaxnn.train.confusion_matrix", "jaxnn.train.precision_recall_f1"),
        tests=(
            "parity_tests/train/test_metrics.py::test_confusion_matrix_matches_torch_sklearn_and_the_hand_count",
            "parity_tests/train/test_metrics.py::test_precision_recall_f1_matches_torch_and_sklearn",
        ),
        doc="docs/training.md",
    ),
    # §1.21 Device management and timing
    Row(
        section="1.21",
        component="device selection",
        where=(
            "S0 77; S2 213,229; S3 167,171; S4 466-468,984,1128,1312,1933,2192-2197; S1 "
            "24,469,598,4234"
        ),
        twin=(
            "jaxnn.device.default_device",
            "jax.devices",
        ),
        tests=(
            "parity_tests/tensor/test_device.py::test_jax_devices_default_is_first_listed_and_cpu_always_listed",
            "parity_tests/tensor/test_device.py::test_torch_device_default_is_first_listed_and_cpu_without_accelerator",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.21",
        component="device introspection",
        where="S1 16-34,444-480,142; S4 466-468",
        twin=(
            "jaxnn.device.list_devices",
            "jax.device_count",
        ),
        tests=(
            "parity_tests/tensor/test_device.py::test_jax_devices_default_is_first_listed_and_cpu_always_listed",
            "parity_tests/tensor/test_device.py::test_torch_device_default_is_first_listed_and_cpu_without_accelerator",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.21",
        component="moving data",
        where=(
            "S0 78; S2 216,250-251; S1 134,486-566,604-615; S4 1039,1143-1144,1181,1200,2188-2195"
        ),
        twin=(
            "jaxnn.device.to_device",
            "jax.device_put",
        ),
        tests=(
            "parity_tests/tensor/test_device.py::test_jax_device_put_commits_the_array_to_that_device",
            "parity_tests/tensor/test_device.py::test_torch_to_returns_same_tensor_when_already_there",
            "parity_tests/tensor/test_device.py::test_to_device_rejects_unknown_devices",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.21",
        component="same-device rule",
        where="S1 568-630",
        twin=("jaxnn.device.safe_add",),
        tests=(
            "parity_tests/tensor/test_device.py::test_torch_mixing_devices_raises",
            "parity_tests/tensor/test_device.py::test_jax_committed_arrays_on_different_devices_raise",
            "parity_tests/tensor/test_device.py::test_jax_safe_add_moves_second_operand_to_first_device",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.21",
        component="timing",
        where="S1 632-665; S4 17-54",
        twin=(
            "jaxnn.device.time_matmul",
            "jax.block_until_ready",
        ),
        tests=(
            "parity_tests/tensor/test_device.py::test_time_matmul_smoke",
            "parity_tests/tensor/test_device.py::test_time_matmul_without_warmup_and_default_device",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    # §1.22 NumPy primer (S4 8-439)
    Row(
        section="1.22",
        component="Python loop vs `np.dot`",
        where="S4 16-61",
        twin=("jax.numpy.dot",),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_dot_python_loop_vs_numpy_vs_jnp_needs_int64",
            "parity_tests/tensor/test_numpy_primer.py::test_dot_jnp_default_int32_wraps_silently",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="ndarray attributes",
        where="S4 67-87",
        twin=(
            "jax.numpy.ndim",
            "jax.numpy.shape",
            "jax.numpy.size",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_ndarray_attributes_int64_numpy_int32_jax",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="astype",
        where="S4 89-94",
        twin=("jax.Array.astype",),
        tests=("parity_tests/tensor/test_numpy_primer.py::test_astype_float32_makes_a_new_array",),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="creation",
        where="S4 100-120",
        twin=(
            "jax.numpy.zeros",
            "jax.numpy.eye",
            "jax.numpy.arange",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_zeros_ones_eye",
            "parity_tests/tensor/test_numpy_primer.py::test_arange_excludes_stop",
            "parity_tests/tensor/test_numpy_primer.py::test_zeros_default_dtype_float64_numpy_float32_jax",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="ufunc",
        where="S4 126-146",
        twin=("jax.numpy.add",),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_ufunc_scalar_add_equals_the_double_loop",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="aggregates with axis",
        where="S4 148-159",
        twin=("jax.numpy.sum",),
        tests=("parity_tests/tensor/test_numpy_primer.py::test_sum_with_axis",),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="slicing",
        where="S4 165-178",
        twin=(
            "jax.Array.__getitem__",
            "jax.Array.at",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_basic_slicing_is_a_view_in_numpy_a_copy_in_jax",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="fancy and boolean indexing",
        where="S4 180-212",
        twin=(
            "jax.Array.at",
            "jax.numpy.nonzero",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_fancy_indexing_select_and_add",
            "parity_tests/tensor/test_numpy_primer.py::test_boolean_mask_indexing",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="views vs copies",
        where="S4 214-261",
        twin=(
            "jax.Array.at",
            "jax.numpy.copy",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_view_write_changes_numpy_original_but_not_jax",
            "parity_tests/tensor/test_numpy_primer.py::test_copy_leaves_original_unchanged",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="reshape / ravel / flatten / T / concatenate",
        where="S4 358-385",
        twin=(
            "jax.numpy.reshape",
            "jax.numpy.ravel",
            "jax.numpy.concatenate",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_reshape_ravel_flatten_transpose",
            "parity_tests/tensor/test_numpy_primer.py::test_concatenate_axis_0_and_1",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="broadcasting",
        where="S4 387-415",
        twin=("jax.numpy.add",),
        tests=("parity_tests/tensor/test_numpy_primer.py::test_broadcast_row_vector_to_each_row",),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="linear algebra",
        where="S4 417-437",
        twin=(
            "jax.numpy.matmul",
            "jax.numpy.dot",
        ),
        tests=(
            "parity_tests/tensor/test_numpy_primer.py::test_matmul_matrix_vector_and_matrix_matrix",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.22",
        component="seeding",
        where="S4 796-811",
        twin=("jaxnn.random.seed_everything",),
        tests=(
            "parity_tests/tensor/test_random.py::test_seed_everything_twins_seed_numpy_and_python_identically",
            "parity_tests/tensor/test_random.py::test_seed_everything_returns_each_frameworks_generator",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    # §1.23 RNG and reproducibility
    Row(
        section="1.23",
        component="`torch.manual_seed`",
        where="—",
        twin=(
            "jax.random.key",
            "flax.nnx.Rngs",
        ),
        tests=(
            "parity_tests/tensor/test_random.py::test_manual_seed_same_seed_same_draws",
            "parity_tests/tensor/test_random.py::test_jax_same_key_same_draws",
            "parity_tests/tensor/test_random.py::test_e03_torch_replay_matches_seed_print",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    Row(
        section="1.23",
        component="three-place seeding advice",
        where="S4 796-811",
        twin=("jaxnn.random.seed_everything",),
        tests=(
            "parity_tests/tensor/test_random.py::test_seed_everything_twins_seed_numpy_and_python_identically",
            "parity_tests/tensor/test_random.py::test_seed_everything_makes_jax_init_reproducible",
        ),
        doc="docs/devices-numpy-rng.md",
    ),
    # §1.24 Concepts and notes (documentation-level; no numerics)
    Row(
        section="1.24",
        component="Define-by-run / dynamic graphs",
        where="S3 3-7; S1 2656-2693",
        twin=(
            "jax.jit",
            "examples/lessons/07_autograd.py",
        ),
        tests=(
            "parity_tests/autograd/test_graph.py::test_dynamic_graph_python_if_on_static_value",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.24",
        component="Tensor internals",
        where="S4 447-504; S4 508-509",
        twin=(
            "jax.Array",
            "examples/lessons/02_shapes_and_views.py",
        ),
        tests=(
            "parity_tests/functional/test_shape.py::test_view_needs_contiguous_memory_in_torch_only",
            "parity_tests/functional/test_creation.py::test_tensor_float_dtype_and_device_properties",
        ),
        doc="docs/tensor-twins.md",
    ),
    Row(
        section="1.24",
        component="FLOPs notes",
        where="S4 1976-1987",
        twin=("twinlab.bench.costs.flops",),
        tests=("parity_tests/bench/test_costs.py::test_flops_of_a_matmul_is_two_m_n_p",),
        doc="docs/performance.md",
    ),
    Row(
        section="1.24",
        component="Other documentation",
        where="",
        twin=(
            "docs/coverage.md",
            "README.md",
        ),
        tests=(
            "parity_tests/docs/test_docs.py::test_every_referenced_test_exists",
            "parity_tests/docs/test_docs.py::test_readme_links_every_doc",
        ),
        doc="docs/architecture.md",
    ),
    Row(
        section="1.24",
        component="TF→PyTorch mapping table",
        where="S3 184-191",
        twin=(
            "jaxnn.train.fit",
            "jax.grad",
            "jaxnn.data.DataLoader",
            "flax.nnx.Module",
        ),
        tests=(
            "parity_tests/train/test_fit.py::test_fit_curves_and_parameters_match",
            "parity_tests/autograd/test_scalar.py::test_backward_on_scalar_matches_jax_grad_and_seed_values",
            "parity_tests/data/test_dataloader.py::test_same_batches_every_epoch",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.24",
        component="Pitfalls",
        where="S3 175-181; S1 3285-3288, 7346-7350",
        twin=(
            "jax.grad",
            "jaxnn.functional.mse_loss",
            "jaxnn.functional.cross_entropy",
        ),
        tests=(
            "parity_tests/autograd/test_graph.py::test_backward_twice_accumulates_like_a_sum_of_returned_grads",
            "parity_tests/nn/test_loss.py::test_elementwise_losses_refuse_to_broadcast",
            "parity_tests/nn/test_loss.py::test_cross_entropy_one_hot_probabilities_equal_class_indices",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.24",
        component="Pipeline steps",
        where="S3 203-242",
        twin=(
            "jaxnn.train.fit",
            "examples/templates.py",
            "examples/lessons/17_training_loop.py",
        ),
        tests=(
            "parity_tests/train/test_fit.py::test_fit_curves_and_parameters_match",
            "parity_tests/train/test_fit.py::test_eval_step_matches_torch",
            "parity_tests/examples/test_examples.py::test_example_twins_agree",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.24",
        component="Epoch concept",
        where="S0 361-428; S1 10133-10200",
        twin=(
            "jaxnn.data.DataLoader",
            "examples/lessons/17_training_loop.py",
        ),
        tests=(
            "parity_tests/examples/test_training.py::test_toy_full_flow_has_three_batches_per_epoch",
            "parity_tests/data/test_dataloader.py::test_len_follows_torch_rounding",
        ),
        doc="docs/data.md",
    ),
    Row(
        section="1.24",
        component="Logits",
        where="S1 8990-9271",
        twin=(
            "jaxnn.functional.softmax",
            "examples/losses_tour.py",
        ),
        tests=(
            "parity_tests/nn/test_activation.py::test_softmax_seed_tables",
            "parity_tests/examples/test_forward.py::test_loss_examples_seed_values",
            "parity_tests/nn/test_activation.py::test_argmax_of_logits_equals_argmax_of_softmax_module_with_ties",
        ),
        doc="docs/activations-and-losses.md",
    ),
    Row(
        section="1.24",
        component="y-hat",
        where="S1 9273-9659",
        twin=(
            "jax.numpy.mean",
            "examples/losses_tour.py",
        ),
        tests=(
            "parity_tests/train/test_evaluation.py::test_regression_metrics_mse_mae_r2_seed_values",
            "parity_tests/examples/test_forward.py::test_loss_examples_seed_values",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.24",
        component="Learning rate",
        where="S1 9775-9863",
        twin=(
            "jaxnn.optim.sgd",
            "examples/training_loops.py",
        ),
        tests=(
            "parity_tests/examples/test_training.py::test_learning_rates_follow_the_seeds_train_with_lr",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.24",
        component="Glossary of 38 terms",
        where="S1 10430-10512",
        twin=("docs/glossary.md",),
        tests=(
            "parity_tests/docs/test_glossary.py::test_glossary_maps_each_of_the_notebooks_38_terms_to_a_test",
            "parity_tests/docs/test_docs.py::test_every_referenced_test_exists",
        ),
        doc="docs/glossary.md",
    ),
    Row(
        section="1.24",
        component="Backprop equations for a 2-hidden-layer MLP",
        where="S4 1566-1722",
        twin=(
            "jax.grad",
            "examples/autograd_demos.py",
        ),
        tests=(
            "parity_tests/examples/test_forward.py::test_backprop_math_closed_form_gradients_equal_autograd",
        ),
        doc="docs/autograd-twins.md",
    ),
    Row(
        section="1.24",
        component="Validation-set prose",
        where="S4 702-707",
        twin=("jaxnn.train.fit", "jaxnn.data.random_split"),
        tests=(
            "parity_tests/train/test_early_stopping.py::test_both_twins_stop_at_the_same_epoch_and_restore_the_best_one",
        ),
        doc="docs/training.md",
    ),
    Row(
        section="1.24",
        component='Universal approximation and "why non-linearity"',
        where="S1 6499-6563; S0 147-148",
        twin=(
            "jaxnn.nn.Linear",
            "examples/lessons/09_layers.py",
        ),
        tests=(
            "parity_tests/nn/test_linear.py::test_two_stacked_linears_without_an_activation_are_one_linear",
            "parity_tests/examples/test_forward.py::test_stacked_linears_dead_relu_rows_output_layer2_bias",
        ),
        doc="docs/layers.md",
    ),
)
