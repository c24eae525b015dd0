#include "harness/spec/execution_section.h"

#include "harness/exec/slurm_job_state.h"

namespace tb {

bool is_device_name(const std::string& name) {
  if (name == "cpu" || name == "cuda" || name == "auto") return true;
  return name.size() > 5 && name.rfind("cuda:", 0) == 0 && name.size() <= 8 &&
         name.find_first_not_of("0123456789", 5) == std::string::npos;
}

bool gives_each_run_gpus(const nlohmann::json& execution) {
  const std::string device = execution.value("device", "cpu");
  return device == "cuda" || device == "auto";
}

const Schema& execution_schema() {
  static const Schema schema = {
      {.name = "threads", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 256,
       .help = "intra-op threads per worker process"},
      {.name = "workers", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = 1024,
       .help = "worker processes at once; 0: the core count divided by threads (run --workers overrides)"},
      {.name = "timeout_seconds", .type = FieldType::kNumber, .default_value = 0, .min = 0,
       .help = "wall-time limit per attempt of a run; 0: none"},
      {.name = "memory_limit_mb", .type = FieldType::kInt, .default_value = 0, .min = 0,
       .max = 16777216,
       .help = "resident-memory limit per worker process in MiB (at most 16 TiB); 0: none"},
      {.name = "max_attempts", .type = FieldType::kInt, .default_value = 3, .min = 1, .max = 100,
       .help = "attempts per run for failures that may pass (killed by a signal, crashed, timeout, stale)"},
      {.name = "checkpoint_every", .type = FieldType::kInt, .default_value = 0, .min = 0,
       .max = kMaxSteps,
       .help = "steps between checkpoints inside a run; 0: only when stopped by Ctrl-C"},
      {.name = "stale_after_seconds", .type = FieldType::kNumber, .default_value = 60, .min = 5,
       .help = "a run whose coordinator sent no heartbeat for this long is stale and runs again"},
      {.name = "backend", .type = FieldType::kString, .default_value = "local", .choices = {"local", "slurm"},
       .help = "where runs execute: local child processes, or Slurm batch jobs (run --backend overrides)"},
      {.name = "device", .type = FieldType::kString, .default_value = "cpu",
       .help = "where each run's models train and evaluate: cpu, cuda (each run its own GPUs: the local pool "
               "hands them out through CUDA_VISIBLE_DEVICES, Slurm jobs ask for them), cuda:N (every run on GPU N), "
               "or auto (GPUs when the machine has them, else cpu)"},
      {.name = "gpus_per_run", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 64,
       .help = "with device cuda or auto: GPUs each run is given (an 8-GPU node runs 8 one-GPU runs at once)"},
  };
  return schema;
}

const Schema& slurm_schema() {
  static const Schema schema = {
      {.name = "partition", .type = FieldType::kString, .default_value = "", .help = "sbatch --partition; \"\": the cluster's default"},
      {.name = "account", .type = FieldType::kString, .default_value = "", .help = "sbatch --account"},
      {.name = "qos", .type = FieldType::kString, .default_value = "", .help = "sbatch --qos"},
      {.name = "time", .type = FieldType::kString, .default_value = "",
       .help = "sbatch --time per run (\"M\", \"H:M:S\", \"D-H:M\", ...); \"\": execution.timeout_seconds in whole minutes, else the partition's"},
      {.name = "mem", .type = FieldType::kString, .default_value = "",
       .help = "sbatch --mem per run (\"4G\"); \"\": execution.memory_limit_mb, else the partition's"},
      {.name = "cpus_per_task", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = 1024,
       .help = "sbatch --cpus-per-task; 0: execution.threads"},
      {.name = "gpus", .type = FieldType::kString, .default_value = "", .help = "sbatch --gpus per run (\"1\", \"a100:1\")"},
      {.name = "array_parallelism", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = 1000000,
       .help = "runs of one job array running at once (sbatch --array=...%N); 0: as many as the cluster allows"},
      {.name = "extra_args", .type = FieldType::kStringList,
       .help = "further sbatch arguments, each one word (\"--constraint=avx2\")", .omit_when_absent = true},
  };
  return schema;
}

nlohmann::json parse_execution(const nlohmann::json& section, const JsonLocation& where) {
  // execution.slurm is checked whatever the backend, so that `run --backend local` of a
  // Slurm spec works and `--backend slurm` of a local one finds its options valid.
  nlohmann::json execution = validate_object(section, execution_schema(), where, {"slurm"});
  nlohmann::json slurm =
      validate_object(section.is_object() ? section.value("slurm", nlohmann::json::object()) : nlohmann::json::object(),
                      slurm_schema(), where.key("slurm"));
  if (!slurm.at("time").get<std::string>().empty() && !is_slurm_time(slurm.at("time").get<std::string>()))
    where.key("slurm").key("time").fail("expected a Slurm time limit: \"M\", \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\" or \"D-H:M:S\"");
  if (!slurm.at("mem").get<std::string>().empty() && !is_slurm_memory(slurm.at("mem").get<std::string>()))
    where.key("slurm").key("mem").fail("expected a memory size: digits with an optional unit K, M, G or T (\"4G\")");
  if (!is_device_name(execution.at("device").get<std::string>()))
    where.key("device").fail("expected cpu, cuda, cuda:N (N a GPU index) or auto");
  execution["slurm"] = slurm;
  return execution;
}

}  // namespace tb
