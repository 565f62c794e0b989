"""The trained attribution finder: a MiniLM tagger run with ONNX Runtime (issue 4).

The artifact (int8 ONNX graphs, tokenizer, manifest) ships as package data in
`claimsearch/extract/artifacts/`; it is trained by `training/train_attribution.py`.
Nothing is downloaded at run time and torch is not needed: onnxruntime, tokenizers
and numpy run the model. Sessions are created on first use, so importing this module
(or building the finder) costs nothing until a document is tagged.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from claimsearch.extract import attribution_tagging as tagging
from claimsearch.extract import int8_weights
from claimsearch.extract.spans import AttributionSpans

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
ENCODER_FILE = "encoder.int8.onnx"
ROLES_FILE = "roles.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"


class ModelArtifactError(RuntimeError):
    """The model artifact is missing or incomplete."""


@dataclass(frozen=True)
class _Model:
    tokenizer: Any  # tokenizers.Tokenizer
    encoder: Any  # onnxruntime.InferenceSession
    roles: Any


class LearnedAttributionFinder:
    """Finds attributions with the trained tagger; works from `doc.text` alone.

    The spaCy parse is not needed by the model (it reads word pieces), so the finder
    accepts any Doc and can also be called on raw text with `find_in_text`.
    """

    def __init__(
        self, artifact_dir: Path = ARTIFACT_DIR, threads: int = 1, unsigned_weights: bool | None = None
    ) -> None:
        self.artifact_dir = artifact_dir
        # Intra-op threads; 1 by default (Lambda gives one vCPU per ~1.8 GB).
        self.threads = threads
        # int8 weights as uint8 (see int8_weights); None: where this CPU's signed products
        # saturate, which the first load finds out.
        self.unsigned_weights = unsigned_weights
        self._lock = threading.Lock()
        self._model: _Model | None = None

    @classmethod
    def from_artifacts(
        cls, artifact_dir: Path = ARTIFACT_DIR, threads: int = 1, unsigned_weights: bool | None = None
    ) -> LearnedAttributionFinder:
        """The finder over a trained artifact directory (default: the packaged one)."""
        for name in (ENCODER_FILE, ROLES_FILE, TOKENIZER_FILE, MANIFEST_FILE):
            if not (artifact_dir / name).is_file():
                raise ModelArtifactError(
                    f"{artifact_dir / name} is missing: run training/train_attribution.py"
                )
        return cls(artifact_dir, threads, unsigned_weights)

    @cached_property
    def manifest(self) -> dict[str, Any]:
        manifest: dict[str, Any] = json.loads((self.artifact_dir / MANIFEST_FILE).read_text())
        return manifest

    @property
    def name(self) -> str:
        return f"learned-{self.manifest.get('version', '0')}"

    def load(self) -> None:
        """Create the ONNX sessions now (otherwise on the first document)."""
        self._loaded()

    def _loaded(self) -> _Model:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> _Model:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]

        unsigned = self.unsigned_weights
        if unsigned is None:
            unsigned = not int8_weights.signed_products_exact()

        def session(name: str) -> Any:
            path = self.artifact_dir / name
            if not path.is_file():
                raise ModelArtifactError(f"{path} is missing: run training/train_attribution.py")
            if unsigned:
                model = int8_weights.unsigned_weights(path.read_bytes())
                return ort.InferenceSession(model, options, providers=providers)
            return ort.InferenceSession(str(path), options, providers=providers)

        tokenizer = tagging.load_tokenizer(str(self.artifact_dir / TOKENIZER_FILE))
        return _Model(tokenizer, session(ENCODER_FILE), session(ROLES_FILE))

    def find(self, doc: Doc) -> list[AttributionSpans]:
        return self.find_in_text(doc.text)

    def find_in_text(self, text: str) -> list[AttributionSpans]:
        """Attributions in text order of their cues, with character spans into `text`."""
        model = self._loaded()

        def run_encoder(input_ids: tagging.IntArray) -> tuple[tagging.FloatArray, tagging.FloatArray]:
            hidden, cue_logits = model.encoder.run(None, {"input_ids": input_ids})
            return hidden, cue_logits

        def run_roles(
            hidden: tagging.FloatArray,
            cue_start: tagging.IntArray,
            cue_end: tagging.IntArray,
            distance: tagging.IntArray,
            paragraph: tagging.IntArray,
        ) -> tagging.FloatArray:
            feeds = {
                "hidden": hidden,
                "cue_start": cue_start,
                "cue_end": cue_end,
                "distance": distance,
                "paragraph": paragraph,
            }
            logits: tagging.FloatArray = model.roles.run(None, feeds)[0]
            return logits

        found = tagging.find_attributions(model.tokenizer, text, run_encoder, run_roles)
        found.sort(key=lambda f: f.cue)
        return [
            AttributionSpans(cue=[f.cue], content=f.content, source=f.source, score=f.score) for f in found
        ]


@lru_cache(maxsize=2)
def default_learned_finder(threads: int = 1) -> LearnedAttributionFinder:
    """The process-wide finder over the packaged artifact (one set of sessions per process)."""
    return LearnedAttributionFinder.from_artifacts(threads=threads)


__all__ = ["ARTIFACT_DIR", "LearnedAttributionFinder", "ModelArtifactError", "default_learned_finder"]
