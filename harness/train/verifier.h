// Verifiable rewards: 1 when an output answers a task item, else 0. It is the reward of GRPO
// and RFT and the rejection test behind DPO pairs built from a task. For reverse,
// kv_retrieval, addition and JSON Lines tasks it is task_accuracy's rule (the output, up to its stop
// token, against the expected output after the task's answer_match rule, which for GSM8K
// items extracts the final number as lm-evaluation-harness does); for
// chain_arithmetic the final value (the whole output for direct answers, what follows the
// last "so " for chain of thought), as the reasoning suite scores chains.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/data/task.h"
#include "harness/text/tokenizer.h"

namespace tb {

using Verifier = std::function<double(const TaskItem& item, const std::string& output)>;

// Empty when the task of a validated task section has a verifier; else why it has none.
std::string why_no_verifier(const nlohmann::json& task_section);

// The verifier of the task (call why_no_verifier first); `data` gives the answer normaliser.
Verifier make_verifier(const nlohmann::json& task_section, const TaskData& data, const Tokenizer& tok);

}  // namespace tb
