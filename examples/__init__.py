"""The source notebooks' worked examples, declared as data, and the lessons.

Each example module declares one or more :class:`~jaxnn_examples.example.Example`
objects; ``EXAMPLES``, the one registry, lists them in the inventory's order
(E01-E61). ``jaxnn list`` shows them; ``jaxnn run NAME`` runs one.

This folder is installed as the package ``jaxnn_examples``.
"""

from jaxnn_examples import (
    autograd_demos,
    classification,
    data_loading,
    layers_tour,
    linear_layers,
    linear_regression,
    losses_tour,
    mnist,
    modules_tour,
    optimizer_steps,
    templates,
    tensor_ops,
    toy_classifier,
    training_loops,
)
from jaxnn_examples.example import Example as Example

EXAMPLES: dict[str, Example] = {
    ex.name: ex
    for ex in (
        linear_layers.LINEAR_FORWARD,  # E01
        linear_layers.STACKED_LINEARS,  # E02
        autograd_demos.BACKPROP_STEP,  # E03
        linear_layers.SIMPLENET_FORWARD,  # E04
        linear_regression.LINE_Y2X,  # E05
        optimizer_steps.SIMPLE_NN_STEP,  # E06
        templates.TEMPLATE_NET,  # E07
        templates.TEMPLATE_LINEAR_MODEL,  # E07
        templates.TEMPLATE_ANN,  # E07
        mnist.CNN_TEMPLATE,  # E08
        templates.LSTM_TEMPLATE,  # E09
        templates.TRAIN_LOOP_TEMPLATE,  # E10
        autograd_demos.SINGLE_NEURON_BCE,  # E11
        modules_tour.NEURAL_NETWORK_FORWARD,  # E12
        mnist.MNIST_MLP_ADAM,  # E13
        mnist.MNIST_TWO_HIDDEN,  # E14
        mnist.MLP2HIDDEN,  # E15
        autograd_demos.BACKPROP_MATH,  # E16
        data_loading.TOY_LOADER,  # E17
        toy_classifier.EXAMPLE,  # E18
        toy_classifier.FULL_FLOW,  # E19
        autograd_demos.CS336_SNIPPETS,  # E20
        tensor_ops.DEVICE_MATMUL,  # E21
        tensor_ops.MANUAL_MLP,  # E22
        tensor_ops.SELF_ATTENTION,  # E23
        tensor_ops.GLOBAL_AVG_POOL,  # E24
        autograd_demos.TWO_LAYER_BACKWARD,  # E25
        autograd_demos.LOSS_BACKWARD,  # E26
        optimizer_steps.ONE_SGD_STEP,  # E27
        linear_regression.TRUE_WEIGHTS,  # E28
        losses_tour.LOSS_BACKWARD_TOUR,  # E29
        modules_tour.MODULE_TOUR,  # E30
        modules_tour.PARAMETER_TOUR,  # E31
        linear_layers.FIXED_WEIGHT_LINEAR,  # E32
        linear_regression.WEIGHTS_CHANGE,  # E33
        linear_layers.WEIGHT_STATISTICS,  # E34
        linear_regression.LEARN_BIAS,  # E35
        classification.IMBALANCED_BIAS,  # E36
        linear_regression.REGRESSION_MODEL,  # E37
        linear_regression.MULTIPLE_REGRESSION,  # E38
        linear_regression.TRAIN_TEST_SPLIT,  # E39
        linear_regression.HOUSE_PRICES,  # E40
        modules_tour.FEED_FORWARD_TOUR,  # E41
        classification.CIRCLE_CLASSIFIER,  # E42
        modules_tour.FORWARD_PASS_TOUR,  # E43
        training_loops.FORWARD_IN_LOOP,  # E44
        layers_tour.ACTIVATION_TOUR,  # E45
        layers_tour.EMBEDDING_TOUR,  # E46
        layers_tour.LAYERNORM_TOUR,  # E47
        layers_tour.DROPOUT_TOUR,  # E48
        tensor_ops.GATHER_TOUR,  # E49
        losses_tour.MSE_LOSS_TOUR,  # E50
        losses_tour.LOGITS_TOUR,  # E51
        linear_regression.YHAT_REGRESSION,  # E52
        losses_tour.PREDICTION_METRICS,  # E53
        autograd_demos.GRADIENT_DESCENT_SCALAR,  # E54
        linear_regression.MANUAL_GRADIENT_DESCENT,  # E55
        training_loops.LEARNING_RATES,  # E56
        training_loops.ADAM_VS_SGD,  # E57
        optimizer_steps.ZERO_GRAD_DEMO,  # E58
        optimizer_steps.OPTIMIZER_STEP_DEMO,  # E59
        training_loops.EPOCHS_DEMO,  # E60
        training_loops.MANUAL_BATCHES,  # E61
    )
}
