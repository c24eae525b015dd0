"""The training step that tunebench's own step is compared with: the same Llama-style model
(RMSNorm, RoPE, grouped-query attention, SwiGLU MLP, untied byte-level head) written in
eager PyTorch from Python as a researcher would, at the same shape and with the same
training rule (AdamW, betas 0.9/0.999, eps 1e-8, gradient clipping at norm 1, masked
cross-entropy), full fine-tuning or LoRA (rank 8, alpha 16, every projection, as PEFT
adds it: y = W x + (alpha / r) B A x).

Prints one line per mode: `<mode> <milliseconds per step> <tokens per second>`, the median
of --repeats timings of --steps steps each after one warm-up. Run by
tools/bench/train_step_vs_pytorch.sh next to tunebench's own step; one thread, like the
quickstart's workers.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class LoraLinear(nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scaling


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads = c["num_attention_heads"], c["num_key_value_heads"]
        self.head_dim = c["hidden_size"] // self.heads
        h = c["hidden_size"]
        self.q_proj = nn.Linear(h, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, h, bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        causal = torch.ones(t, t, dtype=torch.bool).triu(1)
        out = torch.softmax(scores.masked_fill(causal, float("-inf")), dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn, self.mlp = Attention(c), MLP(c)
        self.input_layernorm = RMSNorm(c["hidden_size"], 1e-5)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], 1e-5)

    def forward(self, x, cos, sin):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return h + self.mlp(self.post_attention_layernorm(h))


class Llama(nn.Module):
    def __init__(self, c, vocab=259):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], 1e-5)
        self.lm_head = nn.Linear(c["hidden_size"], vocab, bias=False)
        head_dim = c["hidden_size"] // c["num_attention_heads"]
        inv = 1.0 / (10000.0 ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
        freqs = torch.outer(torch.arange(c["max_position_embeddings"], dtype=torch.float64), inv)
        emb = torch.cat((freqs, freqs), -1)
        self.register_buffer("cos", emb.cos().float(), persistent=False)
        self.register_buffer("sin", emb.sin().float(), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        cos, sin = self.cos[:t], self.sin[:t]
        h = self.embed_tokens(ids)
        for layer in self.layers:
            h = layer(h, cos, sin)
        return self.lm_head(self.norm(h))


def add_lora(model, rank, alpha):
    for p in model.parameters():
        p.requires_grad_(False)
    for layer in model.layers:
        for parent, names in ((layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")),
                              (layer.mlp, ("gate_proj", "up_proj", "down_proj"))):
            for name in names:
                setattr(parent, name, LoraLinear(getattr(parent, name), rank, alpha))


def time_steps(model, ids, labels, steps, repeats):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

    def step():
        opt.zero_grad()
        logits = model(ids)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)
        loss.item()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    for _ in range(steps):
        step()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", default="experiments/quickstart.json")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=17, help="input positions per row")
    ap.add_argument("--answer", type=int, default=6, help="loss-bearing positions per row")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--modes", default="full_ft,lora")
    args = ap.parse_args()
    torch.set_num_threads(1)
    with open(args.spec) as f:
        config = json.load(f)["base_model"]["architecture"]
    for mode in args.modes.split(","):
        torch.manual_seed(0)
        model = Llama(config)
        if mode == "lora":
            add_lora(model, 8, 16)
        ids = torch.randint(0, 256, (args.batch, args.seq))
        labels = ids.roll(-1, 1).clone()
        labels[:, : args.seq - args.answer] = -100
        seconds = time_steps(model, ids, labels, args.steps, args.repeats)
        print(f"{mode} {seconds * 1e3:.2f} {args.batch * args.seq / seconds:.0f}")


if __name__ == "__main__":
    main()
