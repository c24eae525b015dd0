#!/usr/bin/env python3
"""Tiny random Llama checkpoints for checking the C++ Llama against llama2.c's run.c.

  make_llama_fixtures.py BIN_DIR
      For each model in MODELS, writes a Hugging Face folder tests/data/hf/<name>/
      (config.json, safetensors weights, sharded with an index where asked) and, into
      BIN_DIR (outside the repository), <name>.bin in llama2.c's legacy checkpoint format
      (the one run.c reads) and <name>.ids, the token ids to feed it.
  make_llama_fixtures.py --check
      Self-check, not a reference: reads each folder's config.json, safetensors and
      reference_logits.json, runs a direct numpy Llama forward (Hugging Face layout:
      rotate_half RoPE, GQA by repeating KV heads) and prints the max abs difference.

Called by tools/reference/llama2c_fixtures.sh; python3 and numpy only. Deterministic.
"""
import json
import os
import struct
import sys

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
HF_DIR = os.path.join(ROOT, "tests", "data", "hf")

MODELS = {
    "llama_gqa_tied": dict(seed=1234, hidden=64, inter=128, layers=2, heads=4, kv_heads=2,
                           vocab=300, max_pos=64, tied=True, dtype="BF16", shards=2,
                           ids=[0, 1, 299, 17, 42, 255, 128, 7, 299, 3, 150, 64]),
    "llama_untied_f32": dict(seed=5678, hidden=48, inter=96, layers=2, heads=6, kv_heads=6,
                             vocab=200, max_pos=64, tied=False, dtype="F32", shards=1,
                             ids=[0, 199, 5, 5, 100, 42, 1, 150, 73, 199, 12, 0]),
}
EPS, THETA = 1e-5, 10000.0


def to_bf16_bits(x):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest even (no NaNs here)."""
    bits = np.ascontiguousarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def random_weights(m):
    """Hugging Face names -> float32 arrays (already bf16-rounded for BF16 models)."""
    rng = np.random.default_rng(m["seed"])
    d, f, hd = m["hidden"], m["inter"], m["hidden"] // m["heads"]
    kv = m["kv_heads"] * hd

    def linear(out, inp):  # (out, in), N(0, 1/sqrt(in))
        return rng.normal(0.0, 1.0 / np.sqrt(inp), (out, inp))

    def norm():
        return 1.0 + 0.2 * rng.normal(size=d)

    w = {"model.embed_tokens.weight": rng.normal(size=(m["vocab"], d))}
    for i in range(m["layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm()
        w[p + "self_attn.q_proj.weight"] = linear(d, d)
        w[p + "self_attn.k_proj.weight"] = linear(kv, d)
        w[p + "self_attn.v_proj.weight"] = linear(kv, d)
        w[p + "self_attn.o_proj.weight"] = linear(d, d)
        w[p + "post_attention_layernorm.weight"] = norm()
        w[p + "mlp.gate_proj.weight"] = linear(f, d)
        w[p + "mlp.up_proj.weight"] = linear(f, d)
        w[p + "mlp.down_proj.weight"] = linear(d, f)
    w["model.norm.weight"] = norm()
    if not m["tied"]:
        w["lm_head.weight"] = linear(m["vocab"], d)
    w = {k: v.astype(np.float32) for k, v in w.items()}
    if m["dtype"] == "BF16":
        w = {k: from_bf16_bits(to_bf16_bits(v)) for k, v in w.items()}
    return w


def write_safetensors(path, tensors, dtype):
    """tensors: name -> float32 array, stored as dtype ("F32" or "BF16"), in name order."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        raw = (to_bf16_bits(t) if dtype == "BF16" else t.astype("<f4")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return offset


def read_safetensors(path):
    with open(path, "rb") as fh:
        data = fh.read()
    n = struct.unpack("<Q", data[:8])[0]
    header, body, out = json.loads(data[8:8 + n]), data[8 + n:], {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        if info["dtype"] == "BF16":
            t = from_bf16_bits(np.frombuffer(body[b:e], "<u2"))
        else:
            t = np.frombuffer(body[b:e], "<f4").astype(np.float32)
        out[name] = t.reshape(info["shape"])
    return out


def config_json(m):
    c = {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
         "hidden_size": m["hidden"], "intermediate_size": m["inter"],
         "num_hidden_layers": m["layers"], "num_attention_heads": m["heads"],
         "num_key_value_heads": m["kv_heads"], "head_dim": m["hidden"] // m["heads"],
         "vocab_size": m["vocab"], "max_position_embeddings": m["max_pos"],
         "rms_norm_eps": EPS, "rope_theta": THETA, "rope_scaling": None,
         "tie_word_embeddings": m["tied"], "hidden_act": "silu",
         "torch_dtype": "bfloat16" if m["dtype"] == "BF16" else "float32",
         "bos_token_id": 1, "eos_token_id": 2, "attention_bias": False, "mlp_bias": False,
         "attention_dropout": 0.0, "initializer_range": 0.02, "pretraining_tp": 1,
         "use_cache": True}
    return json.dumps(c, indent=2, sort_keys=True) + "\n"


def write_hf(folder, m, w):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as fh:
        fh.write(config_json(m))
    if m["shards"] == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), w, m["dtype"])
        return
    # Split the names, in order, into shards of about equal bytes.
    names, n = sorted(w), m["shards"]
    sizes = np.cumsum([w[k].size for k in names])
    shard_of = np.minimum((sizes - 1) * n // sizes[-1], n - 1)
    weight_map, total = {}, 0
    for s in range(n):
        file = f"model-{s + 1:05d}-of-{n:05d}.safetensors"
        part = {k: w[k] for k, sh in zip(names, shard_of) if sh == s}
        total += write_safetensors(os.path.join(folder, file), part, m["dtype"])
        weight_map.update({k: file for k in part})
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as fh:
        fh.write(json.dumps(index, indent=2, sort_keys=True) + "\n")


def to_meta(w, n_heads):
    """Undo Hugging Face's q/k permutation (rotate_half -> interleaved RoPE pairs)."""
    d1, d2 = w.shape
    return w.reshape(n_heads, 2, d1 // n_heads // 2, d2).transpose(0, 2, 1, 3).reshape(d1, d2)


def write_llama2c_bin(path, m, w):
    """llama2.c legacy format: 7 int32, then float32 tensors in the order run.c maps them."""
    L, hd = range(m["layers"]), m["hidden"] // m["heads"]
    lw = lambda i, s: w[f"model.layers.{i}.{s}"]
    vocab = m["vocab"] if m["tied"] else -m["vocab"]  # negative: classifier not shared
    parts = [w["model.embed_tokens.weight"]]
    parts += [lw(i, "input_layernorm.weight") for i in L]
    parts += [to_meta(lw(i, "self_attn.q_proj.weight"), m["heads"]) for i in L]
    parts += [to_meta(lw(i, "self_attn.k_proj.weight"), m["kv_heads"]) for i in L]
    parts += [lw(i, "self_attn.v_proj.weight") for i in L]
    parts += [lw(i, "self_attn.o_proj.weight") for i in L]
    parts += [lw(i, "post_attention_layernorm.weight") for i in L]
    parts += [lw(i, "mlp.gate_proj.weight") for i in L]  # w1
    parts += [lw(i, "mlp.down_proj.weight") for i in L]  # w2
    parts += [lw(i, "mlp.up_proj.weight") for i in L]  # w3
    parts += [w["model.norm.weight"]]
    # freq_cis real and imaginary tables: skipped by run.c but part of the layout.
    ang = np.outer(np.arange(m["max_pos"]), THETA ** (-np.arange(0, hd, 2) / hd))
    parts += [np.cos(ang), np.sin(ang)]
    if not m["tied"]:
        parts += [w["lm_head.weight"]]
    with open(path, "wb") as fh:
        fh.write(struct.pack("<7i", m["hidden"], m["inter"], m["layers"], m["heads"],
                             m["kv_heads"], vocab, m["max_pos"]))
        for p in parts:
            fh.write(np.ascontiguousarray(p, "<f4").tobytes())


def hf_forward(cfg, w, ids, dt):
    """Direct Llama forward in Hugging Face's layout; logits (len(ids), vocab)."""
    d, H, KV = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd, T, eps = d // H, len(ids), cfg["rms_norm_eps"]
    w = {k: v.astype(dt) for k, v in w.items()}
    rms = lambda x, g: x / np.sqrt(np.mean(x * x, -1, keepdims=True) + eps) * g
    inv = (1.0 / cfg["rope_theta"] ** (np.arange(0, hd, 2) / hd)).astype(dt)
    ang = np.concatenate([np.outer(np.arange(T), inv)] * 2, -1).astype(dt)
    cos, sin = np.cos(ang), np.sin(ang)
    rope = lambda x: x * cos + np.concatenate([-x[..., hd // 2:], x[..., :hd // 2]], -1) * sin
    mask = np.triu(np.full((T, T), -np.inf, dt), 1)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).reshape(T, H, hd).transpose(1, 0, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).reshape(T, KV, hd).transpose(1, 0, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).reshape(T, KV, hd).transpose(1, 0, 2)
        q, k = rope(q), rope(k)
        k, v = np.repeat(k, H // KV, 0), np.repeat(v, H // KV, 0)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(dt(hd)) + mask
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        o = (a @ v).transpose(1, 0, 2).reshape(T, d)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (g / (1 + np.exp(-g)) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def check():
    for name in MODELS:
        folder = os.path.join(HF_DIR, name)
        with open(os.path.join(folder, "config.json")) as fh:
            cfg = json.load(fh)
        w = {}
        for f in sorted(os.listdir(folder)):
            if f.endswith(".safetensors"):
                w.update(read_safetensors(os.path.join(folder, f)))
        with open(os.path.join(folder, "reference_logits.json")) as fh:
            ref = json.load(fh)
        want = np.array(ref["logits"], np.float64)
        for dt in (np.float32, np.float64):
            got = hf_forward(cfg, w, ref["token_ids"], dt).astype(np.float64)
            print(f"{name}: numpy {dt.__name__} forward vs {ref['implementation']}: "
                  f"max abs diff {np.abs(got - want).max():.3g} "
                  f"(max |logit| {np.abs(want).max():.3g})")


def main():
    if sys.argv[1:] == ["--check"]:
        return check()
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bin_dir = sys.argv[1]
    os.makedirs(bin_dir, exist_ok=True)
    for name, m in MODELS.items():
        assert all(0 <= t < m["vocab"] for t in m["ids"]) and len(m["ids"]) <= m["max_pos"]
        w = random_weights(m)
        write_hf(os.path.join(HF_DIR, name), m, w)
        write_llama2c_bin(os.path.join(bin_dir, name + ".bin"), m, w)
        with open(os.path.join(bin_dir, name + ".ids"), "w") as fh:
            fh.write(" ".join(map(str, m["ids"])) + "\n")


if __name__ == "__main__":
    main()
