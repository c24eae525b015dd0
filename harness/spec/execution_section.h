// The spec's `execution` section: how runs execute (threads, workers, limits, attempts,
// checkpoints, backend) and `execution.slurm`, the sbatch options of the Slurm backend.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/spec/schema.h"

namespace tb {

const Schema& execution_schema();
// execution.slurm: sbatch options for `backend: "slurm"` (see harness/exec/slurm_launcher.h).
const Schema& slurm_schema();
// The section with defaults filled in, `slurm` included; UserError with the JSON path.
nlohmann::json parse_execution(const nlohmann::json& section, const JsonLocation& where);

}  // namespace tb
