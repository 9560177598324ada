"""The benchmark's Triton model: one ONNX model on Python onnxruntime inside Triton's python backend.

pytriton's tritonserver has no onnxruntime backend, so this is the python-backend model a team would write
instead: one InferenceSession per model instance with the same thread settings as the maas worker (config
parameters intra_op_threads, inter_op_threads, model_file). With dynamic batching Triton hands execute()
several requests at once; they are stacked on dim 0, run once and split again.
"""

import json
import sys


def _add_site_packages(config):
    # The python backend stub ignores PYTHONPATH: the venv's site-packages (onnxruntime, numpy) come from
    # the model config and go first on sys.path before anything imports them.
    for folder in reversed(_param(config, "site_packages", "").split(":")):
        if folder and folder not in sys.path:
            sys.path.insert(0, folder)


def _param(config, key, default):
    return config.get("parameters", {}).get(key, {}).get("string_value", default)


class TritonPythonModel:
    """One ONNX model on the CPU execution provider."""

    def initialize(self, args):
        config = json.loads(args["model_config"])
        _add_site_packages(config)
        global np, pb_utils
        import numpy as np
        import onnxruntime as ort
        import triton_python_backend_utils as pb_utils

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(_param(config, "intra_op_threads", "1"))
        options.inter_op_num_threads = int(_param(config, "inter_op_threads", "1"))
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(_param(config, "model_file", ""), options, providers=["CPUExecutionProvider"])
        self._input_names = [i.name for i in self._session.get_inputs()]
        self._output_names = [o.name for o in self._session.get_outputs()]

    def execute(self, requests):
        arrays = [[pb_utils.get_input_tensor_by_name(r, name).as_numpy() for name in self._input_names] for r in requests]
        if len(requests) == 1:
            feeds = dict(zip(self._input_names, arrays[0]))
        else:
            feeds = {name: np.concatenate([a[i] for a in arrays], axis=0) for i, name in enumerate(self._input_names)}
        results = self._session.run(self._output_names, feeds)
        responses = []
        start = 0
        for a in arrays:
            end = start + a[0].shape[0]
            tensors = [pb_utils.Tensor(name, np.ascontiguousarray(value[start:end])) for name, value in zip(self._output_names, results)]
            responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
            start = end
        return responses
