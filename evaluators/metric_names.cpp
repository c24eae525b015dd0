#include "evaluators/metric_names.h"

#include <sstream>

namespace tb {

std::string sliced_metric_name(const std::string& metric, const Slices& slices) {
  std::string out = metric;
  for (size_t i = 0; i < slices.size(); ++i) {
    out += (i == 0 ? "@" : ",") + slices[i].first + "=" + slices[i].second;
  }
  return out;
}

SlicedMetric parse_metric_name(const std::string& name) {
  const size_t at = name.find('@');
  if (at == std::string::npos) return {name, {}};
  SlicedMetric out{name.substr(0, at), {}};
  std::stringstream rest(name.substr(at + 1));
  std::string part;
  while (std::getline(rest, part, ',')) {
    const size_t eq = part.find('=');
    out.slices.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
  }
  return out;
}

std::string item_metric(const std::string& suite, const std::string& item_id) {
  if (suite == "task_accuracy") return "accuracy";  // its ids are the prompts themselves
  if (suite == "forgetting" && item_id.rfind("seq-", 0) == 0) return "held_out_ce";
  const size_t slash = item_id.find('/');
  if (slash == std::string::npos) return "accuracy";
  return (suite == "forgetting" ? "control_" : "") + item_id.substr(0, slash) + "_accuracy";
}

std::string slice_value(double value) {
  std::ostringstream s;
  s.precision(6);
  s << value;
  return s.str();
}

}  // namespace tb
