"""The encoder graph's cue head replaced by a linear layer in fp32 (`refit_cue_head.py`).

Kept apart from the script (which needs torch) so that a test can check it with onnx alone.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

HIDDEN = "hidden"
CUE_LOGITS = "cue_logits"
WEIGHT, BIAS, PRODUCT = "cue_head.refit.weight", "cue_head.refit.bias", "cue_head.refit.product"


def with_fp32_cue_head(model: onnx.ModelProto, weight: np.ndarray, bias: np.ndarray) -> onnx.ModelProto:
    """`cue_logits` = `hidden` @ weight.T + bias (weight (tags, H), as torch's Linear keeps
    it), in place; the nodes and initializers that computed it before and that nothing else
    reads are removed."""
    graph = model.graph
    old = next((node for node in graph.node if CUE_LOGITS in node.output), None)
    if old is None or HIDDEN not in {o.name for o in graph.output}:
        raise ValueError(f"not an encoder graph: no {CUE_LOGITS} node or no {HIDDEN} output")
    old.output[list(old.output).index(CUE_LOGITS)] = "cue_head.replaced"
    graph.node.extend(
        [
            helper.make_node("MatMul", [HIDDEN, WEIGHT], [PRODUCT], name="/cue_head_refit/MatMul"),
            helper.make_node("Add", [PRODUCT, BIAS], [CUE_LOGITS], name="/cue_head_refit/Add"),
        ]
    )
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.ascontiguousarray(weight.T, np.float32), WEIGHT),
            numpy_helper.from_array(np.ascontiguousarray(bias, np.float32), BIAS),
        ]
    )
    _drop_unused(graph)
    onnx.checker.check_model(model)
    return model


def _drop_unused(graph: onnx.GraphProto) -> None:
    outputs = {o.name for o in graph.output}
    while True:
        used = {i for node in graph.node for i in node.input} | outputs
        dead = [node for node in graph.node if not any(o in used for o in node.output)]
        if not dead:
            break
        for node in dead:
            graph.node.remove(node)
    used = {i for node in graph.node for i in node.input}
    for initializer in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(initializer)
