// tunebench export-model: a finished run's tuned (merged) model as a Hugging Face folder
// that transformers, vLLM or lm-evaluation-harness load (model/hf_checkpoint.h).
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/exec/run_dir.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/model_io.h"
#include "harness/store/store.h"
#include "harness/text/model_text.h"
#include "harness/train/base_model_source.h"

namespace tb::cli {
namespace {

const char* kHelp = R"(usage: tunebench export-model RUN --to DIR [--dtype float32|bfloat16] [--out DIR]

Writes run RUN's tuned model (adapters merged into the weights) as a Hugging Face folder:
config.json, model.safetensors (sharded past 5 GB, with model.safetensors.index.json),
generation_config.json and the tokenizer files of the run's tokenizer folder.
DIR must not exist; it appears complete or not at all.

  RUN            a run key or a unique prefix of one (see `tunebench runs`)
  --to DIR       the folder to write
  --dtype T      float32 (default) or bfloat16
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
  reject_unknown_flags(args, "export-model");
  if (args.size() != 1 || to.empty()) throw UserError("give one run and --to DIR (see tunebench export-model --help)");
  if (dtype != "float32" && dtype != "bfloat16") throw UserError("--dtype: expected float32 or bfloat16, got " + dtype);
  const auto store = open_existing_store(out);
  const std::vector<RunRecord> runs = store->runs();
  const RunRecord& run = find_run(runs, args[0]);
  const auto model_file = run_files::model(std::filesystem::path(out) / "runs" / run.key);
  if (run.status != "done" || !std::filesystem::exists(model_file))
    throw UserError("run " + run.key + " is " + run.status + " and has no tuned model to export");
  const auto base_model = nlohmann::json::parse(run.config_json).at("base_model");
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
