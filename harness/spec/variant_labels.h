// The labels a sweep gives its method variants, as tables, legends, `runs` and the commands
// that take a variant (`compare`, `regress --map`, `report --method`, `export --method`)
// print and accept them. A variant is labelled by its entry's "label" or by its method name,
// followed by only the settings that differ within the sweep: "lora r=8 lr=5e-3", not every
// value the entry set. Labels belong to the sweep (the store keeps them per sweep).
#pragma once
#include <cstddef>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace tb {

// What tells one trained variant from another: its method's hyperparameters and its training
// options, each as short text.
struct VariantSettings {
  size_t entry = 0;  // index of the method entry it comes from
  std::string method;
  std::map<std::string, std::string> values;  // key -> short text ("5e-3", "all", "q_proj,v_proj")
};

// One label per settings: the entry's label (when given) plus the settings that differ among
// that entry's variants, or else the method name plus the settings that differ among that
// method's variants in the sweep. `entry_labels[e]` is entry e's label, "" for none.
std::vector<std::string> variant_labels(const std::vector<VariantSettings>& variants,
                                        const std::vector<std::string>& entry_labels);

// A setting as short text: numbers in their shortest form (0.005 -> "5e-3", 8 -> "8"),
// strings as they are, lists joined with ','.
std::string setting_text(const nlohmann::json& value);

}  // namespace tb
