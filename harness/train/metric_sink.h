// Where training writes what it measures: (step, name, value), steps counting from 1.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace tb {

using MetricSink = std::function<void(int64_t step, const std::string& name, double value)>;

}  // namespace tb
