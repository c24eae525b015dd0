// tunebench export-model: a finished run's tuned (merged) model as a Hugging Face folder
// that transformers, vLLM or lm-evaluation-harness load (model/hf_checkpoint.h).
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/exec/run_dir.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/model_io.h"
#include "harness/model/safetensors.h"
#include "harness/store/store.h"
#include "harness/text/model_text.h"
#include "harness/train/base_model_source.h"

namespace tb::cli {
namespace {

const char* kHelp = R"(usage: tunebench export-model RUN --to DIR [--dtype float32|bfloat16] [--adapter] [--out DIR]

Writes run RUN's tuned model (adapters merged into the weights) as a Hugging Face folder:
config.json, model.safetensors (sharded past 5 GB, with model.safetensors.index.json),
generation_config.json and the tokenizer files of the run's tokenizer folder.
DIR must not exist; it appears complete or not at all.

  RUN            a run key or a unique prefix of one (see `tunebench runs`)
  --to DIR       the folder to write
  --dtype T      float32 (default) or bfloat16
  --adapter      the run's adapter as a PEFT adapter folder instead (adapter_config.json,
                 adapter_model.safetensors; PeftModel.from_pretrained loads it on the base
                 checkpoint named in base_model_name_or_path): lora (and rsLoRA), dora, eva,
                 and pissa converted as PEFT converts it, to a LoRA of twice the rank on the
                 unmodified base; ia3; prompt_tuning. Runs on a Hugging Face checkpoint
                 without a base_model.adapter only
  --out DIR      the results folder holding tunebench.sqlite and runs/ (default: results)

The byte tokenizer of tunebench's synthetic models has no tokenizer.json: such exports hold
the model only (token ids are bytes 0-255, then BOS 256, EOS 257, PAD 258).
)";

nlohmann::json token_ids_of(const Tokenizer& tok) {
  const SpecialTokenIds& s = tok.special();
  nlohmann::json ids = {{"eos_token_id", s.eos}, {"pad_token_id", s.pad}};
  if (s.bos) ids["bos_token_id"] = *s.bos;
  return ids;
}

// The run's PEFT adapter (written by the worker before merging) with the base checkpoint's
// folder as base_model_name_or_path.
void export_adapter(const RunRecord& run, const std::filesystem::path& run_dir, const nlohmann::json& base_model,
                    const std::filesystem::path& to) {
  const auto folder = run_files::peft_adapter(run_dir);
  if (!std::filesystem::exists(folder))
    throw UserError("run " + run.key + " (" + run.method + ") has no PEFT adapter: adapters are written for lora, "
                    "dora, pissa, eva, ia3 and prompt_tuning runs");
  if (!is_checkpoint_base(base_model))
    throw UserError("run " + run.key + " tuned tunebench's synthetic base model, which transformers cannot load; "
                    "export the merged model (without --adapter)");
  if (base_model.contains("adapter"))
    throw UserError("run " + run.key + " tuned " + base_model.at("checkpoint").at("path").get<std::string>() +
                    " with the adapter " + base_model.at("adapter").at("path").get<std::string>() +
                    " merged in; PEFT has no base for its adapter to name: export the merged model (without --adapter)");
  PeftAdapter adapter{nlohmann::json::parse(read_file(folder / "adapter_config.json")),
                      load_safetensors(folder / "adapter_model.safetensors").tensors};
  adapter.config["base_model_name_or_path"] = base_model.at("checkpoint").at("path");
  save_peft_adapter(adapter, to);
}

}  // namespace

int export_model_command(const Args& args_in) {
  Args args = args_in;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", to, dtype = "float32";
  take_flag(args, "--out", out);
  take_flag(args, "--to", to);
  take_flag(args, "--dtype", dtype);
  const bool adapter = take_switch(args, "--adapter");
  reject_unknown_flags(args, "export-model");
  if (args.size() != 1 || to.empty()) throw UserError("give one run and --to DIR (see tunebench export-model --help)");
  if (dtype != "float32" && dtype != "bfloat16") throw UserError("--dtype: expected float32 or bfloat16, got " + dtype);
  const auto store = open_existing_store(out);
  const std::vector<RunRecord> runs = store->runs();
  const RunRecord& run = find_run(runs, args[0]);
  const auto run_dir = std::filesystem::path(out) / "runs" / run.key;
  const auto model_file = run_files::model(run_dir);
  if (run.status != "done" || !std::filesystem::exists(model_file))
    throw UserError("run " + run.key + " is " + run.status + " and has no tuned model to export");
  const auto base_model = nlohmann::json::parse(run.config_json).at("base_model");
  if (adapter) {
    export_adapter(run, run_dir, base_model, to);
    std::cout << "wrote " << to << " (PEFT adapter of run " << run.key << ", " << run.variant << ")\n";
    return 0;
  }
  const ModelText text(base_model);
  HfExportOptions options;
  options.torch_dtype = dtype;
  options.token_ids = token_ids_of(text.tokenizer());
  if (base_model.contains("tokenizer")) options.tokenizer_folder = base_model.at("tokenizer").at("path").get<std::string>();
  LlamaForCausalLM model = load_model(model_file);
  save_hf_model(model, to, options);
  std::cout << "wrote " << to << " (run " << run.key << ", " << run.variant << ", " << dtype << ")\n";
  return 0;
}

}  // namespace tb::cli
