"""Drives the maas gateway with NVIDIA's own tritonclient (gRPC and HTTP), as an external KServe v2 client.

Usage: tritonclient_check.py GRPC_ADDR HTTP_ADDR EXPECTED_JSON
EXPECTED_JSON holds {"identity_input": name, "mlp_input": name, "mlp_output": name,
"mlp_x": [[...4 floats...], ...], "mlp_y": [[...3 floats...], ...]} computed with onnxruntime by the test.
Prints one JSON line with what each check saw; exits non-zero on the first failed check.
"""
import json
import sys

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

grpc_addr, http_addr, expected_path = sys.argv[1:4]
with open(expected_path) as f:
    exp = json.load(f)
report = {}


def check(name, cond, detail=""):
    report[name] = bool(cond)
    if not cond:
        print(json.dumps(report))
        raise SystemExit(f"check failed: {name} {detail}")


for proto, mod, addr in (("grpc", grpcclient, grpc_addr), ("http", httpclient, http_addr)):
    c = mod.InferenceServerClient(url=addr)
    check(f"{proto}_live", c.is_server_live())
    check(f"{proto}_ready", c.is_server_ready())
    check(f"{proto}_model_ready", c.is_model_ready("mlp"))
    meta = c.get_model_metadata("mlp")
    inputs = meta.inputs if proto == "grpc" else meta["inputs"]
    first = inputs[0]
    dtype = first.datatype if proto == "grpc" else first["datatype"]
    check(f"{proto}_metadata", dtype == "FP32", str(meta))
    cfg = c.get_model_config("identity")
    check(f"{proto}_config", cfg is not None)

    x = np.array(exp["mlp_x"], dtype=np.float32)
    inp = mod.InferInput(exp["mlp_input"], list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    out = mod.InferRequestedOutput(exp["mlp_output"])
    res = c.infer("mlp", [inp], outputs=[out])
    y = res.as_numpy(exp["mlp_output"])
    check(f"{proto}_mlp_equals_onnxruntime", np.allclose(y, np.array(exp["mlp_y"], dtype=np.float32), atol=1e-6), f"{y} vs {exp['mlp_y']}")

    ident = np.arange(8, dtype=np.float32).reshape(2, 4)
    inp = mod.InferInput(exp["identity_input"], [2, 4], "FP32")
    inp.set_data_from_numpy(ident)
    res = c.infer("identity", [inp])
    check(f"{proto}_identity", np.array_equal(res.as_numpy(res.get_response()["outputs"][0]["name"] if proto == "http" else res.get_response().outputs[0].name), ident))

    try:
        c.infer("no-such-model", [inp])
        check(f"{proto}_unknown_model_error", False)
    except Exception as e:  # tritonclient raises InferenceServerException
        check(f"{proto}_unknown_model_error", "no-such-model" in str(e), str(e))
    c.close()

print(json.dumps(report))
