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

std::string slice_value(double value) {
  std::ostringstream s;
  s.precision(6);
  s << value;
  return s.str();
}

}  // namespace tb
