// The run directory: everything one run reads and writes, so that it can also be
// executed on another host and ingested later.
//   job.json         what to do (written by the coordinator before the worker starts)
//   log.txt          the worker's stdout and stderr
//   metrics.jsonl    {"step", "name", "value"} lines, appended while training
//   model.safetensors  the tuned, merged model
//   method.json      what the method decided while running (EVA's ranks, HFT's draw, ...)
//   peft_adapter/    the trained adapter in PEFT's format, for methods PEFT has one for
//                    (adapter_config.json, adapter_model.safetensors)
//   result.json      the RunResult, written atomically last: its presence means "done"
//   failure.json     {"reason"} when the worker caught a failure
//   checkpoint.pt    training state every `checkpoint_every` steps and when stopped by a
//                    signal; a new attempt continues from it; removed once result.json exists
//   stage-<i>.pt     continual runs: the state after stage i, which stage i+1 starts from; the
//                    latest only; removed once result.json exists
//   evaluation-step-<N>.json  evaluation during training after step N (run_key, step, seconds,
//                    evals, items), written when taken; a resumed attempt keeps it; removed
//                    once result.json exists
//   heartbeat        touched by the worker every few seconds while it runs
//   exit_status      the worker's exit code, written by a Slurm job's script after it ends
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace tb::run_files {

inline std::filesystem::path job(const std::filesystem::path& d) { return d / "job.json"; }
inline std::filesystem::path log(const std::filesystem::path& d) { return d / "log.txt"; }
inline std::filesystem::path metrics(const std::filesystem::path& d) { return d / "metrics.jsonl"; }
inline std::filesystem::path model(const std::filesystem::path& d) {
  return d / "model.safetensors";
}
inline std::filesystem::path method_details(const std::filesystem::path& d) {
  return d / "method.json";
}
inline std::filesystem::path peft_adapter(const std::filesystem::path& d) { return d / "peft_adapter"; }
inline std::filesystem::path result(const std::filesystem::path& d) { return d / "result.json"; }
inline std::filesystem::path failure(const std::filesystem::path& d) { return d / "failure.json"; }
inline std::filesystem::path heartbeat(const std::filesystem::path& d) { return d / "heartbeat"; }
inline std::filesystem::path exit_status(const std::filesystem::path& d) { return d / "exit_status"; }
inline std::filesystem::path checkpoint(const std::filesystem::path& d) { return d / "checkpoint.pt"; }
inline std::filesystem::path step_evaluation(const std::filesystem::path& d, int64_t step) {
  return d / ("evaluation-step-" + std::to_string(step) + ".json");
}
inline std::filesystem::path stage_checkpoint(const std::filesystem::path& d, size_t stage) {
  return d / ("stage-" + std::to_string(stage) + ".pt");
}

}  // namespace tb::run_files
