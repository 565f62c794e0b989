"""training/graph_rewrites.with_fp32_cue_head: the encoder graph's cue head replaced by a refitted fp32
linear layer computes hidden @ W.T + b, leaves `hidden` as it was and drops what only the
old head read; the packaged encoder carries the refitted head its manifest describes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "shared" / "claimsearch" / "extract" / "artifacts"


@pytest.fixture(scope="module")
def rewrites(training_script: Callable[[str], ModuleType]) -> ModuleType:
    return training_script("graph_rewrites")


def encoder_like(hidden_size: int = 4) -> onnx.ModelProto:
    """input (1, T, H) -> hidden = input * 2; cue_logits = hidden @ W_old + b_old."""
    rng = np.random.default_rng(1)
    nodes = [
        helper.make_node("Mul", ["x", "two"], ["hidden"]),
        helper.make_node("MatMul", ["hidden", "old_weight"], ["old_product"]),
        helper.make_node("Add", ["old_product", "old_bias"], ["cue_logits"]),
    ]
    initializers = [
        numpy_helper.from_array(np.array(2.0, np.float32), "two"),
        numpy_helper.from_array(rng.normal(size=(hidden_size, 3)).astype(np.float32), "old_weight"),
        numpy_helper.from_array(rng.normal(size=3).astype(np.float32), "old_bias"),
    ]
    graph = helper.make_graph(
        nodes,
        "encoder-like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None, hidden_size])],
        [
            helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, None, hidden_size]),
            helper.make_tensor_value_info("cue_logits", TensorProto.FLOAT, [1, None, 3]),
        ],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def run(model: onnx.ModelProto, x: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})


def test_the_new_head_computes_hidden_times_its_weights(rewrites: ModuleType) -> None:
    x = np.random.default_rng(2).normal(size=(1, 7, 4)).astype(np.float32)
    before_hidden, before_logits = run(encoder_like(), x)
    weight = np.arange(12, dtype=np.float32).reshape(3, 4) / 10  # (tags, H), as torch's Linear
    bias = np.array([0.5, -1.0, 2.0], np.float32)
    model = rewrites.with_fp32_cue_head(encoder_like(), weight, bias)
    hidden, logits = run(model, x)
    assert np.array_equal(hidden, before_hidden)
    np.testing.assert_allclose(logits, hidden @ weight.T + bias, rtol=1e-6)
    assert not np.allclose(logits, before_logits)
    names = {i.name for i in model.graph.initializer}
    assert not names & {"old_weight", "old_bias"}
    assert "two" in names  # still read by the encoder part


def test_a_graph_without_cue_logits_is_refused(rewrites: ModuleType) -> None:
    model = encoder_like()
    del model.graph.output[1]
    model.graph.node.pop()
    with pytest.raises(ValueError, match="not an encoder graph"):
        rewrites.with_fp32_cue_head(model, np.zeros((3, 4), np.float32), np.zeros(3, np.float32))


def test_the_packaged_encoder_has_the_refitted_head(rewrites: ModuleType) -> None:
    if not (ARTIFACTS / "manifest.json").is_file():
        pytest.skip("no trained model artifact")
    manifest = json.loads((ARTIFACTS / "manifest.json").read_text())
    assert "refit_cue_head.py" in manifest["cue_head"]
    encoder = onnx.load(str(ARTIFACTS / "encoder.int8.onnx"))
    producer = next(n for n in encoder.graph.node if "cue_logits" in n.output)
    assert producer.op_type == "Add" and rewrites.BIAS in producer.input
    weights = {i.name: i for i in encoder.graph.initializer}
    assert weights[rewrites.WEIGHT].data_type == TensorProto.FLOAT
