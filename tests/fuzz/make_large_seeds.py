"""Writes the large seeds of fuzz_gob_decoder into the directory given:
inputs near --max-message (1 MiB) that only a large message can be, so that
the fuzzer starts from the shapes that cost the decoder most in memory
(a definition of a million empty fields, a map of 200,000 short keys, a
1 MiB []byte) and mutates them. Generated, not committed: 3 MiB of bytes
that this script says in a few lines.

    python3 tests/fuzz/make_large_seeds.py build/fuzz/corpus/fuzz_gob_decoder
"""

import sys
from pathlib import Path

# The builders live with the integration tests that send the same shapes to
# a real server (tests/integration/test_memory.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import test_memory  # noqa: E402

MIB = 1 << 20


def main(directory):
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    definitions = test_memory.sample_definitions()
    seeds = {
        "large_empty_fields": test_memory.struct_of_empty_fields(MIB)[0],
        "large_map_of_short_keys": definitions + test_memory.map_of_short_keys(MIB)[0],
        "large_p": definitions + test_memory.large_p(MIB),
    }
    for name, data in seeds.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main(sys.argv[1])
