#include "harness/exec/metric_log.h"

namespace tb {

MetricLog::MetricLog(const std::filesystem::path& path) : path_(path), out_(path, std::ios::app) {}

void MetricLog::add(int64_t step, const std::string& name, double value) {
  out_ << nlohmann::json{{"step", step}, {"name", name}, {"value", value}}.dump() << "\n";
  out_.flush();
  points.push_back({name, step, value});
}

nlohmann::json MetricLog::to_json() const {
  auto out = nlohmann::json::array();
  for (const auto& p : points) out.push_back({p.step, p.name, p.value});
  return out;
}

void MetricLog::restore(const nlohmann::json& saved) {
  out_.close();
  out_.open(path_, std::ios::trunc);
  points.clear();
  for (const auto& p : saved) add(p.at(0).get<int64_t>(), p.at(1).get<std::string>(), p.at(2).get<double>());
}

}  // namespace tb
