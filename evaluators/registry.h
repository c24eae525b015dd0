// Name -> evaluation suite, as used in specs and in the store. Free of LibTorch.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/llama_config.h"
#include "harness/spec/schema.h"
#include "harness/text/tokenizer.h"

namespace tb {

class Evaluator;  // evaluators/evaluator.h

struct EvaluatorInfo {
  std::string name;
  std::string summary;
  Schema options;
  // Rules that need the model shape (e.g. a context length) or the tokenizer (lengths in its
  // tokens); may be null.
  void (*check)(const nlohmann::json& options, const LlamaConfig& model, const Tokenizer& tok,
                const JsonLocation& where);
  std::unique_ptr<Evaluator> (*make)(const nlohmann::json& options);
};

const std::vector<EvaluatorInfo>& all_evaluators();
const EvaluatorInfo* find_evaluator(const std::string& name);

}  // namespace tb
