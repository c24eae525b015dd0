// The spec's `execution` section: how runs execute (threads, workers, limits, attempts,
// checkpoints, backend, device and GPUs per run) and `execution.slurm`, the sbatch options of the Slurm backend.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/spec/schema.h"

namespace tb {

const Schema& execution_schema();
// execution.slurm: sbatch options for `backend: "slurm"` (see harness/exec/slurm_launcher.h).
const Schema& slurm_schema();
// The section with defaults filled in, `slurm` included; UserError with the JSON path.
nlohmann::json parse_execution(const nlohmann::json& section, const JsonLocation& where);

// cpu, cuda, cuda:N or auto.
bool is_device_name(const std::string& name);
// Whether each run is given GPUs of its own (device cuda or auto): the local pool hands out
// gpus_per_run of the machine's GPUs per run, a Slurm job asks for them.
bool gives_each_run_gpus(const nlohmann::json& execution);

}  // namespace tb
