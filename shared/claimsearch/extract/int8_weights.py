"""Int8 products made exact on every CPU.

The packaged graphs multiply uint8 activations by int8 weights (`MatMulInteger` from
onnxruntime's dynamic quantization). On x86 CPUs without VNNI (AVX2 alone, AVX-512 before
it: the AMD EPYC machines this project is built on, some of Lambda's hosts) onnxruntime
computes those products with an instruction that adds them in pairs in 16 bits and
saturates, so sums come out wrong: on 384-deep random products up to 96,775 off, the
encoder's outputs moved by up to 0.4, and the same article gave other claims than on a
VNNI machine. The same weights stored as uint8 (value + 128, zero point + 128: the same
differences, so the same products) go through onnxruntime's unsigned kernel, which is
exact everywhere. A probe decides at load time: where the signed kernel is exact (VNNI,
and faster there) the graphs are used as shipped; elsewhere their int8 initializers are
rewritten in memory, about 1.2x the encoder's time on such a machine.

The rewrite edits the ONNX protobuf directly (the `onnx` package is not a runtime
dependency): every int8 initializer of the main graph becomes uint8. That is exact only
if every int8 initializer is the weight or the zero point of an integer product or a
dequantization, which `tests/unit/test_int8_weights.py` checks of the packaged graphs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np

# MatMulInteger of a (8, 64) uint8 input by 127s (int8) with zero points 0, built by
# `tests/unit/test_int8_weights.py::probe_model` (which checks these bytes): fed 255s, every
# sum is 64 * 255 * 127 = 2,072,640; a saturating kernel gives 1,048,544.
_PROBE = base64.b64decode(
    "CAgSC2NsYWltc2VhcmNoOsYBCigKAWEKAWIKBmFfemVybwoGYl96ZXJvEgF5Ig1NYXRNdWxJbnRlZ2VyEgVwcm9iZSpLCEAIARAD"
    "QgFiSkB/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/f39/Kg0QAkIG"
    "YV96ZXJvSgEAKg0QA0IGYl96ZXJvSgEAWhMKAWESDgoMCAISCAoCCAgKAghAYhMKAXkSDgoMCAYSCAoCCAgKAggBQgQKABAR"
)
_PROBE_SUM = 64 * 255 * 127

# Field numbers of onnx.proto: ModelProto.graph, GraphProto.initializer, and TensorProto's
# data_type, int32_data and raw_data; TensorProto.DataType's INT8 and UINT8.
_MODEL_GRAPH, _GRAPH_INITIALIZER = 7, 5
_TENSOR_DATA_TYPE, _TENSOR_INT32_DATA, _TENSOR_RAW_DATA = 2, 5, 9
_INT8, _UINT8 = 3, 2
_VARINT, _LENGTH_DELIMITED = 0, 2


@cache
def signed_products_exact() -> bool:
    """Whether onnxruntime's uint8 x int8 products are exact on this CPU."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(_PROBE, options, providers=["CPUExecutionProvider"])
    sums = session.run(None, {"a": np.full((8, 64), 255, np.uint8)})[0]
    return bool((sums == _PROBE_SUM).all())


def unsigned_weights(model: bytes) -> bytes:
    """The ONNX model with every int8 initializer of its graph stored as uint8 (+128)."""
    # Views, not copies, until the one join: the encoder is 23 MB.
    return b"".join(_rewritten(memoryview(model), _MODEL_GRAPH, _graph))


def _graph(graph: memoryview) -> bytes:
    return b"".join(_rewritten(graph, _GRAPH_INITIALIZER, _tensor))


def _rewritten(
    message: memoryview, number: int, rewrite: Callable[[memoryview], bytes]
) -> Iterator[bytes | memoryview]:
    """`message`'s fields, the length-delimited ones numbered `number` through `rewrite`."""
    for field, wire, value, raw in _fields(message):
        if field == number and wire == _LENGTH_DELIMITED:
            yield _length_delimited(field, rewrite(value))
        else:
            yield raw


def _tensor(tensor: memoryview) -> bytes:
    fields = list(_fields(tensor))
    if (_TENSOR_DATA_TYPE, _VARINT, _INT8) not in ((n, w, v) for n, w, v, _ in fields):
        return bytes(tensor)
    out = bytearray()
    for number, wire, value, raw in fields:
        if number == _TENSOR_DATA_TYPE:
            out += _varint(number << 3 | _VARINT) + _varint(_UINT8)
        elif number == _TENSOR_RAW_DATA:
            # int8 v -> uint8 v + 128 is the sign bit flipped.
            out += _length_delimited(number, (np.frombuffer(value, np.uint8) ^ 0x80).tobytes())
        elif number == _TENSOR_INT32_DATA and wire == _LENGTH_DELIMITED:  # packed
            out += _length_delimited(number, _packed_shifted(value))
        elif number == _TENSOR_INT32_DATA:
            out += _varint(number << 3 | _VARINT) + _varint(_signed(value) + 128)
        else:
            out += raw
    return bytes(out)


def _fields(message: memoryview) -> Iterator[tuple[int, int, Any, memoryview]]:
    """(field number, wire type, value, the field's bytes) of each field, in order; a
    length-delimited value as a view, a varint as int."""
    i = 0
    while i < len(message):
        start = i
        key, i = _read_varint(message, i)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == _VARINT:
            value, i = _read_varint(message, i)
        elif wire == _LENGTH_DELIMITED:
            length, i = _read_varint(message, i)
            value, i = message[i : i + length], i + length
        elif wire in (1, 5):  # 64- and 32-bit
            width = 8 if wire == 1 else 4
            value, i = message[i : i + width], i + width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} in an ONNX model")
        yield number, wire, value, message[start:i]


def _read_varint(data: memoryview, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def _varints(data: memoryview) -> Iterator[int]:
    i = 0
    while i < len(data):
        value, i = _read_varint(data, i)
        yield value


def _packed_shifted(packed: memoryview) -> bytes:
    """Packed int32 varints, each an int8 v, as the packed varints of v + 128.

    Array work, not a loop per value: the encoder's zero points are 20,000 of them, and
    this runs at every cold start. An int8 is one varint byte when not negative, ten when
    negative (sign-extended to 64 bits); its low 8 bits are the first byte's 7 and the
    second byte's lowest (set for every negative one). v + 128 is those 8 bits with the top
    one flipped, and takes two bytes from 128 up.
    """
    data = np.frombuffer(packed, np.uint8)
    ends = np.flatnonzero(data < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    lengths = ends - starts + 1
    negative = starts[lengths == 10]
    if (
        len(ends) == 0
        or ends[-1] != len(data) - 1
        or not np.isin(lengths, (1, 10)).all()
        or not (data[negative[:, None] + np.arange(1, 9)] == 0xFF).all()  # -128 to -1
    ):
        return b"".join(_varint(_signed(v) + 128) for v in _varints(packed))  # not int8s alone
    shifted = (data[starts] & 0x7F | np.where(lengths == 10, 0x80, 0)).astype(np.uint8) ^ 0x80
    two_bytes = shifted >= 0x80
    pairs = np.stack([np.where(two_bytes, (shifted & 0x7F) | 0x80, shifted), np.ones_like(shifted)], axis=1)
    keep = np.stack([np.ones_like(two_bytes), two_bytes], axis=1)
    return pairs[keep].astype(np.uint8).tobytes()


def _signed(value: int) -> int:
    """A varint read back as the int32 it encodes (negative ones take 64 bits)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # a negative int32 is written sign-extended to 64 bits
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _LENGTH_DELIMITED) + _varint(len(payload)) + payload


__all__ = ["signed_products_exact", "unsigned_weights"]
