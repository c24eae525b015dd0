// Name -> method, as used in specs and in the store. Free of LibTorch so that spec
// validation can check hyperparameters without pulling in the model.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/llama_config.h"
#include "harness/spec/schema.h"

namespace tb {

class Method;  // methods/method.h

struct MethodInfo {
  std::string name;
  std::string summary;
  Schema hyperparameters;
  // Rules that need the model shape (e.g. rank <= min(in, out)); may be null.
  void (*check)(const nlohmann::json& hyperparameters, const LlamaConfig& model,
                const JsonLocation& where);
  std::unique_ptr<Method> (*make)(const nlohmann::json& hyperparameters);
};

const std::vector<MethodInfo>& all_methods();
const MethodInfo* find_method(const std::string& name);
std::string method_names();  // "full_ft, lora" for messages

}  // namespace tb
