"""The benchmark's KServe peer: kserve.ModelServer serving ONNX models with Python onnxruntime over v2 gRPC.

It is what a team would write to put an ONNX model behind KServe's Python model server: a kserve.Model
holding one InferenceSession, the same thread settings as the maas worker, inputs read with as_numpy()
(raw_input_contents) and outputs answered as raw bytes. KServe's model server has no dynamic batching of
its own (batching is an agent beside it in a cluster), so every model is served as it comes.

Usage: server.py --model NAME=FILE [--model NAME=FILE ...] --intra_op_threads N --inter_op_threads N
       plus kserve's own flags (--grpc_port, --http_port, ...).
"""

import argparse

import kserve
import numpy as np
import onnxruntime as ort
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer


class OnnxModel(Model):
    """One ONNX model on the CPU execution provider."""

    def __init__(self, name: str, file: str, intra_op_threads: int, inter_op_threads: int):
        super().__init__(name)
        self._file = file
        self._intra = intra_op_threads
        self._inter = inter_op_threads
        self.load()

    def load(self) -> bool:
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._intra
        options.inter_op_num_threads = self._inter
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(self._file, options, providers=["CPUExecutionProvider"])
        self._output_names = [o.name for o in self._session.get_outputs()]
        self.ready = True
        return self.ready

    async def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        feeds = {i.name: i.as_numpy() for i in payload.inputs}
        results = self._session.run(self._output_names, feeds)
        outputs = []
        for name, value in zip(self._output_names, results):
            output = InferOutput(name=name, shape=list(value.shape), datatype="FP32")
            output.set_data_from_numpy(np.ascontiguousarray(value, dtype=np.float32), binary_data=True)
            outputs.append(output)
        return InferResponse(response_id=payload.id, model_name=self.name, infer_outputs=outputs)


def main() -> None:
    parser = argparse.ArgumentParser(parents=[kserve.model_server.parser])
    parser.add_argument("--model", action="append", required=True, help="NAME=FILE, once per served model")
    parser.add_argument("--intra_op_threads", type=int, default=1)
    parser.add_argument("--inter_op_threads", type=int, default=1)
    args, _ = parser.parse_known_args()
    models = []
    for spec in args.model:
        name, _, file = spec.partition("=")
        models.append(OnnxModel(name, file, args.intra_op_threads, args.inter_op_threads))
    ModelServer(http_port=args.http_port, grpc_port=args.grpc_port, workers=args.workers, enable_latency_logging=False).start(models)


if __name__ == "__main__":
    main()
