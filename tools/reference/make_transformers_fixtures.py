#!/usr/bin/env python3
"""Reference fixtures made by transformers and PEFT themselves.

Runs where torch, transformers (4.51+ or 5.x), peft and safetensors are installed; no GPU
and no network are needed. Deterministic for a given torch version.

  make_transformers_fixtures.py
      Writes tests/data/hf/tf_<name>/: a tiny random model per family tunebench reads, saved
      with save_pretrained, and tests/data/hf/tf_peft_<kind>/: PEFT adapters (LoRA, DoRA,
      IA3, prompt tuning) on tf_llama3_gqa_tied saved with PEFT's save_pretrained. Each
      holds reference_logits.json: the float32 logits of every position for fixed token
      ids, by transformers for the models (reloaded from the saved folder, so BF16/F16
      storage is what is compared) and by PeftModel for the adapters (for prompt tuning,
      the rows of the real tokens, after the virtual ones).
  make_transformers_fixtures.py --exports DIR
      DIR holds folders written by `tunebench export-model` (tools/reference/
      tunebench_exports.sh): a Hugging Face folder gets reference_logits.json from
      transformers; a PEFT adapter folder (adapter_config.json) gets PeftModel's logits
      on the base folder its base_model_name_or_path names (relative to the adapter).

reference_logits.json is {"implementation", "token_ids", "logits": [[vocab floats] per
position]}, the format of the llama2.c fixtures beside them.
"""
import json
import math
import os
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
HF_DIR = os.path.join(ROOT, "tests", "data", "hf")
IDS = [1, 2, 319, 17, 42, 255, 128, 7, 300, 3, 150, 64]
SHAPE = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, vocab_size=320, max_position_embeddings=128, rms_norm_eps=1e-5,
             bos_token_id=1, eos_token_id=2)

# name: (config class, extra config fields, storage dtype, max_shard_size)
MODELS = {
    "tf_llama3_gqa_tied": ("LlamaConfig", dict(tie_word_embeddings=True, rope_theta=10000.0, rope_scaling={
        "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 32}), torch.bfloat16, "120KB"),
    "tf_llama_linear_rope_f16": ("LlamaConfig", dict(tie_word_embeddings=False, rope_theta=500000.0,
        rope_scaling={"rope_type": "linear", "factor": 2.0}, attention_bias=True, mlp_bias=True),
        torch.float16, None),
    "tf_qwen2_tied": ("Qwen2Config", dict(tie_word_embeddings=True, rope_theta=1000000.0), torch.bfloat16, None),
    "tf_qwen3": ("Qwen3Config", dict(head_dim=24, tie_word_embeddings=False), torch.bfloat16, None),
    "tf_mistral": ("MistralConfig", dict(sliding_window=64, tie_word_embeddings=False), torch.float32, None),
}


def implementation(extra=""):
    return f"transformers {transformers.__version__}{extra} (torch {torch.__version__}), float32"


def randomise(model, seed):
    """Weights large enough that every part of the model moves the logits: embeddings N(0, 1),
    projections N(0, 1/sqrt(in)), biases N(0, 0.1), norm weights 1 + 0.2 N(0, 1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if "norm" in name:
                p.copy_(1 + 0.2 * noise)
            elif name.endswith(".bias"):
                p.copy_(0.1 * noise)
            elif "embed_tokens" in name:
                p.copy_(noise)
            else:
                p.copy_(noise / math.sqrt(p.shape[1]))


def load_fp32(folder):
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    except TypeError:  # transformers 4.x names it torch_dtype
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager")
    return model.eval()


def logits_of(model, skip=0):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([IDS])).logits[0, skip:].float()
    return [[float(v) for v in row] for row in out]


def write_reference(folder, logits, impl):
    with open(os.path.join(folder, "reference_logits.json"), "w") as f:
        json.dump({"implementation": impl, "token_ids": IDS, "logits": logits}, f)
        f.write("\n")
    print("wrote", os.path.relpath(os.path.join(folder, "reference_logits.json"), ROOT))


def make_model(name, seed):
    class_name, extra, dtype, shard = MODELS[name]
    config = getattr(transformers, class_name)(**SHAPE, **extra)
    model = AutoModelForCausalLM.from_config(config)
    randomise(model, seed)
    folder = os.path.join(HF_DIR, name)
    kwargs = {"max_shard_size": shard} if shard else {}
    model.to(dtype).save_pretrained(folder, **kwargs)
    write_reference(folder, logits_of(load_fp32(folder)), implementation())
    return folder


def make_adapters(base_folder):
    import peft
    impl = implementation(f", peft {peft.__version__}")
    configs = {
        "tf_peft_lora": peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"],
                                        init_lora_weights=False, task_type="CAUSAL_LM"),
        "tf_peft_dora": peft.LoraConfig(r=2, lora_alpha=4, target_modules=["k_proj", "o_proj", "up_proj"],
                                        use_dora=True, init_lora_weights=False, task_type="CAUSAL_LM"),
        "tf_peft_rslora_pattern": peft.LoraConfig(r=4, lora_alpha=8, use_rslora=True, target_modules=["q_proj", "gate_proj"],
                                                  rank_pattern={"gate_proj": 2}, alpha_pattern={"gate_proj": 3},
                                                  init_lora_weights=False, task_type="CAUSAL_LM"),
        "tf_peft_ia3": peft.IA3Config(target_modules=["k_proj", "v_proj", "down_proj"], feedforward_modules=["down_proj"],
                                      init_ia3_weights=False, task_type="CAUSAL_LM"),
        "tf_peft_prompt_tuning": peft.PromptTuningConfig(num_virtual_tokens=3, task_type="CAUSAL_LM"),
    }
    for i, (name, config) in enumerate(configs.items()):
        torch.manual_seed(100 + i)
        model = peft.get_peft_model(load_fp32(base_folder), config)
        with torch.no_grad():  # trained-looking values: DoRA's magnitude off ||W + s B A||
            for pname, p in model.named_parameters():
                if "lora_magnitude_vector" in pname:
                    p.mul_(1 + 0.1 * torch.randn(p.shape))
        folder = os.path.join(HF_DIR, name)
        model.save_pretrained(folder)
        with open(os.path.join(folder, "adapter_config.json")) as f:
            adapter_config = json.load(f)
        adapter_config["base_model_name_or_path"] = os.path.relpath(base_folder, folder)
        with open(os.path.join(folder, "adapter_config.json"), "w") as f:
            json.dump(adapter_config, f, indent=2)
        reloaded = peft.PeftModel.from_pretrained(load_fp32(base_folder), folder).eval()
        skip = 3 if name == "tf_peft_prompt_tuning" else 0
        write_reference(folder, logits_of(reloaded, skip), impl)


def reference_for_exports(exports):
    import peft
    for name in sorted(os.listdir(exports)):
        folder = os.path.join(exports, name)
        if os.path.exists(os.path.join(folder, "config.json")):
            write_reference(folder, logits_of(load_fp32(folder)), implementation())
        elif os.path.exists(os.path.join(folder, "adapter_config.json")):
            with open(os.path.join(folder, "adapter_config.json")) as f:
                config = json.load(f)
            base = os.path.normpath(os.path.join(folder, config["base_model_name_or_path"]))
            model = peft.PeftModel.from_pretrained(load_fp32(base), folder).eval()
            skip = config.get("num_virtual_tokens", 0) if config["peft_type"] == "PROMPT_TUNING" else 0
            write_reference(folder, logits_of(model, skip), implementation(f", peft {peft.__version__}"))


def main():
    torch.manual_seed(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--exports":
        reference_for_exports(sys.argv[2])
        return
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    folders = {name: make_model(name, 1000 + i) for i, name in enumerate(MODELS)}
    make_adapters(folders["tf_llama3_gqa_tied"])


if __name__ == "__main__":
    main()
