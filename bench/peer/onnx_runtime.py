"""The benchmark's peer: an MLServer custom runtime serving one ONNX model with Python onnxruntime.

It is what a team would write to put an ONNX model behind MLServer: one InferenceSession per model,
the same thread settings as the maas worker (model-settings.json parameters.extra: intra_op_threads,
inter_op_threads), NumpyCodec in and out. MLServer's adaptive batching (max_batch_size, max_batch_time
in model-settings.json) concatenates requests along dim 0 before predict() is called.
"""

import numpy as np
import onnxruntime as ort
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.types import InferenceRequest, InferenceResponse
from mlserver.utils import get_model_uri


class OnnxRuntime(MLModel):
    """One ONNX model on the CPU execution provider."""

    async def load(self) -> bool:
        uri = await get_model_uri(self._settings)
        extra = (self._settings.parameters.extra if self._settings.parameters else None) or {}
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(extra.get("intra_op_threads", 1))
        options.inter_op_num_threads = int(extra.get("inter_op_threads", 1))
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(uri, options, providers=["CPUExecutionProvider"])
        self._output_names = [o.name for o in self._session.get_outputs()]
        self._input_types = {i.name: _numpy_type(i.type) for i in self._session.get_inputs()}
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        feeds = {}
        for request_input in payload.inputs:
            array = NumpyCodec.decode_input(request_input)
            wanted = self._input_types.get(request_input.name)
            feeds[request_input.name] = array if wanted is None or array.dtype == wanted else array.astype(wanted)
        results = self._session.run(self._output_names, feeds)
        return InferenceResponse(
            model_name=self.name,
            model_version=self.version,
            outputs=[NumpyCodec.encode_output(name, np.asarray(value)) for name, value in zip(self._output_names, results)],
        )


def _numpy_type(onnx_type: str) -> np.dtype:
    return {
        "tensor(float)": np.dtype(np.float32),
        "tensor(double)": np.dtype(np.float64),
        "tensor(int64)": np.dtype(np.int64),
        "tensor(int32)": np.dtype(np.int32),
    }.get(onnx_type, np.dtype(np.float32))
