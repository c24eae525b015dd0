// The launcher a sweep's spec asks for (execution.backend): local child processes, or
// Slurm jobs with the options of execution.slurm, whose limits default to the spec's own
// (timeout_seconds in whole minutes, memory_limit_mb, threads per task).
#pragma once
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/exec/launcher.h"
#include "harness/exec/slurm_launcher.h"

namespace tb {

// `execution` is the spec's validated execution section. Throws UserError when it asks for
// Slurm and `sinfo` does not answer on this machine.
std::unique_ptr<Launcher> make_launcher(const nlohmann::json& execution, const std::filesystem::path& out_dir,
                                        const std::string& sweep_name);

SlurmOptions slurm_options(const nlohmann::json& execution, const std::filesystem::path& out_dir,
                           const std::string& sweep_name);

}  // namespace tb
