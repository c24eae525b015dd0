#include "harness/spec/stages.h"

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"
#include "methods/registry.h"

namespace tb {
namespace {

const Schema& stage_schema() {
  static const Schema schema = {
      {.name = "steps", .type = FieldType::kInt, .min = 1, .max = kMaxSteps,
       .help = "this stage's optimiser steps; absent: training.steps", .omit_when_absent = true},
      {.name = "lr_scale", .type = FieldType::kNumber, .min = 0,
       .help = "multiplies the method's learning rate in this stage; absent: 1", .omit_when_absent = true},
  };
  return schema;
}

}  // namespace

nlohmann::json parse_stages(const nlohmann::json& section, const JsonLocation& at,
                            const std::function<nlohmann::json(const nlohmann::json&, const JsonLocation&)>& parse_task) {
  if (!section.is_array() || section.size() < 2)
    at.fail("expected a list of at least two stages, each {\"task\": {...}, \"steps\": N, \"lr_scale\": x}");
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < section.size(); ++i) {
    const JsonLocation where = at.index(i);
    nlohmann::json stage = validate_object(section[i], stage_schema(), where, {"task"});
    if (!section[i].contains("task")) where.key("task").fail("missing: the task this stage trains on");
    stage["task"] = parse_task(section[i].at("task"), where.key("task"));
    out.push_back(std::move(stage));
  }
  return out;
}

namespace {

// One cell's value of a training key: the method entry's, else the training section's.
nlohmann::json cell_value(const nlohmann::json& cell, const nlohmann::json& training, const std::string& key) {
  return cell.contains(key) ? cell.at(key) : training.value(key, nlohmann::json());
}

void check_staged_cell(const MethodInfo& info, const nlohmann::json& cell, const nlohmann::json& training,
                       const JsonLocation& at) {
  const std::string between = cell_value(cell, training, "between_stages").get<std::string>();
  if (!info.keeps_base_parameters && between != "continue")
    at.key("between_stages").fail(info.name + "'s merged model has parameters the base model lacks, so it cannot "
                                  "start afresh on it at the next stage; give \"continue\"");
  if (info.needs_verifier != nullptr && info.needs_verifier(cell) && between != "restart")
    at.key("between_stages").fail(info.name + " takes its prompts and rewards from each stage's task; it restarts");
  if (info.name == "o_lora" && between != "restart")
    at.key("between_stages").fail("o_lora starts a new adapter at every stage; it takes no \"continue\"");
  if (cell_value(cell, training, "masked_thought_rate").get<double>() > 0)
    at.key("masked_thought_rate").fail("Masked Thought does not run in specs with stages yet");
}

}  // namespace

void check_stage_options(const std::vector<MethodEntry>& entries, const nlohmann::json& training, bool staged,
                         const JsonLocation& at) {
  if (!staged && training.at("replay").get<double>() > 0)
    at.key("training").key("replay").fail("applies to specs with stages only");
  if (!staged && training.at("between_stages").get<std::string>() != "restart")
    at.key("training").key("between_stages").fail("applies to specs with stages only");
  const JsonLocation methods = at.key("methods");
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& values = entries[i].values;
    const MethodInfo* info = find_method(values.at("method").get<std::string>());
    if (!staged) {
      for (const char* key : {"replay", "between_stages"}) {
        if (values.contains(key)) methods.index(i).key(key).fail("applies to specs with stages only");
      }
      continue;
    }
    if (info->posthoc())
      methods.index(i).key("method").fail(info->name + " combines finished runs; it does not run in specs with stages yet");
    for (const auto& cell : expand_sweeps(values, method_entry_schema(info->name)))
      check_staged_cell(*info, cell, training, methods.index(i));
  }
}

bool is_continual(const nlohmann::json& config) { return config.contains("stages"); }

nlohmann::json stage_config(const nlohmann::json& config, size_t stage) {
  nlohmann::json c = config;
  const nlohmann::json& s = config.at("stages").at(stage);
  c["task"] = s.at("task");
  if (s.contains("steps")) c["training"]["steps"] = s.at("steps");
  c["training"]["lr"] = c.at("training").at("lr").get<double>() * s.value("lr_scale", 1.0);
  c.erase("stages");
  return c;
}

int64_t total_training_steps(const nlohmann::json& config) {
  if (!config.contains("training")) return 0;
  const int64_t steps = config.at("training").at("steps").get<int64_t>();
  if (!is_continual(config)) return steps;
  int64_t total = 0;
  for (const auto& s : config.at("stages")) total += s.value("steps", steps);
  return total;
}

}  // namespace tb
