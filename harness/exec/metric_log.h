// A run's metric log: appended to metrics.jsonl (flushed per line, so `status` can follow
// a run) and kept in memory for result.json.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/store/run_result.h"

namespace tb {

class MetricLog {
 public:
  explicit MetricLog(const std::filesystem::path& path);
  void add(int64_t step, const std::string& name, double value);
  nlohmann::json to_json() const;
  // Starts the log again from what a checkpoint saved (to_json()'s form).
  void restore(const nlohmann::json& saved);

  std::vector<MetricPoint> points;

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace tb
