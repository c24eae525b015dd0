#include "harness/exec/launcher_choice.h"

#include "harness/common/check.h"
#include "harness/exec/local_launcher.h"
#include "harness/exec/slurm_job_state.h"

namespace tb {

SlurmOptions slurm_options(const nlohmann::json& execution, const std::filesystem::path& out_dir,
                           const std::string& sweep_name) {
  const nlohmann::json slurm = execution.value("slurm", nlohmann::json::object());
  SlurmOptions o;
  o.partition = slurm.value("partition", "");
  o.account = slurm.value("account", "");
  o.qos = slurm.value("qos", "");
  o.gpus = slurm.value("gpus", "");
  if (o.gpus.empty() && execution.value("device", "cpu") == "cuda")
    o.gpus = std::to_string(execution.value("gpus_per_run", int64_t(1)));
  o.time = slurm.value("time", "");
  const double timeout = execution.at("timeout_seconds").get<double>();
  if (o.time.empty() && timeout > 0) o.time = slurm_minutes(timeout);
  o.mem = slurm.value("mem", "");
  const int64_t memory_mb = execution.at("memory_limit_mb").get<int64_t>();
  if (o.mem.empty() && memory_mb > 0) o.mem = std::to_string(memory_mb) + "M";
  o.cpus_per_task = slurm.value("cpus_per_task", int64_t(0));
  if (o.cpus_per_task <= 0) o.cpus_per_task = execution.at("threads").get<int64_t>();
  o.array_parallelism = slurm.value("array_parallelism", int64_t(0));
  o.extra_args = slurm.value("extra_args", std::vector<std::string>{});
  o.job_name = "tunebench-" + sweep_name;
  o.scripts_dir = out_dir / "slurm";
  o.lost_after_seconds = execution.at("stale_after_seconds").get<double>();
  return o;
}

std::unique_ptr<Launcher> make_launcher(const nlohmann::json& execution, const std::filesystem::path& out_dir,
                                        const std::string& sweep_name) {
  if (execution.value("backend", "local") != "slurm") return std::make_unique<LocalLauncher>();
  const std::string why = slurm_unavailable_reason();
  if (!why.empty())
    throw UserError("execution.backend is \"slurm\" but Slurm does not answer on this machine: " + why +
                    " (tools/slurm_cluster.sh start runs a one-node cluster here)");
  return std::make_unique<SlurmLauncher>(slurm_options(execution, out_dir, sweep_name));
}

}  // namespace tb
