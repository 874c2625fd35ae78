"""The environment for a make that a Python script runs from inside make.

`make exercise` runs a test, and the test runs `make -j2`. The outer make
hands its children MAKEFLAGS: its variable assignments (WERROR=1, CXX=...),
which the inner make must keep, and its job server's pipe, which Python does
not pass on (it closes inherited descriptors) and which would only make the
inner make warn. So the job-server words go and the rest stays.
"""

import os


def environment():
    env = dict(os.environ)
    words = env.get("MAKEFLAGS", "").split(" ")
    kept = [word for word in words
            if not (word.startswith("--jobserver") or word.startswith("-j"))]
    env["MAKEFLAGS"] = " ".join(kept).strip()
    env.pop("MFLAGS", None)
    env.pop("MAKELEVEL", None)
    return env
