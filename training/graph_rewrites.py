#!/usr/bin/env python3
"""Rewrite the exported int8 graphs into faster ones that compute bit-identical outputs.

    python training/graph_rewrites.py ARTIFACT_DIR   # rewrites its encoder and role head

Two rewrites, each kept only if the graph's outputs stay bit-identical to the original's
on random inputs of every shape the finder feeds it (`simplify_encoder`, `simplify_roles`);
`train_attribution.export` applies both to every artifact it exports.
(`with_fp32_cue_head`, used by `refit_cue_head.py`, is the one edit here that changes an
output: the cue head swapped for a refitted fp32 one.)

- The encoder's attention mask (`drop_constant_attention_mask`). The encoder reads one
  window at a time, never padded, so its attention mask is all ones (`_EncoderGraph`
  passes `torch.ones_like(input_ids)`). PyTorch's export of scaled dot-product attention
  still builds it in every layer: `Where(mask, 0, -inf)` over (1, 1, T, T), added to the
  scores, and after the softmax `Where(IsNaN(p), 0, p)` for rows a mask empties. With an
  all-ones mask these add zeros and replace nothing, yet on one core they took 40 % of
  the encoder's time on a 512-piece window (ONNX Runtime's profiler: Where 29 %, the
  mask's Add 11 %, IsNaN 4 %). Dropped only where the mask depends on the input's shape
  alone (its condition reaches a graph input only through `Shape`).
- The role head's 1-D integer convolutions (`conv1d_as_matmul`): ONNX Runtime's
  `ConvInteger` took three quarters of the role head's time. The same integer sums come
  from the padded input's K shifted copies side by side (padding with the input's zero
  point, as `ConvInteger` does) times the weights as a (K * C_in, C_out) matrix, through
  `MatMulInteger`: int32 sums of the same products, so the same numbers, faster.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "shared"))  # claimsearch, run as a script

ENCODER_FILE = "encoder.int8.onnx"
ROLES_FILE = "roles.int8.onnx"
MAX_WINDOW = 512  # MAX_PIECES (510) + [CLS] and [SEP]
GRAPH_NOTE = (
    "rewritten by training/graph_rewrites.py, outputs bit-identical: the encoder without its"
    " attention mask (windows are never padded), the role head's integer convolutions as"
    " integer matrix products"
)
Feed = dict[str, np.ndarray]


# -- the encoder's attention mask -------------------------------------------------------------------


def drop_constant_attention_mask(model: onnx.ModelProto) -> int:
    """Remove shape-only attention masks and their NaN guards, in place; how many softmaxes lost one."""
    graph = model.graph
    producer = {output: node for node in graph.node for output in node.output}
    inputs = {i.name for i in graph.input}
    outputs = {o.name for o in graph.output}

    def constant(name: str) -> np.ndarray | None:
        node = producer.get(name)
        if node is None or node.op_type != "Constant" or not node.attribute:
            return None
        return numpy_helper.to_array(node.attribute[0].t)

    def shape_only(name: str) -> bool:
        """Whether `name` depends on the graph's inputs through their shapes alone."""
        stack, seen = [name], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in inputs:
                return False
            node = producer.get(current)
            if node is not None and node.op_type != "Shape":
                stack.extend(i for i in node.input if i)
        return True

    renamed: dict[str, str] = {}
    dropped = 0
    for softmax in [n for n in graph.node if n.op_type == "Softmax"]:
        add = producer.get(softmax.input[0])
        mask = producer.get(add.input[1]) if add is not None and add.op_type == "Add" else None
        if add is None or mask is None or mask.op_type != "Where":
            continue
        kept, masked = constant(mask.input[1]), constant(mask.input[2])
        if kept is None or masked is None or not (kept == 0).all() or not np.isneginf(masked).all():
            continue
        if not shape_only(mask.input[0]):
            continue  # a real mask (from an attention_mask input): it matters
        guards = [
            n
            for n in graph.node
            if n.op_type == "Where"
            and n.input[2] == softmax.output[0]
            and getattr(producer.get(n.input[0]), "op_type", "") == "IsNaN"
        ]
        softmax.input[0] = add.input[0]
        for guard in guards:
            graph.node.remove(guard)
            if guard.output[0] in outputs:  # the softmax now produces the graph's output
                renamed[softmax.output[0]] = guard.output[0]
                softmax.output[0] = guard.output[0]
            else:
                renamed[guard.output[0]] = softmax.output[0]
        dropped += 1
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renamed.get(name, name)
    _drop_unused(graph)
    return dropped


# -- the role head's convolutions -------------------------------------------------------------------


def conv1d_as_matmul(model: onnx.ModelProto) -> int:
    """Replace each 1-D `ConvInteger` (one group, stride and dilation 1, output as long as
    the input) by shifted copies and a `MatMulInteger`, in place; how many were replaced."""
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    replaced = 0
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        nodes.append(node)
        if node.op_type != "ConvInteger" or len(node.input) != 4:
            continue
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        weight = weights.get(node.input[1])
        pads = list(attributes.get("pads", [0, 0]))
        if weight is None or len(weight.dims) != 3 or len(pads) != 2:
            continue
        c_out, c_in, k = weight.dims
        plain = attributes.get("group", 1) == 1 and attributes.get("auto_pad", b"NOTSET") == b"NOTSET"
        unit = list(attributes.get("strides", [1])) == [1] and list(attributes.get("dilations", [1])) == [1]
        if not (plain and unit and sum(pads) == k - 1):
            continue
        x, _, x_zero, w_zero = node.input
        name = f"{node.output[0]}/as_matmul"

        def const(suffix: str, value: np.ndarray, name: str = name) -> str:
            graph.initializer.append(numpy_helper.from_array(value, f"{name}/{suffix}"))
            return f"{name}/{suffix}"

        # Rows of the matrix in the order of the copies' columns: shift j, then input channel.
        matrix = numpy_helper.to_array(weight).transpose(2, 1, 0).reshape(k * c_in, c_out)
        time_axis = const("axis", np.array([1], np.int64))
        new = [
            helper.make_node("Transpose", [x], [f"{name}/x"], perm=[0, 2, 1]),  # (N, T, C_in)
            helper.make_node(
                "Pad",
                [f"{name}/x", const("pads", np.array([0, pads[0], 0, 0, pads[1], 0], np.int64)), x_zero],
                [f"{name}/padded"],
                mode="constant",
            ),
        ]
        for j in range(k):  # the j-th shifted copy: padded[:, j : j + T, :]
            end = j - (k - 1) if j < k - 1 else np.iinfo(np.int64).max
            bounds = [
                const(f"start{j}", np.array([j], np.int64)),
                const(f"end{j}", np.array([end], np.int64)),
            ]
            new.append(
                helper.make_node("Slice", [f"{name}/padded", *bounds, time_axis], [f"{name}/shift{j}"])
            )
        new += [
            helper.make_node("Concat", [f"{name}/shift{j}" for j in range(k)], [f"{name}/a"], axis=2),
            helper.make_node(
                "MatMulInteger", [f"{name}/a", const("weights", matrix), x_zero, w_zero], [f"{name}/product"]
            ),
            helper.make_node("Transpose", [f"{name}/product"], [node.output[0]], perm=[0, 2, 1]),
        ]
        nodes[-1:] = new
        replaced += 1
    if replaced:
        del graph.node[:]
        graph.node.extend(nodes)
        _drop_unused(graph)
    return replaced


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


# -- the cue head refit (`refit_cue_head.py`): this one changes the cue logits on purpose -------


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


# -- checked rewriting ------------------------------------------------------------------------------


def same_outputs(before: bytes, after: bytes, feeds: Iterable[Feed]) -> bool:
    """Whether two graphs give bit-identical outputs on these inputs. Where this CPU's int8
    products saturate (`int8_weights`), both are compared with their int8 weights stored as
    uint8, as the finder runs them there: the saturated sums depend on the kernel, so
    rewritten graphs would differ where their exact sums do not."""
    import onnxruntime as ort

    from claimsearch.extract import int8_weights

    if not int8_weights.signed_products_exact():
        before, after = int8_weights.unsigned_weights(before), int8_weights.unsigned_weights(after)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sessions = [ort.InferenceSession(g, options, providers=["CPUExecutionProvider"]) for g in (before, after)]
    for feed in feeds:
        first, second = (s.run(None, feed) for s in sessions)
        if not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)):
            return False
    return True


def encoder_feeds(lengths: Iterable[int] = range(1, MAX_WINDOW + 1), seed: int = 13) -> Iterable[Feed]:
    """Random windows of these lengths (word-piece ids)."""
    rng = np.random.default_rng(seed)
    for length in lengths:
        yield {"input_ids": rng.integers(0, 30_000, size=(1, length)).astype(np.int64)}


def roles_feeds(hidden_size: int, seed: int = 13) -> Iterable[Feed]:
    """Random windows' hidden states and cues, as `attribution_tagging.find_attributions` feeds them."""
    from claimsearch.extract.attribution_tagging import DISTANCE_BUCKETS, PARAGRAPH_RELATIONS

    rng = np.random.default_rng(seed)
    for length in (1, 2, 3, 5, 8, 17, 64, 129, 300, 511, MAX_WINDOW):
        for cues in (1, 2, 7, 24):
            start = rng.integers(0, length, size=cues)
            yield {
                "hidden": rng.standard_normal((1, length, hidden_size)).astype(np.float32),
                "cue_start": start.astype(np.int64),
                "cue_end": np.minimum(start + rng.integers(0, 4, size=cues), length - 1).astype(np.int64),
                "distance": rng.integers(0, DISTANCE_BUCKETS, size=(cues, length)).astype(np.int64),
                "paragraph": rng.integers(0, PARAGRAPH_RELATIONS, size=(cues, length)).astype(np.int64),
            }


def rewrite(
    path: Path, apply: Callable[[onnx.ModelProto], int], feeds: Callable[[onnx.ModelProto], Iterable[Feed]]
) -> int:
    """Apply a rewrite to the graph at `path` if it changes no output on `feeds(model)`.
    Returns what `apply` counted (0: the file is left as it was)."""
    before = path.read_bytes()
    model = onnx.load_from_string(before)
    changed = apply(model)
    if not changed:
        return 0
    onnx.checker.check_model(model)
    after = model.SerializeToString()
    if not same_outputs(before, after, feeds(model)):
        raise SystemExit(f"{path}: the rewrite ({apply.__name__}) changes outputs; left as it was")
    path.write_bytes(after)
    return changed


def simplify_encoder(path: Path) -> int:
    return rewrite(path, drop_constant_attention_mask, lambda _: encoder_feeds())


def simplify_roles(path: Path) -> int:
    def feeds(model: onnx.ModelProto) -> Iterable[Feed]:
        hidden = next(i for i in model.graph.input if i.name == "hidden")
        return roles_feeds(hidden.type.tensor_type.shape.dim[2].dim_value)

    return rewrite(path, conv1d_as_matmul, feeds)


def simplify_artifact(artifact_dir: Path) -> tuple[int, int]:
    """Both rewrites on an exported artifact; its manifest's hashes and note follow.
    Returns (attention masks dropped, convolutions replaced)."""
    dropped = simplify_encoder(artifact_dir / ENCODER_FILE)
    replaced = simplify_roles(artifact_dir / ROLES_FILE)
    manifest_path = artifact_dir / "manifest.json"
    if (dropped or replaced) and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        for name in (ENCODER_FILE, ROLES_FILE):
            digest = hashlib.sha256((artifact_dir / name).read_bytes()).hexdigest()
            manifest.setdefault("files", {})[name] = digest
        manifest["graph"] = GRAPH_NOTE
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return dropped, replaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("artifact_dir", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "shared"))  # roles_feeds reads claimsearch
    print(f"rewriting, then checking the outputs against the original graphs (window lengths 1-{MAX_WINDOW})")
    dropped, replaced = simplify_artifact(args.artifact_dir)
    print(f"{args.artifact_dir}: attention masks dropped {dropped}, convolutions replaced {replaced}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
