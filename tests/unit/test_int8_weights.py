"""Int8 products made exact on every CPU (`claimsearch.extract.int8_weights`): the probe, the
rewrite of int8 initializers as uint8, and the packaged graphs it is applied to."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from claimsearch.extract import int8_weights
from claimsearch.extract.learned import ARTIFACT_DIR, ENCODER_FILE, ROLES_FILE, LearnedAttributionFinder

EXAMPLE = Path(__file__).resolve().parents[2] / "events" / "north-korea-forced-labour.txt"


def probe_model() -> onnx.ModelProto:
    """The probe `int8_weights` ships as bytes: (8, 64) uint8 times 127s, zero points 0."""
    inputs = [helper.make_tensor_value_info("a", TensorProto.UINT8, [8, 64])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.INT32, [8, 1])]
    initializers = [
        numpy_helper.from_array(np.full((64, 1), 127, np.int8), "b"),
        numpy_helper.from_array(np.array(0, np.uint8), "a_zero"),
        numpy_helper.from_array(np.array(0, np.int8), "b_zero"),
    ]
    node = helper.make_node("MatMulInteger", ["a", "b", "a_zero", "b_zero"], ["y"])
    graph = helper.make_graph([node], "probe", inputs, outputs, initializers)
    opsets = [helper.make_opsetid("", 17)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8, producer_name="claimsearch")


def test_the_shipped_probe_is_the_model_described() -> None:
    assert probe_model().SerializeToString() == int8_weights._PROBE


def products(weights_raw: bool) -> onnx.ModelProto:
    """uint8 (N, 384) times int8 (384, 16) with per-column zero points, as the quantized
    graphs are: weights as raw bytes or as int32_data, zero points as int32_data (some
    negative: 10-byte varints)."""
    rng = np.random.default_rng(5)
    weights = rng.integers(-127, 128, size=(384, 16)).astype(np.int8)
    zero = rng.integers(-3, 4, size=(16,)).astype(np.int8)
    w = numpy_helper.from_array(weights, "w")
    if not weights_raw:
        w = helper.make_tensor("w", TensorProto.INT8, [384, 16], weights.ravel().tolist())
    initializers = [
        w,
        helper.make_tensor("w_zero", TensorProto.INT8, [16], zero.tolist()),
        numpy_helper.from_array(np.array(0.5, np.float32), "half"),  # not int8: left alone
    ]
    nodes = [
        helper.make_node("MatMulInteger", ["x", "w", "x_zero", "w_zero"], ["sums"]),
        helper.make_node("Cast", ["sums"], ["as_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["as_float", "half"], ["y"]),
    ]
    inputs = [
        helper.make_tensor_value_info("x", TensorProto.UINT8, ["N", 384]),
        helper.make_tensor_value_info("x_zero", TensorProto.UINT8, []),
    ]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 16])]
    graph = helper.make_graph(nodes, "products", inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


@pytest.mark.parametrize("weights_raw", [True, False])
def test_unsigned_weights_give_the_exact_products_on_any_cpu(weights_raw: bool) -> None:
    model = products(weights_raw)
    rewritten = onnx.load_from_string(int8_weights.unsigned_weights(model.SerializeToString()))
    onnx.checker.check_model(rewritten)
    before = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    after = {i.name: numpy_helper.to_array(i) for i in rewritten.graph.initializer}
    for name in ("w", "w_zero"):
        assert after[name].dtype == np.uint8
        assert np.array_equal(after[name].astype(np.int16), before[name].astype(np.int16) + 128)
    assert after["half"].dtype == np.float32 and after["half"] == before["half"]
    assert [n.SerializeToString() for n in rewritten.graph.node] == [
        n.SerializeToString() for n in model.graph.node
    ]
    # Inputs that make a saturating kernel's pairwise 16-bit sums overflow.
    x = np.full((4, 384), 255, np.uint8)
    x[1::2, ::3] = 0
    feed = {"x": x, "x_zero": np.array(0, np.uint8)}
    session = ort.InferenceSession(rewritten.SerializeToString(), providers=["CPUExecutionProvider"])
    exact = (x.astype(np.int64) @ (before["w"].astype(np.int64) - before["w_zero"].astype(np.int64))) * 0.5
    assert np.array_equal(session.run(None, feed)[0], exact.astype(np.float32))


def test_every_int8_value_stored_as_int32_data_is_shifted() -> None:
    # The array path for packed int32_data (ten-byte varints for the negative values).
    values = np.arange(-128, 128, dtype=np.int16)
    tensor = helper.make_tensor("t", TensorProto.INT8, [256], values.tolist())
    graph = helper.make_graph([], "values", [], [], [tensor])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    rewritten = onnx.load_from_string(int8_weights.unsigned_weights(model.SerializeToString()))
    (after,) = rewritten.graph.initializer
    assert after.data_type == TensorProto.UINT8
    assert list(after.int32_data) == list(range(256))


@pytest.mark.parametrize("name", [ENCODER_FILE, ROLES_FILE])
def test_every_int8_initializer_of_the_packaged_graphs_is_a_weight_or_its_zero_point(name: str) -> None:
    # The precondition of the rewrite: +128 on both sides of a difference changes nothing.
    model = onnx.load(str(ARTIFACT_DIR / name))
    int8 = {i.name for i in model.graph.initializer if i.data_type == TensorProto.INT8}
    assert int8
    pairs = {"MatMulInteger": (1, 3), "ConvInteger": (1, 3), "DequantizeLinear": (0, 2)}
    for node in model.graph.node:
        for position, value in enumerate(node.input):
            if value in int8:
                assert position in pairs.get(node.op_type, ()), (node.op_type, position, value)
        if node.op_type in pairs:
            weight, zero = (node.input[i] if i < len(node.input) else "" for i in pairs[node.op_type])
            assert (weight in int8) == (zero in int8), node.name


def test_the_finder_finds_the_same_with_signed_or_unsigned_weights() -> None:
    text = EXAMPLE.read_text()
    unsigned = LearnedAttributionFinder.from_artifacts(unsigned_weights=True).find_in_text(text)
    default = LearnedAttributionFinder.from_artifacts().find_in_text(text)
    # Both are the exact sums: the default runs the signed kernel only where it is exact.
    assert default == unsigned
    assert len(unsigned) >= 8
