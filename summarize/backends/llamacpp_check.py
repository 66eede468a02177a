"""Whether the installed llama.cpp runs on this CPU: what its build uses, what the CPU grants, a real try.

A llama.cpp built with ``-march=native`` (llama-cpp-python's default) uses every instruction the
build machine's compiler saw, and a CPU may list an instruction it does not let a process run (a
virtual machine that shows AMX but refuses its tile state): the first real prompt then dies with
SIGILL. So ``summarize doctor`` compares the build's features (``llama_print_system_info``) with
the ones this CPU grants, and runs a two-token completion. Both happen in a child process, never
in this one: loading a library built for another CPU can be enough to kill the process.

The portable build the project installs (the Makefile's ``llama`` target) enables x86-64-v3 only
(AVX, AVX2, FMA, F16C, BMI2): every x86-64 server CPU of the last decade, Intel and AMD, runs it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .worker import describe_exit

__all__ = ["PORTABLE_CMAKE_ARGS", "LlamaCheck", "check_llamacpp", "cpu_features"]

PORTABLE_CMAKE_ARGS = ("-DGGML_NATIVE=OFF -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON "
                       "-DGGML_F16C=ON -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF "
                       "-DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF")
CHECK_TIMEOUT_S = 180.0
# llama_print_system_info's names -> the /proc/cpuinfo flag that grants each
_FLAGS = {
    "SSE3": "pni", "SSSE3": "ssse3", "AVX": "avx", "AVX2": "avx2", "F16C": "f16c", "FMA": "fma", "BMI2": "bmi2",
    "AVX_VNNI": "avx_vnni", "AVX512": "avx512f", "AVX512_VBMI": "avx512vbmi", "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16", "AMX_INT8": "amx_int8",
}
_ARCH_GET_XCOMP_SUPP = 0x1022
_SYS_ARCH_PRCTL = 158  # x86-64
_XFEATURE_TILEDATA = 1 << 18

_CHILD = """
import json, sys
import llama_cpp
print(json.dumps({"system": llama_cpp.llama_print_system_info().decode("utf-8", "replace")}), flush=True)
if len(sys.argv) > 1:
    llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, n_threads=1, verbose=False)
    out = llm.create_completion("The capital of France is", max_tokens=2, temperature=0.0)
    print(json.dumps({"completion": out["choices"][0]["text"]}), flush=True)
"""


@dataclass(frozen=True)
class LlamaCheck:
    """What the check found.

    Attributes:
        build: the instruction-set features the installed llama.cpp was built to use.
        refused: those of them this CPU does not grant (each would kill the process).
        completion: ``"ok"``, ``"not run"`` or what went wrong (``"crashed with SIGILL ..."``).
        detail: the completion's text, or why it was not run.
    """

    build: tuple[str, ...]
    refused: tuple[str, ...]
    completion: str
    detail: str

    @property
    def ok(self) -> bool:
        """Whether llama.cpp works here as far as the check could tell."""
        return not self.refused and self.completion in ("ok", "not run")


def cpu_features() -> set[str] | None:
    """The instruction-set features this CPU lets a process use, in llama.cpp's names (``None``: not x86-64 Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    if platform.machine() not in ("x86_64", "AMD64") or not cpuinfo.is_file():
        return None
    flags: set[str] = set()
    for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            break
    granted = {name for name, flag in _FLAGS.items() if flag in flags}
    if "AMX_INT8" in granted and not _tile_data_granted():
        granted.discard("AMX_INT8")
    return granted


def _tile_data_granted() -> bool:
    """Whether the kernel supports AMX tile state for processes (a CPU may list AMX a VM still refuses)."""
    try:
        mask = ctypes.c_ulong(0)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(_SYS_ARCH_PRCTL, _ARCH_GET_XCOMP_SUPP, ctypes.byref(mask)) != 0:
            return False
        return bool(mask.value & _XFEATURE_TILEDATA)
    except (OSError, AttributeError):
        return False


def check_llamacpp(model: str | None = None, *, timeout: float = CHECK_TIMEOUT_S) -> LlamaCheck:
    """Ask a child process what the installed llama.cpp uses, and let it complete two tokens with ``model``.

    Args:
        model: a GGUF file for the two-token completion (``None``: features only).
        timeout: seconds the child may take.
    """
    args = [sys.executable, "-c", _CHILD] + ([str(Path(model).expanduser())] if model else [])
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return LlamaCheck((), (), "timed out", f"no answer within {timeout:.0f} s")
    said = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                said.update(json.loads(line))
    build = tuple(f for f in _build_features(said.get("system", "")) if f in _FLAGS)
    granted = cpu_features()
    refused = tuple(f for f in build if granted is not None and f in _FLAGS and f not in granted)
    if done.returncode != 0:
        name, what = describe_exit(done.returncode)
        stderr = done.stderr.strip().splitlines()
        return LlamaCheck(build, refused, f"crashed with {name} ({what})" if done.returncode < 0 else "failed",
                          stderr[-1] if stderr else "")
    if model is None:
        return LlamaCheck(build, refused, "not run", "no GGUF model file to try")
    return LlamaCheck(build, refused, "ok", repr(said.get("completion", "")))


def _build_features(system: str) -> list[str]:
    """``"CPU : AVX = 1 | AVX2 = 1 | AVX512 = 0 |"`` -> ``["AVX", "AVX2"]``."""
    found = []
    for part in system.replace("CPU :", "|").split("|"):
        name, _, value = part.partition("=")
        if value.strip() == "1" and name.strip():
            found.append(name.strip())
    return found
