# %% [markdown]
# # 18 · Evaluation
# Turning a trained model's logits into predictions and metrics: softmax and argmax,
# the correct count, `compute_accuracy`, an evaluation loop, top-k and regression metrics.
# The lesson follows the recap's evaluation (S4 1845-1922), `evaluate()` (S4 1031-1047) and the
# metrics of S1 2200-2281 and 9480-9515. What differs most: torch evaluates under
# `model.eval()` plus `torch.no_grad()`; JAX computes no gradient unless asked, so only the
# mode switch remains (`model.eval()`, which turns dropout off), and evaluation runs jitted.

# %% Setup: the toy classifier NeuralNetwork(2, 2) trained in torch (three epochs, SGD 0.5)
import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
toy = jaxnn.data.toy_data(np.float32)
X_train, y_train = torch.from_numpy(toy.X_train), torch.from_numpy(toy.y_train)
train_ds = torch_ref.data.ToyDataset(X_train, y_train)
test_ds = torch_ref.data.ToyDataset(torch.from_numpy(toy.X_test), torch.from_numpy(toy.y_test))
torch.manual_seed(123)
model = torch_ref.models.NeuralNetwork(num_inputs=2, num_outputs=2)
loader = torch_ref.data.DataLoader(train_ds, batch_size=2, shuffle=True, drop_last=True, seed=0)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
torch_ref.train.fit(model, optimizer, F.cross_entropy, loader, 3)
# The twin holds the trained torch parameters: evaluation is compared, not training.
model_j = jaxnn.models.NeuralNetwork(num_inputs=2, num_outputs=2, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, model.state_dict())

# %% Logits in eval mode, softmax probabilities, and argmax classes [0, 0, 0, 1, 1]
# torch
model.eval()
with torch.no_grad():
    outputs = model(X_train)
probas = torch.softmax(outputs, dim=1)
predictions = torch.argmax(probas, dim=1)
# jax
model_j.eval()
outputs_j = model_j(jnp.asarray(toy.X_train))
probas_j = jax.nn.softmax(outputs_j, axis=1)
predictions_j = jnp.argmax(probas_j, axis=1)
show("eval logits", outputs, outputs_j)
show("softmax probabilities", probas, probas_j)
show("argmax classes", predictions, predictions_j)

# %% argmax of the logits is argmax of the probabilities; count the correct ones: 5 of 5
# torch
predictions = torch.argmax(outputs, dim=1)
num_correct = torch.sum(predictions == y_train)
# jax
predictions_j = jnp.argmax(outputs_j, axis=1)
num_correct_j = jnp.sum(predictions_j == toy.y_train)
show("torch.sum(predictions == y_train)", num_correct, num_correct_j)

# %% The notebook's `compute_accuracy(model, dataloader)`: 1.0 on train and on test
# torch
test_loader = torch.utils.data.DataLoader(test_ds, batch_size=2, shuffle=False)
accuracies = (
    torch_ref.train.compute_accuracy(model, loader),
    torch_ref.train.compute_accuracy(model, test_loader),
)
# jax
loader_j = jaxnn.data.DataLoader(
    jaxnn.data.ToyDataset(toy.X_train, toy.y_train),
    batch_size=2,
    shuffle=True,
    drop_last=True,
    seed=0,
)
test_loader_j = jaxnn.data.DataLoader(jaxnn.data.ToyDataset(toy.X_test, toy.y_test), batch_size=2)
accuracies_j = (
    jaxnn.train.compute_accuracy(model_j, loader_j),
    jaxnn.train.compute_accuracy(model_j, test_loader_j),
)
show("compute_accuracy train, test", accuracies, accuracies_j)


# %% `evaluate()` (S4 1031-1047): a loop of batches; JAX's jitted eval step returns the sums
# torch
def evaluate(dataloader, model):
    model.eval()  # set to evaluation mode
    correct, total = 0, 0
    with torch.no_grad():
        for x, y in dataloader:
            preds = model(x).argmax(dim=1)
            correct += (preds == y).sum().item()
            total += y.size(0)
    return correct / total


test_accuracy = evaluate(test_loader, model)
print(f"Test accuracy: {test_accuracy:.4f}")
# jax
graphdef, state = jaxnn.train.TrainState.create(model_j, jaxnn.optim.sgd(lr=0.5))
eval_step = jaxnn.train.make_eval_step(graphdef, jaxnn.functional.cross_entropy)
sums = [eval_step(state, batch) for batch in test_loader_j]
test_accuracy_j = sum(int(s["correct"]) for s in sums) / sum(int(s["count"]) for s in sums)
show("evaluate(): test accuracy", test_accuracy, test_accuracy_j)

# %% The eval step's loss and the generalisation check `test_loss < train_loss * 1.1`
# torch
test_metrics = torch_ref.train.eval_step(model, F.cross_entropy, next(iter(test_loader)))
train_metrics = torch_ref.train.eval_step(model, F.cross_entropy, (X_train, y_train))
generalizes = test_metrics["loss"] < train_metrics["loss"] * 1.1
# jax
test_metrics_j = sums[0]
train_metrics_j = eval_step(state, (jnp.asarray(toy.X_train), jnp.asarray(toy.y_train)))
generalizes_j = test_metrics_j["loss"] < train_metrics_j["loss"] * 1.1
show(
    "test and train loss",
    (test_metrics["loss"], train_metrics["loss"]),
    (test_metrics_j["loss"], train_metrics_j["loss"]),
)
show("generalizes?", generalizes, generalizes_j)

# %% `compute_accuracy(outputs, labels)` on 100 random outputs of 10 classes: about 10%
rng = np.random.default_rng(0)
test_outputs = rng.standard_normal((100, 10), dtype=np.float32)
test_labels = rng.integers(0, 10, 100)


# torch
def compute_accuracy(outputs, labels):
    predictions = torch.argmax(outputs, dim=1)
    return (predictions == labels).float().mean()


acc = compute_accuracy(torch.from_numpy(test_outputs), torch.from_numpy(test_labels))
# jax
acc_j = (jnp.argmax(test_outputs, axis=1) == test_labels).astype(jnp.float32).mean()
print(f"Test accuracy: {acc:.2%}")
show("accuracy of random outputs", acc, acc_j)

# %% Top-2 classes and the confidence of the predicted class
# torch
top = torch.topk(torch.softmax(torch.from_numpy(test_outputs[:4]), dim=1), k=2, dim=1)
confidence = top.values[:, 0]
# jax
top_j = jaxnn.functional.topk(jax.nn.softmax(test_outputs[:4], axis=1), k=2, dim=1)
confidence_j = top_j.values[:, 0]
show("top-2 probabilities", top.values, top_j.values)
show("top-2 classes", top.indices, top_j.indices)
show("confidence", confidence, confidence_j)

# %% Regression metrics (S1 9486-9510): MSE 0.0440, MAE 0.2000, R² 0.9945
# torch
y_true = torch.tensor([3.0, 5.0, 7.0, 9.0, 11.0])
y_pred = torch.tensor([2.8, 5.2, 6.9, 9.3, 10.8])
mse = ((y_pred - y_true) ** 2).mean()
mae = (y_pred - y_true).abs().mean()
r2 = 1 - ((y_true - y_pred) ** 2).sum() / ((y_true - y_true.mean()) ** 2).sum()
print(f"MSE {mse.item():.4f}, MAE {mae.item():.4f}, R² {r2.item():.4f}")
# jax
y_true_j = jnp.array([3.0, 5.0, 7.0, 9.0, 11.0])
y_pred_j = jnp.array([2.8, 5.2, 6.9, 9.3, 10.8])
mse_j, mae_j = ((y_pred_j - y_true_j) ** 2).mean(), jnp.abs(y_pred_j - y_true_j).mean()
r2_j = 1 - ((y_true_j - y_pred_j) ** 2).sum() / ((y_true_j - y_true_j.mean()) ** 2).sum()
show("MSE, MAE, R²", (mse, mae, r2), (mse_j, mae_j, r2_j))

# %% Binary accuracy with a 0.5 threshold on sigmoid outputs (S1 6226-6230)
probs_np = rng.uniform(size=(20, 1)).astype(np.float32)
y_np = (rng.uniform(size=(20, 1)) > 0.5).astype(np.float32)
# torch
predicted = (torch.from_numpy(probs_np) > 0.5).float()
accuracy = (predicted == torch.from_numpy(y_np)).float().mean()
# jax
predicted_j = (probs_np > 0.5).astype(jnp.float32)
accuracy_j = (jnp.asarray(predicted_j) == y_np).astype(jnp.float32).mean()
show("thresholded accuracy", accuracy, accuracy_j)
