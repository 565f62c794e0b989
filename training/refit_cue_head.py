#!/usr/bin/env python3
"""Refit the cue head of a trained artifact on its own int8 encoder's states (issue 12).

The cue head (one linear layer, hidden -> O / B-CUE / I-CUE) is trained jointly with the
encoder in fp32, then both are quantized, and the head reads int8-computed states it never
saw in training. This fits a fresh linear head, with the training script's head recipe
(AdamW, lr 1e-3, weight decay 0.01, 6 % warm-up then linear decay, gradient clip 1.0,
dropout 0.1, batches of 8 windows in a seeded order, 3 epochs), on the hidden states that
the artifact's shipped `encoder.int8.onnx` computes over the training windows, and writes
the encoder graph with that head in fp32 (a 384 x 3 product: nothing to gain from int8)
in place of the quantized one. Chosen on the held-out slice of train with `learned-1`
(docs/model-card.md, "The cue head refit on the int8 states").

    .venv-train/bin/python training/refit_cue_head.py --artifacts DIR --corpus ../shared/data/polnear/train \\
        --out OUT [--holdout-fraction 0.1]

OUT gets a copy of DIR with the new `encoder.int8.onnx` and its manifest updated (`cue_head`,
the file hashes, `--version`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))
sys.path.insert(0, str(REPO / "training"))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import retrain_roles as rr  # noqa: E402
import torch  # noqa: E402
import train_attribution as ta  # noqa: E402
from graph_rewrites import with_fp32_cue_head  # noqa: E402
from torch import nn  # noqa: E402

from claimsearch.evaluation.corpus import load_corpus  # noqa: E402
from claimsearch.extract import attribution_tagging as tagging  # noqa: E402


def train_cue_head(prepared: list[rr.PreparedWindow], args: argparse.Namespace, log: ta.Log) -> nn.Linear:
    """A linear cue head fitted on the frozen states, as the training script fits its heads."""
    rr.seed_everything(args.seed, args.threads)
    hidden_size = prepared[0].hidden.shape[-1]
    head = nn.Linear(hidden_size, len(tagging.CUE_TAGS))
    drop = nn.Dropout(0.1)
    optimizer, generator, schedule, _ = rr.head_optimiser(list(head.parameters()), len(prepared), args)
    steps_per_epoch = -(-len(prepared) // args.batch_size)
    started = time.time()
    head.train()
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(prepared), generator=generator).tolist()
        loss_sum = 0.0
        for i in range(0, len(order), args.batch_size):
            batch = [prepared[j] for j in order[i : i + args.batch_size]]
            length = max(len(w.input_ids) for w in batch)
            hidden = torch.zeros((len(batch), length, hidden_size))
            labels = torch.full((len(batch), length), ta.IGNORE, dtype=torch.long)
            for b, window in enumerate(batch):
                hidden[b, : window.hidden.shape[0]] = window.hidden
                labels[b, : len(window.cue_labels)] = torch.from_numpy(window.cue_labels)
            logits = head(drop(hidden))
            loss = nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=ta.IGNORE
            )
            loss.backward()
            nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            loss_sum += loss.item()
        log(f"epoch {epoch}: mean loss {loss_sum / steps_per_epoch:.4f}, {time.time() - started:.0f}s")
    head.eval()
    return head


def check(path: Path, head: nn.Linear, window: rr.PreparedWindow) -> float:
    """Max abs difference between the new graph's cue logits and the torch head's."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    hidden, cue_logits = session.run(None, {"input_ids": window.input_ids[None, :]})
    with torch.no_grad():
        expected = head(torch.from_numpy(np.ascontiguousarray(hidden, np.float32))).numpy()
    return float(np.abs(expected - cue_logits).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifacts", type=Path, required=True, help="the trained artifact directory")
    parser.add_argument("--corpus", required=True, help="PolNeAR train split")
    parser.add_argument("--out", type=Path, required=True, help="where the refitted artifact is written")
    parser.add_argument("--holdout-fraction", type=float, default=0.0, help="as train_attribution.py")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2, help="torch and ONNX Runtime threads")
    parser.add_argument("--version", help="the refitted artifact's manifest version (default: unchanged)")
    parser.add_argument("--max-documents", type=int, default=0, help="smoke tests only")
    parser.add_argument("--log", default=str(REPO / "training" / "runs" / "refit_cue_head.log"))
    args = parser.parse_args()
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    log = ta.Log(args.log)
    log(f"arguments: {json.dumps(vars(args), default=str, sort_keys=True)}")
    rr.seed_everything(args.seed, args.threads)
    documents = load_corpus(Path(args.corpus))
    training = [d for d in documents if not ta.in_holdout(d.stem, args.holdout_fraction)]
    training = training[: args.max_documents or None]
    log(f"documents: {len(training)} train, {len(documents) - len(training)} held out")
    prepared = rr.prepare(args.artifacts, training, False, 0, args.seed, args.threads, log)
    head = train_cue_head(prepared, args, log)

    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(args.artifacts, args.out)
    encoder = onnx.load(str(args.artifacts / "encoder.int8.onnx"))
    weight = head.weight.detach().numpy()
    bias = head.bias.detach().numpy()
    onnx.save(with_fp32_cue_head(encoder, weight, bias), str(args.out / "encoder.int8.onnx"))
    difference = check(args.out / "encoder.int8.onnx", head, prepared[0])
    log(f"cue logits of the new graph against the torch head: max abs difference {difference:.2e}")
    if difference > 1e-4:
        raise SystemExit("the refitted graph does not compute the fitted head")

    manifest = json.loads((args.out / "manifest.json").read_text())
    if args.version:
        manifest["version"] = args.version
    manifest["cue_head"] = (
        f"refit on the int8 encoder's states of the {len(training)} training documents by "
        f"training/refit_cue_head.py ({args.epochs} epochs, lr {args.head_lr}, seed {args.seed}), fp32"
    )
    manifest["files"] = {
        name: hashlib.sha256((args.out / name).read_bytes()).hexdigest()
        for name in ("encoder.int8.onnx", "roles.int8.onnx", "tokenizer.json")
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"exported to {args.out}")


if __name__ == "__main__":
    main()
