"""training/encoder_graph.py: the attention mask an unpadded window never needs, dropped
only where it depends on the input's shape alone and changes no output; and the packaged
encoder is the graph without it, with the manifest's hashes matching the files."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "shared" / "claimsearch" / "extract" / "artifacts"


@pytest.fixture(scope="module")
def encoder_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("encoder_graph", REPO / "training" / "encoder_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    encoder_graph: ModuleType,
) -> None:
    model = masked_attention()
    onnx.checker.check_model(model)
    before = model.SerializeToString()
    assert encoder_graph.drop_constant_attention_mask(model) == 1
    ops = [n.op_type for n in model.graph.node]
    assert "Softmax" in ops
    assert not {"Where", "IsNaN", "Add", "ConstantOfShape", "Shape"} & set(ops)
    onnx.checker.check_model(model)
    assert encoder_graph.same_outputs(before, model.SerializeToString(), [1, 2, 7, 40])


def test_a_mask_read_from_an_input_is_kept(encoder_graph: ModuleType) -> None:
    model = masked_attention(mask_from_input=True)
    before = model.SerializeToString()
    assert encoder_graph.drop_constant_attention_mask(model) == 0
    assert model.SerializeToString() == before


def test_same_outputs_notices_a_change(encoder_graph: ModuleType) -> None:
    model = masked_attention()
    changed = masked_attention()
    scale = next(n for n in changed.graph.node if n.output[0] == "scale")
    scale.attribute[0].t.CopyFrom(onnx.numpy_helper.from_array(np.array(0.002, dtype=np.float32), "scale"))
    assert not encoder_graph.same_outputs(model.SerializeToString(), changed.SerializeToString(), [5])


def test_the_packaged_encoder_has_no_attention_mask_left(encoder_graph: ModuleType) -> None:
    path = ARTIFACTS / "encoder.int8.onnx"
    if not path.is_file():
        pytest.skip("no trained model artifact")
    model = onnx.load(str(path))
    assert "IsNaN" not in {n.op_type for n in model.graph.node}
    assert encoder_graph.drop_constant_attention_mask(model) == 0
    assert json.loads((ARTIFACTS / "manifest.json").read_text())["graph"] == encoder_graph.GRAPH_NOTE


def test_the_manifest_hashes_the_packaged_files() -> None:
    manifest_path = ARTIFACTS / "manifest.json"
    if not manifest_path.is_file():
        pytest.skip("no trained model artifact")
    files = json.loads(manifest_path.read_text())["files"]
    assert files
    for name, digest in files.items():
        assert hashlib.sha256((ARTIFACTS / name).read_bytes()).hexdigest() == digest, name
