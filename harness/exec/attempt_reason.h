// Why an attempt at a run ended without a result, in words for the store and the
// terminal: the worker's own report (failure.json), else how its job ended (a limit, a
// signal, the scheduler's verdict) and the tail of its log.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/exec/pool.h"

namespace tb {

// `execution` is the spec's validated execution section (its limits are quoted).
std::string attempt_reason(const std::filesystem::path& dir, const Attempt& a, const nlohmann::json& execution);

// The failure reason of a worker that ended without a result: its own words if it wrote
// them, else how it ended and the tail of its log.
std::string failure_reason(const std::filesystem::path& dir, const ChildExit& exit);

// What the worker of a run reported before its coordinator vanished ("" if nothing).
std::string worker_report(const std::filesystem::path& dir);

}  // namespace tb
