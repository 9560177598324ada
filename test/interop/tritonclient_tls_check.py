"""Drives the maas gateway over mutual TLS with NVIDIA's stock tritonclient (gRPC ssl=True, HTTP ssl=True).

Usage: tritonclient_tls_check.py GRPC_ADDR HTTP_ADDR CA_FILE CERT_FILE KEY_FILE
Prints one JSON line with what each check saw; exits non-zero on the first failed check.
"""
import json
import sys

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

grpc_addr, http_addr, ca_file, cert_file, key_file = sys.argv[1:6]
report = {}


def check(name, cond, detail=""):
    report[name] = bool(cond)
    if not cond:
        print(json.dumps(report))
        raise SystemExit(f"check failed: {name} {detail}")


def identity(client, mod):
    x = np.arange(4, dtype=np.float32).reshape(1, 4)
    inp = mod.InferInput("x", [1, 4], "FP32")
    inp.set_data_from_numpy(x)
    res = client.infer("identity", [inp])
    return np.array_equal(res.as_numpy(res.get_response().outputs[0].name if mod is grpcclient else res.get_response()["outputs"][0]["name"]), x)


c = grpcclient.InferenceServerClient(url=grpc_addr, ssl=True, root_certificates=ca_file, private_key=key_file, certificate_chain=cert_file)
check("grpc_ssl_live", c.is_server_live())
check("grpc_ssl_identity", identity(c, grpcclient))
c.close()

# The same client without the pair: the server requires a client certificate.
bare = grpcclient.InferenceServerClient(url=grpc_addr, ssl=True, root_certificates=ca_file)
try:
    bare.is_server_live(client_timeout=5)
    check("grpc_ssl_no_client_cert_refused", False)
except Exception as e:  # InferenceServerException: UNAVAILABLE
    check("grpc_ssl_no_client_cert_refused", "UNAVAILABLE" in str(e) or "unavailable" in str(e).lower(), str(e))
bare.close()


h = httpclient.InferenceServerClient(url=http_addr, ssl=True, ssl_options={"ca_certs": ca_file, "certfile": cert_file, "keyfile": key_file})
check("http_ssl_live", h.is_server_live())
check("http_ssl_identity", identity(h, httpclient))
h.close()

print(json.dumps(report))
