"""The peer of tools/bench/bench_gpu_step.cpp: the same training step in Hugging Face
transformers + PEFT, eager PyTorch (no torch.compile), as a researcher would write it:
LlamaForCausalLM built from the same config with random weights, the default attention
(PyTorch's scaled_dot_product_attention), LoRA r16 (alpha 32, no dropout) on every
projection through PEFT with adapters in fp32 and frozen weights in bf16 (PEFT's
autocast_adapter_dtype), or full fine-tuning with fp32 weights; forward and backward under
torch.autocast(bfloat16), AdamW (lr 1e-4, betas 0.9/0.999, eps 1e-8), gradient clipping at
norm 1, every position bearing loss.

Prints one JSON line as bench_gpu_step does. Needs a GPU, torch 2.x, transformers, peft.
  python3 tools/bench/gpu_peft_peer.py --shape llama-3.2-1b --method lora --batch 4 --seq 2048
"""
import argparse
import json
import time

import torch

SHAPES = {
    "llama-3.2-1b": dict(vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                         num_attention_heads=32, num_key_value_heads=8, rope_theta=500000.0,
                         tie_word_embeddings=True),
    "smollm-135m": dict(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                        num_attention_heads=9, num_key_value_heads=3, rope_theta=10000.0, tie_word_embeddings=True),
}
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def build(shape, method):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(max_position_embeddings=4096, rms_norm_eps=1e-5, **SHAPES[shape])
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    if method == "lora":
        from peft import LoraConfig, get_peft_model

        model = model.to(torch.bfloat16)
        model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=PROJECTIONS))
    return model.cuda().train()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", default="llama-3.2-1b")
    p.add_argument("--method", default="lora", choices=["lora", "full_ft"])
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--seq", type=int, default=2048)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    model = build(a.shape, a.method)
    params = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    ids = torch.randint(SHAPES[a.shape]["vocab_size"], (a.batch, a.seq + 1), device="cuda")
    inputs, labels = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(input_ids=inputs).logits
        loss = torch.nn.functional.cross_entropy(logits.float().view(-1, logits.size(-1)), labels.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    print(json.dumps({"side": "peft", "shape": a.shape, "method": a.method, "batch": a.batch, "seq": a.seq,
                      "ms_per_step": 1000 * seconds / a.steps, "tokens_per_second": a.batch * a.seq * a.steps / seconds,
                      "peak_bytes": torch.cuda.max_memory_allocated()}))


if __name__ == "__main__":
    main()
