#include "harness/spec/spec.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "evaluators/registry.h"
#include "harness/analysis/fit_request.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/json_text.h"
#include "harness/common/strings.h"
#include "harness/data/pretrain_mixture.h"
#include "harness/data/task.h"
#include "harness/model/checkpoint_identity.h"
#include "harness/model/hf_config.h"
#include "harness/model/llama_config.h"
#include "harness/model/peft_adapter_merge.h"
#include "harness/spec/context_extension_options.h"
#include "harness/spec/precision_options.h"
#include "harness/spec/evaluation_section.h"
#include "harness/spec/execution_section.h"
#include "harness/spec/grid.h"
#include "harness/spec/overrides.h"
#include "harness/spec/stages.h"
#include "harness/text/model_text.h"
#include "harness/train/pretrain_options.h"
#include "harness/train/training_options.h"
#include "harness/train/verifier.h"
#include "methods/registry.h"

namespace tb {
namespace {

const std::vector<std::string> kTopLevelKeys = {"name",  "base_model", "task",     "stages", "training", "methods",
                                                "seeds", "evaluation", "spectral", "fits",   "execution"};

const Schema& spectral_schema() {
  static const Schema schema = {
      {.name = "enabled",
       .type = FieldType::kBool,
       .default_value = true,
       .help = "analyse the spectra of the weight matrices each run changed "
               "(harness/analysis/spectral.h)"},
      {.name = "intruder_k",
       .type = FieldType::kInt,
       .default_value = 10,
       .min = 1,
       .max = 1000,
       .help = "top singular vectors of a tuned matrix examined for intruder dimensions"},
      {.name = "intruder_epsilon",
       .type = FieldType::kNumber,
       .default_value = 0.5,
       .min = 0,
       .min_exclusive = true,
       .max = 1,
       .help =
           "a singular vector is an intruder when its best |cosine| with the base's is below this"},
  };
  return schema;
}

// A sweep's name is shown on terminals and names its report folder (reports/<name>/), so
// it is plain text that cannot be a path: 1 to kMaxSweepNameLength printable ASCII
// characters (letters, digits, space, punctuation) without / or \ (not "." or ".."), and
// no space at either end.
std::string parse_sweep_name(const nlohmann::json& name, const JsonLocation& at) {
  const std::string rule =
      "expected a sweep name of 1 to " + std::to_string(kMaxSweepNameLength) +
      " printable ASCII characters (letters, digits, spaces, punctuation) without / or \\, "
      "not \".\" or \"..\" and without a space at either end";
  if (!name.is_string()) at.fail(rule + ", got " + describe_json(name));
  const std::string text = name.get<std::string>();
  const bool printable =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (text.empty() || text.size() > kMaxSweepNameLength || !printable ||
      text.find_first_of("/\\") != std::string::npos || text == "." || text == ".." ||
      text.front() == ' ' || text.back() == ' ') {
    at.fail(rule + ", got " + describe_json(name));
  }
  return text;
}

const nlohmann::json& required(const nlohmann::json& doc, const std::string& key, const JsonLocation& at,
                               const std::string& what) {
  if (!doc.contains(key)) at.key(key).fail("missing required key (" + what + ")");
  return doc.at(key);
}

// base_model.tokenizer: a Hugging Face tokenizer folder, stored as {"path", "sha256"}.
nlohmann::json parse_tokenizer(const nlohmann::json& value, const JsonLocation& at) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    at.fail("expected a folder holding tokenizer.json (relative to the spec's folder), got " + describe_json(value));
  }
  try {
    return resolve_tokenizer_entry(value.get<std::string>(), std::filesystem::path(at.file()).parent_path());
  } catch (const UserError& e) {
    at.fail(e.what());
  }
}

// The architecture's vocab_size: the tokenizer's, unless the spec asks for more rows.
void fit_vocabulary(nlohmann::json& arch, const nlohmann::json& given, const ModelText& text, const JsonLocation& at) {
  const int64_t needed = text.tokenizer().vocab_size();
  if (!given.is_object() || !given.contains("vocab_size")) {
    arch["vocab_size"] = needed;
  } else if (arch.at("vocab_size").get<int64_t>() < needed) {
    at.key("vocab_size").fail("the tokenizer has ids up to " + std::to_string(needed - 1) + ": expected at least " +
                              std::to_string(needed) + " (or leave vocab_size out)");
  }
}

// A folder named by section[key], relative to the spec's folder.
std::filesystem::path folder_entry(const nlohmann::json& section, const char* key, const JsonLocation& at,
                                   const std::string& expected) {
  const auto& value = section.at(key);
  if (!value.is_string() || value.get<std::string>().empty())
    at.key(key).fail("expected " + expected + " (relative to the spec's folder), got " + describe_json(value));
  return std::filesystem::absolute(std::filesystem::path(at.file()).parent_path() / value.get<std::string>())
      .lexically_normal();
}

// base_model.adapter: a PEFT adapter folder merged into the checkpoint's weights.
nlohmann::json parse_peft_adapter(const nlohmann::json& section, const LlamaConfig& config, const JsonLocation& at) {
  const auto folder = folder_entry(section, "adapter", at, "a PEFT adapter folder (adapter_config.json)");
  try {
    const std::string type = check_peft_adapter(folder, config);
    return {{"path", folder.string()}, {"sha256", peft_adapter_identity(folder)}, {"peft_type", type}};
  } catch (const UserError& e) {
    at.key("adapter").fail(e.what());
  }
}

// base_model.path: a Hugging Face model folder. Its config becomes the architecture and
// its content hash the identity ({"checkpoint": {"path", "sha256"}}); its tokenizer files,
// when it has them, are the default tokenizer.
nlohmann::json parse_checkpoint(const nlohmann::json& section, const JsonLocation& at, nlohmann::json& text_section) {
  for (const char* synthetic : {"architecture", "pretraining"}) {
    if (section.contains(synthetic))
      at.key(synthetic).fail("not with base_model.path: the checkpoint's config.json gives the model");
  }
  const auto folder = folder_entry(section, "path", at, "a Hugging Face model folder");
  std::optional<LlamaConfig> config;
  nlohmann::json out;
  try {
    config = read_hf_config(folder);
    out = {{"checkpoint", {{"path", folder.string()}, {"sha256", checkpoint_identity(folder)}}},
           {"architecture", config->to_json()}};
    if (!section.contains("tokenizer") && std::filesystem::exists(folder / "tokenizer.json"))
      text_section["tokenizer"] = resolve_tokenizer_entry(folder.string(), "");
  } catch (const UserError& e) {
    at.key("path").fail(e.what());
  }
  if (section.contains("adapter")) out["adapter"] = parse_peft_adapter(section, *config, at);
  return out;
}

// The checkpoint's embedding rows must cover the tokenizer's ids.
void check_checkpoint_vocabulary(const nlohmann::json& arch, const ModelText& text, const JsonLocation& at) {
  const int64_t needed = text.tokenizer().vocab_size(), rows = arch.at("vocab_size").get<int64_t>();
  if (rows < needed) {
    at.fail("the checkpoint's vocab_size " + std::to_string(rows) + " is smaller than the tokenizer's " +
            std::to_string(needed) + " ids (give the model's own tokenizer as base_model.tokenizer)");
  }
}

nlohmann::json parse_base_model(const nlohmann::json& section, const JsonLocation& at) {
  if (!section.is_object()) at.fail("expected an object with \"architecture\" and \"pretraining\", or \"path\"");
  for (const auto& [key, value] : section.items()) {
    if (key != "architecture" && key != "pretraining" && key != "tokenizer" && key != "chat_template" &&
        key != "path" && key != "adapter" && key[0] != '_') {
      at.key(key).fail("unknown key; expected one of: path, adapter, architecture, pretraining, tokenizer, chat_template");
    }
  }
  if (section.contains("adapter") && !section.contains("path"))
    at.key("adapter").fail("needs base_model.path: a PEFT adapter applies to the Hugging Face checkpoint it was trained on");
  nlohmann::json text_section = nlohmann::json::object();
  if (section.contains("tokenizer")) text_section["tokenizer"] = parse_tokenizer(section.at("tokenizer"), at.key("tokenizer"));
  nlohmann::json checkpoint;
  if (section.contains("path")) checkpoint = parse_checkpoint(section, at, text_section);
  if (section.contains("chat_template")) {
    const auto& source = section.at("chat_template");
    if (!source.is_string()) at.key("chat_template").fail("expected a Jinja template string, got " + describe_json(source));
    if (!text_section.contains("tokenizer")) {
      at.key("chat_template").fail("needs base_model.tokenizer: the byte tokenizer has no special tokens a "
                                   "template could write, so replies would never end");
    }
    try {
      ChatTemplate(source.get<std::string>(), "base_model.chat_template");
    } catch (const UserError& e) {
      at.key("chat_template").fail(e.what());
    }
    text_section["chat_template"] = source;
  }
  std::optional<ModelText> text;
  try {
    text.emplace(text_section);
  } catch (const UserError& e) {
    at.key("tokenizer").fail(e.what());
  }
  if (!checkpoint.is_null()) {
    check_checkpoint_vocabulary(checkpoint.at("architecture"), *text, at.key("path"));
    checkpoint.update(text_section);
    return checkpoint;
  }
  const nlohmann::json given_arch = section.value("architecture", nlohmann::json::object());
  nlohmann::json arch = validate_object(given_arch, llama_config_schema(), at.key("architecture"));
  if (section.contains("tokenizer")) fit_vocabulary(arch, given_arch, *text, at.key("architecture"));
  check_llama_config(LlamaConfig::from_json(arch), at.key("architecture"));
  nlohmann::json pre = validate_object(section.value("pretraining", nlohmann::json::object()),
                                       pretrain_schema(), at.key("pretraining"));
  if (pre.at("seq_len").get<int64_t>() > arch.at("max_position_embeddings").get<int64_t>()) {
    at.key("pretraining").key("seq_len").fail("must be <= architecture.max_position_embeddings (" +
                                              arch.at("max_position_embeddings").dump() + ")");
  }
  double weight_sum = 0;
  for (const char* w : {"prose_weight", "copy_weight", "arithmetic_weight", "reversed_arithmetic_weight",
                        "chain_weight", "long_context_weight", "repeat_weight"})
    weight_sum += pre.at(w).get<double>();
  if (weight_sum <= 0) at.key("pretraining").fail("the mixture weights (*_weight) must not all be 0");
  // The generator's version is part of the base model's identity (and so of every run key):
  // runs on text generated by another version are not "the same run".
  nlohmann::json out = {{"architecture", arch}, {"pretraining", pre}, {"mixture_version", kPretrainMixtureVersion}};
  out.update(text_section);
  return out;
}

// long_documents continues pretraining: the mixture weights it leaves out are the base
// model's pretraining weights (the mixture's defaults for a checkpoint), written into the
// task so that the run config records the data it trains on.
void fill_base_mixture(nlohmann::json& task, const nlohmann::json& base_model) {
  if (task.at("name") != "long_documents") return;
  for (const Field& f : mixture_weight_schema()) {
    if (task.contains(f.name)) continue;
    task[f.name] = base_model.contains("pretraining") ? base_model.at("pretraining").at(f.name) : f.default_value;
  }
}

nlohmann::json parse_task(const nlohmann::json& section, const JsonLocation& at, int64_t max_positions,
                          const ModelText& text, const nlohmann::json& base_model) {
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
  fill_base_mixture(out, base_model);
  const int64_t item_tokens = info->max_tokens(out);
  if (item_tokens > max_positions) {
    at.fail("items of up to " + std::to_string(item_tokens) +
            " tokens do not fit the model's max_position_embeddings (" +
            std::to_string(max_positions) + ")");
  }
  const int64_t items = out.at("train_items").get<int64_t>() + out.at("eval_items").get<int64_t>();
  if (items * item_tokens > kMaxTaskTokens) {
    at.fail(std::to_string(items) + " items of up to " + std::to_string(item_tokens) +
            " tokens; expected at most " + std::to_string(kMaxTaskTokens) +
            " tokens in all (lower train_items or the item length)");
  }
  try {  // cheap, and it catches an item space too small for the requested sizes before any run
    info->make(out, text)->data(out.at("train_items").get<int64_t>(), out.at("eval_items").get<int64_t>(), 0, 0);
  } catch (const UserError& e) {
    at.fail(e.what());
  }
  return out;
}

// A method entry's label: 1 to 100 printable ASCII characters, no space at either end (it is
// typed back on command lines: `compare`, `regress --map`, `report --method`).
std::string parse_label(const nlohmann::json& value, const JsonLocation& at) {
  const auto printable = [](char c) { return c >= 0x20 && c < 0x7f; };
  if (!value.is_string()) at.fail("expected a string naming this entry's variants in tables and commands");
  const std::string label = value.get<std::string>();
  if (label.empty() || label.size() > 100 || !std::all_of(label.begin(), label.end(), printable) ||
      label.front() == ' ' || label.back() == ' ') {
    at.fail("expected 1 to 100 printable ASCII characters without a space at either end");
  }
  return label;
}

// "trainable_params": a whole number from 1 to 10^12, for a method that has a budget knob the
// entry does not also set.
int64_t parse_budget(const nlohmann::json& entry, const MethodInfo& info, const JsonLocation& at) {
  const JsonLocation where = at.key("trainable_params");
  if (info.budget_knob == nullptr) {
    where.fail(info.name + " has no rank or density to size to a budget; methods that take one: " +
               budget_method_names());
  }
  if (entry.contains(info.budget_knob)) {
    where.fail("give either " + std::string(info.budget_knob) + " or trainable_params, not both");
  }
  const nlohmann::json& value = entry.at("trainable_params");
  if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1000000000000) {
    where.fail("expected a whole number of parameters from 1 to 10^12 (one budget per entry)");
  }
  return value.get<int64_t>();
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
    const bool known = key == "method" || key == "id" || key == "label" || key == "trainable_params" ||
                       (key == "of" && info->posthoc()) || key[0] == '_' ||
                       std::any_of(entry_schema.begin(), entry_schema.end(), [&](const Field& f) { return f.name == key; });
    if (!known) {
      at.key(key).fail("unknown key; expected one of: " + field_names(entry_schema) +
                       (info->posthoc() ? ", id, label, of" : ", id, label") +
                       (info->posthoc() ? " (a post-hoc method trains nothing: no training options)" : ""));
    }
  }
  if (info->posthoc() && !entry.contains("of")) {
    at.key("of").fail("missing required key (the id, or the method name, of the entry or entries whose runs " +
                      info->name + " combines)");
  }
  std::vector<std::string> extra_keys = {"method", "id", "label", "trainable_params", "of"};
  for (const Field& f : training_schema()) {
    if (f.sweepable && !info->posthoc()) extra_keys.push_back(f.name);
  }
  MethodEntry out;
  out.values = validate_object(entry, info->hyperparameters, at, extra_keys);
  out.values.erase("id");
  out.values.erase("label");
  out.values.erase("trainable_params");
  out.values.erase("of");
  for (const Field& f : training_schema()) {
    if (f.sweepable && entry.contains(f.name)) out.values[f.name] = validate_field(entry.at(f.name), f, at.key(f.name));
  }
  if (entry.contains("id")) {
    if (!entry.at("id").is_string() || entry.at("id").get<std::string>().empty())
      at.key("id").fail("expected a non-empty string naming this entry");
    out.id = entry.at("id").get<std::string>();
  }
  if (entry.contains("label")) out.label = parse_label(entry.at("label"), at.key("label"));
  if (entry.contains("trainable_params")) out.trainable_params = parse_budget(entry, *info, at);
  out.values["method"] = name;
  if (info->check != nullptr) {
    for (const auto& combo : expand_sweeps(out.values, entry_schema)) {
      info->check(combo, model, at);
    }
  }
  return out;
}

// Resolves each post-hoc entry's "of" to the entries it names (by id, or by method when
// exactly one entry has that method) and checks that they can be parents.
void resolve_parent_entries(std::vector<MethodEntry>& entries, const nlohmann::json& methods, const JsonLocation& at) {
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!entries[i].id.empty() && entries[i].id == entries[j].id)
        at.index(i).key("id").fail("\"" + entries[i].id + "\" is already the id of methods[" + std::to_string(j) + "]");
    }
  }
  auto method_of = [&](size_t i) { return entries[i].values.at("method").get<std::string>(); };
  for (size_t i = 0; i < entries.size(); ++i) {
    const MethodInfo* info = find_method(method_of(i));
    if (!info->posthoc()) continue;
    const JsonLocation where = at.index(i).key("of");
    const nlohmann::json& of = methods[i].at("of");
    std::vector<std::string> names;
    if (of.is_string()) {
      names.push_back(of.get<std::string>());
    } else if (of.is_array() && !of.empty() && std::all_of(of.begin(), of.end(), [](const auto& v) { return v.is_string(); })) {
      for (const auto& v : of) names.push_back(v.get<std::string>());
    } else {
      where.fail("expected an entry's id or method name, or a non-empty list of them");
    }
    int64_t runs_per_seed = 0;
    for (const std::string& wanted : names) {
      std::vector<size_t> matches;
      for (size_t j = 0; j < entries.size(); ++j) {
        if (entries[j].id == wanted) matches = {j};
      }
      if (matches.empty()) {
        for (size_t j = 0; j < entries.size(); ++j) {
          if (entries[j].id.empty() && method_of(j) == wanted) matches.push_back(j);
        }
      }
      if (matches.empty()) where.fail("no method entry has the id or method \"" + wanted + "\"");
      if (matches.size() > 1)
        where.fail("several method entries are \"" + wanted + "\"; give the one you mean an \"id\" and name that");
      const size_t j = matches[0];
      const MethodInfo* parent = find_method(method_of(j));
      if (parent->posthoc()) where.fail("\"" + wanted + "\" is a post-hoc entry; parents must be trained entries");
      if (!parent->keeps_base_parameters)
        where.fail("\"" + wanted + "\" (" + parent->name + ") leaves parameters the base model does not have "
                   "(prompt embeddings or biases), so " + info->name + " cannot combine its runs with the base model");
      if (std::find(entries[i].of.begin(), entries[i].of.end(), j) != entries[i].of.end())
        where.fail("\"" + wanted + "\" is named twice");
      entries[i].of.push_back(j);
      runs_per_seed += int64_t(expand_sweeps(entries[j].values, method_entry_schema(parent->name)).size());
    }
    if (info->parents == ParentGrouping::kPerSeed && runs_per_seed < info->min_parents) {
      where.fail(info->name + " combines the runs of one seed, and these entries have " + std::to_string(runs_per_seed) +
                 " per seed; it needs at least " + std::to_string(info->min_parents) +
                 " (give an entry a sweep, e.g. \"lr\": [5e-4, 1e-3, 2e-3], or name more entries)");
    }
  }
}

// On-policy and preference methods take their reward from the task's verifier.
void check_verifiers(const std::vector<MethodEntry>& entries, const nlohmann::json& task, const JsonLocation& at) {
  const std::string why = why_no_verifier(task);
  if (why.empty()) return;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string name = entries[i].values.at("method").get<std::string>();
    const auto needs = find_method(name)->needs_verifier;
    if (needs != nullptr && needs(entries[i].values)) {
      at.index(i).key("method").fail(name + " needs a task whose answers can be checked, and " + why);
    }
  }
}

// Methods that select on validation items (greedy soups) need the task to have that many
// items beyond its training and test items.
void check_validation_items(const std::vector<MethodEntry>& entries, const nlohmann::json& task,
                            const ModelText& text, const JsonLocation& at) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const MethodInfo* info = find_method(entries[i].values.at("method").get<std::string>());
    if (info->validation_items == nullptr) continue;
    int64_t most = 0;
    for (const auto& combo : expand_sweeps(entries[i].values, method_entry_schema(info->name))) {
      most = std::max(most, info->validation_items(combo));
    }
    if (most == 0) continue;
    try {
      make_task(task, text)->data(task.at("train_items").get<int64_t>(), task.at("eval_items").get<int64_t>(), 0,
                                  most);
    } catch (const UserError& e) {
      at.index(i).key("validation_items").fail(e.what());
    }
  }
}

const Schema& fit_schema() {
  static const Schema schema = {
      {.name = "law",
       .type = FieldType::kString,
       .help = "a built-in law (power_law, chinchilla, multiplicative, additive, forgetting) or a "
               "formula"},
      {.name = "y",
       .type = FieldType::kString,
       .help = "the source of the fitted quantity, e.g. eval:forgetting/tuned/kl_from_base"},
      {.name = "method",
       .type = FieldType::kString,
       .default_value = "",
       .help = "fit only this method's runs"},
      {.name = "holdout_largest",
       .type = FieldType::kString,
       .default_value = "",
       .help = "a variable: fit without the points at its largest value, report extrapolation "
               "error on them"},
      {.name = "by",
       .type = FieldType::kString,
       .default_value = "",
       .choices = {"", "method"},
       .help = "\"method\": fit every method's runs jointly, with shared and with separate "
               "exponents, and test whether the exponents differ"},
      {.name = "shared",
       .type = FieldType::kStringList,
       .default_value = nlohmann::json::array(),
       .help = "with by: the parameters common to all methods (default: every exponent)"},
      {.name = "bootstrap",
       .type = FieldType::kInt,
       .default_value = 4000,
       .min = 0,
       .max = 1000000,
       .help = "bootstrap resamples for intervals"},
      {.name = "seed",
       .type = FieldType::kInt,
       .default_value = 0,
       .min = 0,
       .help = "bootstrap seed"},
  };
  return schema;
}

// "fits": scaling laws fitted to the sweep's runs when it ends (fit_request.h).
nlohmann::json parse_fits(const nlohmann::json& fits, const JsonLocation& at,
                          const std::string& sweep, const std::vector<MethodEntry>& methods) {
  if (!fits.is_array())
    at.fail("expected a list of fits, each {\"law\", \"x\": {VAR: SOURCE}, \"y\"}");
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < fits.size(); ++i) {
    const JsonLocation where = at.index(i);
    nlohmann::json fit = validate_object(fits[i], fit_schema(), where, {"x"});
    const auto& x =
        required(fits[i], "x", where, "an object mapping each variable of the law to a source");
    if (!x.is_object() || x.empty())
      where.key("x").fail("expected an object such as {\"P\": \"trainable_params\"}");
    for (const auto& [var, source] : x.items()) {
      if (!source.is_string())
        where.key("x").key(var).fail("expected a source string, e.g. param:training.steps");
    }
    fit["x"] = x;
    const FitRequest request = spec_fit_request(fit, sweep);
    if (!request.method.empty() &&
        std::none_of(methods.begin(), methods.end(), [&](const MethodEntry& m) {
          return m.values.at("method") == request.method;
        })) {
      where.key("method").fail("no method entry of this spec is \"" + request.method + "\"");
    }
    try {
      check_fit_request(request);
    } catch (const UserError& e) {
      where.fail(e.what());
    }
    out.push_back(fit);
  }
  return out;
}

// `task`, or `stages` (harness/spec/stages.h), whose last task becomes the spec's task.
void parse_tasks(const nlohmann::json& doc, const JsonLocation& top, int64_t max_positions, const ModelText& text,
                 Spec& spec) {
  auto one_task = [&](const nlohmann::json& section, const JsonLocation& at) {
    return parse_task(section, at, max_positions, text, spec.base_model);
  };
  if (!doc.contains("stages")) {
    spec.task = one_task(required(doc, "task", top, "the fine-tuning task (or stages: a sequence of tasks)"),
                         top.key("task"));
    return;
  }
  if (doc.contains("task"))
    top.key("task").fail("a spec with stages gives each stage's task there (stages[i].task), not a task");
  spec.stages = parse_stages(doc.at("stages"), top.key("stages"), one_task);
  spec.task = spec.stages.back().at("task");
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
  spec.name = parse_sweep_name(required(doc, "name", top, "a name for the sweep"), top.key("name"));

  spec.base_model = parse_base_model(doc.value("base_model", nlohmann::json::object()), top.key("base_model"));
  LlamaConfig model = LlamaConfig::from_json(spec.base_model.at("architecture"));
  // Sliding-window attention is exact only within the window: lengths are checked against it.
  if (model.sliding_window > 0)
    model.max_position_embeddings = std::min(model.max_position_embeddings, model.sliding_window);
  const ModelText text(spec.base_model);
  parse_tasks(doc, top, model.max_position_embeddings, text, spec);
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
  resolve_parent_entries(spec.methods, methods, top.key("methods"));
  check_stage_options(spec.methods, spec.training, !spec.stages.empty(), top);
  check_context_extension(spec.methods, spec.training, spec.base_model, !spec.stages.empty(), top);
  check_training_precision(spec.methods, spec.training, top);
  check_validation_items(spec.methods, spec.task, text, top.key("methods"));
  if (spec.stages.empty()) check_verifiers(spec.methods, spec.task, top.key("methods"));
  for (size_t i = 0; i < spec.stages.size(); ++i)
    check_verifiers(spec.methods, spec.stages[i].at("task"), top.key("methods"));

  const auto& seeds = required(doc, "seeds", top, "a list of integer seeds");
  if (!seeds.is_array() || seeds.empty()) top.key("seeds").fail("expected a non-empty list of integer seeds");
  const Field seed_field{.name = "seed", .type = FieldType::kInt, .min = 0};
  for (size_t i = 0; i < seeds.size(); ++i) {
    spec.seeds.push_back(validate_value(seeds[i], seed_field, top.key("seeds").index(i)).get<int64_t>());
  }
  const nlohmann::json& evaluation = required(doc, "evaluation", top, "the evaluation suites");
  spec.evaluation = parse_evaluation(evaluation, top.key("evaluation"), model, text.tokenizer());
  spec.evaluation_during =
      parse_evaluation_during(evaluation, top.key("evaluation"), spec.evaluation, model, text.tokenizer());
  if (!spec.stages.empty() && !spec.evaluation_during.is_null())
    top.key("evaluation").key("every").fail("is not for specs with stages: their runs are evaluated after each stage");
  if (spec.base_model.contains("checkpoint") && spec.evaluation.contains("forgetting") &&
      !spec.evaluation.at("forgetting").contains("heldout_file")) {
    top.key("evaluation").key("forgetting").fail(
        "needs heldout_file with a checkpoint base model: its pretraining text is not tunebench's synthetic "
        "mixture, so forgetting is measured on held-out text you give (JSON Lines {\"text\"} or plain text)");
  }
  if (!spec.stages.empty() && !spec.evaluation.contains("task_accuracy"))
    top.key("evaluation").fail("a spec with stages needs task_accuracy: it scores every stage's task after each stage");
  spec.fits = parse_fits(doc.value("fits", nlohmann::json::array()), top.key("fits"), spec.name,
                         spec.methods);
  spec.spectral = validate_object(doc.value("spectral", nlohmann::json::object()),
                                  spectral_schema(), top.key("spectral"));

  spec.execution = parse_execution(doc.value("execution", nlohmann::json::object()), top.key("execution"));
  spec.threads = spec.execution.at("threads").get<int64_t>();
  return spec;
}

std::vector<std::pair<std::string, const Schema*>> spec_schemas() {
  std::vector<std::pair<std::string, const Schema*>> out = {
      {"base_model.architecture", &llama_config_schema()},
      {"base_model.pretraining", &pretrain_schema()},
      {"training", &training_schema()},
      {"spectral", &spectral_schema()},
      {"fits[]", &fit_schema()},
      {"execution", &execution_schema()},
      {"execution.slurm", &slurm_schema()}};
  for (const auto& t : all_tasks()) out.emplace_back("task (" + t.name + ")", &t.options);
  for (const auto& m : all_methods())
    out.emplace_back("methods[] (" + m.name + ")", &m.hyperparameters);
  for (const auto& e : all_evaluators()) out.emplace_back("evaluation." + e.name, &e.options);
  return out;
}

Spec load_spec(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  if (!std::filesystem::exists(file)) {
    throw UserError(file.string() + ": spec file not found (give the path to an experiment JSON, e.g. experiments/quickstart.json)");
  }
  nlohmann::json doc = parse_json_text(read_file(file), file.string());
  for (const auto& o : overrides) apply_override(doc, o);
  return parse_spec(doc, file.string());
}

}  // namespace tb
