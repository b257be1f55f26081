"""The fingerprint of a JSON value: the same value always gives the same sha256, whatever its key order."""
import hashlib
import json


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": ")).encode()


def json_sha256(value) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()
