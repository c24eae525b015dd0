#include "harness/spec/spec.h"

#include <algorithm>

#include "evaluators/registry.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/data/task.h"
#include "harness/model/llama_config.h"
#include "harness/spec/grid.h"
#include "harness/spec/overrides.h"
#include "harness/train/pretrain_options.h"
#include "harness/train/training_options.h"
#include "methods/registry.h"

namespace tb {
namespace {

const std::vector<std::string> kTopLevelKeys = {"name",    "base_model", "task",       "training",
                                                "methods", "seeds",      "evaluation", "execution"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string location_of_parse_error(const std::string& text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

const nlohmann::json& required(const nlohmann::json& doc, const std::string& key, const JsonLocation& at,
                               const std::string& what) {
  if (!doc.contains(key)) at.key(key).fail("missing required key (" + what + ")");
  return doc.at(key);
}

nlohmann::json parse_base_model(const nlohmann::json& section, const JsonLocation& at) {
  if (!section.is_object()) at.fail("expected an object with \"architecture\" and \"pretraining\"");
  for (const auto& [key, value] : section.items()) {
    if (key != "architecture" && key != "pretraining" && key[0] != '_') {
      at.key(key).fail("unknown key; expected one of: architecture, pretraining");
    }
  }
  nlohmann::json arch = validate_object(section.value("architecture", nlohmann::json::object()),
                                        llama_config_schema(), at.key("architecture"));
  check_llama_config(LlamaConfig::from_json(arch), at.key("architecture"));
  nlohmann::json pre = validate_object(section.value("pretraining", nlohmann::json::object()),
                                       pretrain_schema(), at.key("pretraining"));
  if (pre.at("seq_len").get<int64_t>() > arch.at("max_position_embeddings").get<int64_t>()) {
    at.key("pretraining").key("seq_len").fail("must be <= architecture.max_position_embeddings (" +
                                              arch.at("max_position_embeddings").dump() + ")");
  }
  return {{"architecture", arch}, {"pretraining", pre}};
}

nlohmann::json parse_task(const nlohmann::json& section, const JsonLocation& at, int64_t max_positions) {
  if (!section.is_object()) at.fail("expected an object such as {\"name\": \"reverse\"}");
  const auto& name = required(section, "name", at, "the task to fine-tune on");
  std::string known;
  for (const auto& t : all_tasks()) known += (known.empty() ? "" : ", ") + t.name;
  if (!name.is_string()) at.key("name").fail("expected a string naming a task (" + known + ")");
  const TaskInfo* info = find_task(name.get<std::string>());
  if (info == nullptr) at.key("name").fail("unknown task \"" + name.get<std::string>() + "\"; known tasks: " + known);
  nlohmann::json out = validate_object(section, info->options, at, {"name"});
  info->check(out, at);
  out["name"] = name;
  if (info->max_tokens(out) > max_positions) {
    at.fail("items of up to " + std::to_string(info->max_tokens(out)) +
            " tokens do not fit the model's max_position_embeddings (" + std::to_string(max_positions) + ")");
  }
  return out;
}

MethodEntry parse_method_entry(const nlohmann::json& entry, const JsonLocation& at, const LlamaConfig& model) {
  if (!entry.is_object()) at.fail("expected an object such as {\"method\": \"lora\", \"rank\": 8}");
  const auto& name = required(entry, "method", at, "one of: " + method_names());
  if (!name.is_string()) at.key("method").fail("expected a string, one of: " + method_names());
  const MethodInfo* info = find_method(name.get<std::string>());
  if (info == nullptr) {
    at.key("method").fail("unknown method \"" + name.get<std::string>() + "\"; known methods: " + method_names());
  }
  const Schema entry_schema = method_entry_schema(info->name);
  for (const auto& [key, value] : entry.items()) {
    const bool known = key == "method" || key[0] == '_' ||
                       std::any_of(entry_schema.begin(), entry_schema.end(), [&](const Field& f) { return f.name == key; });
    if (!known) at.key(key).fail("unknown key; expected one of: " + field_names(entry_schema));
  }
  std::vector<std::string> training_keys = {"method"};
  for (const Field& f : training_schema()) {
    if (f.sweepable) training_keys.push_back(f.name);
  }
  MethodEntry out;
  out.values = validate_object(entry, info->hyperparameters, at, training_keys);
  for (const Field& f : training_schema()) {
    if (f.sweepable && entry.contains(f.name)) out.values[f.name] = validate_field(entry.at(f.name), f, at.key(f.name));
  }
  for (const auto& [key, value] : entry.items()) {
    if (key != "method" && key[0] != '_') out.given.push_back(key);
  }
  out.values["method"] = name;
  if (info->check != nullptr) {
    for (const auto& combo : expand_sweeps(out.values, entry_schema)) {
      info->check(combo, model, at);
    }
  }
  return out;
}

nlohmann::json parse_evaluation(const nlohmann::json& section, const JsonLocation& at, const LlamaConfig& model) {
  std::string known;
  for (const auto& e : all_evaluators()) known += (known.empty() ? "" : ", ") + e.name;
  if (!section.is_object() || section.empty()) {
    at.fail("expected an object naming at least one suite with its options, e.g. {\"task_accuracy\": {}}; suites: " + known);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, options] : section.items()) {
    if (name[0] == '_') continue;
    const EvaluatorInfo* info = find_evaluator(name);
    if (info == nullptr) at.key(name).fail("unknown evaluation suite; known suites: " + known);
    out[name] = validate_object(options, info->options, at.key(name));
    if (info->check != nullptr) info->check(out[name], model, at.key(name));
  }
  return out;
}

}  // namespace

Spec parse_spec(const nlohmann::json& doc, const std::string& file) {
  const JsonLocation top(file);
  if (!doc.is_object()) top.fail("expected a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key[0] == '_') continue;
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) == kTopLevelKeys.end()) {
      top.key(key).fail("unknown key; expected one of: " + joined(kTopLevelKeys));
    }
  }
  Spec spec;
  spec.file = file;
  spec.document = doc;
  const auto& name = required(doc, "name", top, "a name for the sweep");
  if (!name.is_string() || name.get<std::string>().empty()) top.key("name").fail("expected a non-empty string");
  spec.name = name.get<std::string>();

  spec.base_model = parse_base_model(doc.value("base_model", nlohmann::json::object()), top.key("base_model"));
  const LlamaConfig model = LlamaConfig::from_json(spec.base_model.at("architecture"));
  spec.task = parse_task(required(doc, "task", top, "the fine-tuning task"), top.key("task"),
                         model.max_position_embeddings);
  spec.training = validate_object(doc.value("training", nlohmann::json::object()), training_schema(), top.key("training"));
  for (const Field& f : training_schema()) {
    if (is_sweep(spec.training.at(f.name), f)) {
      top.key("training").key(f.name).fail("sweeps go inside a method entry (methods[i]." + f.name + "), not in training");
    }
  }

  const auto& methods = required(doc, "methods", top, "a list of method entries");
  if (!methods.is_array() || methods.empty()) top.key("methods").fail("expected a non-empty list of method entries");
  for (size_t i = 0; i < methods.size(); ++i) {
    spec.methods.push_back(parse_method_entry(methods[i], top.key("methods").index(i), model));
  }

  const auto& seeds = required(doc, "seeds", top, "a list of integer seeds");
  if (!seeds.is_array() || seeds.empty()) top.key("seeds").fail("expected a non-empty list of integer seeds");
  const Field seed_field{.name = "seed", .type = FieldType::kInt, .min = 0};
  for (size_t i = 0; i < seeds.size(); ++i) {
    spec.seeds.push_back(validate_value(seeds[i], seed_field, top.key("seeds").index(i)).get<int64_t>());
  }
  spec.evaluation = parse_evaluation(required(doc, "evaluation", top, "the evaluation suites"), top.key("evaluation"), model);

  const Schema execution_schema = {
      {.name = "threads", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 256,
       .help = "intra-op threads per worker process"},
  };
  spec.threads = validate_object(doc.value("execution", nlohmann::json::object()), execution_schema,
                                 top.key("execution")).at("threads").get<int64_t>();
  return spec;
}

Spec load_spec(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  if (!std::filesystem::exists(file)) {
    throw UserError(file.string() + ": spec file not found (give the path to an experiment JSON, e.g. experiments/quickstart.json)");
  }
  const std::string text = read_file(file);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(file.string() + ": invalid JSON at " + location_of_parse_error(text, e.byte) + ": " + e.what());
  }
  for (const auto& o : overrides) apply_override(doc, o);
  return parse_spec(doc, file.string());
}

}  // namespace tb
