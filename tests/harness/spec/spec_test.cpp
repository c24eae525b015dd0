#include "harness/spec/spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/analysis/fit_request.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/spec/grid.h"
#include "methods/registry.h"
#include "tests/reference_tokenizers.h"
#include "tests/test_util.h"

namespace tb {
namespace {

using testing::small_spec;

std::string error_of(const nlohmann::json& doc) { return testing::spec_error(doc); }

TEST(Spec, AcceptsAValidSpecAndFillsDefaults) {
  const Spec spec = parse_spec(small_spec(), "spec.json");
  EXPECT_EQ(spec.name, "small");
  EXPECT_EQ(spec.seeds, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(spec.methods.size(), 2u);
  EXPECT_EQ(spec.training.at("lr").get<double>(), 1e-3);  // default
  EXPECT_EQ(spec.base_model.at("architecture").at("rope_theta").get<double>(), 10000.0);
  EXPECT_EQ(spec.methods[1].values.at("dropout").get<double>(), 0.0);
  EXPECT_EQ(spec.threads, 1);
}

TEST(Spec, ShippedExperimentsAreValid) {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TUNEBENCH_SOURCE_DIR) + "/experiments")) {
    if (entry.path().extension() != ".json") continue;  // data/ holds the experiments' files
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_spec(entry.path()));
  }
}

TEST(Spec, SweepNamesArePlainTextThatCannotBeAPath) {
  auto doc = small_spec();
  for (const std::string& name : std::vector<std::string>{
           "quickstart", "lr sweep (v2), 3 seeds", "a.b", "x..y", "-", std::string(100, 'n')}) {
    doc["name"] = name;
    EXPECT_EQ(error_of(doc), "") << name;
  }
  // A name is a report folder's name and is printed on terminals: no path, no control characters.
  for (const std::string& name : std::vector<std::string>{
           "", ".", "..", "../x", "a/b", "a\\b", "\x1b[2Jred", "tab\there", " lead", "trail ",
           "caf\xc3\xa9", "bad\xff", std::string(101, 'n')}) {
    doc["name"] = name;
    EXPECT_EQ(
        error_of(doc).rfind(
            "spec.json: name: expected a sweep name of 1 to 100 printable ASCII characters", 0),
        0u)
        << name << ": " << error_of(doc);
  }
  doc["name"] = 7;
  EXPECT_NE(error_of(doc).find("spec.json: name: expected a sweep name"), std::string::npos)
      << error_of(doc);
  EXPECT_NE(error_of(doc).find(", got 7"), std::string::npos) << error_of(doc);
}

TEST(Spec, UnknownKeysAreNamedWithTheirPath) {
  auto doc = small_spec();
  doc["trainig"] = nlohmann::json::object();
  EXPECT_EQ(error_of(doc).rfind("spec.json: trainig: unknown key; expected one of: name,", 0), 0u)
      << error_of(doc);

  doc = small_spec();
  doc["methods"][1]["rnak"] = 4;
  EXPECT_NE(
      error_of(doc).find("spec.json: methods[1].rnak: unknown key; expected one of: rank, alpha"),
      std::string::npos)
      << error_of(doc);

  doc = small_spec();
  doc["base_model"]["architecture"]["hidden"] = 4;
  EXPECT_NE(error_of(doc).find("base_model.architecture.hidden: unknown key"), std::string::npos);
}

TEST(Spec, WrongTypesSayWhatWasExpected) {
  auto doc = small_spec();
  doc["training"]["steps"] = "ten";
  EXPECT_EQ(error_of(doc),
            "spec.json: training.steps: expected an integer >= 1 and <= 1000000000, got \"ten\"");

  doc = small_spec();
  doc["training"]["lr"] = true;
  EXPECT_EQ(error_of(doc), "spec.json: training.lr: expected a number > 0, got true");

  doc = small_spec();
  doc["seeds"] = 3;
  EXPECT_EQ(error_of(doc), "spec.json: seeds: expected a non-empty list of integer seeds");

  doc = small_spec();
  doc["methods"][1]["target_modules"] = {"q_proj", 3};
  EXPECT_EQ(error_of(doc), "spec.json: methods[1].target_modules[1]: expected a string, got 3");
}

TEST(Spec, UnknownMethodTaskAndSuiteListTheKnownOnes) {
  auto doc = small_spec();
  doc["methods"][0]["method"] = "loar";
  EXPECT_EQ(
      error_of(doc),
      "spec.json: methods[0].method: unknown method \"loar\"; known methods: " + method_names());

  doc = small_spec();
  doc["task"]["name"] = "sort";
  EXPECT_NE(error_of(doc).find("task.name: unknown task \"sort\"; known tasks: reverse"),
            std::string::npos);

  doc = small_spec();
  doc["evaluation"]["mmlu"] = nlohmann::json::object();
  EXPECT_NE(
      error_of(doc).find(
          "evaluation.mmlu: unknown evaluation suite; known suites: task_accuracy, forgetting"),
      std::string::npos);
}

TEST(Spec, RangesAreChecked) {
  auto doc = small_spec();
  doc["methods"][1]["rank"] = -4;
  EXPECT_EQ(error_of(doc),
            "spec.json: methods[1].rank: expected an integer >= 1 and <= 16384, got -4");

  doc = small_spec();
  doc["methods"][1]["rank"] = {2, 0};
  EXPECT_EQ(error_of(doc),
            "spec.json: methods[1].rank[1]: expected an integer >= 1 and <= 16384, got 0");

  doc = small_spec();
  doc["methods"][1]["rank"] = 64;  // hidden_size 32: q_proj is 32 x 32
  EXPECT_NE(
      error_of(doc).find(
          "methods[1].rank: rank 64 exceeds min(out, in) = 32 of model.layers.0.self_attn.q_proj"),
      std::string::npos)
      << error_of(doc);

  doc = small_spec();
  doc["methods"][1]["dropout"] = 1.5;
  EXPECT_EQ(error_of(doc),
            "spec.json: methods[1].dropout: expected a number >= 0 and <= 0.99, got 1.5");

  doc = small_spec();
  doc["base_model"]["architecture"]["num_key_value_heads"] = 3;
  EXPECT_NE(error_of(doc).find("num_key_value_heads: must divide num_attention_heads (4)"),
            std::string::npos);

  doc = small_spec();
  doc["task"]["max_len"] = 40;  // 2*40 + 8 tokens > 64 positions
  EXPECT_NE(error_of(doc).find("do not fit the model's max_position_embeddings (64)"),
            std::string::npos);

  doc = small_spec();
  doc["evaluation"]["forgetting"]["seq_len"] = 65;
  EXPECT_NE(
      error_of(doc).find(
          "evaluation.forgetting.seq_len: must be <= the model's max_position_embeddings (64)"),
      std::string::npos);
}

TEST(Spec, ImpossibleRequestsAreCaughtBeforeAnythingRuns) {
  auto doc = small_spec();
  doc["task"] = {{"name", "reverse"}, {"min_len", 1}, {"max_len", 1}, {"train_items", 4000}};
  EXPECT_NE(error_of(doc).find("spec.json: task: the task has too few distinct items"),
            std::string::npos)
      << error_of(doc);

  doc = small_spec();
  for (const char* w : {"prose_weight", "copy_weight", "arithmetic_weight", "reversed_arithmetic_weight",
                        "chain_weight", "long_context_weight", "repeat_weight"})
    doc["base_model"]["pretraining"][w] = 0;
  EXPECT_NE(error_of(doc).find("base_model.pretraining: the mixture weights"), std::string::npos);

  doc = small_spec();
  doc["training"]["steps"] = 1e19;
  EXPECT_EQ(error_of(doc), "spec.json: training.steps: integer out of range, got 1e+19");
  doc = small_spec();
  doc["seeds"] = nlohmann::json::parse("[18446744073709551615]");
  EXPECT_EQ(error_of(doc), "spec.json: seeds[0]: integer out of range, got 18446744073709551615");

  doc = small_spec();
  doc[""] = 1;
  EXPECT_EQ(error_of(doc).rfind("spec.json: \"\": unknown key", 0), 0u) << error_of(doc);
}

TEST(Spec, SizesAreBoundedWithTheirPath) {
  auto doc = small_spec();
  doc["training"]["steps"] = nlohmann::json::parse("9223372036854775807");  // as read from a file
  EXPECT_EQ(error_of(doc),
            "spec.json: training.steps: expected an integer >= 1 and <= 1000000000, got "
            "9223372036854775807");

  doc = small_spec();
  doc["task"]["train_items"] = 2000000;
  EXPECT_EQ(error_of(doc),
            "spec.json: task.train_items: expected an integer >= 1 and <= 1000000, got 2000000");

  doc = small_spec();
  doc["base_model"]["architecture"]["hidden_size"] = 1000000;
  EXPECT_EQ(error_of(doc),
            "spec.json: base_model.architecture.hidden_size: expected an integer >= 8 and <= "
            "16384, got 1000000");

  // Each size within its limit, together far beyond what this build can train.
  doc = small_spec();
  doc["base_model"]["architecture"] = {
      {"hidden_size", 8192},       {"intermediate_size", 32768}, {"num_hidden_layers", 64},
      {"num_attention_heads", 64}, {"num_key_value_heads", 64},  {"max_position_embeddings", 64}};
  EXPECT_EQ(
      error_of(doc).rfind("spec.json: base_model.architecture: a model of 68724776960 parameters; "
                          "expected at most 1000000000 on this CPU build",
                          0),
      0u)
      << error_of(doc);

  doc = small_spec();
  doc["execution"]["memory_limit_mb"] = 1e13;  // in bytes beyond int64
  EXPECT_NE(
      error_of(doc).find("execution.memory_limit_mb: expected an integer >= 0 and <= 16777216"),
      std::string::npos)
      << error_of(doc);

  // Every item is generated at validation and by each worker: the total is bounded too.
  doc = small_spec();
  doc["base_model"]["architecture"]["max_position_embeddings"] = 1024;
  doc["task"] = {{"name", "kv_retrieval"},
                 {"min_length", 900},
                 {"max_length", 1000},
                 {"train_items", 1000000}};
  EXPECT_EQ(
      error_of(doc).rfind("spec.json: task: 1000200 items of up to 1007 tokens; expected at most "
                          "200000000 tokens in all",
                          0),
      0u)
      << error_of(doc);
}

// Seeds aside, no integer a spec gives is unbounded: each one costs time or memory.
TEST(Spec, EveryIntegerOptionHasAnUpperLimit) {
  for (const auto& [where, schema] : spec_schemas()) {
    for (const Field& f : *schema) {
      if ((f.type == FieldType::kInt || f.type == FieldType::kIntList) && f.name != "seed") {
        EXPECT_TRUE(f.max.has_value()) << where << ": " << f.name;
      }
    }
  }
}

TEST(Spec, SweepsOnlyWhereAllowed) {
  auto doc = small_spec();
  doc["training"]["lr"] = {1e-3, 1e-2};
  EXPECT_NE(error_of(doc).find("training.lr: sweeps go inside a method entry"), std::string::npos);

  doc = small_spec();
  doc["training"]["log_every"] = {5, 10};
  EXPECT_NE(error_of(doc).find("training.log_every: takes a single value, not a list"),
            std::string::npos);

  doc = small_spec();
  doc["methods"][0]["lr"] = {1e-3, 1e-2};  // training options can be swept per method
  EXPECT_EQ(error_of(doc), "");
}

TEST(Spec, MissingRequiredKeysAreNamed) {
  auto doc = small_spec();
  doc.erase("methods");
  EXPECT_EQ(error_of(doc), "spec.json: methods: missing required key (a list of method entries)");
  doc = small_spec();
  doc["methods"][0].erase("method");
  EXPECT_EQ(error_of(doc),
            "spec.json: methods[0].method: missing required key (one of: " + method_names() + ")");
}

TEST(Spec, FileErrors) {
  testing::ScratchDir dir("spec");
  try {
    load_spec(dir.path() / "missing.json");
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json: spec file not found"), std::string::npos);
  }
  const auto bad = dir.path() / "bad.json";
  std::ofstream(bad) << "{\n  \"name\": \"x\",\n  oops\n}";
  try {
    load_spec(bad);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: invalid JSON at line 3, column"),
              std::string::npos)
        << e.what();
  }
  // Well-formed JSON that still cannot be taken as written: a number beyond a double and
  // a key given twice (JSON libraries keep the last value without a word).
  std::string text = small_spec().dump(2);
  text.replace(text.find("\"steps\": 10"), 12, "\"steps\": 10,\n    \"lr\": 1e999");
  std::ofstream(bad) << text;
  try {
    load_spec(bad);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: invalid JSON at line "), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(
                  ": training.lr: the number 1e999 is out of range; expected a finite number"),
              std::string::npos)
        << e.what();
  }
  text = small_spec().dump(2);
  text.replace(text.find("\"steps\": 10"), 12, "\"steps\": 10,\n    \"steps\": 20");
  std::ofstream(bad) << text;
  try {
    load_spec(bad);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(": training.steps: duplicate key (first given at line "),
              std::string::npos)
        << e.what();
  }
}

TEST(Spec, OverridesApplyBeforeValidation) {
  testing::ScratchDir dir("spec");
  const auto file = dir.path() / "s.json";
  std::ofstream(file) << small_spec().dump();
  const Spec spec =
      load_spec(file, {"training.steps=3", "seeds=[5]", "methods[1].rank=2", "name=renamed"});
  EXPECT_EQ(spec.training.at("steps").get<int64_t>(), 3);
  EXPECT_EQ(spec.seeds, std::vector<int64_t>{5});
  EXPECT_EQ(spec.methods[1].values.at("rank").get<int64_t>(), 2);
  EXPECT_EQ(spec.name, "renamed");
  EXPECT_THROW(load_spec(file, {"methods[7].rank=2"}), UserError);
  EXPECT_THROW(load_spec(file, {"noequals"}), UserError);
  EXPECT_THROW(load_spec(file, {"methods[99999999999999999999].rank=1"}), UserError);
  try {
    load_spec(file, {"methods[1].rank=-1"});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "methods[1].rank: expected an integer >= 1 and <= 16384, got -1"),
              std::string::npos);
  }
  // Values are read as in a spec file, with the same message.
  auto override_error = [&](const std::string& o) {
    try {
      load_spec(file, {o});
      return std::string();
    } catch (const UserError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(override_error("training.lr=1e999"),
            "override \"training.lr=1e999\": invalid JSON at line 1, column 1: the number 1e999 is "
            "out of range; expected a finite number (at most about 1.8e308 in magnitude)");
  EXPECT_NE(override_error("seeds=[0,").find("override \"seeds=[0,\": invalid JSON at line 1"),
            std::string::npos)
      << override_error("seeds=[0,");
  EXPECT_NE(override_error(R"(methods[0]={"method": "full_ft", "method": "lora"})")
                .find(": method: duplicate key"),
            std::string::npos)
      << override_error(R"(methods[0]={"method": "full_ft", "method": "lora"})");
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Spec, FitsAreCheckedBeforeAnythingRuns) {
  auto with_fit = [](const std::string& fit_json) {
    auto doc = testing::small_spec();
    doc["fits"] = nlohmann::json::array({nlohmann::json::parse(fit_json)});
    return doc;
  };
  const Spec ok = parse_spec(
      with_fit(
          R"({"law": "forgetting", "method": "lora", "x": {"P": "trainable_params", "N": "param:training.steps"},
                   "y": "eval:forgetting/tuned/kl_from_base"})"),
      "spec.json");
  ASSERT_EQ(ok.fits.size(), 1u);
  EXPECT_EQ(ok.fits[0].at("bootstrap").get<int64_t>(), 4000);  // default
  EXPECT_EQ(ok.fits[0].at("x").at("N").get<std::string>(), "param:training.steps");
  const Spec joint = parse_spec(
      with_fit(R"({"law": "power_law", "x": {"x": "param:training.steps"}, "y": "eval:a/b/c", "by": "method"})"),
      "spec.json");
  EXPECT_EQ(spec_fit_request(joint.fits[0], "s").by, "method");
  EXPECT_TRUE(spec_fit_request(joint.fits[0], "s").shared.empty()) << "every exponent, by default";

  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"law": "forgetting", "x": {"P": "trainable_params"}, "y": "eval:a/b/c"})",
       "spec.json: fits[0]: the law E + A*P^a*N^b needs a source for its variable N"},
      {R"({"law": "E + A*", "x": {"x": "trainable_params"}, "y": "eval:a/b/c"})",
       "spec.json: fits[0]: law"},
      {R"({"law": "power_law", "x": {"x": "steps"}, "y": "eval:a/b/c"})",
       "spec.json: fits[0]: unknown source \"steps\""},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:a/b/c", "method": "dora"})",
       "spec.json: fits[0].method: no method entry of this spec is \"dora\""},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}})", "spec.json: fits[0].y: "},
      {R"({"law": "power_law", "x": {"x": 3}, "y": "eval:a/b/c"})",
       "spec.json: fits[0].x.x: expected a source string"},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:a/b/c", "holdout_largest": "N"})",
       "spec.json: fits[0]: cannot hold out the largest \"N\""},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:a/b/c", "by": "variant"})",
       "spec.json: fits[0].by: "},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:a/b/c", "by": "method",
           "shared": ["beta"]})",
       "spec.json: fits[0]: cannot share \"beta\""},
      {R"({"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:a/b/c", "shared": ["alpha"]})",
       "spec.json: fits[0]: shared parameters need groups"},
  };
  for (const auto& [fit, expected] : bad) {
    EXPECT_EQ(error_of(with_fit(fit)).rfind(expected, 0), 0u) << fit << "\n"
                                                              << error_of(with_fit(fit));
  }
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

namespace fs = std::filesystem;

// Files a spec names (tokenizer folders, data files): resolved against the spec's folder,
// checked at validation with the JSON path, and keyed by their contents.
nlohmann::json jsonl_spec() {
  nlohmann::json doc = testing::small_spec();
  doc["task"] = {{"name", "jsonl"}, {"train_file", "data/train.jsonl"}};
  return doc;
}

std::string error_at(const fs::path& spec_file, const nlohmann::json& doc) {
  try {
    parse_spec(doc, spec_file.string());
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(SpecFiles, DataFilesAreRelativeToTheSpecAndKeyedByContent) {
  testing::ScratchDir dir("spec-files");
  fs::create_directories(dir.path() / "data");
  std::string lines;
  for (int i = 0; i < 30; ++i) lines += "{\"prompt\": \"p" + std::to_string(i) + "=\", \"completion\": \"x\"}\n";
  write_file_atomically(dir.path() / "data" / "train.jsonl", lines);
  const Spec spec = parse_spec(jsonl_spec(), (dir.path() / "spec.json").string());
  EXPECT_EQ(spec.task.at("train_file").at("path"), (dir.path() / "data" / "train.jsonl").string());
  EXPECT_EQ(spec.task.at("train_file").at("sha256").get<std::string>().size(), 64u);
  EXPECT_FALSE(spec.task.contains("eval_file"));

  // The same contents elsewhere: the same run keys; other contents: other keys.
  fs::create_directories(dir.path() / "elsewhere" / "data");
  fs::copy_file(dir.path() / "data" / "train.jsonl", dir.path() / "elsewhere" / "data" / "train.jsonl");
  const Spec moved = parse_spec(jsonl_spec(), (dir.path() / "elsewhere" / "spec.json").string());
  EXPECT_EQ(expand_grid(spec)[0].key, expand_grid(moved)[0].key);
  write_file_atomically(dir.path() / "elsewhere" / "data" / "train.jsonl", lines + lines);
  const Spec edited = parse_spec(jsonl_spec(), (dir.path() / "elsewhere" / "spec.json").string());
  EXPECT_NE(expand_grid(spec)[0].key, expand_grid(edited)[0].key);
  EXPECT_NO_THROW(checked_file_path(spec.task.at("train_file"))) << "the original is unchanged";
  EXPECT_THROW(checked_file_path(moved.task.at("train_file")), UserError) << "edited since validated";
}

TEST(SpecFiles, MissingFilesAndBadLinesAreSpecErrors) {
  testing::ScratchDir dir("spec-files");
  const std::string missing = error_at(dir.path() / "spec.json", jsonl_spec());
  EXPECT_NE(missing.find("spec.json: task.train_file: no such file: "), std::string::npos) << missing;
  EXPECT_NE(missing.find("relative to the spec's folder"), std::string::npos) << missing;
  fs::create_directories(dir.path() / "data");
  write_file_atomically(dir.path() / "data" / "train.jsonl", "{\"prompt\": \"a\"}\n");
  const std::string bad = error_at(dir.path() / "spec.json", jsonl_spec());
  EXPECT_NE(bad.find("train.jsonl:1: completion: missing"), std::string::npos) << bad;
}

TEST(SpecFiles, ATokenizerResizesTheVocabularyAndAChatTemplateNeedsOne) {
  testing::ScratchDir dir("spec-files");
  nlohmann::json doc = testing::small_spec();
  doc["base_model"]["tokenizer"] = testing::reference_tokenizer_folder("llama2").string();
  const Spec spec = parse_spec(doc, (dir.path() / "spec.json").string());
  EXPECT_EQ(spec.base_model.at("architecture").at("vocab_size"), 32000);
  doc["base_model"]["architecture"]["vocab_size"] = 1000;
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("base_model.architecture.vocab_size: the tokenizer has ids up to 31999"),
            std::string::npos);
  nlohmann::json bytes = testing::small_spec();
  bytes["base_model"]["chat_template"] = "{{ messages }}";
  EXPECT_NE(error_at(dir.path() / "spec.json", bytes).find("base_model.chat_template: needs base_model.tokenizer"),
            std::string::npos);
  doc = testing::small_spec();
  doc["base_model"]["tokenizer"] = testing::reference_tokenizer_folder("llama2").string();
  doc["base_model"]["chat_template"] = "{% call foo() %}{% endcall %}";
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("base_model.chat_template: "), std::string::npos)
      << error_at(dir.path() / "spec.json", doc);
}


// base_model.path: the checkpoint's config is the architecture, its content hash the
// identity; synthetic keys do not go with it; a sliding window bounds the spec's lengths.
TEST(SpecFiles, CheckpointBaseModels) {
  testing::ScratchDir dir("spec-checkpoint");
  fs::copy(fs::path(TUNEBENCH_SOURCE_DIR) / "tests/data/hf/llama_gqa_tied", dir.path() / "model");
  nlohmann::json doc = testing::small_spec();
  doc["base_model"] = {{"path", "model"}};
  doc["evaluation"] = {{"task_accuracy", nlohmann::json::object()}};
  const Spec spec = parse_spec(doc, (dir.path() / "spec.json").string());
  EXPECT_EQ(spec.base_model.at("checkpoint").at("sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(spec.base_model.at("architecture").at("vocab_size"), 300);
  EXPECT_EQ(spec.base_model.at("architecture").at("tie_word_embeddings"), true);
  EXPECT_FALSE(spec.base_model.contains("pretraining"));

  doc["base_model"]["pretraining"] = {{"steps", 10}};
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("base_model.pretraining: not with base_model.path"),
            std::string::npos);
  doc["base_model"].erase("pretraining");
  auto config = nlohmann::json::parse(read_file(dir.path() / "model/config.json"));
  config["architectures"] = {"MistralForCausalLM"};
  config["sliding_window"] = 8;
  write_file_atomically(dir.path() / "model/config.json", config.dump());
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("do not fit the model's max_position_embeddings (8)"),
            std::string::npos)
      << error_at(dir.path() / "spec.json", doc);
  doc["base_model"]["path"] = "missing";
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("base_model.path: "), std::string::npos);
}

// A LoRA adapter on layer 0's q_proj of the llama_gqa_tied fixture (hidden 64), A of shape a_shape.
void write_lora_adapter(const fs::path& folder, std::vector<int64_t> a_shape) {
  PeftAdapter adapter;
  adapter.config = {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}, {"target_modules", {"q_proj"}}};
  const std::string key = "base_model.model.model.layers.0.self_attn.q_proj";
  adapter.tensors[key + ".lora_A.weight"] = torch::randn(a_shape);
  adapter.tensors[key + ".lora_B.weight"] = torch::randn({64, 2});
  fs::remove_all(folder);
  save_peft_adapter(adapter, folder);
}

TEST(SpecFiles, PeftAdapterOnACheckpoint) {
  testing::ScratchDir dir("spec-adapter");
  fs::copy(fs::path(TUNEBENCH_SOURCE_DIR) / "tests/data/hf/llama_gqa_tied", dir.path() / "model");
  write_lora_adapter(dir.path() / "adapter", {2, 64});
  nlohmann::json doc = testing::small_spec();
  doc["base_model"] = {{"path", "model"}, {"adapter", "adapter"}};
  doc["evaluation"] = {{"task_accuracy", nlohmann::json::object()}};
  const Spec spec = parse_spec(doc, (dir.path() / "spec.json").string());
  EXPECT_EQ(spec.base_model.at("adapter").at("peft_type"), "LORA");
  const std::string identity = spec.base_model.at("adapter").at("sha256").get<std::string>();
  EXPECT_EQ(identity.size(), 64u);
  write_lora_adapter(dir.path() / "adapter", {2, 64});  // other random tensors: other runs
  EXPECT_NE(parse_spec(doc, (dir.path() / "spec.json").string()).base_model.at("adapter").at("sha256"), identity);

  write_lora_adapter(dir.path() / "adapter", {2, 32});
  const std::string misfit = error_at(dir.path() / "spec.json", doc);
  EXPECT_NE(misfit.find("base_model.adapter: "), std::string::npos) << misfit;
  EXPECT_NE(misfit.find("model.layers.0.self_attn.q_proj: lora_A [2, 32]"), std::string::npos) << misfit;
  doc["base_model"].erase("path");
  EXPECT_NE(error_at(dir.path() / "spec.json", doc).find("base_model.adapter: needs base_model.path"), std::string::npos)
      << error_at(dir.path() / "spec.json", doc);
}

TEST(Spec, TheSlurmBackendsOptionsAreCheckedWithTheirPaths) {
  nlohmann::json doc = small_spec();
  doc["execution"] = {{"backend", "slurm"},
                      {"slurm", {{"partition", "gpu"}, {"time", "1-02:30:00"}, {"mem", "4G"}, {"array_parallelism", 4},
                                 {"extra_args", {"--constraint=avx2"}}}}};
  EXPECT_EQ(error_of(doc), "");
  const Spec spec = parse_spec(doc, "spec.json");
  EXPECT_EQ(spec.execution.at("slurm").at("cpus_per_task"), 0);
  EXPECT_EQ(spec.execution.at("slurm").at("extra_args"), nlohmann::json({"--constraint=avx2"}));

  doc["execution"]["slurm"]["time"] = "90 minutes";
  EXPECT_NE(error_of(doc).find("spec.json: execution.slurm.time: expected a Slurm time limit"), std::string::npos)
      << error_of(doc);
  doc["execution"]["slurm"]["time"] = "90";
  doc["execution"]["slurm"]["mem"] = "4 GB";
  EXPECT_NE(error_of(doc).find("spec.json: execution.slurm.mem: expected a memory size"), std::string::npos)
      << error_of(doc);
  doc["execution"]["slurm"]["mem"] = "4096";
  doc["execution"]["slurm"]["nodes"] = 2;
  EXPECT_NE(error_of(doc).find("execution.slurm.nodes: unknown key"), std::string::npos) << error_of(doc);

  doc = small_spec();
  doc["execution"] = {{"backend", "kubernetes"}};
  EXPECT_NE(error_of(doc).find("execution.backend"), std::string::npos) << error_of(doc);
  doc["execution"] = {{"slurm", {{"partition", "gpu"}}}};  // kept for `run --backend slurm`
  EXPECT_EQ(error_of(doc), "");
}

TEST(Spec, DeviceGpusPerRunAndPrecisionAreCheckedWithTheirPaths) {
  nlohmann::json doc = small_spec();
  EXPECT_EQ(parse_spec(doc, "spec.json").execution.at("device"), "cpu");
  EXPECT_EQ(parse_spec(doc, "spec.json").execution.at("gpus_per_run"), 1);
  for (const char* device : {"cpu", "cuda", "cuda:0", "cuda:7", "auto"}) {
    doc["execution"] = {{"device", device}, {"gpus_per_run", 2}};
    EXPECT_EQ(error_of(doc), "") << device;
  }
  for (const char* device : {"gpu", "cuda:", "cuda:x", "CUDA", "cuda:0,1"}) {
    doc["execution"] = {{"device", device}};
    EXPECT_NE(error_of(doc).find("spec.json: execution.device: expected cpu, cuda, cuda:N (N a GPU index) or auto"),
              std::string::npos) << device << ": " << error_of(doc);
  }
  doc["execution"] = {{"gpus_per_run", 0}};
  EXPECT_NE(error_of(doc).find("execution.gpus_per_run"), std::string::npos) << error_of(doc);
  doc = small_spec();
  doc["training"]["dtype"] = "fp16";
  EXPECT_NE(error_of(doc).find("training.dtype"), std::string::npos) << error_of(doc);
  doc["training"]["dtype"] = "bf16";
  doc["training"]["gradient_checkpointing"] = true;
  doc["training"]["vocabulary_chunk"] = 4096;
  const Spec spec = parse_spec(doc, "spec.json");
  const auto runs = expand_grid(spec);
  EXPECT_EQ(runs.front().config.at("training").at("dtype"), "bf16") << "recorded per run";
  EXPECT_EQ(runs.front().config.at("training").at("vocabulary_chunk"), 4096);
  doc["training"]["dtype"] = "fp32";  // the default: left out of the run's config, its key unchanged
  doc["training"].erase("gradient_checkpointing");
  doc["training"].erase("vocabulary_chunk");
  EXPECT_FALSE(expand_grid(parse_spec(doc, "spec.json")).front().config.at("training").contains("dtype"));
  doc["methods"] = nlohmann::json::parse(R"([{"method": "lift", "filter_rank": 4, "dtype": ["fp32", "bf16"]}])");
  EXPECT_NE(error_of(doc).find("spec.json: methods[0].dtype: LIFT folds its updates into the frozen weights"),
            std::string::npos) << error_of(doc);
  doc["methods"] = nlohmann::json::parse(R"([{"method": "lift", "filter_rank": 4}])");
  doc["training"]["dtype"] = "bf16";
  EXPECT_NE(error_of(doc).find("spec.json: training.dtype: LIFT folds"), std::string::npos) << error_of(doc);
}

}  // namespace
}  // namespace tb
