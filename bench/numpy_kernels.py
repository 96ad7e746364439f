"""The numpy reference of `npm run bench`: the same three kernels in native code on one thread.

Usage: python3 bench/numpy_kernels.py JOB.json

JOB.json (written by bench/numpy.ts) names the cases and the raw little-endian float64 files that hold
the matrices shared with the JavaScript side. The script prints one JSON object on stdout:
{ "blas": {...}, "products": [...], "eigen": [...], "autoencoder": {...} | null }.
Times are medians over `repeats` runs after one warm-up run, in milliseconds of process CPU time
(time.process_time) and of wall-clock time (time.perf_counter).

The caller sets OPENBLAS_NUM_THREADS=1 (and OMP_ / MKL_) so BLAS uses one core, like the JavaScript
libraries it is compared with.
"""

import ctypes
import json
import statistics
import sys
import time

import numpy as np


def measure(run, repeats):
    run()
    cpu, wall = [], []
    for _ in range(repeats):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        run()
        wall.append((time.perf_counter() - wall_start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    return {"cpuMs": statistics.median(cpu), "wallMs": statistics.median(wall), "repeats": repeats}


def blas_info():
    """Names the BLAS library numpy loaded and the kernel it chose at run time (as threadpoolctl does)."""
    info = {"numpy": np.__version__}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["library"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception as error:  # older numpy: no dict mode
        info["library"] = f"unknown ({error})"
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "openblas" in path.lower() and ".so" in path:
                paths.add(path)
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "64_"), ("openblas_", "")):
            corename = getattr(lib, f"{prefix}get_corename{suffix}", None)
            threads = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
            if corename is not None:
                corename.restype = ctypes.c_char_p
                info["openblasCore"] = corename().decode()
                if threads is not None:
                    info["openblasThreads"] = threads()
                return info
    return info


def products(cases, repeats):
    rng = np.random.default_rng(1)
    out = []
    for case in cases:
        m, n, d = case["m"], case["n"], case["d"]
        if case["form"] == "AtB":
            a = rng.random((d, m)) - 0.5
            b = rng.random((d, n)) - 0.5
            timing = measure(lambda: a.T @ b, repeats)  # BLAS reads A^T through its transpose flag, no copy
        else:
            a = rng.random((m, d)) - 0.5
            b = rng.random((d, n)) - 0.5
            timing = measure(lambda: a @ b, repeats)
        out.append({"label": case["label"], **timing})
    return out


def eigen(cases, repeats):
    out = []
    for case in cases:
        n = case["n"]
        a = np.fromfile(case["file"], dtype="<f8").reshape(n, n)
        timing = measure(lambda: np.linalg.eigh(a), repeats)
        values, vectors = np.linalg.eigh(a)
        residual = np.abs(a @ vectors - vectors * values).max() / np.linalg.norm(a)
        orthogonality = np.abs(vectors.T @ vectors - np.eye(n)).max()
        out.append({"label": case["label"], **timing, "residual": float(residual), "orthogonality": float(orthogonality)})
    return out


def sigmoid(u):
    # The plain form a numpy user writes: e^-u overflows to inf for u < -709 and gives 0, as it should.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-u))


def autoencoder_loss_and_gradient(x, theta, d, h, lam, beta, rho):
    """Sparse autoencoder D-H-D, sigmoid units, untied weights, squared error, written out by hand."""
    n = x.shape[0]
    w = theta[: h * d].reshape(h, d)
    b = theta[h * d : h * d + h]
    wd = theta[h * d + h : h * d + h + d * h].reshape(d, h)
    bd = theta[h * d + h + d * h :]
    y = sigmoid(x @ w.T + b)
    out = sigmoid(y @ wd.T + bd)
    residual = out - x
    rho_hat = y.mean(axis=0)
    kl = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    loss = 0.5 * np.sum(residual * residual) / n + 0.5 * lam * (np.sum(w * w) + np.sum(wd * wd)) + beta * kl
    delta_out = residual * out * (1 - out) / n
    sparsity = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / n
    delta_hidden = (delta_out @ wd + sparsity) * y * (1 - y)
    grad = np.concatenate(
        [
            (delta_hidden.T @ x + lam * w).ravel(),
            delta_hidden.sum(axis=0),
            (delta_out.T @ y + lam * wd).ravel(),
            delta_out.sum(axis=0),
        ]
    )
    return loss, grad


def autoencoder(case, repeats):
    d, h = case["d"], case["h"]
    x = np.fromfile(case["xFile"], dtype="<f8").reshape(case["n"], d)
    theta = np.fromfile(case["thetaFile"], dtype="<f8")
    args = (x, theta, d, h, case["lambda"], case["beta"], case["rho"])
    timing = measure(lambda: autoencoder_loss_and_gradient(*args), repeats)
    loss, grad = autoencoder_loss_and_gradient(*args)
    grad.astype("<f8").tofile(case["gradientFile"])
    return {**timing, "loss": float(loss)}


def main():
    with open(sys.argv[1]) as handle:
        job = json.load(handle)
    repeats = job["repeats"]
    result = {
        "blas": blas_info(),
        "products": products(job["products"], repeats),
        "eigen": eigen(job["eigen"], repeats),
        "autoencoder": autoencoder(job["autoencoder"], repeats) if job.get("autoencoder") else None,
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
