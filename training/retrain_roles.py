#!/usr/bin/env python3
"""Retrain only the role head of the attribution tagger on a frozen int8 ONNX encoder (issue 12).

Question: does the role head do better at run time, where it is fed *predicted* cues,
if it is trained on imperfect cues as well as on gold ones (instead of gold cues only,
teacher forcing)? A full fine-tuning run takes ~2 h, so this holds the encoder fixed:
the hidden states are those of an artifact's shipped `encoder.int8.onnx`, run with ONNX
Runtime over the same windows as at run time, so the head sees exactly the states it
sees in production. Only the role part of `AttributionTagger` (token_proj, token_gate,
cue_proj, cue_gate, distance, paragraph, norm, layer, role_head) is trained, fresh
(same architecture and dimensions), with the training script's optimiser for the heads
(AdamW, lr 1e-3, weight decay 0.01, 6 % warm-up then linear decay, gradient clip 1.0),
batches of 8 windows in the same seeded order, dropout 0.1.

Modes (`--cues`, one or more; each trains its own head from the same seed and states):
- gold:  gold cues only (today's recipe, on a frozen encoder: the control);
- noisy: gold cues, plus
  (a) per gold cue, `--perturbations` copies whose first or last word moves by 1-2
      words (inside the cue's sentence, spaCy sentences), labelled with the gold
      attribution's source/content words minus the new cue's words;
  (b) the encoder's own predicted cues (`cue_logits` decoded as at run time) that match
      no gold cue exactly, labelled with the roles of the gold attribution whose cue
      they overlap most, else all-O;
  (c) the rule-based finder's cues that overlap no gold cue, labelled all-O.
  All-O matters: at run time a cue whose role tags hold no content is dropped
  (`attribution_tagging._decode_roles` returns None and `RepairedFinder` only repairs
  what the model returns), so all-O labels teach the head to suppress false cues.
- overlap: gold cues plus (b)'s predicted cues that overlap a gold one (no all-O labels);
- edges: gold cues plus (a) and (b)'s overlapping cues (imperfect edges, no suppression);
- spurious: gold cues plus (b)'s and (c)'s all-O cues (suppression alone).

The trained head is exported to `roles.int8.onnx` exactly as train_attribution.py
exports it (`_RolesGraph`, same inputs/outputs, opset 17, dynamic int8 per-channel),
into a copy of the artifact directory `RUNS/roles-<mode><suffix>/`; the copied
manifest is left as it is (the loader reads only `version` from it); what was done is
recorded in `retrain.json` next to it. Never reads the dev split (the corpus is given).

Run from the repository root with the training venv (needs torch, onnxruntime and the
spaCy model of requirements/model.txt for the noisy mode):

    nice -n 5 .venv-train/bin/python training/retrain_roles.py --artifacts /tmp/l1-copy \\
        --corpus ../shared/data/polnear/train --holdout-fraction 0.1 --cues gold noisy \\
        --runs training/runs --log training/runs/retrain.log

Score artifact directories with the whole pipeline (repairs included), as `make eval`:

    .venv-train/bin/python training/retrain_roles.py --score DIR [DIR ...] --corpus CORPUS
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))
sys.path.insert(0, str(REPO / "training"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import train_attribution as ta  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from torch import nn  # noqa: E402

from claimsearch.evaluation.corpus import GoldDocument, load_corpus  # noqa: E402
from claimsearch.extract import attribution_tagging as tagging  # noqa: E402

ROLE_PARTS = (
    "token_proj", "token_gate", "cue_proj", "cue_gate", "distance", "paragraph", "norm", "layer", "role_head",
)  # fmt: skip
KINDS = ("gold", "perturbed", "predicted-overlap", "predicted-spurious", "rules-spurious")
# Which extra cue examples each mode adds to the gold ones: `overlap` and `edges` teach the
# head imperfect cue edges without teaching it to suppress a cue (no all-O labels).
MODE_KINDS = {
    "gold": frozenset[str](),
    "noisy": frozenset(KINDS[1:]),
    "overlap": frozenset({"predicted-overlap"}),
    "edges": frozenset({"perturbed", "predicted-overlap"}),
    "spurious": frozenset({"predicted-spurious", "rules-spurious"}),
}

# (cue words, source words, content words minus cue words), as build_examples reads them
GoldAttribution = tuple[set[int], set[int], set[int]]


@dataclass
class HiddenWindow(ta.WindowExample):
    """A training window with the frozen encoder's hidden states (T, H), float32."""

    hidden: torch.Tensor


@dataclass
class PreparedWindow:
    input_ids: np.ndarray
    cue_labels: np.ndarray
    hidden: torch.Tensor
    gold: list[ta.CueExample]
    extra: list[tuple[str, ta.CueExample]]  # (kind, example) for the noisy mode


# ------------------------------------------------------------------ data


def gold_attributions(encoding: tagging.DocumentEncoding, document: GoldDocument) -> list[GoldAttribution]:
    """The gold attributions as word sets, with build_examples' rules (first of a shared cue)."""
    result: list[GoldAttribution] = []
    seen: set[tuple[int, ...]] = set()
    for a in document.attributions:
        cue_words = ta._words_in(encoding, a.cue)
        if not cue_words or tuple(sorted(cue_words)) in seen:
            continue
        seen.add(tuple(sorted(cue_words)))
        result.append(
            (cue_words, ta._words_in(encoding, a.source), ta._words_in(encoding, a.content) - cue_words)
        )
    return result


def cue_example(
    window: tagging.Window, first: int, last: int, roles: GoldAttribution | None
) -> ta.CueExample:
    """A cue run [first, last] (document words) labelled with `roles` less the cue's words, or all-O."""
    distance, paragraph, start, end = tagging.cue_features(window, first, last)
    spans: list[tuple[set[int], int, int]] = []
    if roles is not None:
        cue = set(range(first, last + 1))
        content = roles[2] - cue
        spans = [(content, 3, 4), (roles[1] - content - cue, 1, 2)]
    return ta.CueExample(distance, paragraph, start, end, ta._bio(window, spans))


def sentence_of_words(text: str, encoding: tagging.DocumentEncoding) -> tuple[np.ndarray, Doc]:
    """The spaCy parse of `text` and the index of its sentence for each document word."""
    from claimsearch.extract.nlp import parse

    doc = parse(text)
    starts = np.array([s.start_char for s in doc.sents], dtype=np.int64)
    return np.searchsorted(starts, encoding.word_start, side="right") - 1, doc


def prepare(
    artifacts: Path, documents: list[GoldDocument], noisy: bool, perturbations: int, seed: int, threads: int,
    log: ta.Log,
) -> list[PreparedWindow]:  # fmt: skip
    """Run the ONNX encoder over every window; build gold (and, if `noisy`, extra) cue examples."""
    import onnxruntime as ort

    from claimsearch.extract.rules import RuleBasedFinder

    tokenizer = tagging.load_tokenizer(str(artifacts / "tokenizer.json"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    encoder = ort.InferenceSession(
        str(artifacts / "encoder.int8.onnx"), options, providers=["CPUExecutionProvider"]
    )
    rules = RuleBasedFinder()
    rng = np.random.default_rng(seed)
    cls_id, sep_id = tagging._special_ids(tokenizer)

    started = time.time()
    examples = ta.build_examples(tokenizer, documents)  # the gold cue examples, as the training script
    log(f"build_examples: {len(examples)} windows, {sum(len(e.cues) for e in examples)} gold cues")
    prepared: list[PreparedWindow] = []
    counts: Counter[str] = Counter()
    encoder_seconds = parse_seconds = 0.0
    k = 0
    for d, document in enumerate(documents):
        encoding = tagging.encode_document(tokenizer, document.text)
        attributions = gold_attributions(encoding, document)
        gold_runs = {(min(c), max(c)) for c, _, _ in attributions}
        gold_cue_words = set().union(*(c for c, _, _ in attributions)) if attributions else set()
        if noisy:
            t0 = time.time()
            sentence, doc = sentence_of_words(document.text, encoding)
            ruled = rules.find(doc)
            parse_seconds += time.time() - t0
            rule_runs = []
            for r in ruled:
                words = ta._words_in(encoding, r.cue)
                if words and not words & gold_cue_words:
                    rule_runs.append((min(words), max(words)))
        for start, end in tagging.window_bounds(encoding):
            window = tagging.make_window(encoding, start, end, cls_id, sep_id)
            example = examples[k]
            k += 1
            if not np.array_equal(example.input_ids, window.input_ids):
                raise SystemExit(f"{document.stem}: window {start}-{end} differs from build_examples'")
            t0 = time.time()
            hidden, cue_logits = encoder.run(None, {"input_ids": window.input_ids[None, :]})
            encoder_seconds += time.time() - t0
            states = torch.from_numpy(np.ascontiguousarray(hidden[0], np.float32))
            item = PreparedWindow(example.input_ids, example.cue_labels, states, example.cues, [])
            counts["gold"] += len(example.cues)
            prepared.append(item)
            if not noisy:
                continue
            low, high = int(window.words[0]), int(window.words[-1])
            taken = set(gold_runs)
            # (a) perturbed gold cues: first or last word moved by 1-2 words, inside the sentence
            for cue_words, source_words, content_words in attributions:
                first, last = min(cue_words), max(cue_words)
                if first < low or last > high:
                    continue  # build_examples skips cues not whole in the window too
                candidates = []
                for delta in (-2, -1, 1, 2):
                    for f, g in ((first + delta, last), (first, last + delta)):
                        if (
                            f <= g and low <= f and g <= high
                            and sentence[f] == sentence[first] and sentence[g] == sentence[last]
                            and (f, g) not in taken
                        ):  # fmt: skip
                            candidates.append((f, g))
                if not candidates:
                    continue
                chosen = rng.choice(len(candidates), size=min(perturbations, len(candidates)), replace=False)
                for c in sorted(chosen.tolist()):
                    f, g = candidates[c]
                    taken.add((f, g))
                    item.extra.append(
                        ("perturbed", cue_example(window, f, g, (cue_words, source_words, content_words)))
                    )
            # (b) the encoder's own predicted cues that match no gold cue exactly
            log_probs = tagging.log_softmax(np.asarray(cue_logits, dtype=np.float32)[0, window.first])
            tags = tagging.viterbi(log_probs[None], tagging.CUE_SPANS)[0]
            for a, b in tagging.tag_runs(tags, *tagging.CUE_SPANS[0]):
                f, g = int(window.words[a]), int(window.words[b])
                if (f, g) in taken:
                    continue
                taken.add((f, g))
                run = set(range(f, g + 1))
                overlaps = [(len(run & c), -i) for i, (c, _, _) in enumerate(attributions) if run & c]
                if overlaps:
                    best = -max(overlaps)[1]
                    item.extra.append(("predicted-overlap", cue_example(window, f, g, attributions[best])))
                else:
                    item.extra.append(("predicted-spurious", cue_example(window, f, g, None)))
            # (c) the rules' cues that overlap no gold cue
            for f, g in rule_runs:
                if low <= f and g <= high and (f, g) not in taken:
                    taken.add((f, g))
                    item.extra.append(("rules-spurious", cue_example(window, f, g, None)))
            counts.update(kind for kind, _ in item.extra)
        if (d + 1) % 100 == 0:
            log(f"prepared {d + 1}/{len(documents)} documents ({time.time() - started:.0f}s)")
    if k != len(examples):
        raise SystemExit("window count differs from build_examples'")
    log(
        f"prepared {len(prepared)} windows in {time.time() - started:.0f}s "
        f"(encoder {encoder_seconds:.0f}s, parse + rules {parse_seconds:.0f}s); "
        f"cue examples: {json.dumps({kind: counts[kind] for kind in KINDS})}"
    )
    return prepared


# ------------------------------------------------------------------ training


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)


def head_optimiser(
    params: list[torch.Tensor], windows: int, args: argparse.Namespace
) -> tuple[torch.optim.AdamW, torch.Generator, torch.optim.lr_scheduler.LambdaLR, int]:
    """The training script's head recipe: AdamW (weight decay 0.01), 6 % warm-up then linear
    decay over `args.epochs` of `windows` in batches; the generator draws the batch order.
    Returns (optimizer, generator, schedule, total steps)."""
    optimizer = torch.optim.AdamW(params, lr=args.head_lr, weight_decay=0.01)
    generator = torch.Generator().manual_seed(args.seed)
    total = -(-windows // args.batch_size) * args.epochs
    warmup = max(1, int(0.06 * total))
    # max(1, ...): a run of a single step (a smoke test) has no decay to divide by.
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    return optimizer, generator, schedule, total


def train_head(
    prepared: list[PreparedWindow], mode: str, args: argparse.Namespace, log: ta.Log
) -> tuple[ta.AttributionTagger, float, list[float]]:
    """A fresh role head trained on the frozen hidden states; returns (model, seconds, epoch losses)."""
    seed_everything(args.seed, args.threads)
    hidden_size = prepared[0].hidden.shape[-1]
    model = ta.AttributionTagger(nn.Identity(), hidden_size)  # the encoder is the ONNX one, run beforehand
    for name, p in model.named_parameters():
        p.requires_grad_(name.split(".")[0] in ROLE_PARTS)
    params = [p for p in model.parameters() if p.requires_grad]
    kinds = MODE_KINDS[mode]
    windows = [
        HiddenWindow(w.input_ids, w.cue_labels, w.gold + [e for k, e in w.extra if k in kinds], w.hidden)
        for w in prepared
    ]
    log(
        f"[{mode}] {len(windows)} windows, {sum(len(w.cues) for w in windows)} cue examples, "
        f"{sum(p.numel() for p in params)} trainable parameters"
    )
    optimizer, generator, schedule, total = head_optimiser(params, len(windows), args)
    started = time.time()
    step = 0
    losses = []
    model.train()
    for epoch in range(1, args.epochs + 1):
        loss_sum, loss_count, window_sum, window_count = 0.0, 0, 0.0, 0
        for batch in ta.batches(windows, args.batch_size, generator):  # type: ignore[arg-type]
            tensors = ta.collate(batch)  # type: ignore[arg-type]
            step += 1
            if "cue_window" not in tensors:
                schedule.step()
                continue
            hidden = torch.zeros((len(batch), tensors["mask"].shape[1], hidden_size))
            for b, w in enumerate(batch):
                hidden[b, : w.hidden.shape[0]] = w.hidden  # type: ignore[attr-defined]
            logits = model.roles(
                hidden, tensors["mask"], tensors["cue_window"], tensors["cue_start"], tensors["cue_end"],
                tensors["distance"], tensors["paragraph"],
            )  # fmt: skip
            loss = nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]),
                tensors["role_labels"].reshape(-1),
                ignore_index=ta.IGNORE,
            )
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            loss_sum, loss_count = loss_sum + loss.item(), loss_count + 1
            window_sum, window_count = window_sum + loss.item(), window_count + 1
            if step % args.log_every == 0:
                elapsed = time.time() - started
                log(
                    f"[{mode}] epoch {epoch} step {step}/{total} loss {window_sum / window_count:.4f} "
                    f"{elapsed / step:.2f} s/step ETA {(total - step) * elapsed / step / 60:.1f} min"
                )
                window_sum, window_count = 0.0, 0
        losses.append(loss_sum / max(1, loss_count))
        log(f"[{mode}] epoch {epoch} done: mean loss {losses[-1]:.4f}, {time.time() - started:.0f}s")
    model.eval()
    return model, time.time() - started, losses


# ------------------------------------------------------------------ export


def export_roles(model: ta.AttributionTagger, out: Path, hidden_size: int, keep_fp32: bool = False) -> None:
    """`roles.int8.onnx` as train_attribution.export writes it: `_RolesGraph`, the same
    input/output names and dynamic axes, opset 17, dynamic int8 with per-channel weights."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    work = out / "fp32"
    work.mkdir(parents=True, exist_ok=True)
    # The values only trace the graph.
    ta.export_roles_graph(model, torch.randn(1, 40, hidden_size), work / "roles.onnx")
    quantize_dynamic(
        str(work / "roles.onnx"), str(out / "roles.int8.onnx"), weight_type=QuantType.QInt8, per_channel=True
    )
    if not keep_fp32:
        shutil.rmtree(work)


def check_export(
    model: ta.AttributionTagger, out: Path, reference: Path, window: PreparedWindow
) -> dict[str, object]:
    """The int8 graph against the torch head (one window's gold cues) and against the
    reference artifact's roles graph (inputs, outputs, operator counts)."""
    import onnx
    import onnxruntime as ort

    cues = window.gold
    feeds = {
        "hidden": window.hidden[None].numpy(),
        "cue_start": np.array([c.start for c in cues], dtype=np.int64),
        "cue_end": np.array([c.end for c in cues], dtype=np.int64),
        "distance": np.stack([c.distance for c in cues]),
        "paragraph": np.stack([c.paragraph for c in cues]),
    }
    onnx_logits = ort.InferenceSession(str(out / "roles.int8.onnx"), providers=["CPUExecutionProvider"]).run(
        None, feeds
    )[0]
    with torch.no_grad():
        torch_logits = ta._RolesGraph(model)(*(torch.from_numpy(v) for v in feeds.values())).numpy()

    def signature(path: Path) -> tuple[object, ...]:
        graph = onnx.load(str(path)).graph
        return (
            [(i.name, i.type.tensor_type.elem_type) for i in graph.input],
            [(o.name, o.type.tensor_type.elem_type) for o in graph.output],
            sorted(Counter(node.op_type for node in graph.node).items()),
        )

    return {
        "max_abs_logit_diff_int8_vs_fp32": float(np.abs(onnx_logits - torch_logits).max()),
        "argmax_agreement": float((onnx_logits.argmax(-1) == torch_logits.argmax(-1)).mean()),
        "graph_matches_reference": signature(out / "roles.int8.onnx")
        == signature(reference / "roles.int8.onnx"),
    }


# ------------------------------------------------------------------ scoring


def score(artifact_dir: Path, corpus: Path) -> dict[str, float]:
    """The whole pipeline (repairs included) on a corpus, as `make eval` scores it."""
    from claimsearch.documents.parse import parse_text
    from claimsearch.evaluation.pipeline import claim_as_attribution
    from claimsearch.evaluation.runner import evaluate
    from claimsearch.extract.learned import LearnedAttributionFinder
    from claimsearch.extract.pipeline import extract_claims
    from claimsearch.extract.repair import RepairedFinder
    from claimsearch.extract.rules import RuleBasedFinder

    finder = RepairedFinder(LearnedAttributionFinder.from_artifacts(artifact_dir), RuleBasedFinder())

    def predict(stem: str, text: str):  # type: ignore[no-untyped-def]
        return [claim_as_attribution(c) for c in extract_claims(parse_text(text, stem + ".txt"), finder)]

    report = evaluate(corpus, predict)
    return ta.selection_score(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus", required=True, help="PolNeAR-layout corpus (train to train; any to --score)"
    )
    parser.add_argument("--artifacts", type=Path, help="artifact directory whose int8 encoder is frozen")
    parser.add_argument("--holdout-fraction", type=float, default=0.0, help="as train_attribution.py")
    parser.add_argument("--cues", nargs="+", choices=tuple(MODE_KINDS), default=["gold"])
    parser.add_argument("--runs", type=Path, default=REPO / "training" / "runs")
    parser.add_argument("--suffix", default="", help="appended to the output folder names roles-<mode>")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--perturbations", type=int, default=2, help="perturbed copies per gold cue (noisy)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--seeds", type=int, nargs="+", help="one head per seed on the same states (folders end -s<seed>)"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch and ONNX Runtime threads")
    parser.add_argument("--max-documents", type=int, default=0, help="smoke tests only")
    parser.add_argument("--log-every", type=int, default=25)
    parser.add_argument("--log", default=str(REPO / "training" / "runs" / "retrain.log"))
    parser.add_argument("--score", nargs="+", type=Path, help="score these artifact directories and exit")
    args = parser.parse_args()
    log = ta.Log(args.log)

    if args.score:
        for directory in args.score:
            started = time.time()
            figures = score(directory, Path(args.corpus))
            log(f"score {directory} on {args.corpus} ({time.time() - started:.0f}s): {json.dumps(figures)}")
        return

    if args.artifacts is None:
        parser.error("--artifacts is required to train")
    log(f"arguments: {json.dumps(vars(args), default=str, sort_keys=True)}")
    seed_everything(args.seed, args.threads)
    documents = load_corpus(Path(args.corpus))
    training = [d for d in documents if not ta.in_holdout(d.stem, args.holdout_fraction)]
    training = training[: args.max_documents or None]
    log(f"documents: {len(training)} train, {len(documents) - len(training)} held out")
    prepared = prepare(
        args.artifacts,
        training,
        any(MODE_KINDS[mode] for mode in args.cues),
        args.perturbations,
        args.seed,
        args.threads,
        log,
    )
    counts = Counter(kind for w in prepared for kind, _ in w.extra)
    counts["gold"] = sum(len(w.gold) for w in prepared)
    runs = [(mode, seed) for mode in args.cues for seed in (args.seeds or [args.seed])]
    for mode, seed in runs:
        args.seed = seed
        model, seconds, losses = train_head(prepared, mode, args, log)
        out = args.runs / f"roles-{mode}{args.suffix}{f'-s{seed}' if args.seeds else ''}"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(args.artifacts, out)
        export_roles(model, out, prepared[0].hidden.shape[-1])
        check = check_export(model, out, args.artifacts, next(w for w in prepared if w.gold))
        record = {
            "recipe": f"role head retrained on the frozen int8 encoder of {args.artifacts}, cues: {mode}",
            "arguments": {k: str(v) for k, v in vars(args).items()},
            "training_documents": len(training),
            "cue_examples": {k: counts[k] for k in KINDS if k == "gold" or k in MODE_KINDS[mode]},
            "epoch_losses": [round(x, 4) for x in losses],
            "training_seconds": round(seconds),
            "torch": torch.__version__,
            "export_check": check,
            "roles.int8.onnx sha256": hashlib.sha256((out / "roles.int8.onnx").read_bytes()).hexdigest(),
            "note": "manifest.json is the source artifact's, unchanged: its roles hash is stale",
        }
        (out / "retrain.json").write_text(json.dumps(record, indent=2) + "\n")
        log(f"[{mode}] exported to {out} ({seconds:.0f}s training): {json.dumps(check)}")


if __name__ == "__main__":
    main()
