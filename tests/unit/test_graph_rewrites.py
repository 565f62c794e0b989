"""training/graph_rewrites.py: the attention mask an unpadded window never needs, dropped
only where it depends on the input's shape alone; 1-D integer convolutions as integer
matrix products; neither changes an output. The packaged graphs are the rewritten ones,
with the manifest's hashes matching the files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "shared" / "claimsearch" / "extract" / "artifacts"


@pytest.fixture(scope="module")
def rewrites(training_script: Callable[[str], ModuleType]) -> ModuleType:
    return training_script("graph_rewrites")


def _constant(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=onnx.numpy_helper.from_array(value, name))


def masked_attention(mask_from_input: bool = False) -> onnx.ModelProto:
    """Scores from `input_ids` (1, T) -> (1, T, T), masked and softmaxed as the exported
    encoder does it: Where(mask, 0, -inf) added, then Where(IsNaN(p), 0, p). The mask is
    all true, built from the input's shape, or read from an `attention_mask` input."""
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids"], to=TensorProto.FLOAT),
        _constant("scale", np.array(0.001, dtype=np.float32)),
        helper.make_node("Mul", ["ids", "scale"], ["f"]),
        _constant("axis2", np.array([2], dtype=np.int64)),
        _constant("axis1", np.array([1], dtype=np.int64)),
        helper.make_node("Unsqueeze", ["f", "axis2"], ["column"]),
        helper.make_node("Unsqueeze", ["f", "axis1"], ["row"]),
        helper.make_node("MatMul", ["column", "row"], ["scores"]),
        _constant("zero", np.array(0.0, dtype=np.float32)),
        _constant("minus_inf", np.array(-np.inf, dtype=np.float32)),
        helper.make_node("Where", ["mask", "zero", "minus_inf"], ["additive"]),
        helper.make_node("Add", ["scores", "additive"], ["masked"]),
        helper.make_node("Softmax", ["masked"], ["p"], axis=-1),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["probabilities"]),
    ]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "T"])]
    if mask_from_input:
        inputs.append(helper.make_tensor_value_info("mask", TensorProto.BOOL, [1, "T", "T"]))
    else:
        nodes[:0] = [
            helper.make_node("Shape", ["input_ids"], ["shape"]),
            _constant("last", np.array([-1], dtype=np.int64)),
            _constant("second", np.array([1], dtype=np.int64)),
            helper.make_node("Concat", ["shape", "last"], ["shape3"], axis=0),
            helper.make_node("Slice", ["shape3", "second", "last"], ["t"]),
            _constant("one", np.array([1], dtype=np.int64)),
            helper.make_node("Concat", ["one", "t", "t"], ["mask_shape"], axis=0),
            helper.make_node(
                "ConstantOfShape",
                ["mask_shape"],
                ["mask"],
                value=helper.make_tensor("true", TensorProto.BOOL, [1], [True]),
            ),
        ]
    output = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, "T", "T"])
    graph = helper.make_graph(nodes, "masked_attention", inputs, [output])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def test_a_shape_only_mask_and_its_nan_guard_are_dropped_without_changing_outputs(
    rewrites: ModuleType,
) -> None:
    model = masked_attention()
    onnx.checker.check_model(model)
    before = model.SerializeToString()
    assert rewrites.drop_constant_attention_mask(model) == 1
    ops = [n.op_type for n in model.graph.node]
    assert "Softmax" in ops
    assert not {"Where", "IsNaN", "Add", "ConstantOfShape", "Shape"} & set(ops)
    onnx.checker.check_model(model)
    feeds = rewrites.encoder_feeds([1, 2, 7, 40])
    assert rewrites.same_outputs(before, model.SerializeToString(), feeds)


def test_a_mask_read_from_an_input_is_kept(rewrites: ModuleType) -> None:
    model = masked_attention(mask_from_input=True)
    before = model.SerializeToString()
    assert rewrites.drop_constant_attention_mask(model) == 0
    assert model.SerializeToString() == before


def test_same_outputs_notices_a_change(rewrites: ModuleType) -> None:
    model = masked_attention()
    changed = masked_attention()
    scale = next(n for n in changed.graph.node if n.output[0] == "scale")
    scale.attribute[0].t.CopyFrom(onnx.numpy_helper.from_array(np.array(0.002, dtype=np.float32), "scale"))
    feeds = rewrites.encoder_feeds([5])
    assert not rewrites.same_outputs(model.SerializeToString(), changed.SerializeToString(), feeds)


def integer_convolutions(pads: tuple[int, int] = (2, 2), stride: int = 1) -> onnx.ModelProto:
    """x (N, C, T) uint8 and its zero point through two 1-D `ConvInteger`s, as the role
    head's residual convolutions are exported (int8 weights, one zero point each)."""
    rng = np.random.default_rng(7)
    nodes, initializers, current = [], [], "x"
    for n, (c_out, c_in, k) in enumerate([(6, 4, 5), (4, 6, 5)]):
        weight = rng.integers(-127, 128, size=(c_out, c_in, k)).astype(np.int8)
        initializers += [
            onnx.numpy_helper.from_array(weight, f"w{n}"),
            onnx.numpy_helper.from_array(np.array(3 - n, dtype=np.int8), f"w{n}_zero"),
        ]
        nodes.append(
            helper.make_node(
                "ConvInteger",
                [current, f"w{n}", "x_zero", f"w{n}_zero"],
                [f"conv{n}"],
                kernel_shape=[k],
                pads=list(pads),
                strides=[stride],
            )
        )
        if n == 0:  # back to uint8 for the second one, with the same zero point
            initializers.append(onnx.numpy_helper.from_array(np.array(1e-3, dtype=np.float32), "scale"))
            nodes.append(helper.make_node("Cast", ["conv0"], ["conv0_float"], to=TensorProto.FLOAT))
            nodes.append(helper.make_node("QuantizeLinear", ["conv0_float", "scale", "x_zero"], ["middle"]))
            current = "middle"
    inputs = [
        helper.make_tensor_value_info("x", TensorProto.UINT8, ["N", 4, "T"]),
        helper.make_tensor_value_info("x_zero", TensorProto.UINT8, []),
    ]
    output = helper.make_tensor_value_info("conv1", TensorProto.INT32, ["N", 4, None])
    graph = helper.make_graph(nodes, "convolutions", inputs, [output], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def conv_feeds() -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(3)
    return [
        {
            "x": rng.integers(0, 256, size=(n, 4, t)).astype(np.uint8),
            "x_zero": np.array(rng.integers(0, 256), dtype=np.uint8),
        }
        for n, t in [(1, 1), (1, 2), (3, 5), (2, 64), (8, 300)]
    ]


def test_integer_convolutions_become_matrix_products_with_the_same_sums(rewrites: ModuleType) -> None:
    model = integer_convolutions()
    onnx.checker.check_model(model)
    before = model.SerializeToString()
    assert rewrites.conv1d_as_matmul(model) == 2
    ops = [n.op_type for n in model.graph.node]
    assert "ConvInteger" not in ops and ops.count("MatMulInteger") == 2
    onnx.checker.check_model(model)
    assert rewrites.same_outputs(before, model.SerializeToString(), conv_feeds())


@pytest.mark.parametrize(("pads", "stride"), [((1, 1), 1), ((2, 2), 2)])
def test_convolutions_that_change_the_length_are_left_alone(
    rewrites: ModuleType, pads: tuple[int, int], stride: int
) -> None:
    model = integer_convolutions(pads, stride)
    assert rewrites.conv1d_as_matmul(model) == 0
    assert [n.op_type for n in model.graph.node].count("ConvInteger") == 2


def test_the_packaged_graphs_are_the_rewritten_ones(rewrites: ModuleType) -> None:
    if not (ARTIFACTS / "manifest.json").is_file():
        pytest.skip("no trained model artifact")
    encoder = onnx.load(str(ARTIFACTS / "encoder.int8.onnx"))
    assert "IsNaN" not in {n.op_type for n in encoder.graph.node}
    assert rewrites.drop_constant_attention_mask(encoder) == 0
    roles = onnx.load(str(ARTIFACTS / "roles.int8.onnx"))
    assert "ConvInteger" not in {n.op_type for n in roles.graph.node}
    assert json.loads((ARTIFACTS / "manifest.json").read_text())["graph"] == rewrites.GRAPH_NOTE


def test_the_manifest_hashes_the_packaged_files() -> None:
    manifest_path = ARTIFACTS / "manifest.json"
    if not manifest_path.is_file():
        pytest.skip("no trained model artifact")
    files = json.loads(manifest_path.read_text())["files"]
    assert files
    for name, digest in files.items():
        assert hashlib.sha256((ARTIFACTS / name).read_bytes()).hexdigest() == digest, name
