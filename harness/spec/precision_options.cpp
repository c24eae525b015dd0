#include "harness/spec/precision_options.h"

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"

namespace tb {

void check_training_precision(const std::vector<MethodEntry>& entries, const nlohmann::json& training,
                              const JsonLocation& at) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& values = entries[i].values;
    const std::string method = values.at("method").get<std::string>();
    if (method != "lift") continue;
    for (const auto& cell : expand_sweeps(values, method_entry_schema(method))) {
      const bool in_entry = cell.contains("dtype");
      if ((in_entry ? cell.at("dtype") : training.at("dtype")) != "bf16") continue;
      (in_entry ? at.key("methods").index(i) : at.key("training"))
          .key("dtype")
          .fail("LIFT folds its updates into the frozen weights, which bf16 would store rounded: train LIFT in fp32");
    }
  }
}

}  // namespace tb
